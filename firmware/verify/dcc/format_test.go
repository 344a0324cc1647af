package dcc

import (
	"bytes"
	"compress/zlib"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify/cose"
	"github.com/venuekiosk/venuekiosk/firmware/verify/dcc/base45"
)

func TestNameAndMatch(t *testing.T) {
	f := New()
	if got := f.Name(); got != "dcc" {
		t.Errorf("Name: got %q, want %q", got, "dcc")
	}
	for _, tt := range []struct {
		payload string
		want    bool
	}{
		{"HC1:NCFOXN", true},
		{"HC1:", true},
		{"HC2:NCFOXN", false},
		{"HL0:NCFOXN", false},
		{"hc1:NCFOXN", false},
		{"NCFOXN%TS", false},
		{"", false},
		{"shc:/5676", false},
	} {
		t.Run(tt.payload, func(t *testing.T) {
			if got := f.Match(tt.payload); got != tt.want {
				t.Errorf("Match(%q): got %v, want %v", tt.payload, got, tt.want)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	ec, rk := testKeys()
	tests := []struct {
		name   string
		signer crypto.Signer
		kid    []byte
		dgc    DGC
		check  func(t *testing.T, p *pass.Pass)
	}{
		{name: "ES256 vaccination", signer: ec, kid: ecKID, dgc: vaccinationDGC(), check: func(t *testing.T, p *pass.Pass) {
			want := []pass.Dose{{Date: time.Date(2021, 5, 18, 0, 0, 0, 0, time.UTC), Dose: 2, Series: 2, Product: "EU/1/20/1528", Target: TargetCOVID19}}
			if len(p.Vaccinations) != 1 || p.Vaccinations[0] != want[0] {
				t.Errorf("Vaccinations: got %+v, want %+v", p.Vaccinations, want)
			}
			if p.ID != pass.NewID("dcc", "01:AT:10807843F94AEE0EE5093FBC254BD813#B") {
				t.Errorf("ID: got %v, want the ID of the UVCI without URN:UVCI:", p.ID)
			}
		}},
		{name: "PS256 vaccination", signer: rk, kid: rsaKID, dgc: vaccinationDGC(), check: func(t *testing.T, p *pass.Pass) {
			if len(p.Vaccinations) != 1 || p.Vaccinations[0].Dose != 2 {
				t.Errorf("Vaccinations: got %+v", p.Vaccinations)
			}
		}},
		{name: "ES256 test", signer: ec, kid: ecKID, dgc: testDGC(), check: func(t *testing.T, p *pass.Pass) {
			want := pass.TestResult{Sampled: time.Date(2021, 5, 30, 10, 12, 22, 0, time.UTC), Negative: true, Type: "rat", Target: TargetCOVID19}
			if len(p.Tests) != 1 || p.Tests[0] != want {
				t.Errorf("Tests: got %+v, want %+v", p.Tests, want)
			}
		}},
		{name: "PS256 recovery", signer: rk, kid: rsaKID, dgc: recoveryDGC(), check: func(t *testing.T, p *pass.Pass) {
			want := pass.RecoveryStatement{
				FirstPositive: time.Date(2021, 2, 20, 0, 0, 0, 0, time.UTC),
				ValidFrom:     time.Date(2021, 4, 4, 0, 0, 0, 0, time.UTC),
				ValidUntil:    time.Date(2021, 10, 4, 0, 0, 0, 0, time.UTC),
				Target:        TargetCOVID19,
			}
			if len(p.Recoveries) != 1 || p.Recoveries[0] != want {
				t.Errorf("Recoveries: got %+v, want %+v", p.Recoveries, want)
			}
		}},
	}
	set := testTrust()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload, err := Sign(claimsOf(tt.dgc), tt.signer, tt.kid)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(payload, "HC1:") {
				t.Fatalf("payload starts %q, want HC1:", payload[:4])
			}
			p, err := New().Decode(payload, set)
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != "dcc" || p.KID != base64.StdEncoding.EncodeToString(tt.kid) || p.Issuer != "AT" {
				t.Errorf("got format %q kid %q issuer %q", p.Format, p.KID, p.Issuer)
			}
			if p.Key == nil || p.Key.KID != p.KID {
				t.Errorf("Key: got %+v, want the trusted key for %s", p.Key, p.KID)
			}
			if !p.IssuedAt.Equal(iat) || !p.Expires.Equal(exp) {
				t.Errorf("times: got %v..%v, want %v..%v", p.IssuedAt, p.Expires, iat, exp)
			}
			wantHolder := pass.Holder{Name: holderFN + ", " + holderGN, DOB: holderDOB}
			if p.Holder != wantHolder {
				t.Errorf("Holder: got %+v, want %+v", p.Holder, wantHolder)
			}
			if len(p.Kinds()) != 1 {
				t.Errorf("Kinds: got %v, want one", p.Kinds())
			}
			tt.check(t, p)
		})
	}
}

func TestEnvelopeVariants(t *testing.T) {
	payload, err := encodeClaims(claimsOf(vaccinationDGC()))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		o    sealOpts
	}{
		{"kid in unprotected header", sealOpts{kidUnprotected: true}},
		{"CWT tag 61 around tag 18", sealOpts{cwtTag: true}},
		{"untagged COSE_Sign1", sealOpts{untagged: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := sealBytes(t, payload, tt.o)
			p, err := New().Decode(s, testTrust())
			if err != nil {
				t.Fatal(err)
			}
			if p.KID != base64.StdEncoding.EncodeToString(ecKID) {
				t.Errorf("KID: got %q", p.KID)
			}
		})
	}
}

