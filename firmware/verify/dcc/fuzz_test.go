package dcc

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
)

// decodeCodes are the codes Decode may fail with.
var decodeCodes = []pass.Code{
	pass.Prefix, pass.Base45, pass.Decompress, pass.CBOR, pass.COSE, pass.UnknownKey,
	pass.Signature, pass.Schema, pass.TooLarge, pass.UnsupportedFormat,
}

// FuzzDecode feeds whole payloads to Decode: it must never panic, fail only
// with a known code and a detail that does not echo the payload, and return
// complete passes.
func FuzzDecode(f *testing.F) {
	for _, d := range []DGC{vaccinationDGC(), testDGC(), recoveryDGC()} {
		f.Add(mustSign(f, claimsOf(d)))
		s, err := Sign(claimsOf(d), rsaKey(), rsaKID)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(s)
	}
	f.Add(sealValue(f, claimsMap(dgcMap()), sealOpts{kidUnprotected: true, cwtTag: true}))
	f.Add(sealValue(f, claimsMap(testMap()), sealOpts{untagged: true}))
	f.Add("HC1:")
	f.Add("HC1:NCF")
	f.Add("HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IG%6LZ6LLQOB9LUS")
	set := testTrust()
	f.Fuzz(func(t *testing.T, payload string) {
		p, err := New().Decode(payload, set)
		if err != nil {
			var pe *pass.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is a %T, want *pass.Error", err, err)
			}
			if !slices.Contains(decodeCodes, pe.Code) {
				t.Fatalf("unexpected code %q: %v", pe.Code, err)
			}
			if body := strings.TrimPrefix(payload, Prefix); len(body) >= 12 && strings.Contains(err.Error(), body) {
				t.Fatalf("error %q echoes the payload", err)
			}
			return
		}
		if p.Format != Name || p.Key == nil || p.ID.IsZero() || len(p.Kinds()) != 1 || p.IssuedAt.IsZero() || p.Expires.IsZero() {
			t.Fatalf("incomplete pass %+v", p)
		}
	})
}

// FuzzCOSE feeds inflated messages to the envelope parser, which runs before
// the signature is checked.
func FuzzCOSE(f *testing.F) {
	payload, err := encodeClaims(claimsOf(vaccinationDGC()))
	if err != nil {
		f.Fatal(err)
	}
	prot := mustEnc(f, map[int]any{1: -7, 4: ecKID})
	f.Add(cose1(f, prot, map[int]any{}, payload, make([]byte, 64)))
	f.Add(cose1(f, []byte{}, map[int]any{1: -7, 4: ecKID}, payload, make([]byte, 64)))
	f.Add(append([]byte{0xd8, 0x3d}, cose1(f, prot, map[int]any{4: []byte("foo")}, payload, make([]byte, 96))...))
	f.Add([]byte{0x84, 0x40, 0xa0, 0x40, 0x40})
	set := testTrust()
	f.Fuzz(func(t *testing.T, msg []byte) {
		s, err := cose.ParseSign1(msg, cose.Lenient)
		if err != nil {
			if c := pass.CodeOf(err); c != pass.CBOR && c != pass.COSE && c != pass.TooLarge {
				t.Fatalf("unexpected code %q: %v", c, err)
			}
			return
		}
		if s.KID == nil || s.Payload == nil || (s.Alg != cose.ES256 && s.Alg != cose.PS256) {
			t.Fatalf("parsed message lacks kid, payload or a known alg: %+v", s)
		}
		if _, _, err := verify(&s, set); err == nil {
			t.Fatal("a fuzzed signature verified")
		}
	})
}

// FuzzCertificate feeds signed-over payloads to the claims and schema
// checks, which the signature shields from everyone but trusted issuers.
func FuzzCertificate(f *testing.F) {
	for _, v := range []any{claimsMap(dgcMap()), claimsMap(testMap()), claimsMap(recoveryMap())} {
		f.Add(mustEnc(f, v))
	}
	f.Add([]byte{0xa0})
	key := TrustedKey(ecKey().Public(), ecKID, "AT")
	f.Fuzz(func(t *testing.T, payload []byte) {
		cl, err := parseClaims(payload, string(payload))
		if err != nil {
			if c := pass.CodeOf(err); c != pass.CBOR && c != pass.COSE && c != pass.TooLarge {
				t.Fatalf("claims: unexpected code %q: %v", c, err)
			}
			return
		}
		var c cert
		if err := parseCert(cl.dgc, &c); err != nil {
			if c := pass.CodeOf(err); c != pass.CBOR && c != pass.Schema && c != pass.TooLarge && c != pass.UnsupportedFormat {
				t.Fatalf("certificate: unexpected code %q: %v", c, err)
			}
			return
		}
		p, err := newPass(KID(ecKID), key, &cl, &c)
		if err != nil {
			t.Fatalf("a schema-valid certificate did not make a pass: %v", err)
		}
		if p.ID.IsZero() || len(p.Kinds()) != 1 {
			t.Fatalf("incomplete pass %+v", p)
		}
		// What decodes re-encodes to something that decodes the same.
		d := c.dgc()
		re, err := encMode.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var c2 cert
		if err := parseCert(string(re), &c2); err != nil {
			t.Fatalf("re-encoded certificate fails: %v", err)
		}
		if d2 := c2.dgc(); d2.Name != d.Name || d2.DOB != d.DOB || len(d2.V) != len(d.V) || len(d2.T) != len(d.T) || len(d2.R) != len(d.R) {
			t.Fatalf("re-encoding changed the certificate")
		}
	})
}
