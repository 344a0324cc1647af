package venueqr

import (
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

var (
	testKey = ed25519.NewKeyFromSeed([]byte("venuekiosk venueqr test seed 32b"))
	t0      = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
)

// alnum is the QR alphanumeric character set.
const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

func signer(t testing.TB, venue string) *Signer {
	t.Helper()
	s, err := NewSigner(venue, testKey, DefaultPeriod)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	for _, venue := range []string{
		"A", "_", "CM-01", "central_market", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcde",
		"fghijklmnopqrstuvwxyz0123456789-", "_-9876543210zyxwvutsrqponmlkjihg",
	} {
		s := signer(t, venue)
		p, made, err := s.Payload(t0)
		if err != nil {
			t.Fatalf("%s: %v", venue, err)
		}
		if len(p) > MaxPayload {
			t.Errorf("%s: %d characters, more than MaxPayload %d", venue, len(p), MaxPayload)
		}
		for _, r := range p {
			if !strings.ContainsRune(alnum, r) || r == ' ' {
				t.Errorf("%s: %q is not in the QR alphanumeric set (or is a space)", venue, r)
				break
			}
		}
		got, err := Verify(s.Public(), p, t0, DefaultPeriod)
		if err != nil {
			t.Fatalf("%s: Verify: %v", venue, err)
		}
		if got != made || got.Venue != venue || got.Slot != t0.Unix()/120 {
			t.Errorf("%s: got %+v, want %+v", venue, got, made)
		}
	}
	if p, _, _ := signer(t, strings.Repeat("z", 32)).Payload(t0); len(p) != MaxPayload {
		t.Errorf("a 32-character venue id: %d characters, want MaxPayload %d", len(p), MaxPayload)
	}
	if p, _, _ := signer(t, "z").Payload(t0); len(p) != minPayload {
		t.Errorf("a 1-character venue id: %d characters, want minPayload %d", len(p), minPayload)
	}
}

func TestSlotWindow(t *testing.T) {
	s := signer(t, "CM-01")
	slotStart := time.Unix(t0.Unix()/120*120, 0)
	p, code, err := s.Payload(slotStart.Add(17 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if !code.Start().Equal(slotStart) || !code.End().Equal(slotStart.Add(120*time.Second)) {
		t.Errorf("slot %v–%v, want %v–", code.Start(), code.End(), slotStart)
	}
	for _, tc := range []struct {
		name string
		at   time.Time
		want error
	}{
		{"start of its slot", slotStart, nil},
		{"end of its slot", slotStart.Add(119 * time.Second), nil},
		{"the next slot (previous slot accepted)", slotStart.Add(120 * time.Second), nil},
		{"end of the next slot", slotStart.Add(239 * time.Second), nil},
		{"two slots on", slotStart.Add(240 * time.Second), ErrExpired},
		{"a day on", slotStart.Add(24 * time.Hour), ErrExpired},
		{"the slot before (a future code)", slotStart.Add(-time.Second), ErrNotYetValid},
		{"long before", slotStart.Add(-time.Hour), ErrNotYetValid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(s.Public(), p, tc.at, DefaultPeriod)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		})
	}
	// A verifier configured with another period reads another slot.
	if _, err := Verify(s.Public(), p, slotStart, 60*time.Second); err == nil {
		t.Error("period 60s for a 120s code: accepted")
	}
}

// resign builds a code from an arbitrary body with a valid signature, to
// prove that checks other than the signature reject it.
func resign(b []byte) string {
	return Prefix + b32.EncodeToString(append(b, ed25519.Sign(testKey, signed(b))...))
}

func TestVerifyRejects(t *testing.T) {
	s := signer(t, "CM-01")
	good, _, _ := s.Payload(t0)
	pub := s.Public()
	otherPub := ed25519.NewKeyFromSeed(make([]byte, 32)).Public().(ed25519.PublicKey)
	flip := func(i int) string {
		b := []byte(good)
		c := b[i]
		b[i] = 'A'
		if c == 'A' {
			b[i] = 'B'
		}
		return string(b)
	}
	slot := uint32(t0.Unix() / 120)
	badPad := body("CM-01", slot)
	badPad[4] |= 1 // "CM-01" is 30 bits: the last 2 bits of byte 4 are padding
	badHeader := body("CM-01", slot)
	badHeader[0] |= 0x80
	shortHeader := body("CM-01", slot)
	shortHeader[0] = 3 // says 4 characters, carries 5

	for _, tc := range []struct {
		name    string
		pub     ed25519.PublicKey
		payload string
		period  time.Duration
		want    error
	}{
		{"another kiosk's key", otherPub, good, DefaultPeriod, ErrSignature},
		{"changed venue", pub, flip(len(Prefix) + 2), DefaultPeriod, ErrSignature},
		{"changed slot", pub, flip(len(Prefix) + 10), DefaultPeriod, ErrSignature},
		{"changed signature", pub, flip(len(good) - 5), DefaultPeriod, ErrSignature},
		{"empty", pub, "", DefaultPeriod, ErrMalformed},
		{"prefix only", pub, Prefix, DefaultPeriod, ErrMalformed},
		{"other prefix", pub, "VK2:" + good[4:], DefaultPeriod, ErrMalformed},
		{"lower case", pub, Prefix + strings.ToLower(good[4:]), DefaultPeriod, ErrMalformed},
		{"trailing newline", pub, good + "\n", DefaultPeriod, ErrMalformed},
		{"line break inside", pub, good[:20] + "\n" + good[20:len(good)-1], DefaultPeriod, ErrMalformed},
		{"padding", pub, good + "===", DefaultPeriod, ErrMalformed},
		{"truncated", pub, good[:len(good)-1], DefaultPeriod, ErrMalformed},
		{"too long", pub, good + strings.Repeat("A", MaxPayload), DefaultPeriod, ErrMalformed},
		{"not base32", pub, good[:len(good)-1] + "1", DefaultPeriod, ErrMalformed},
		{"reserved header bits", pub, resign(badHeader), DefaultPeriod, ErrMalformed},
		{"length disagrees with header", pub, resign(shortHeader), DefaultPeriod, ErrMalformed},
		{"non-zero venue padding", pub, resign(badPad), DefaultPeriod, ErrMalformed},
		{"short public key", pub[:31], good, DefaultPeriod, ErrBadArgument},
		{"period too short", pub, good, 10 * time.Second, ErrBadArgument},
		{"period not whole seconds", pub, good, 120500 * time.Millisecond, ErrBadArgument},
		{"period too long", pub, good, 25 * time.Hour, ErrBadArgument},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.pub, tc.payload, t0, tc.period)
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
			}
		})
	}
	if _, err := Verify(pub, resign(body("CM-01", slot)), t0, DefaultPeriod); err != nil {
		t.Errorf("test setup: resign of a good body: %v", err)
	}
}

