package verify

import (
	"encoding/json"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Status is the colour the guard sees.
type Status int

// Statuses, ordered by severity: a worse status never yields to a better one.
const (
	Green Status = iota
	Amber
	Red
)

func (s Status) String() string {
	switch s {
	case Green:
		return "green"
	case Amber:
		return "amber"
	}
	return "red"
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Status) UnmarshalText(b []byte) error {
	switch string(b) {
	case "green":
		*s = Green
	case "amber":
		*s = Amber
	case "red":
		*s = Red
	default:
		return &json.UnsupportedValueError{Str: string(b)}
	}
	return nil
}

// Reason explains a status: a stable code and a human detail.
type Reason struct {
	Code   pass.Code `json:"code"`
	Detail string    `json:"detail"`
}

// Verdict is the outcome of one scan.
//
// Holder is for the guard's identity check only: it must never be logged or
// stored. PassID is a hash and may be stored.
type Verdict struct {
	Status  Status
	Format  string // the format's name ("dcc", "shc", "hksarg", "nzcp"); "" when none matched
	Reasons []Reason
	Holder  pass.Holder
	Issuer  string
	Expires time.Time
	KID     string
	PassID  pass.ID // zero when the pass never authenticated
	Kinds   []pass.Kind
}

// Worsen raises v's status to at least s and records why.
func (v *Verdict) Worsen(s Status, code pass.Code, detail string) {
	if s > v.Status {
		v.Status = s
	}
	v.Reasons = append(v.Reasons, Reason{Code: code, Detail: detail})
}

// Has reports whether v has a reason with code c.
func (v *Verdict) Has(c pass.Code) bool {
	for _, r := range v.Reasons {
		if r.Code == c {
			return true
		}
	}
	return false
}

// JSON is the wire form of a Verdict, shared by `kioskctl verify --json` and
// the daemon's POST /api/scan.
type JSON struct {
	Verdict string      `json:"verdict"`
	Format  string      `json:"format"`
	Reasons []Reason    `json:"reasons"`
	Holder  *HolderJSON `json:"holder,omitempty"`
	Issuer  string      `json:"issuer,omitempty"`
	Expires string      `json:"expires,omitempty"`
	KID     string      `json:"kid,omitempty"`
}

// HolderJSON is the holder as it appears in the JSON form.
type HolderJSON struct {
	Name string `json:"name"`
	DOB  string `json:"dob"`
}

// JSON returns the wire form of v.
func (v *Verdict) JSON() JSON {
	j := JSON{
		Verdict: v.Status.String(),
		Format:  v.Format,
		Reasons: v.Reasons,
		Issuer:  v.Issuer,
		KID:     v.KID,
	}
	if j.Reasons == nil {
		j.Reasons = []Reason{}
	}
	if v.Holder != (pass.Holder{}) {
		j.Holder = &HolderJSON{Name: v.Holder.Name, DOB: v.Holder.DOB}
	}
	if !v.Expires.IsZero() {
		j.Expires = v.Expires.UTC().Format(time.RFC3339)
	}
	return j
}
