package staff

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// policyLife is the default policy's bound: a year for guards, 92 days for
// supervisors and technicians.
func policyLife(r Role) time.Duration {
	if r == Guard {
		return 366 * 24 * time.Hour
	}
	return 92 * 24 * time.Hour
}

// TestLifetimeBoundByPolicy: a card valid for longer than the policy
// allows its role is refused, however valid its signature and dates.
func TestLifetimeBoundByPolicy(t *testing.T) {
	v := &Verifier{Keys: []ed25519.PublicKey{pub(opKey)}, MaxLife: policyLife}
	for _, tc := range []struct {
		role Role
		life time.Duration
		ok   bool
	}{
		{Guard, 365 * 24 * time.Hour, true},
		{Guard, 5 * 365 * 24 * time.Hour, false},
		{Supervisor, 90 * 24 * time.Hour, true},
		{Supervisor, 365 * 24 * time.Hour, false},
		{Technician, 93 * 24 * time.Hour, false},
	} {
		t.Run(fmt.Sprintf("%v %v", tc.role, tc.life), func(t *testing.T) {
			card := sign(t, Card{ID: "CM-1", Role: tc.role, From: from, Until: from.Add(tc.life)}, opKey)
			_, err := v.Verify(card, mid)
			if tc.ok != (err == nil) || !tc.ok && !errors.Is(err, ErrTooLong) {
				t.Errorf("%s card for %v: %v; want ok %v", tc.role, tc.life, err, tc.ok)
			}
		})
	}
}

// TestBoundCards: a card bound to venues or kiosks works only there.
func TestBoundCards(t *testing.T) {
	for _, tc := range []struct {
		name         string
		card         Card
		venue, kiosk string
		ok           bool
	}{
		{"venue", Card{Venues: []string{"CM-01", "cm-02"}}, "cm-02", "K9", true},
		{"other venue", Card{Venues: []string{"CM-01"}}, "CM-03", "K9", false},
		{"kiosk", Card{Kiosks: []string{"K1", "K2"}}, "CM-01", "k2", true},
		{"other kiosk", Card{Kiosks: []string{"K1"}}, "CM-01", "K2", false},
		{"kiosk without id", Card{Kiosks: []string{"K1"}}, "CM-01", "", false},
		{"unbound", Card{}, "", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.card
			c.ID, c.Role, c.From, c.Until = "CM-7", Supervisor, from, from.AddDate(0, 1, 0)
			text := sign(t, c, opKey)
			v := &Verifier{Keys: []ed25519.PublicKey{pub(opKey)}, Venue: tc.venue, Kiosk: tc.kiosk}
			got, err := v.Verify(text, mid)
			if tc.ok != (err == nil) || !tc.ok && !errors.Is(err, ErrElsewhere) {
				t.Errorf("%s: %v; want ok %v", tc.name, err, tc.ok)
			}
			if got != nil && len(c.Venues)+len(c.Kiosks) > 0 && len(got.Venues)+len(got.Kiosks) == 0 {
				t.Errorf("%s: the binding was lost: %+v", tc.name, got)
			}
		})
	}
	// The binding is signed: stripped or changed, the card is forged.
	text := sign(t, Card{ID: "CM-7", Role: Supervisor, From: from, Until: from.AddDate(0, 1, 0), Venues: []string{"CM-01"}}, opKey)
	i := strings.Index(text, ":V/CM-01")
	for _, forged := range []string{text[:i] + text[i+len(":V/CM-01"):], strings.Replace(text, "V/CM-01", "V/CM-02", 1)} {
		if _, err := Open(forged, []ed25519.PublicKey{pub(opKey)}); !errors.Is(err, ErrSignature) {
			t.Errorf("%q: %v; want ErrSignature", forged, err)
		}
	}
	for _, bad := range []Card{
		{Venues: []string{"A"}, Kiosks: []string{"B"}},
		{Venues: []string{"A_B"}},
		{Kiosks: make([]string, MaxScope+1)},
	} {
		bad.ID, bad.Role, bad.From, bad.Until = "CM-7", Guard, from, until
		if _, err := Sign(bad, opKey); err == nil {
			t.Errorf("Sign(%+v): want an error", bad)
		}
	}
	long := Card{ID: strings.Repeat("X", MaxID), Role: Technician, From: from, Until: until}
	for range MaxScope {
		long.Venues = append(long.Venues, strings.Repeat("V", 32))
	}
	if s := sign(t, long, opKey); len(s) > MaxCard {
		t.Errorf("the longest bound card is %d bytes; MaxCard is %d", len(s), MaxCard)
	}
}

func TestIDHash(t *testing.T) {
	a, b := IDHash("CM-0042"), IDHash("CM-0043")
	if len(a) != 16 || a == b || IDHash("CM-0042") != a || strings.Contains(a, "CM") {
		t.Errorf("IDHash: %q, %q", a, b)
	}
}
