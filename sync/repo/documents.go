package repo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// JSON data files. The trust list and the exposure notices are JSON
// documents; the entry policy is the policy's own JSON (policy.Parse).
//
//	trust.json      firmware/trust's trust list (trust.MarshalList): {"keys": [{"format": "dcc",
//	                  "kid": "…", "issuer": "XA", "public_key": "<base64 SubjectPublicKeyInfo DER>",
//	                  "usage": ["vaccination", …], "not_before": "RFC 3339", "not_after": "…"}]}
//	exposures.json  {"exposures": [{"venue": "…", "start": "RFC 3339", "end": "…",
//	                  "notice_en": "…", "notice_zh": "…", "notice_until": "…",
//	                  "assumed_stay_minutes": 90}]}   (optional; 15 to 480)
//
// usage, not_before and not_after may be left out (no restriction).

// MarshalTrust encodes keys as a trust list file.
func MarshalTrust(keys []*pass.Key) ([]byte, error) { return trust.MarshalList(keys) }

// ParseTrust reads a trust list file.
func ParseTrust(b []byte) ([]*pass.Key, error) {
	if int64(len(b)) > MaxFileSize(Trust) {
		return nil, formatErr("trust list", "%d bytes; at most %d", len(b), MaxFileSize(Trust))
	}
	keys, err := trust.ParseList(b)
	if err != nil {
		return nil, formatErr("trust list", "%v", err)
	}
	if len(keys) > store.MaxTrustKeys {
		return nil, formatErr("trust list", "%d keys; at most %d", len(keys), store.MaxTrustKeys)
	}
	return keys, nil
}

// Exposure is one notice of an exposure file. AssumedStayMinutes is the
// exposure's own assumed stay of a visit without a check-out (15 to 480);
// it is left out when the entry policy's applies, so that a file without
// one is exactly what firmware before it reads (it refuses unknown
// fields).
type Exposure struct {
	Venue              string    `json:"venue"`
	Start              time.Time `json:"start"`
	End                time.Time `json:"end"`
	NoticeEN           string    `json:"notice_en"`
	NoticeZH           string    `json:"notice_zh"`
	NoticeUntil        time.Time `json:"notice_until"`
	AssumedStayMinutes int       `json:"assumed_stay_minutes,omitempty"`
}

type exposureDoc struct {
	Exposures []Exposure `json:"exposures"`
}

// MarshalExposures encodes ex as an exposure file.
func MarshalExposures(ex []store.Exposure) ([]byte, error) {
	doc := exposureDoc{Exposures: []Exposure{}}
	for _, e := range ex {
		if e.AssumedStay%time.Minute != 0 {
			return nil, fmt.Errorf("exposure of %s: assumed stay %v is not whole minutes", e.Venue, e.AssumedStay)
		}
		doc.Exposures = append(doc.Exposures, Exposure{Venue: e.Venue, Start: e.Start.UTC(), End: e.End.UTC(),
			NoticeEN: e.NoticeEN, NoticeZH: e.NoticeZH, NoticeUntil: e.NoticeUntil.UTC(),
			AssumedStayMinutes: int(e.AssumedStay / time.Minute)})
	}
	b, err := json.MarshalIndent(doc, "", " ")
	return append(b, '\n'), err
}

// ParseExposures reads an exposure file. The store checks each notice when
// it is applied.
func ParseExposures(b []byte) ([]store.Exposure, error) {
	if int64(len(b)) > MaxFileSize(Exposures) {
		return nil, formatErr("exposures", "%d bytes; at most %d", len(b), MaxFileSize(Exposures))
	}
	var doc exposureDoc
	if err := strictDecode(b, &doc); err != nil {
		return nil, formatErr("exposures", "%v", err)
	}
	if doc.Exposures == nil {
		return nil, formatErr("exposures", `no "exposures" array`)
	}
	if len(doc.Exposures) > store.MaxExposures {
		return nil, formatErr("exposures", "%d notices; at most %d", len(doc.Exposures), store.MaxExposures)
	}
	out := make([]store.Exposure, len(doc.Exposures))
	for i, e := range doc.Exposures {
		out[i] = store.Exposure{Venue: e.Venue, Start: e.Start, End: e.End, NoticeEN: e.NoticeEN, NoticeZH: e.NoticeZH, NoticeUntil: e.NoticeUntil,
			AssumedStay: time.Duration(e.AssumedStayMinutes) * time.Minute}
		if m := e.AssumedStayMinutes; m < 0 || (m != 0 && policy.CheckAssumedStay(out[i].AssumedStay) != nil) {
			return nil, formatErr("exposures", "exposure %d: assumed_stay_minutes %d; want %d to %d", i, m,
				int(policy.MinAssumedStay/time.Minute), int(policy.MaxAssumedStay/time.Minute))
		}
	}
	return out, nil
}

// CheckPolicy checks that b is an entry policy the kiosk accepts.
func CheckPolicy(b []byte) error {
	if int64(len(b)) > MaxFileSize(Policy) {
		return formatErr("policy", "%d bytes; at most %d", len(b), MaxFileSize(Policy))
	}
	if _, err := policy.Parse(bytes.NewReader(b)); err != nil {
		return formatErr("policy", "%v", err)
	}
	return nil
}

// strictDecode decodes one JSON document with no unknown fields and
// nothing after it.
func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the document")
	}
	return nil
}
