package samples

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
	"github.com/venuekiosk/venuekiosk/firmware/verify/nzcp"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Sample is one sample pass and the verdict the default policy gives it
// while the sample data is fresh.
type Sample struct {
	Name    string `json:"name"`
	Payload string `json:"payload"`
	Expect  string `json:"expect"` // green, amber or red
	// Reason is the reason code a red or amber sample must carry.
	Reason pass.Code `json:"reason,omitempty"`
	// Holder is the fictitious holder's name and date of birth, so that
	// privacy tests can search for them; empty where the format masks it.
	Holder pass.Holder `json:"-"`
	// ID is the pass identifier the sample authenticates to (zero for
	// samples that never authenticate).
	ID pass.ID `json:"-"`
	// Kind is "" for a pass; for the door's samples (Set.Staff) KindStaff,
	// KindCategory or KindPoster.
	Kind string `json:"kind,omitempty"`
}

// Set is a complete set of sample data.
type Set struct {
	At          time.Time // what the samples are dated relative to
	Trust       []*pass.Key
	Revocations []pass.ID
	Codes       []store.CodeEntry
	Samples     []Sample

	// Issuer keys, for tests that make more passes.
	DCCKey *ecdsa.PrivateKey
	DCCKID []byte
	SHCKey *ecdsa.PrivateKey
	SHCKID string
	SHCIss string
	HKKey  *ecdsa.PrivateKey

	// The door (staff.go): the operator's key that signs the sample staff
	// cards, the cards, category codes and LeaveHomeSafe posters, and the
	// card ids the operator revoked.
	OperatorKey      ed25519.PrivateKey
	Staff            []Sample
	StaffRevocations []string
}

// SHCIssuer is the sample SMART Health Card issuer URL.
const SHCIssuer = "https://issuer.example.venuekiosk.invalid"

// Issuers are the sample issuers' and the sample operator's keys: kept,
// they keep saved sample payloads valid across sample sets (the
// simulator's state directory).
type Issuers struct {
	DCC, SHC, HK *ecdsa.PrivateKey
	Operator     ed25519.PrivateKey
}

// NewIssuers makes fresh throw-away issuer and operator keys.
func NewIssuers() (*Issuers, error) {
	iss := &Issuers{}
	var err error
	for _, k := range []**ecdsa.PrivateKey{&iss.DCC, &iss.SHC, &iss.HK} {
		if *k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			return nil, err
		}
	}
	if _, iss.Operator, err = ed25519.GenerateKey(rand.Reader); err != nil {
		return nil, err
	}
	return iss, nil
}

// Make creates fresh throw-away issuers and a sample set dated relative to
// at.
func Make(at time.Time) (*Set, error) {
	iss, err := NewIssuers()
	if err != nil {
		return nil, err
	}
	return MakeWith(at, iss)
}

// MakeWith makes a sample set dated relative to at, signed by iss.
func MakeWith(at time.Time, iss *Issuers) (*Set, error) {
	if iss == nil || iss.DCC == nil || iss.SHC == nil || iss.HK == nil || len(iss.Operator) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("samples: incomplete issuer keys")
	}
	s := &Set{At: at.UTC().Truncate(time.Second), SHCIss: SHCIssuer,
		DCCKey: iss.DCC, SHCKey: iss.SHC, HKKey: iss.HK, OperatorKey: iss.Operator}
	var err error
	pub, _ := s.DCCKey.PublicKey.ECDH()
	h := sha256.Sum256(pub.Bytes())
	s.DCCKID = h[:8]
	s.Trust = append(s.Trust, dcc.TrustedKey(&s.DCCKey.PublicKey, s.DCCKID, "XA"))

	if s.SHCKID, err = shc.KID(&s.SHCKey.PublicKey); err != nil {
		return nil, err
	}
	formats := verify.Namings()
	sk := trust.PublicJWK(&s.SHCKey.PublicKey, s.SHCKID)
	sk.Iss = s.SHCIss
	k, err := sk.Key(shc.New().Naming(), formats)
	if err != nil {
		return nil, err
	}
	s.Trust = append(s.Trust, k)
	for _, kid := range hksarg.SampleKIDs() {
		j := trust.PublicJWK(&s.HKKey.PublicKey, kid)
		k, err := j.Key(hksarg.New().Naming(), formats)
		if err != nil {
			return nil, err
		}
		s.Trust = append(s.Trust, k)
	}

	if err := s.addDCC(); err != nil {
		return nil, fmt.Errorf("samples: dcc: %w", err)
	}
	if err := s.addSHC(); err != nil {
		return nil, fmt.Errorf("samples: shc: %w", err)
	}
	if err := s.addHK(); err != nil {
		return nil, fmt.Errorf("samples: hksarg: %w", err)
	}
	if err := s.addNZ(); err != nil {
		return nil, fmt.Errorf("samples: nzcp: %w", err)
	}
	if err := s.addStaff(); err != nil {
		return nil, fmt.Errorf("samples: staff: %w", err)
	}
	return s, nil
}