func TestNewSignerRejects(t *testing.T) {
	for _, tc := range []struct {
		name   string
		venue  string
		key    ed25519.PrivateKey
		period time.Duration
	}{
		{"empty venue", "", testKey, DefaultPeriod},
		{"33 characters", strings.Repeat("a", 33), testKey, DefaultPeriod},
		{"space", "Central Market", testKey, DefaultPeriod},
		{"dot", "cm.01", testKey, DefaultPeriod},
		{"Chinese", "中環", testKey, DefaultPeriod},
		{"period 29s", "CM", testKey, 29 * time.Second},
		{"period 25h", "CM", testKey, 25 * time.Hour},
		{"period 90.5s", "CM", testKey, 90500 * time.Millisecond},
		{"seed instead of key", "CM", testKey.Seed(), DefaultPeriod},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewSigner(tc.venue, tc.key, tc.period); !errors.Is(err, ErrBadArgument) {
				t.Errorf("%s: got %v, want ErrBadArgument", tc.name, err)
			}
		})
	}
	if _, _, err := signer(t, "CM").Payload(time.Unix(-1, 0)); !errors.Is(err, ErrBadArgument) {
		t.Errorf("a time before 1970: got %v, want ErrBadArgument", err)
	}
}

func TestSlotAt(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		p    time.Duration
		want int64
	}{
		{0, 120 * time.Second, 0},
		{119, 120 * time.Second, 0},
		{120, 120 * time.Second, 1},
		{-1, 120 * time.Second, -1},
		{1795424400, 30 * time.Second, 59847480},
	} {
		t.Run(fmt.Sprintf("%d every %v", tc.unix, tc.p), func(t *testing.T) {
			if got := SlotAt(time.Unix(tc.unix, 0), tc.p); got != tc.want {
				t.Errorf("SlotAt(%d, %v): got %d, want %d", tc.unix, tc.p, got, tc.want)
			}
		})
	}
}

func TestBodyLayout(t *testing.T) {
	// "AB" = 0, 1 → 000000 000001 → 0x00 0x10
	b := body("AB", 0x01020304)
	want := []byte{1, 0x00, 0x10, 1, 2, 3, 4}
	if string(b) != string(want) {
		t.Errorf("body(AB): got % x, want % x", b, want)
	}
	if got := binary.BigEndian.Uint32(b[3:]); got != 0x01020304 {
		t.Errorf("slot: got %x", got)
	}
}

func BenchmarkPayload(b *testing.B) {
	s := signer(b, "central_market-01")
	for b.Loop() {
		s.Payload(t0)
	}
}

func BenchmarkVerify(b *testing.B) {
	s := signer(b, "central_market-01")
	p, _, _ := s.Payload(t0)
	for b.Loop() {
		Verify(s.Public(), p, t0, DefaultPeriod)
	}
}
