package trust

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// dgcgEntry is one entry of the EU DCC gateway's trust list (GET
// /trustList, or /trustList/DSC): the uploading country, the kind of
// certificate, and the DER certificate in base64 (rawData), with its kid
// (the first 8 bytes of its SHA-256, base64) and thumbprint (its SHA-256,
// hex). The signature is the uploading backend's CMS signature, which the
// operator who downloaded the list has checked against the gateway's trust
// anchor; the kiosk takes the list as its operator gives it.
type dgcgEntry struct {
	KID             string `json:"kid"`
	Timestamp       string `json:"timestamp"`
	Country         string `json:"country"`
	CertificateType string `json:"certificateType"`
	Thumbprint      string `json:"thumbprint"`
	Signature       string `json:"signature"`
	RawData         string `json:"rawData"`
}

// parseDGCG reads a gateway trust list: a JSON array of entries, or an
// object with them under "certificates" (as some national backends pass it
// on). Only DSC entries (document signer certificates) become keys, of
// format n, issued by the entry's country.
func parseDGCG(data []byte, n *pass.Naming) ([]*pass.Key, error) {
	if n.CertKey == nil {
		return nil, fmt.Errorf("%s keys do not come as certificates", n.Title)
	}
	var entries []dgcgEntry
	t := bytes.TrimSpace(data)
	if bytes.HasPrefix(t, []byte("{")) {
		var doc struct {
			Certificates []dgcgEntry `json:"certificates"`
		}
		if err := json.Unmarshal(t, &doc); err != nil {
			return nil, fmt.Errorf("gateway trust list: %w", err)
		}
		entries = doc.Certificates
	} else if err := json.Unmarshal(t, &entries); err != nil {
		return nil, fmt.Errorf("gateway trust list: %w", err)
	}
	var keys []*pass.Key
	for i, e := range entries {
		if e.CertificateType != "DSC" {
			continue // CSCA, UPLOAD, AUTHENTICATION: not signer keys
		}
		der, err := base64.StdEncoding.DecodeString(e.RawData)
		if err != nil {
			return nil, fmt.Errorf("gateway trust list entry %d: rawData is not base64", i)
		}
		sum := sha256.Sum256(der)
		if e.Thumbprint != "" && !strings.EqualFold(e.Thumbprint, hex.EncodeToString(sum[:])) {
			return nil, fmt.Errorf("gateway trust list entry %d (kid %q): its thumbprint is not the certificate's SHA-256; refused", i, e.KID)
		}
		k, err := n.CertKey(der)
		if err != nil {
			return nil, fmt.Errorf("gateway trust list entry %d (kid %q): %w", i, e.KID, err)
		}
		if e.KID != "" && e.KID != k.KID {
			return nil, fmt.Errorf("gateway trust list entry %d: kid %q is not its certificate's (%s); refused", i, e.KID, k.KID)
		}
		if len(e.Country) != 2 {
			return nil, fmt.Errorf("gateway trust list entry %d (kid %q): country %q is not two letters", i, e.KID, e.Country)
		}
		k.Issuer = e.Country
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("gateway trust list: no DSC entries (%d entries of other kinds)", len(entries))
	}
	return keys, nil
}