// TestKIDPrecedence follows dgc-testdata CO18-CO23: a kid in the protected
// header wins over one in the unprotected header.
func TestKIDPrecedence(t *testing.T) {
	payload, err := encodeClaims(claimsOf(vaccinationDGC()))
	if err != nil {
		t.Fatal(err)
	}
	enc := func(v any) []byte {
		b, err := encMode.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	sign := func(protected []byte, unprot map[int]any) string {
		sig, err := cose.Sign(protected, payload, ecKey())
		if err != nil {
			t.Fatal(err)
		}
		msg := enc(cbor.Tag{Number: 18, Content: []any{protected, unprot, payload, sig}})
		out, err := wrap(msg, true)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	foo := []byte("foo")
	tests := []struct {
		name      string
		protected []byte
		unprot    map[int]any
		want      pass.Code // "" for success
	}{
		{"protected right, unprotected absent", enc(map[int]any{1: -7, 4: ecKID}), map[int]any{}, ""},
		{"protected absent, unprotected right", enc(map[int]any{1: -7}), map[int]any{4: ecKID}, ""},
		{"both right", enc(map[int]any{1: -7, 4: ecKID}), map[int]any{4: ecKID}, ""},
		{"protected right, unprotected wrong", enc(map[int]any{1: -7, 4: ecKID}), map[int]any{4: foo}, ""},
		{"protected wrong, unprotected right", enc(map[int]any{4: foo}), map[int]any{1: -7, 4: ecKID}, pass.UnknownKey},
		{"protected empty, alg and kid unprotected", []byte{}, map[int]any{1: -7, 4: ecKID}, ""},
		{"protected absent, unprotected wrong", []byte{}, map[int]any{1: -7, 4: foo}, pass.UnknownKey},
		{"protected kid empty", enc(map[int]any{1: -7, 4: []byte{}}), map[int]any{4: ecKID}, pass.COSE},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New().Decode(sign(tt.protected, tt.unprot), testTrust())
			if tt.want == "" {
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
				return
			}
			wantCode(t, err, tt.want)
		})
	}
}

// zlibOf compresses b.
func zlibOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hc1 wraps raw bytes (already compressed or not) as an HC1 payload.
func hc1(b []byte) string { return Prefix + base45.EncodeToString(b) }