func (s *Set) day(n int) string { return s.At.AddDate(0, 0, n).Format(time.DateOnly) }

// vaccinated returns a DCC for a fictitious person, dose 2 of 2 thirty days
// ago, unique by uvci.
func (s *Set) vaccinated(family, given, dob, uvci string) dcc.Claims {
	return dcc.Claims{
		Issuer:   "XA",
		IssuedAt: s.At.AddDate(0, 0, -29),
		Expires:  s.At.AddDate(1, 0, 0),
		DGC: dcc.DGC{
			Ver:  "1.3.0",
			Name: dcc.PersonName{Family: family, FamilyICAO: icao(family), Given: given, GivenICAO: icao(given)},
			DOB:  dob,
			V: []dcc.Vaccination{{
				Target: dcc.TargetCOVID19, Prophylaxis: "1119349007", Product: "EU/1/20/1528", Manufacturer: "ORG-100030215",
				Dose: 2, Series: 2, Date: s.day(-30), Country: "XA", Issuer: "Sample Ministry of Health", ID: uvci,
			}},
		},
	}
}

func icao(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return '<'
	}, s)
}

func (s *Set) addDCC() error {
	type spec struct {
		name           string
		family, given  string
		dob, uvci      string
		expect         string
		reason         pass.Code
		edit           func(c *dcc.Claims)
		key            *ecdsa.PrivateKey
		revoked        bool
		code           pass.Code
		codeValidUntil time.Time
	}
	other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	specs := []spec{
		{name: "EU certificate, vaccinated", family: "Muster", given: "Erika", dob: "1964-08-12", uvci: "URN:UVCI:01:XA:SAMPLE0001#A", expect: "green"},
		{name: "EU certificate, negative test", family: "Rossi", given: "Giulia", dob: "1991-02-03", uvci: "URN:UVCI:01:XA:SAMPLE0002#B", expect: "green",
			edit: func(c *dcc.Claims) {
				c.DGC.V = nil
				c.DGC.T = []dcc.Test{{Target: dcc.TargetCOVID19, Type: "LP217198-3", Manufacturer: "1232", Sampled: s.At.Add(-6 * time.Hour).Format(time.RFC3339),
					Result: "260415000", Centre: "Sample Test Centre", Country: "XA", Issuer: "Sample Ministry of Health", ID: "URN:UVCI:01:XA:SAMPLE0002#B"}}
			}},
		{name: "EU certificate, revoked", family: "Dupont", given: "Jean", dob: "1975-11-30", uvci: "URN:UVCI:01:XA:SAMPLE0003#C", expect: "red", reason: pass.Revoked, revoked: true},
		{name: "EU certificate, bad signature", family: "Jansen", given: "Pieter", dob: "1988-04-17", uvci: "URN:UVCI:01:XA:SAMPLE0004#D", expect: "red", reason: pass.Signature, key: other},
		{name: "EU certificate, expired", family: "Novak", given: "Petra", dob: "1970-07-07", uvci: "URN:UVCI:01:XA:SAMPLE0005#E", expect: "red", reason: pass.Expired,
			edit: func(c *dcc.Claims) { c.IssuedAt = s.At.AddDate(-1, 0, -2); c.Expires = s.At.AddDate(0, 0, -2) }},
		{name: "EU certificate, red code", family: "Silva", given: "Ana", dob: "1983-09-21", uvci: "URN:UVCI:01:XA:SAMPLE0006#F", expect: "red", reason: pass.RedCode, code: pass.RedCode},
		{name: "EU certificate, amber code", family: "Kowalski", given: "Jan", dob: "1959-12-01", uvci: "URN:UVCI:01:XA:SAMPLE0007#G", expect: "amber", reason: pass.AmberCode, code: pass.AmberCode},
		{name: "EU certificate, red code that expired", family: "Berg", given: "Lena", dob: "1995-05-05", uvci: "URN:UVCI:01:XA:SAMPLE0008#H", expect: "green", code: pass.RedCode, codeValidUntil: s.At.AddDate(0, 0, -1)},
		{name: "EU certificate, one dose of two", family: "Garcia", given: "Luis", dob: "2001-01-15", uvci: "URN:UVCI:01:XA:SAMPLE0009#I", expect: "red", reason: pass.Policy,
			edit: func(c *dcc.Claims) { c.DGC.V[0].Dose = 1 }},
	}
	for _, sp := range specs {
		c := s.vaccinated(sp.family, sp.given, sp.dob, sp.uvci)
		if sp.edit != nil {
			sp.edit(&c)
		}
		key := s.DCCKey
		if sp.key != nil {
			key = sp.key
		}
		payload, err := dcc.Sign(c, key, s.DCCKID)
		if err != nil {
			return fmt.Errorf("%s: %w", sp.name, err)
		}
		id := dcc.PassID(sp.uvci)
		if sp.revoked {
			s.Revocations = append(s.Revocations, id)
		}
		if sp.code != "" {
			s.Codes = append(s.Codes, store.CodeEntry{ID: id, Code: sp.code, ValidFrom: s.At.AddDate(0, 0, -10), ValidUntil: sp.codeValidUntil})
		}
		sm := Sample{
			Name: sp.name, Payload: payload, Expect: sp.expect, Reason: sp.reason,
			Holder: pass.Holder{Name: strings.ToUpper(sp.family) + ", " + sp.given, DOB: sp.dob}, ID: id,
		}
		if sp.key != nil {
			sm.ID = pass.ID{} // never authenticates
		}
		s.Samples = append(s.Samples, sm)
	}
	return nil
}

