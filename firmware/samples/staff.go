package samples

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/hken"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
)

// Kinds of the door's samples (Sample.Kind).
const (
	KindStaff    = "staff"    // a staff card
	KindCategory = "category" // a printed exemption category code
	KindPoster   = "poster"   // a LeaveHomeSafe venue poster (for setup)
)

// Sample staff card ids.
const (
	GuardCard      = "SIM-GUARD-1"
	SupervisorCard = "SIM-SUP-1"
	TechnicianCard = "SIM-TECH-1"
	RevokedCard    = "SIM-SUP-LOST"
)

// PosterVenue is the venue of the sample LeaveHomeSafe poster: a
// technician's card and then this poster set the simulated kiosk's venue.
var PosterVenue = hken.Venue{Code: "0", ID: "TPHM2020", NameEn: "Tai Po Hui Market", NameZh: "大埔墟街市", Type: "IMPORT", TypeEn: "Market", TypeZh: "街市"}

// VenueNames are the venue names the samples carry, for the panel font's
// coverage test.
func VenueNames() []string {
	return []string{PosterVenue.NameEn, PosterVenue.NameZh, PosterVenue.TypeEn, PosterVenue.TypeZh}
}

// addStaff makes the staff cards (valid for each role, expired, revoked,
// forged), signed with the operator's key, the category codes and the
// posters.
func (s *Set) addStaff() error {
	_, stranger, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	valid := func(id string, r staff.Role) staff.Card {
		// Within every role's default lifetime (firmware/policy StaffRule).
		return staff.Card{ID: id, Role: r, From: s.At.AddDate(0, 0, -7), Until: s.At.AddDate(0, 0, 60)}
	}
	for _, c := range []struct {
		name   string
		card   staff.Card
		key    ed25519.PrivateKey
		expect string
	}{
		{"Staff card: guard (then a category)", valid(GuardCard, staff.Guard), s.OperatorKey, "green"},
		{"Staff card: supervisor (opens entry, or closes it)", valid(SupervisorCard, staff.Supervisor), s.OperatorKey, "green"},
		{"Staff card: technician (then the venue's poster)", valid(TechnicianCard, staff.Technician), s.OperatorKey, "green"},
		{"Staff card: guard, expired", staff.Card{ID: "SIM-GUARD-OLD", Role: staff.Guard, From: s.At.AddDate(-1, 0, -30), Until: s.At.AddDate(0, 0, -30)}, s.OperatorKey, "red"},
		{"Staff card: supervisor, revoked", valid(RevokedCard, staff.Supervisor), s.OperatorKey, "red"},
		{"Staff card: supervisor, forged", valid(SupervisorCard, staff.Supervisor), stranger, "red"},
		{"Staff card: supervisor, valid for 5 years (longer than the policy allows)", staff.Card{ID: "SIM-SUPER-LONG", Role: staff.Supervisor, From: s.At.AddDate(0, 0, -7), Until: s.At.AddDate(5, 0, -7)}, s.OperatorKey, "red"},
	} {
		text, err := staff.Sign(c.card, c.key)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		s.Staff = append(s.Staff, Sample{Name: c.name, Payload: text, Expect: c.expect, Kind: KindStaff})
	}
	s.StaffRevocations = []string{RevokedCard}
	names := map[staff.Category]string{staff.Under12: "under 12", staff.Over65: "65 or above", staff.Disability: "disability", staff.Other: "other"}
	for _, c := range staff.Categories() {
		s.Staff = append(s.Staff, Sample{Name: "Category: " + names[c], Payload: c.Code(), Kind: KindCategory})
	}
	good, err := hken.Encode(&PosterVenue)
	if err != nil {
		return err
	}
	// The same poster carrying another venue's hash: a damaged or made-up
	// code, refused in setup.
	other := PosterVenue
	other.ID = "XXXXXXXX"
	bad, err := hken.Encode(&other)
	if err != nil {
		return err
	}
	bad = strings.Replace(bad, other.ID, PosterVenue.ID, 1)
	s.Staff = append(s.Staff,
		Sample{Name: "LeaveHomeSafe poster: " + PosterVenue.NameEn + " (setup)", Payload: good, Kind: KindPoster},
		Sample{Name: "LeaveHomeSafe poster, wrong hash", Payload: bad, Kind: KindPoster},
	)
	return nil
}

// StaffSample returns the door's sample whose name starts with prefix.
func (s *Set) StaffSample(prefix string) (Sample, bool) {
	for _, sm := range s.Staff {
		if strings.HasPrefix(sm.Name, prefix) {
			return sm, true
		}
	}
	return Sample{}, false
}
