package samples

import (
	"context"
	"crypto/ed25519"
	"errors"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

type revokedList []string

func (r revokedList) StaffRevoked(_ context.Context, id string) (bool, error) {
	for _, x := range r {
		if x == id {
			return true, nil
		}
	}
	return false, nil
}

// TestStaffSamples: the cards verify (or not) as their names say, with the
// set's operator key and revocations; the codes and posters are what they
// claim.
func TestStaffSamples(t *testing.T) {
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	s, err := Make(at)
	if err != nil {
		t.Fatal(err)
	}
	v := &staff.Verifier{Keys: []ed25519.PublicKey{s.OperatorKey.Public().(ed25519.PublicKey)}, Revoked: revokedList(s.StaffRevocations),
		MaxLife: func(r staff.Role) time.Duration { return policy.Default().Staff.MaxCardLife(string(r)) }}
	want := map[string]error{
		"Staff card: guard (then a category)":                                       nil,
		"Staff card: supervisor (opens entry, or closes it)":                        nil,
		"Staff card: technician (then the venue's poster)":                          nil,
		"Staff card: guard, expired":                                                staff.ErrExpired,
		"Staff card: supervisor, revoked":                                           staff.ErrRevoked,
		"Staff card: supervisor, forged":                                            staff.ErrSignature,
		"Staff card: supervisor, valid for 5 years (longer than the policy allows)": staff.ErrTooLong,
	}
	kinds := map[string]int{}
	for _, sm := range s.Staff {
		kinds[sm.Kind]++
		switch sm.Kind {
		case KindStaff:
			w, ok := want[sm.Name]
			if !ok {
				t.Errorf("%s: unexpected card", sm.Name)
				continue
			}
			_, err := v.Verify(sm.Payload, at.Add(time.Minute))
			if !errors.Is(err, w) || (w == nil) != (err == nil) {
				t.Errorf("%s: got %v, want %v", sm.Name, err, w)
			}
			if (w == nil) != (sm.Expect == "green") {
				t.Errorf("%s: expect %q", sm.Name, sm.Expect)
			}
		case KindCategory:
			if _, err := staff.ParseCategoryCode(sm.Payload); err != nil {
				t.Errorf("%s: %v", sm.Name, err)
			}
		case KindPoster:
			p, err := hken.Decode(sm.Payload)
			if err != nil || p.ID != PosterVenue.ID {
				t.Errorf("%s: %+v, %v", sm.Name, p, err)
			}
		default:
			t.Errorf("%s: kind %q", sm.Name, sm.Kind)
		}
	}
	if kinds[KindStaff] != 7 || kinds[KindCategory] != 4 || kinds[KindPoster] != 2 {
		t.Errorf("kinds: %v", kinds)
	}
	if sm, ok := s.StaffSample("LeaveHomeSafe poster, wrong"); !ok {
		t.Error("no wrong-hash poster")
	} else if p, _ := hken.Decode(sm.Payload); p == nil || p.HashOK {
		t.Error("the wrong-hash poster's hash matches")
	}
	for _, sm := range s.Samples {
		if sm.Kind != "" {
			t.Errorf("pass sample %s has kind %q", sm.Name, sm.Kind)
		}
	}
}