func (s *Set) addSHC() error {
	p := shc.Person{Family: "Doe", Given: []string{"Jane", "Q."}, BirthDate: "1969-04-01"}
	card := shc.ImmunizationCard(s.SHCIss, s.At.AddDate(0, 0, -20),
		p,
		shc.Vaccination{Date: s.At.AddDate(0, 0, -80), CVX: "207", Lot: "0000001"},
		shc.Vaccination{Date: s.At.AddDate(0, 0, -50), CVX: "207", Lot: "0000007"},
	)
	payload, err := shc.Sign(card, s.SHCKey, s.SHCKID)
	if err != nil {
		return err
	}
	s.Samples = append(s.Samples, Sample{Name: "SMART Health Card, vaccinated", Payload: payload, Expect: "green",
		Holder: pass.Holder{Name: "DOE, Jane Q.", DOB: "1969-04-01"}})

	// A card whose issuer is not trusted.
	stranger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	kid, err := shc.KID(&stranger.PublicKey)
	if err != nil {
		return err
	}
	p2 := shc.Person{Family: "Roe", Given: []string{"Richard"}, BirthDate: "1972-10-10"}
	card2 := shc.ImmunizationCard("https://unknown.example.invalid", s.At.AddDate(0, 0, -20), p2,
		shc.Vaccination{Date: s.At.AddDate(0, 0, -80), CVX: "207"}, shc.Vaccination{Date: s.At.AddDate(0, 0, -50), CVX: "207"})
	payload2, err := shc.Sign(card2, stranger, kid)
	if err != nil {
		return err
	}
	s.Samples = append(s.Samples, Sample{Name: "SMART Health Card, unknown issuer", Payload: payload2, Expect: "red", Reason: pass.UnknownKey,
		Holder: pass.Holder{Name: "ROE, Richard", DOB: "1972-10-10"}})
	return nil
}

var hkt = time.FixedZone("HKT", 8*3600)

