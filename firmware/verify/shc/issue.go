package shc

import (
	"bytes"
	"compress/flate"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// MaxSingleQR is the longest JWS the spec puts in one QR code (version 22
// at error correction level L); longer cards are split into chunks, which
// Sign does not do.
const MaxSingleQR = 1195

// Card is a health card's claims, ready to sign.
type Card struct {
	Issuer    string    // iss: https URL, no trailing slash
	NotBefore time.Time // nbf: the issue time (whole seconds are kept)
	Expires   time.Time // exp; zero: none
	RID       string    // vc.rid, the revocation identifier; "": none
	Types     []string  // vc.type entries beside HealthCard
	// Resources are the FHIR resources of the bundle, in order; each is
	// marshalled with encoding/json and becomes entry resource:N.
	Resources []any
}

// Person is the subject of a card.
type Person struct {
	Family    string
	Given     []string
	BirthDate string // YYYY, YYYY-MM or YYYY-MM-DD
}

// Vaccination is one administered dose.
type Vaccination struct {
	Date      time.Time // the day is kept
	CVX       string    // vaccine code, e.g. "207"
	Lot       string    // "": none
	Performer string    // "": none
}

// LabTest is one lab result.
type LabTest struct {
	LOINC     string    // test code, e.g. "94500-6"
	Sampled   time.Time // specimen collection time
	Negative  bool      // SNOMED CT 260385009 when true, 260373001 (detected) when false
	Performer string    // "": none
}

// Resource types, as the IG profiles them for QR codes.
type (
	humanName struct {
		Family string   `json:"family,omitempty"`
		Given  []string `json:"given,omitempty"`
	}
	patientResource struct {
		ResourceType string      `json:"resourceType"`
		Name         []humanName `json:"name"`
		BirthDate    string      `json:"birthDate"`
	}
	reference struct {
		Reference string `json:"reference"`
	}
	display struct {
		Display string `json:"display"`
	}
	immunizationResource struct {
		ResourceType       string          `json:"resourceType"`
		Status             string          `json:"status"`
		VaccineCode        codeableConcept `json:"vaccineCode"`
		Patient            reference       `json:"patient"`
		OccurrenceDateTime string          `json:"occurrenceDateTime"`
		Performer          []struct {
			Actor display `json:"actor"`
		} `json:"performer,omitempty"`
		LotNumber string `json:"lotNumber,omitempty"`
	}
	observationResource struct {
		ResourceType         string          `json:"resourceType"`
		Status               string          `json:"status"`
		Code                 codeableConcept `json:"code"`
		Subject              reference       `json:"subject"`
		EffectiveDateTime    string          `json:"effectiveDateTime"`
		ValueCodeableConcept codeableConcept `json:"valueCodeableConcept"`
		Performer            []display       `json:"performer,omitempty"`
	}
)

// PatientResource returns the FHIR Patient resource of p.
func PatientResource(p Person) any {
	return patientResource{ResourceType: "Patient", Name: []humanName{{Family: p.Family, Given: p.Given}}, BirthDate: p.BirthDate}
}

// ImmunizationResource returns a completed FHIR Immunization of v for the
// patient at bundle entry resource:0.
func ImmunizationResource(v Vaccination) any {
	r := immunizationResource{
		ResourceType:       "Immunization",
		Status:             "completed",
		VaccineCode:        codeableConcept{Coding: []coding{{System: systemCVX, Code: v.CVX}}},
		Patient:            reference{"resource:0"},
		OccurrenceDateTime: v.Date.Format(time.DateOnly),
		LotNumber:          v.Lot,
	}
	if v.Performer != "" {
		r.Performer = append(r.Performer, struct {
			Actor display `json:"actor"`
		}{display{v.Performer}})
	}
	return r
}

// ObservationResource returns a final FHIR Observation of t for the
// patient at bundle entry resource:0.
func ObservationResource(t LabTest) any {
	result := "260373001" // detected
	if t.Negative {
		result = "260385009"
	}
	r := observationResource{
		ResourceType:         "Observation",
		Status:               "final",
		Code:                 codeableConcept{Coding: []coding{{System: systemLOINC, Code: t.LOINC}}},
		Subject:              reference{"resource:0"},
		EffectiveDateTime:    t.Sampled.UTC().Format(time.RFC3339),
		ValueCodeableConcept: codeableConcept{Coding: []coding{{System: systemSNOMED, Code: result}}},
	}
	if t.Performer != "" {
		r.Performer = []display{{t.Performer}}
	}
	return r
}

// ImmunizationCard returns a card stating that p received doses.
func ImmunizationCard(iss string, issued time.Time, p Person, doses ...Vaccination) Card {
	c := Card{Issuer: iss, NotBefore: issued, Types: []string{"https://smarthealth.cards#immunization"}}
	c.Resources = append(c.Resources, PatientResource(p))
	for _, d := range doses {
		c.Resources = append(c.Resources, ImmunizationResource(d))
	}
	return c
}

// LabCard returns a card stating p's lab results.
func LabCard(iss string, issued time.Time, p Person, tests ...LabTest) Card {
	c := Card{Issuer: iss, NotBefore: issued, Types: []string{"https://smarthealth.cards#laboratory"}}
	c.Resources = append(c.Resources, PatientResource(p))
	for _, t := range tests {
		c.Resources = append(c.Resources, ObservationResource(t))
	}
	return c
}

// Payload returns the minified JSON claim set of c.
func (c *Card) Payload() ([]byte, error) {
	if !validIssuer(c.Issuer) {
		return nil, fmt.Errorf("issuer %q: want an https URL without a trailing slash", c.Issuer)
	}
	if c.NotBefore.IsZero() {
		return nil, errors.New("no NotBefore (issue time)")
	}
	if c.RID != "" && !validRID(c.RID) {
		return nil, fmt.Errorf("rid %q: want 1 to %d base64url characters", c.RID, maxRID)
	}
	type entry struct {
		FullURL  string `json:"fullUrl"`
		Resource any    `json:"resource"`
	}
	type payload struct {
		Iss string `json:"iss"`
		Nbf int64  `json:"nbf"`
		Exp int64  `json:"exp,omitempty"`
		VC  struct {
			Type              []string `json:"type"`
			CredentialSubject struct {
				FHIRVersion string `json:"fhirVersion"`
				FHIRBundle  struct {
					ResourceType string  `json:"resourceType"`
					Type         string  `json:"type"`
					Entry        []entry `json:"entry"`
				} `json:"fhirBundle"`
			} `json:"credentialSubject"`
			RID string `json:"rid,omitempty"`
		} `json:"vc"`
	}
	var p payload
	p.Iss = c.Issuer
	p.Nbf = c.NotBefore.Unix()
	if !c.Expires.IsZero() {
		p.Exp = c.Expires.Unix()
	}
	p.VC.Type = append([]string{HealthCard}, c.Types...)
	p.VC.RID = c.RID
	cs := &p.VC.CredentialSubject
	cs.FHIRVersion = "4.0.1"
	cs.FHIRBundle.ResourceType = "Bundle"
	cs.FHIRBundle.Type = "collection"
	for i, r := range c.Resources {
		cs.FHIRBundle.Entry = append(cs.FHIRBundle.Entry, entry{FullURL: "resource:" + strconv.Itoa(i), Resource: r})
	}
	return json.Marshal(&p)
}

// Sign signs c with key and returns the text of its QR code ("shc:/…").
// An empty kid is replaced by KID(&key.PublicKey), as the spec requires.
func Sign(c Card, key *ecdsa.PrivateKey, kid string) (string, error) {
	payload, err := c.Payload()
	if err != nil {
		return "", fmt.Errorf("shc: card: %w", err)
	}
	jws, err := SignJWS(payload, key, kid)
	if err != nil {
		return "", err
	}
	if len(jws) > MaxSingleQR {
		return "", fmt.Errorf("shc: the JWS is %d characters; one QR code holds at most %d", len(jws), MaxSingleQR)
	}
	return EncodeQR(jws)
}

// SignJWS compresses payload (a JSON claim set) with raw DEFLATE and signs
// it with ES256, returning the compact JWS.
func SignJWS(payload []byte, key *ecdsa.PrivateKey, kid string) (string, error) {
	if key == nil || key.Curve != elliptic.P256() {
		return "", errors.New("shc: want a P-256 signing key")
	}
	if kid == "" {
		var err error
		if kid, err = KID(&key.PublicKey); err != nil {
			return "", err
		}
	}
	h, err := json.Marshal(struct {
		Zip string `json:"zip"`
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}{"DEF", "ES256", kid})
	if err != nil {
		return "", err
	}
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		return "", err
	}
	if _, err := w.Write(payload); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	signed := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(z.Bytes())
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", fmt.Errorf("shc: sign: %w", err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signed + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// KID returns the spec's key identifier of pub: the base64url SHA-256 JWK
// thumbprint (RFC 7638) over its crv, kty, x and y members.
func KID(pub *ecdsa.PublicKey) (string, error) {
	if pub == nil || pub.Curve != elliptic.P256() {
		return "", errors.New("shc: KID: want a P-256 public key")
	}
	raw, err := pub.Bytes() // 0x04 ‖ x ‖ y
	if err != nil {
		return "", fmt.Errorf("shc: KID: %w", err)
	}
	enc := base64.RawURLEncoding.EncodeToString
	// RFC 7638 §3.2: the required members in lexicographic order, no
	// whitespace. Their values are base64url, which needs no escaping.
	thumb := `{"crv":"P-256","kty":"EC","x":"` + enc(raw[1:33]) + `","y":"` + enc(raw[33:]) + `"}`
	sum := sha256.Sum256([]byte(thumb))
	return enc(sum[:]), nil
}

// CardID returns the pass ID of a card from issuer iss with revocation
// identifier rid, or, when rid is empty, with ES256 signature sig (r‖s,
// taken in its low-s form so that the two valid spellings agree).
func CardID(iss, rid string, sig []byte) pass.ID {
	if rid != "" {
		return pass.NewID(Name, iss+"#"+rid)
	}
	return pass.NewID(Name, iss+"#"+base64.RawURLEncoding.EncodeToString(lowS(sig)))
}
