package shc

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// wireClaims is the JWT claim set as it arrives. Pointers tell a missing
// member from a zero one.
type wireClaims struct {
	Iss *string  `json:"iss"`
	Nbf *float64 `json:"nbf"`
	Exp *float64 `json:"exp"`
	VC  *struct {
		Type              []string `json:"type"`
		RID               *string  `json:"rid"`
		CredentialSubject *struct {
			FHIRVersion *string `json:"fhirVersion"`
			FHIRBundle  *struct {
				ResourceType *string `json:"resourceType"`
				Type         *string `json:"type"`
				Entry        []struct {
					FullURL  string          `json:"fullUrl"`
					Resource json.RawMessage `json:"resource"`
				} `json:"entry"`
			} `json:"fhirBundle"`
		} `json:"credentialSubject"`
	} `json:"vc"`
}

// claims is a checked claim set.
type claims struct {
	iss     string
	nbf     time.Time
	exp     time.Time // zero: no exp
	rid     string    // "": no rid
	holder  pass.Holder
	doses   []pass.Dose
	results []pass.TestResult
}

// Limits on claim values.
const (
	maxIssuer = 255
	maxRID    = 24
	// maxTime is 9999-12-31T23:59:59Z; no card is valid beyond it.
	maxTime = 253402300799
)

func parseClaims(raw []byte) (*claims, error) {
	if err := checkDepth(raw, MaxDepth); err != nil {
		return nil, err
	}
	var w wireClaims
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, jsonError("payload", err)
	}
	c := &claims{}
	switch {
	case w.Iss == nil:
		return nil, pass.Errorf(pass.Schema, "payload has no iss")
	case !validIssuer(*w.Iss):
		return nil, pass.Errorf(pass.Schema, "iss is not an https URL of at most %d visible characters without a trailing slash", maxIssuer)
	}
	c.iss = *w.Iss
	if w.Nbf == nil {
		return nil, pass.Errorf(pass.Schema, "payload has no nbf")
	}
	var err error
	if c.nbf, err = unixTime("nbf", *w.Nbf); err != nil {
		return nil, err
	}
	if w.Exp != nil {
		if c.exp, err = unixTime("exp", *w.Exp); err != nil {
			return nil, err
		}
	}
	vc := w.VC
	if vc == nil {
		return nil, pass.Errorf(pass.Schema, "payload has no vc")
	}
	if !slices.Contains(vc.Type, HealthCard) {
		return nil, pass.Errorf(pass.Schema, "vc.type does not contain %s", HealthCard)
	}
	if vc.RID != nil {
		if !validRID(*vc.RID) {
			return nil, pass.Errorf(pass.Schema, "vc.rid is not 1 to %d base64url characters", maxRID)
		}
		c.rid = *vc.RID
	}
	cs := vc.CredentialSubject
	switch {
	case cs == nil:
		return nil, pass.Errorf(pass.Schema, "vc has no credentialSubject")
	case cs.FHIRVersion == nil:
		return nil, pass.Errorf(pass.Schema, "credentialSubject has no fhirVersion")
	case !strings.HasPrefix(*cs.FHIRVersion, "4."):
		return nil, pass.Errorf(pass.UnsupportedFormat, "fhirVersion is not 4.x; this kiosk reads FHIR R4")
	}
	b := cs.FHIRBundle
	switch {
	case b == nil:
		return nil, pass.Errorf(pass.Schema, "credentialSubject has no fhirBundle")
	case b.ResourceType == nil || *b.ResourceType != "Bundle":
		return nil, pass.Errorf(pass.Schema, "fhirBundle.resourceType is not Bundle")
	case b.Type == nil || *b.Type != "collection":
		return nil, pass.Errorf(pass.Schema, "fhirBundle.type is not collection")
	case len(b.Entry) == 0:
		return nil, pass.Errorf(pass.Schema, "fhirBundle has no entries")
	case len(b.Entry) > MaxEntries:
		return nil, pass.Errorf(pass.TooLarge, "fhirBundle has %d entries; at most %d", len(b.Entry), MaxEntries)
	}
	var bc bundleContent
	for i, e := range b.Entry {
		if err := bc.add(i, e.Resource); err != nil {
			return nil, err
		}
	}
	if err := bc.finish(c); err != nil {
		return nil, err
	}
	return c, nil
}

// pass returns the pass c states, without key and ID.
func (c *claims) pass() *pass.Pass {
	return &pass.Pass{
		Format:       Name,
		Issuer:       c.iss,
		IssuedAt:     c.nbf,
		Expires:      c.exp,
		Holder:       c.holder,
		Vaccinations: c.doses,
		Tests:        c.results,
	}
}

// unixTime converts a NumericDate (seconds, possibly fractional).
func unixTime(name string, v float64) (time.Time, error) {
	if math.IsNaN(v) || v < 0 || v > maxTime {
		return time.Time{}, pass.Errorf(pass.Schema, "%s is not a time between 1970 and 9999", name)
	}
	sec, frac := math.Modf(v)
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*1e3).UTC(), nil
}

func validIssuer(s string) bool {
	return len(s) <= maxIssuer && len(s) > len("https://") &&
		strings.HasPrefix(s, "https://") && !strings.HasSuffix(s, "/") && printable(s)
}

func validRID(s string) bool {
	if s == "" || len(s) > maxRID {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// jsonError turns a decoding error into a schema error that names the field
// and the JSON kinds, never the offending text.
func jsonError(where string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		got, _, _ := strings.Cut(te.Value, " ") // "number 1e999" → "number"
		field := te.Field
		if field == "" {
			field = "value"
		}
		return pass.Errorf(pass.Schema, "%s: %s is a JSON %s, want %s", where, field, got, jsonKind(te.Type.Kind().String()))
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return pass.Errorf(pass.Schema, "%s is not valid JSON (at byte %d)", where, se.Offset)
	}
	return pass.Errorf(pass.Schema, "%s is not valid JSON", where)
}

// jsonKind names the JSON kind a Go kind decodes from.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "float64", "int", "int64":
		return "number"
	case "slice", "array":
		return "array"
	case "bool":
		return "boolean"
	}
	return "object"
}