// cose1 returns a tagged COSE_Sign1 message holding the given parts.
func cose1(t testing.TB, parts ...any) []byte {
	t.Helper()
	b, err := encMode.Marshal(cbor.Tag{Number: 18, Content: parts})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeErrors(t *testing.T) {
	good := mustSign(t, claimsOf(vaccinationDGC()))
	goodRaw, err := base45.DecodeString(good[4:])
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zlib.NewReader(bytes.NewReader(goodRaw))
	if err != nil {
		t.Fatal(err)
	}
	var goodCOSE bytes.Buffer
	if _, err := goodCOSE.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	prot, err := encMode.Marshal(map[int]any{1: -7, 4: ecKID})
	if err != nil {
		t.Fatal(err)
	}
	sig64 := make([]byte, 64)
	payload, err := encodeClaims(claimsOf(vaccinationDGC()))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 0x01
		return c
	}
	deep := any("x")
	for range 40 {
		deep = []any{deep}
	}
	otherEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		payload string
		trust   pass.Trust
		want    pass.Code
	}{
		{"no prefix", "HC2:" + good[4:], nil, pass.Prefix},
		{"too long", Prefix + strings.Repeat("0", MaxBase45+1), nil, pass.TooLarge},
		{"base45 bad character", Prefix + "NCF=XN", nil, pass.Base45},
		{"base45 bad length", good[:len(good)-len(good[4:])%3] + "0", nil, pass.Base45},
		{"base45 group too large", Prefix + ":::", nil, pass.Base45},
		{"empty", Prefix, nil, pass.Decompress},
		{"not compressed", hc1(goodCOSE.Bytes()), nil, pass.Decompress},
		{"zlib checksum", hc1(flip(goodRaw, len(goodRaw)-1)), nil, pass.Decompress},
		{"zlib truncated", hc1(goodRaw[:len(goodRaw)-10]), nil, pass.Decompress},
		{"zlib trailing bytes", hc1(append(bytes.Clone(goodRaw), 0, 0)), nil, pass.Decompress},
		{"zlib corrupt deflate", hc1(flip(goodRaw, 2)), nil, pass.Decompress},
		{"zip bomb", hc1(zlibOf(t, make([]byte, 4<<20))), nil, pass.Decompress},
		{"inflates to nothing", hc1(zlibOf(t, nil)), nil, pass.CBOR},
		{"not an array", hc1(zlibOf(t, []byte{0x00, 0x91})), nil, pass.COSE},
		{"a map", hc1(zlibOf(t, []byte{0xd2, 0xa0})), nil, pass.COSE},
		{"three elements", hc1(zlibOf(t, cose1(t, prot, map[int]any{}, payload))), nil, pass.COSE},
		{"protected is text", hc1(zlibOf(t, cose1(t, "x", map[int]any{}, payload, sig64))), nil, pass.COSE},
		{"unprotected is array", hc1(zlibOf(t, cose1(t, prot, []any{}, payload, sig64))), nil, pass.COSE},
		{"protected is not a map", hc1(zlibOf(t, cose1(t, []byte{0x01}, map[int]any{}, payload, sig64))), nil, pass.COSE},
		{"protected is malformed", hc1(zlibOf(t, cose1(t, []byte{0xa1, 0x01}, map[int]any{}, payload, sig64))), nil, pass.CBOR},
		{"truncated", hc1(zlibOf(t, goodCOSE.Bytes()[:goodCOSE.Len()-5])), nil, pass.CBOR},
		{"trailing bytes", hc1(zlibOf(t, append(bytes.Clone(goodCOSE.Bytes()), 0x00))), nil, pass.CBOR},
		{"unknown tag", hc1(zlibOf(t, append([]byte{0xd3}, goodCOSE.Bytes()[1:]...))), nil, pass.COSE},
		{"CWT tag without tag 18", hc1(zlibOf(t, append([]byte{0xd8, 0x3d}, goodCOSE.Bytes()[1:]...))), nil, pass.COSE},
		{"indefinite-length array", hc1(zlibOf(t, append(append([]byte{0xd2, 0x9f}, goodCOSE.Bytes()[2:]...), 0xff))), nil, pass.CBOR},
		{"depth bomb in header", hc1(zlibOf(t, cose1(t, prot, map[int]any{99: deep}, payload, sig64))), nil, pass.TooLarge},
		{"wide array in header", hc1(zlibOf(t, cose1(t, prot, map[int]any{99: make([]int, 1000)}, payload, sig64))), nil, pass.TooLarge},
		{"duplicate key in protected", hc1(zlibOf(t, cose1(t, []byte{0xa2, 0x01, 0x26, 0x01, 0x26}, map[int]any{}, payload, sig64))), nil, pass.CBOR},
		{"no alg", sealBytes(t, payload, sealOpts{protected: mustEnc(t, map[int]any{4: ecKID})}), testTrust(), pass.COSE},
		{"ES384 alg", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: -35, 4: ecKID}), map[int]any{}, payload, make([]byte, 96)))), testTrust(), pass.COSE},
		{"alg as text", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: "ES256", 4: ecKID}), map[int]any{}, payload, sig64))), testTrust(), pass.COSE},
		{"no kid", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: -7}), map[int]any{}, payload, sig64))), testTrust(), pass.COSE},
		{"kid as text", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: -7, 4: "kid"}), map[int]any{}, payload, sig64))), testTrust(), pass.COSE},
		{"kid as integer", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: -7, 4: 5}), map[int]any{}, payload, sig64))), testTrust(), pass.COSE},
		{"kid too long", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: -7, 4: make([]byte, MaxKID+1)}), map[int]any{}, payload, sig64))), testTrust(), pass.COSE},
		{"critical header", hc1(zlibOf(t, cose1(t, mustEnc(t, map[int]any{1: -7, 2: []any{99}, 4: ecKID}), map[int]any{}, payload, sig64))), testTrust(), pass.COSE},
		{"detached payload", hc1(zlibOf(t, cose1(t, prot, map[int]any{}, nil, sig64))), testTrust(), pass.COSE},
		{"ES256 signature too short", hc1(zlibOf(t, cose1(t, prot, map[int]any{}, payload, make([]byte, 63)))), testTrust(), pass.COSE},
		{"unknown kid", good, trust.NewSet(), pass.UnknownKey},
		{"nil trust", good, nil, pass.UnknownKey},
		{"trust store fails", good, brokenTrust{}, pass.Internal},
		{"tampered payload", hc1(zlibOf(t, cose1(t, prot, map[int]any{}, flip(payload, len(payload)-2), sig64))), testTrust(), pass.Signature},
		{"tampered signature", hc1(zlibOf(t, flip(goodCOSE.Bytes(), goodCOSE.Len()-1))), testTrust(), pass.Signature},
		{"wrong key for the kid", good, trust.NewSet(TrustedKey(otherEC.Public(), ecKID, "AT")), pass.Signature},
		{"RSA key for an ES256 signature", good, trust.NewSet(TrustedKey(rsaKey().Public(), ecKID, "AT")), pass.Signature},
		{"PS256 header on an ECDSA key", sealBytes(t, payload, sealOpts{alg: cose.PS256}), testTrust(), pass.Signature},
		{"P-384 size signature for a P-256 key", hc1(zlibOf(t, cose1(t, prot, map[int]any{}, payload, make([]byte, 96)))), testTrust(), pass.Signature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New().Decode(tt.payload, tt.trust)
			if err == nil {
				t.Fatalf("got pass %+v, want error %q", p, tt.want)
			}
			wantCode(t, err, tt.want)
		})
	}
}

