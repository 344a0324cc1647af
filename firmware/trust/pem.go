package trust

import (
	"encoding/pem"
	"fmt"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// parsePEM reads every CERTIFICATE block of a PEM bundle as a signer key of
// format n.
func parsePEM(data []byte, n *pass.Naming) ([]*pass.Key, error) {
	if n.CertKey == nil {
		return nil, fmt.Errorf("%s keys do not come as certificates", n.Title)
	}
	var keys []*pass.Key
	for i := 1; ; i++ {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %d: type %q, want CERTIFICATE", i, b.Type)
		}
		k, err := n.CertKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d: %w", i, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no PEM certificates found")
	}
	return keys, nil
}
