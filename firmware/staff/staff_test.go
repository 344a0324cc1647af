package staff

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

var (
	opKey    = ed25519.NewKeyFromSeed([]byte("venuekiosk staff test operator 1"))
	otherKey = ed25519.NewKeyFromSeed([]byte("venuekiosk staff test stranger 2"))
	from     = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	until    = time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC)
	mid      = time.Date(2026, 11, 23, 9, 30, 0, 0, time.UTC)
)

func pub(k ed25519.PrivateKey) ed25519.PublicKey { return k.Public().(ed25519.PublicKey) }

func sign(t testing.TB, c Card, k ed25519.PrivateKey) string {
	t.Helper()
	s, err := Sign(c, k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// revoked is a fake revocation list.
type revoked map[string]bool

func (r revoked) StaffRevoked(_ context.Context, id string) (bool, error) {
	if id == "BROKEN" {
		return false, errors.New("disk on fire")
	}
	return r[id], nil
}

func TestSignVerify(t *testing.T) {
	for _, role := range Roles() {
		c := Card{ID: "CM-0042", Role: role, From: from, Until: until}
		text := sign(t, c, opKey)
		if !IsCard(text) || len(text) > MaxCard {
			t.Fatalf("%s: %q is not a card of at most %d bytes", role, text, MaxCard)
		}
		v := &Verifier{Keys: []ed25519.PublicKey{pub(opKey)}, Revoked: revoked{}}
		got, err := v.Verify(text+"\r\n", mid)
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if !reflect.DeepEqual(*got, c) {
			t.Errorf("%s: got %+v, want %+v", role, *got, c)
		}
	}
}

func TestCardIsQRAlphanumeric(t *testing.T) {
	text := sign(t, Card{ID: "A-1", Role: Supervisor, From: from, Until: until}, opKey)
	for i := 0; i < len(text); i++ {
		if !alphanumeric(text[i]) {
			t.Fatalf("%q: byte %d (%q) is not QR alphanumeric", text, i, text[i])
		}
	}
	if got, want := len(text), len("VKSTAFF1:SUPERVISOR:A-1:202611010000:202711010000:")+sigLen; got != want {
		t.Errorf("length %d, want %d", got, want)
	}
}

func TestVerifyRefuses(t *testing.T) {
	good := Card{ID: "CM-0042", Role: Guard, From: from, Until: until}
	text := sign(t, good, opKey)
	keys := []ed25519.PublicKey{pub(opKey)}
	// A signature over the body with the provisioning file's context,
	// and one with no context at all.
	body := text[:strings.LastIndexByte(text, ':')]
	provCtx := ed25519.Sign(opKey, append([]byte("venuekiosk provision v1\x00"), body...))
	noCtx := ed25519.Sign(opKey, []byte(body))
	for _, tc := range []struct {
		name    string
		payload string
		keys    []ed25519.PublicKey
		at      time.Time
		want    error
	}{
		{"forged: another key", sign(t, good, otherKey), keys, mid, ErrSignature},
		{"signed for provisioning", body + ":" + sigEncoding.EncodeToString(provCtx), keys, mid, ErrSignature},
		{"signed without context", body + ":" + sigEncoding.EncodeToString(noCtx), keys, mid, ErrSignature},
		{"role changed", strings.Replace(text, ":GUARD:", ":SUPERVISOR:", 1), keys, mid, ErrSignature},
		{"id changed", strings.Replace(text, "CM-0042", "CM-0043", 1), keys, mid, ErrSignature},
		{"until changed", strings.Replace(text, ":202711010000:", ":202911010000:", 1), keys, mid, ErrSignature},
		{"from changed", strings.Replace(text, ":202611010000:", ":202511010000:", 1), keys, mid, ErrSignature},
		{"no key", text, nil, mid, ErrNoKey},
		{"expired", text, keys, until, ErrExpired},
		{"expired long ago", text, keys, until.AddDate(3, 0, 0), ErrExpired},
		{"not yet valid", text, keys, from.Add(-time.Minute), ErrNotYetValid},
		{"too long", text + strings.Repeat("A", MaxCard), keys, mid, ErrMalformed},
		{"lower case", strings.ToLower(text), keys, mid, ErrMalformed},
		{"no prefix", strings.TrimPrefix(text, "VKSTAFF1:"), keys, mid, ErrMalformed},
		{"other version", strings.Replace(text, "VKSTAFF1:", "VKSTAFF2:", 1), keys, mid, ErrMalformed},
		{"short signature", text[:len(text)-1], keys, mid, ErrMalformed},
		{"long signature", text + "A", keys, mid, ErrMalformed},
		{"signature not base32", text[:len(text)-2] + "18", keys, mid, ErrMalformed},
		{"prefix only", Prefix, keys, mid, ErrMalformed},
		{"empty", "", keys, mid, ErrMalformed},
		{"NUL", text[:20] + "\x00" + text[21:], keys, mid, ErrMalformed},
		{"UTF-8", "VKSTAFF1:GUARD:中:" + text[len(body)-26:], keys, mid, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Keys: tc.keys, Revoked: revoked{}}
			c, err := v.Verify(tc.payload, tc.at)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, %v; want %v", c, err, tc.want)
			}
		})
	}
}

