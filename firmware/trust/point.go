package trust

import (
	"crypto/ecdh"
	"fmt"
)

// ecdsaFromUncompressed checks that raw is a valid uncompressed P-256 point.
func ecdsaFromUncompressed(raw []byte) (*ecdh.PublicKey, error) {
	k, err := ecdh.P256().NewPublicKey(raw)
	if err != nil {
		return nil, fmt.Errorf("not a point on P-256")
	}
	return k, nil
}
