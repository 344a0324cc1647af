package hksarg

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// SignText signs text (every field, each followed by "|") as the issuer
// does, without any check: tests use it to make authentic but malformed
// records.
func SignText(text string, key *ecdsa.PrivateKey) string {
	sum := sha256.Sum256([]byte(text))
	der, err := ecdsa.SignASN1(rand.Reader, key, sum[:])
	if err != nil {
		panic(err)
	}
	return text + base64.StdEncoding.EncodeToString(der)
}
