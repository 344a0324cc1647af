package hksarg_test

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// benchRecord is a VAC 4 record with three doses: the common case.
func benchRecord(b *testing.B) (*ecdsa.PrivateKey, string) {
	key := newKey(b)
	return key, sign(b, vectors()[4].rec, key)
}

// BenchmarkVerifyHKSARG runs a record from text to verdict through the
// engine, authenticity only. Compare with BenchmarkBareP256VerifyHK: the
// goal is at most 1.1 times the bare signature check.
func BenchmarkVerifyHKSARG(b *testing.B) {
	key, payload := benchRecord(b)
	e := engine(allKIDs(b, &key.PublicKey))
	b.ReportAllocs()
	for b.Loop() {
		if v := e.Verify(payload, checkTime); v.Status != verify.Green {
			b.Fatalf("got %v %+v", v.Status, v.Reasons)
		}
	}
}

// BenchmarkBareP256VerifyHK is one ecdsa.VerifyASN1 of the same record,
// digest precomputed: the floor for BenchmarkVerifyHKSARG.
func BenchmarkBareP256VerifyHK(b *testing.B) {
	key, payload := benchRecord(b)
	i := strings.LastIndexByte(payload, '|')
	digest := sha256.Sum256([]byte(payload[:i+1]))
	der, err := base64.StdEncoding.DecodeString(payload[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	pub := &key.PublicKey
	b.ReportAllocs()
	for b.Loop() {
		if !ecdsa.VerifyASN1(pub, digest[:], der) {
			b.Fatal("signature does not verify")
		}
	}
}