func mustEnc(t testing.TB, v any) []byte {
	t.Helper()
	b, err := encMode.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type brokenTrust struct{}

func (brokenTrust) Keys(string, string) ([]*pass.Key, error) { return nil, errors.New("disk on fire") }

// TestClaims covers the CWT claims, which are read after the signature.
func TestClaims(t *testing.T) {
	dgc := dgcMap()
	with := func(f func(m map[int]any)) map[int]any {
		m := claimsMap(dgc)
		f(m)
		return m
	}
	tests := []struct {
		name  string
		value any
		want  pass.Code // "" for success
		check func(t *testing.T, p *pass.Pass)
	}{
		{"float times", with(func(m map[int]any) { m[6] = float64(iat.Unix()) + 0.5; m[4] = float64(exp.Unix()) }), "", func(t *testing.T, p *pass.Pass) {
			if want := iat.Add(500 * time.Millisecond); !p.IssuedAt.Equal(want) || !p.Expires.Equal(exp) {
				t.Errorf("times: got %v, %v; want %v, %v", p.IssuedAt, p.Expires, want, exp)
			}
		}},
		{"half-precision float", with(func(m map[int]any) { m[6] = cbor.RawMessage{0xf9, 0x3c, 0x00} }), "", func(t *testing.T, p *pass.Pass) {
			if !p.IssuedAt.Equal(time.Unix(1, 0)) {
				t.Errorf("iat: got %v, want 1s after the epoch", p.IssuedAt)
			}
		}},
		{"no iss: the key's country", with(func(m map[int]any) { delete(m, 1) }), "", func(t *testing.T, p *pass.Pass) {
			if p.Issuer != "AT" {
				t.Errorf("Issuer: got %q, want the key's AT", p.Issuer)
			}
		}},
		{"unknown claims ignored", with(func(m map[int]any) { m[7] = []byte("cti"); m[-70000] = "x" }), "", nil},
		{"not a map", []any{1, 2}, pass.COSE, nil},
		{"no exp", with(func(m map[int]any) { delete(m, 4) }), pass.COSE, nil},
		{"no iat", with(func(m map[int]any) { delete(m, 6) }), pass.COSE, nil},
		{"exp as text", with(func(m map[int]any) { m[4] = "2022-06-01" }), pass.COSE, nil},
		{"exp negative", with(func(m map[int]any) { m[4] = -5 }), pass.COSE, nil},
		{"exp after 9999", with(func(m map[int]any) { m[4] = uint64(1) << 40 }), pass.COSE, nil},
		{"exp negative float", with(func(m map[int]any) { m[4] = -1.5 }), pass.COSE, nil},
		{"exp NaN", with(func(m map[int]any) { m[4] = cbor.RawMessage{0xf9, 0x7e, 0x00} }), pass.CBOR, nil},
		{"exp null", with(func(m map[int]any) { m[4] = nil }), pass.COSE, nil},
		{"iss as integer", with(func(m map[int]any) { m[1] = 40 }), pass.COSE, nil},
		{"iss too long", with(func(m map[int]any) { m[1] = strings.Repeat("A", MaxIss+1) }), pass.COSE, nil},
		{"iss of 65 bytes (Georgia)", with(func(m map[int]any) { m[1] = strings.Repeat("G", 65) }), "", func(t *testing.T, p *pass.Pass) {
			if p.Issuer != strings.Repeat("G", 65) {
				t.Errorf("Issuer: got %q", p.Issuer)
			}
		}},
		{"no hcert", with(func(m map[int]any) { delete(m, -260) }), pass.COSE, nil},
		{"hcert without DGC v1", with(func(m map[int]any) { m[-260] = map[int]any{2: dgc} }), pass.COSE, nil},
		{"hcert not a map", with(func(m map[int]any) { m[-260] = []byte{1} }), pass.COSE, nil},
		{"DGC a byte string (CBO1)", with(func(m map[int]any) { m[-260] = map[int]any{1: []byte{0xff, 0xff}} }), pass.CBOR, nil},
		{"duplicate claim", cbor.RawMessage{0xa2, 0x04, 0x01, 0x04, 0x02}, pass.CBOR, nil},
		{"depth bomb in an unknown claim", with(func(m map[int]any) {
			deep := any(1)
			for range 30 {
				deep = map[int]any{1: deep}
			}
			m[99] = deep
		}), pass.TooLarge, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New().Decode(sealValue(t, tt.value, sealOpts{}), testTrust())
			if tt.want != "" {
				wantCode(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

func TestConcurrentDecode(t *testing.T) {
	good := mustSign(t, claimsOf(vaccinationDGC()))
	bad := hc1(zlibOf(t, make([]byte, MaxInflated+1)))
	set := testTrust()
	f := New()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				if (i+j)%3 == 0 {
					if _, err := f.Decode(bad, set); pass.CodeOf(err) != pass.Decompress {
						errs <- err
					}
					continue
				}
				if _, err := f.Decode(good, set); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestInflateBound(t *testing.T) {
	// Exactly MaxInflated bytes inflate; one more does not.
	w := getWork()
	defer putWork(w)
	out, err := w.inflate(zlibOf(t, make([]byte, MaxInflated)))
	if err != nil || len(out) != MaxInflated {
		t.Fatalf("MaxInflated bytes: got %d bytes, %v", len(out), err)
	}
	if _, err := w.inflate(zlibOf(t, make([]byte, MaxInflated+1))); pass.CodeOf(err) != pass.Decompress {
		t.Errorf("MaxInflated+1 bytes: got %v, want a decompress error", err)
	}
	// The reader is reusable after an error.
	out, err = w.inflate(zlibOf(t, []byte("hello")))
	if err != nil || string(out) != "hello" {
		t.Errorf("after an error: got %q, %v", out, err)
	}
}
