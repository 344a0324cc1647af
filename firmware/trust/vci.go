package trust

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// vciIssuer is one issuer of a VCI directory snapshot: the issuer (iss, a
// name) and the keys of its JWKS as the directory fetched them. The simple
// form, a JSON list of {"iss": …, "keys": […]}, reads into the same fields.
type vciIssuer struct {
	Issuer *struct {
		Iss string `json:"iss"`
	} `json:"issuer"`
	Iss  string `json:"iss"`
	Keys []JWK  `json:"keys"`
}

// parseVCI reads a VCI issuer directory snapshot (the VCI directory's
// vci_snapshot.json: {"issuerInfo": [{"issuer": {"iss": …}, "keys": […]}]})
// or a JSON list of issuers with iss and keys. Every key is bound to its
// issuer: a card verifies with it only when it names that iss. An issuer
// whose keys the directory could not fetch (none listed) adds none.
func parseVCI(data []byte) ([]*pass.Key, error) {
	var issuers []vciIssuer
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("{")) {
		var doc struct {
			IssuerInfo []vciIssuer `json:"issuerInfo"`
		}
		if err := json.Unmarshal(t, &doc); err != nil {
			return nil, fmt.Errorf("VCI snapshot: %w", err)
		}
		issuers = doc.IssuerInfo
	} else if err := json.Unmarshal(t, &issuers); err != nil {
		return nil, fmt.Errorf("VCI issuer list: %w", err)
	}
	var keys []*pass.Key
	for i, is := range issuers {
		iss := is.Iss
		if is.Issuer != nil {
			if iss != "" && iss != is.Issuer.Iss {
				return nil, fmt.Errorf("VCI issuer %d names two issuers, %q and %q", i, iss, is.Issuer.Iss)
			}
			iss = is.Issuer.Iss
		}
		if iss == "" {
			return nil, fmt.Errorf("VCI issuer %d has no iss", i)
		}
		for j := range is.Keys {
			jw := &is.Keys[j]
			k, err := jw.key()
			if err != nil {
				return nil, fmt.Errorf("VCI issuer %q key %d (kid %q): %w", iss, j, jw.Kid, err)
			}
			if k.Issuer != "" && k.Issuer != iss {
				return nil, fmt.Errorf("VCI issuer %q key %d (kid %q) names another issuer, %q; refused", iss, j, jw.Kid, k.Issuer)
			}
			k.Issuer = iss
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("VCI snapshot: no issuer keys")
	}
	return keys, nil
}