func TestRevoked(t *testing.T) {
	text := sign(t, Card{ID: "CM-0042", Role: Supervisor, From: from, Until: until}, opKey)
	v := &Verifier{Keys: []ed25519.PublicKey{pub(opKey)}, Revoked: revoked{"CM-0042": true}}
	if _, err := v.Verify(text, mid); !errors.Is(err, ErrRevoked) {
		t.Errorf("revoked card: got %v, want ErrRevoked", err)
	}
	other := sign(t, Card{ID: "CM-0044", Role: Supervisor, From: from, Until: until}, opKey)
	if _, err := v.Verify(other, mid); err != nil {
		t.Errorf("another card: %v", err)
	}
	broken := sign(t, Card{ID: "BROKEN", Role: Supervisor, From: from, Until: until}, opKey)
	if _, err := v.Verify(broken, mid); !errors.Is(err, ErrLookup) {
		t.Errorf("a failing lookup: got %v, want ErrLookup (refused, not admitted)", err)
	}
}

func TestSecondKey(t *testing.T) {
	// While the operator replaces a key, cards of either verify.
	v := &Verifier{Keys: []ed25519.PublicKey{pub(otherKey), pub(opKey)}}
	for _, k := range []ed25519.PrivateKey{opKey, otherKey} {
		if _, err := v.Verify(sign(t, Card{ID: "X", Role: Guard, From: from, Until: until}, k), mid); err != nil {
			t.Error(err)
		}
	}
}

// TestSignedButMalformed: a field the signer got wrong is refused after
// the signature, as malformed.
func TestSignedButMalformed(t *testing.T) {
	for _, body := range []string{
		"VKSTAFF1:JANITOR:X:202611010000:202711010000",
		"VKSTAFF1:GUARD::202611010000:202711010000",
		"VKSTAFF1:GUARD:" + strings.Repeat("A", MaxID+1) + ":202611010000:202711010000",
		"VKSTAFF1:GUARD:X:20261101000:202711010000",
		"VKSTAFF1:GUARD:X:202613010000:202711010000",
		"VKSTAFF1:GUARD:X:202711010000:202611010000",
		"VKSTAFF1:GUARD:X:202611010000:202611010000",
		"VKSTAFF1:GUARD:X:202611010000:204011010000",
		"VKSTAFF1:GUARD:X:Y:202611010000:202711010000",
		"VKSTAFF1:GUARD:X:202611010000",
	} {
		text := body + ":" + sigEncoding.EncodeToString(ed25519.Sign(opKey, signedBytes(body)))
		if _, err := Open(text, []ed25519.PublicKey{pub(opKey)}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: got %v, want ErrMalformed", body, err)
		}
	}
}

func TestSignRejects(t *testing.T) {
	for _, c := range []Card{
		{ID: "lower", Role: Guard, From: from, Until: until},
		{ID: "X", Role: "guard", From: from, Until: until},
		{ID: "X", Role: "CLEANER", From: from, Until: until},
		{ID: "X", Role: Guard, From: until, Until: from},
		{ID: "X", Role: Guard, From: from, Until: from.Add(30 * time.Second)}, // same minute
		{ID: "X", Role: Guard, From: from, Until: from.AddDate(6, 0, 0)},
		{ID: "X", Role: Guard, Until: until},
	} {
		if s, err := Sign(c, opKey); err == nil {
			t.Errorf("%+v: signed %q, want an error", c, s)
		}
	}
	if _, err := Sign(Card{ID: "X", Role: Guard, From: from, Until: until}, nil); err == nil {
		t.Error("no key: want an error")
	}
}

