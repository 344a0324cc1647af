package trust

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// The repository's trust list (trust.json), as vkpublish publishes it and
// the kiosk syncs it:
//
//	{"keys": [{"format": "dcc", "kid": "…", "issuer": "XA",
//	  "public_key": "<base64 SubjectPublicKeyInfo DER>",
//	  "usage": ["vaccination", …], "not_before": "RFC 3339", "not_after": "…"}]}
//
// usage, not_before and not_after may be left out (no restriction).

// ListKey is one key of a trust list.
type ListKey struct {
	Format    string     `json:"format"`
	KID       string     `json:"kid"`
	Issuer    string     `json:"issuer,omitempty"`
	PublicKey []byte     `json:"public_key"` // PKIX DER, base64 in JSON
	Usage     []string   `json:"usage,omitempty"`
	NotBefore *time.Time `json:"not_before,omitempty"`
	NotAfter  *time.Time `json:"not_after,omitempty"`
}

type listDoc struct {
	Keys []ListKey `json:"keys"`
}

var usageNames = []struct {
	name string
	u    pass.Usage
}{{"test", pass.UseTest}, {"vaccination", pass.UseVaccination}, {"recovery", pass.UseRecovery}, {"exemption", pass.UseExemption}}

// MarshalList encodes keys as a trust list.
func MarshalList(keys []*pass.Key) ([]byte, error) {
	doc := listDoc{Keys: []ListKey{}}
	for i, k := range keys {
		der, err := x509.MarshalPKIXPublicKey(k.Public)
		if err != nil {
			return nil, fmt.Errorf("trust key %d (%s %s): %w", i, k.Format, k.KID, err)
		}
		lk := ListKey{Format: k.Format, KID: k.KID, Issuer: k.Issuer, PublicKey: der}
		for _, un := range usageNames {
			if k.Usage&un.u != 0 {
				lk.Usage = append(lk.Usage, un.name)
			}
		}
		if !k.NotBefore.IsZero() {
			t := k.NotBefore.UTC().Truncate(time.Second)
			lk.NotBefore = &t
		}
		if !k.NotAfter.IsZero() {
			t := k.NotAfter.UTC().Truncate(time.Second)
			lk.NotAfter = &t
		}
		doc.Keys = append(doc.Keys, lk)
	}
	b, err := json.MarshalIndent(doc, "", " ")
	return append(b, '\n'), err
}

// ParseList reads a trust list: one JSON document with no unknown fields.
// The keys keep the formats they name; Parse (and Load) also bind them to
// those formats' rules.
func ParseList(b []byte) ([]*pass.Key, error) {
	var doc listDoc
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the document")
	}
	if doc.Keys == nil {
		return nil, errors.New(`no "keys" array`)
	}
	keys := make([]*pass.Key, 0, len(doc.Keys))
	for i, lk := range doc.Keys {
		k, err := lk.key()
		if err != nil {
			return nil, fmt.Errorf("trust list key %d: %w", i, err)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

func (lk *ListKey) key() (*pass.Key, error) {
	if lk.Format == "" || lk.KID == "" {
		return nil, errors.New("no format or kid")
	}
	pub, err := x509.ParsePKIXPublicKey(lk.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	k := &pass.Key{Format: lk.Format, KID: lk.KID, Issuer: lk.Issuer, Public: pub}
next:
	for _, u := range lk.Usage {
		for _, un := range usageNames {
			if u == un.name {
				k.Usage |= un.u
				continue next
			}
		}
		return nil, fmt.Errorf("usage %q: want test, vaccination, recovery or exemption", u)
	}
	if lk.NotBefore != nil {
		k.NotBefore = lk.NotBefore.UTC()
	}
	if lk.NotAfter != nil {
		k.NotAfter = lk.NotAfter.UTC()
	}
	return k, nil
}
