package shc_test

import (
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// BenchmarkVerifySHC judges a two-dose card through the engine
// (authenticity only): numeric decoding, ES256, inflate, JSON, FHIR.
func BenchmarkVerifySHC(b *testing.B) {
	payload := signedQR(b, goodClaims())
	e := engine(trustKey(b, testIss))
	if v := e.Verify(payload, now); v.Status != verify.Green {
		b.Fatalf("got %v %+v, want green", v.Status, v.Reasons)
	}
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		e.Verify(payload, now)
	}
}

// BenchmarkRejectTampered measures the cost of a forged card, which stops
// at the signature.
func BenchmarkRejectTampered(b *testing.B) {
	payload := []byte(signedQR(b, goodClaims()))
	payload[len(payload)-3] ^= 1 // a digit of the signature
	e := engine(trustKey(b, testIss))
	if v := e.Verify(string(payload), now); !v.Has(pass.Signature) {
		b.Fatalf("got %v %+v, want red for the signature", v.Status, v.Reasons)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Verify(string(payload), now)
	}
}
