package repo

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/store"
)

// JSON data files. The trust list and the exposure notices are JSON
// documents; the entry policy is the policy's own JSON (policy.Parse).
//
//	trust.json      {"keys": [{"format": "dcc", "kid": "…", "issuer": "XA",
//	                  "public_key": "<base64 SubjectPublicKeyInfo DER>",
//	                  "usage": ["vaccination", …], "not_before": "RFC 3339", "not_after": "…"}]}
//	exposures.json  {"exposures": [{"venue": "…", "start": "RFC 3339", "end": "…",
//	                  "notice_en": "…", "notice_zh": "…", "notice_until": "…",
//	                  "assumed_stay_minutes": 90}]}   (optional; 15 to 480)
//
// usage, not_before and not_after may be left out (no restriction).

// TrustKey is one key of a trust list file.
type TrustKey struct {
	Format    string     `json:"format"`
	KID       string     `json:"kid"`
	Issuer    string     `json:"issuer,omitempty"`
	PublicKey []byte     `json:"public_key"` // PKIX DER, base64 in JSON
	Usage     []string   `json:"usage,omitempty"`
	NotBefore *time.Time `json:"not_before,omitempty"`
	NotAfter  *time.Time `json:"not_after,omitempty"`
}

type trustDoc struct {
	Keys []TrustKey `json:"keys"`
}

var usageNames = []struct {
	name string
	u    pass.Usage
}{{"test", pass.UseTest}, {"vaccination", pass.UseVaccination}, {"recovery", pass.UseRecovery}, {"exemption", pass.UseExemption}}

// MarshalTrust encodes keys as a trust list file.
func MarshalTrust(keys []*pass.Key) ([]byte, error) {
	doc := trustDoc{Keys: []TrustKey{}}
	for i, k := range keys {
		der, err := x509.MarshalPKIXPublicKey(k.Public)
		if err != nil {
			return nil, fmt.Errorf("trust key %d (%s %s): %w", i, k.Format, k.KID, err)
		}
		tk := TrustKey{Format: k.Format, KID: k.KID, Issuer: k.Issuer, PublicKey: der}
		for _, un := range usageNames {
			if k.Usage&un.u != 0 {
				tk.Usage = append(tk.Usage, un.name)
			}
		}
		if !k.NotBefore.IsZero() {
			t := k.NotBefore.UTC().Truncate(time.Second)
			tk.NotBefore = &t
		}
		if !k.NotAfter.IsZero() {
			t := k.NotAfter.UTC().Truncate(time.Second)
			tk.NotAfter = &t
		}
		doc.Keys = append(doc.Keys, tk)
	}
	b, err := json.MarshalIndent(doc, "", " ")
	return append(b, '\n'), err
}

// ParseTrust reads a trust list file.
func ParseTrust(b []byte) ([]*pass.Key, error) {
	if int64(len(b)) > MaxFileSize(Trust) {
		return nil, formatErr("trust list", "%d bytes; at most %d", len(b), MaxFileSize(Trust))
	}
	var doc trustDoc
	if err := strictDecode(b, &doc); err != nil {
		return nil, formatErr("trust list", "%v", err)
	}
	if doc.Keys == nil {
		return nil, formatErr("trust list", `no "keys" array`)
	}
	if len(doc.Keys) > store.MaxTrustKeys {
		return nil, formatErr("trust list", "%d keys; at most %d", len(doc.Keys), store.MaxTrustKeys)
	}
	keys := make([]*pass.Key, 0, len(doc.Keys))
	for i, tk := range doc.Keys {
		k, err := tk.key()
		if err != nil {
			return nil, formatErr(fmt.Sprintf("trust list key %d", i), "%v", err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func (tk *TrustKey) key() (*pass.Key, error) {
	if tk.Format == "" || tk.KID == "" {
		return nil, errors.New("no format or kid")
	}
	pub, err := x509.ParsePKIXPublicKey(tk.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	k := &pass.Key{Format: tk.Format, KID: tk.KID, Issuer: tk.Issuer, Public: pub}
next:
	for _, u := range tk.Usage {
		for _, un := range usageNames {
			if u == un.name {
				k.Usage |= un.u
				continue next
			}
		}
		return nil, fmt.Errorf("usage %q: want test, vaccination, recovery or exemption", u)
	}
	if tk.NotBefore != nil {
		k.NotBefore = tk.NotBefore.UTC()
	}
	if tk.NotAfter != nil {
		k.NotAfter = tk.NotAfter.UTC()
	}
	return k, nil
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