func TestParseRole(t *testing.T) {
	for s, want := range map[string]Role{"guard": Guard, "SUPERVISOR": Supervisor, "Technician": Technician} {
		if got, err := ParseRole(s); err != nil || got != want {
			t.Errorf("ParseRole(%q): got %q, %v; want %q", s, got, err, want)
		}
	}
	for _, s := range []string{"", "admin", "guards"} {
		if _, err := ParseRole(s); err == nil {
			t.Errorf("ParseRole(%q): want an error", s)
		}
	}
}

func TestCategoryCodes(t *testing.T) {
	want := map[string]Category{
		"VKEXEMPT:UNDER12": Under12, "VKEXEMPT:65PLUS": Over65, "VKEXEMPT:DISABILITY": Disability, "VKEXEMPT:OTHER": Other,
	}
	if got := len(Categories()); got != len(want) {
		t.Fatalf("%d categories, want %d", got, len(want))
	}
	for _, c := range Categories() {
		if want[c.Code()] != c {
			t.Errorf("%s: code %q", c, c.Code())
		}
		for i := 0; i < len(c.Code()); i++ {
			if !alphanumeric(c.Code()[i]) {
				t.Errorf("%s: %q is not QR alphanumeric", c, c.Code())
			}
		}
		if got, err := ParseCategory(string(c)); err != nil || got != c {
			t.Errorf("ParseCategory(%q): got %q, %v", c, got, err)
		}
	}
	for code, c := range want {
		got, err := ParseCategoryCode(code + "\r")
		if err != nil || got != c || !IsCategoryCode(code) {
			t.Errorf("%s: got %q, %v", code, got, err)
		}
	}
	for _, bad := range []string{"VKEXEMPT:", "VKEXEMPT:under12", "VKEXEMPT:UNDER13", "VKEXEMPT:UNDER12X", "EXEMPT:UNDER12", "VKEXEMPT:" + strings.Repeat("A", 40)} {
		if c, err := ParseCategoryCode(bad); err == nil {
			t.Errorf("%q: got %q, want an error", bad, c)
		}
	}
	for _, bad := range []string{"", "UNDER12", "over65", "65+"} {
		if _, err := ParseCategory(bad); err == nil {
			t.Errorf("ParseCategory(%q): want an error", bad)
		}
	}
	if IsCategoryCode("HC1:xyz") || IsCard("VKEXEMPT:OTHER") {
		t.Error("prefixes confused")
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(sign(f, Card{ID: "CM-0042", Role: Guard, From: from, Until: until}, opKey))
	f.Add("VKSTAFF1:GUARD:X:202611010000:202711010000:AAAA")
	f.Add(sign(f, Card{ID: "CM-0042", Role: Supervisor, From: from, Until: until, Venues: []string{"CM-01", "CM-02"}}, opKey))
	f.Add(sign(f, Card{ID: "CM-0042", Role: Technician, From: from, Until: until, Kiosks: []string{"K1"}}, opKey))
	f.Add("")
	keys := []ed25519.PublicKey{pub(opKey)}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Open(s, keys)
		if err == nil {
			// Whatever verifies must sign back to itself.
			again, err := Sign(*c, opKey)
			if err != nil || again != trim(s) {
				t.Fatalf("%q verified as %+v but signs as %q (%v)", s, c, again, err)
			}
		}
	})
}

func ExampleSign() {
	operator := ed25519.NewKeyFromSeed([]byte("example operator key, never use!"))
	card, _ := Sign(Card{ID: "CM-0042", Role: Guard,
		From: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), Until: time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC)}, operator)
	fmt.Println(card)
	// Output:
	// VKSTAFF1:GUARD:CM-0042:202611010000:202711010000:KTNNIU6Q6IU2K355UMCDVKRRUM2GOUXWR76J4AONLDXGKZIL6B7PE6YEZKV2LHKN3P5H5D2NRSD4N25HQZ5DODQT2HNG4Q6JA65XEAQ
}