func (s *Set) addHK() error {
	day := func(n int) time.Time {
		y, m, d := s.At.In(hkt).Date()
		return time.Date(y, m, d+n, 0, 0, 0, 0, time.UTC)
	}
	printed := s.At.Add(-26 * time.Hour).In(hkt).Truncate(time.Minute)
	vac := hksarg.Record{Type: hksarg.Vaccination, Version: "4", KeyVersion: "1", Ref: "VK-SAMPLE-HK-0001",
		Doc: "Z123****", Name: "CHEUNG K** W**", DOB: time.Date(1978, 1, 1, 0, 0, 0, 0, time.UTC), Printed: printed,
		Doses: []hksarg.Dose{{Seq: 1, Date: day(-300), Vaccine: "BNT"}, {Seq: 2, Date: day(-270), Vaccine: "BNT"}, {Seq: 3, Date: day(-60), Vaccine: "BNT"}}}
	mec := hksarg.Record{Type: hksarg.Exemption, Version: "1", KeyVersion: "1", Ref: "VK-SAMPLE-HK-0002",
		Doc: "Y456****", Name: "LAM S** F**", DOB: time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC), Printed: printed, ValidUntil: day(60)}
	two := vac
	two.Version, two.Ref, two.Doc, two.Name, two.DOB = "3", "VK-SAMPLE-HK-0003", "X789****", "TSANG M** Y**", time.Time{}
	two.Doses = []hksarg.Dose{{Seq: 1, Date: day(-300), Vaccine: "Comirnaty", VaccineZh: "復必泰"}, {Seq: 2, Date: day(-270), Vaccine: "Comirnaty", VaccineZh: "復必泰"}}

	green, err := hksarg.Sign(vac, s.HKKey)
	if err != nil {
		return err
	}
	amber, err := hksarg.Sign(mec, s.HKKey)
	if err != nil {
		return err
	}
	short, err := hksarg.Sign(two, s.HKKey)
	if err != nil {
		return err
	}
	// Tampered: a third dose added to the printed text after signing.
	tampered := strings.Replace(short, "TSANG", "TSANX", 1)
	if tampered == short {
		return fmt.Errorf("tampering the sample failed")
	}
	s.Samples = append(s.Samples,
		Sample{Name: "HK Vaccine Pass, 3 doses", Payload: green, Expect: "green", Holder: pass.Holder{Name: "CHEUNG K** W**"},
			ID: hkID(vac)},
		Sample{Name: "HK medical exemption", Payload: amber, Expect: "amber", Reason: pass.Policy, Holder: pass.Holder{Name: "LAM S** F**"}},
		Sample{Name: "HK Vaccine Pass, 2 doses, the last 9 months ago", Payload: short, Expect: "red", Reason: pass.Policy, Holder: pass.Holder{Name: "TSANG M** Y**"}},
		Sample{Name: "HK Vaccine Pass, tampered", Payload: tampered, Expect: "red", Reason: pass.Signature},
	)
	return nil
}

// hkID is the pass ID of a Hong Kong record, as the format names it.
func hkID(r hksarg.Record) pass.ID {
	id, err := hksarg.PassID(r.Type + ":" + r.Ref)
	if err != nil {
		panic("samples: " + err.Error())
	}
	return id
}

// addNZ adds the NZ COVID Pass specification's own examples, signed by its
// example issuer (did:web:nzcp.covid19.health.nz, not New Zealand's), and
// that issuer's DID document to the trust. Their verdicts under the default
// policy, as of the set's time: those that fail authentication fail as the
// specification says; the authentic ones state no doses, which a policy
// that counts doses cannot admit (policy) — or are expired or not yet
// valid by then.
func (s *Set) addNZ() error {
	keys, err := trust.Parse(nzcp.SpecDIDDocument(), "", verify.Namings())
	if err != nil {
		return err
	}
	s.Trust = append(s.Trust, keys...)
	for _, x := range nzcp.SpecExamples() {
		sm := Sample{Name: "NZ COVID Pass, specification example: " + x.Name, Payload: x.Payload, Expect: "red", Reason: x.Reason, ID: x.ID}
		switch {
		case x.Expires.IsZero(): // fails before its times are read
		case s.At.Before(x.NotBefore):
			sm.Reason = pass.NotYetValid
		case !s.At.Before(x.Expires):
			sm.Reason = pass.Expired
		default:
			sm.Reason = pass.Policy
		}
		if x.ID.IsZero() {
			sm.ID = pass.ID{}
		} else {
			sm.Holder = pass.Holder{Name: "Sparrow, Jack", DOB: "1960-04-16"}
		}
		s.Samples = append(s.Samples, sm)
	}
	return nil
}
