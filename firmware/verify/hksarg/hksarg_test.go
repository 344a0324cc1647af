package hksarg_test

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/trust"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
)

func TestVectorsGreen(t *testing.T) {
	key := newKey(t)
	set := allKIDs(t, &key.PublicKey)
	wantFields := map[string]int{"VAC2 two doses": 19, "VAC3 three doses": 19, "VAC4 four doses, last three listed, recovered": 19, "MEC": 20, "EVT 12 fields": 12, "EVT 13 fields": 13}
	for _, tt := range vectors() {
		t.Run(tt.name, func(t *testing.T) {
			payload := sign(t, tt.rec, key)
			if n, ok := wantFields[tt.name]; ok {
				if got := strings.Count(payload, "|") + 1; got != n {
					t.Errorf("fields: got %d, want %d", got, n)
				}
			}
			v := engine(set).Verify(payload, checkTime)
			if v.Status != verify.Green || len(v.Reasons) != 0 {
				t.Fatalf("verdict: got %v %+v, want green without reasons", v.Status, v.Reasons)
			}
			if got, want := v.Format, "hksarg"; got != want {
				t.Errorf("format: got %q, want %q", got, want)
			}
			if got, want := v.Issuer, "HK"; got != want {
				t.Errorf("issuer: got %q, want %q", got, want)
			}
			if !slices.Equal(v.Kinds, tt.kinds) {
				t.Errorf("kinds: got %v, want %v", v.Kinds, tt.kinds)
			}
			if v.Holder != tt.holder {
				t.Errorf("holder: got %+v, want %+v", v.Holder, tt.holder)
			}
			if got, want := v.PassID, pass.NewID("hksarg", tt.rec.Type+":"+tt.rec.Ref); got != want {
				t.Errorf("pass id: got %s, want %s", got, want)
			}

			p, err := hksarg.New().Decode(payload, set)
			if err != nil {
				t.Fatal(err)
			}
			if !p.IssuedAt.Equal(tt.issued) {
				t.Errorf("issued: got %v, want %v", p.IssuedAt, tt.issued)
			}
			if !p.Expires.Equal(tt.expires) {
				t.Errorf("expires: got %v, want %v", p.Expires, tt.expires)
			}
			if !slices.EqualFunc(p.Vaccinations, tt.doses, func(a, b pass.Dose) bool { return a.Date.Equal(b.Date) && a.Dose == b.Dose && a.Product == b.Product }) {
				t.Errorf("doses: got %+v, want %+v", p.Vaccinations, tt.doses)
			}
			if p.Key == nil || p.KID != p.Key.KID {
				t.Errorf("key: got kid %q and key %+v", p.KID, p.Key)
			}
			switch tt.rec.Type {
			case "MEC":
				if len(p.Exemptions) != 1 || !p.Exemptions[0].ValidUntil.Equal(tt.rec.ValidUntil) {
					t.Errorf("exemptions: got %+v, want one valid until %v", p.Exemptions, tt.rec.ValidUntil)
				}
			case "EVT":
				if len(p.Tests) != 1 {
					t.Fatalf("tests: got %+v, want one", p.Tests)
				}
				got := p.Tests[0]
				if got.Negative != tt.negative || got.Type != tt.testType || !got.Sampled.Equal(tt.rec.Test.Collected) {
					t.Errorf("test: got %+v, want negative=%v type=%q sampled %v", got, tt.negative, tt.testType, tt.rec.Test.Collected)
				}
			}
			if tt.rec.Recovered != (len(p.Recoveries) == 1) {
				t.Errorf("recoveries: got %+v, recovered=%v", p.Recoveries, tt.rec.Recovered)
			}
		})
	}
}

// tamper changes field v so the record keeps its layout and its key: the
// only thing left to fail is the signature.
func tamper(i int, v string) string {
	switch {
	case i == 2 && strings.Contains(v, "."):
		return v + "0"
	case i == 2:
		return v + ".0"
	case v == "":
		return "X"
	}
	r, size := utf8.DecodeLastRuneInString(v)
	repl := "X"
	if r == 'X' {
		repl = "Y"
	}
	return v[:len(v)-size] + repl
}

func TestTamperEachField(t *testing.T) {
	key := newKey(t)
	set := allKIDs(t, &key.PublicKey)
	for _, tt := range vectors() {
		payload := sign(t, tt.rec, key)
		fields := strings.Split(payload, "|")
		for i := range fields {
			changed := slices.Clone(fields)
			want := pass.Signature
			switch i {
			case 0:
				changed[0], want = "HKSARX", pass.Prefix // no longer a Hong Kong record
			case 1:
				changed[1], want = "VAX", pass.UnsupportedFormat // an unknown record type
			case len(fields) - 1:
				der, _ := base64.StdEncoding.DecodeString(fields[i])
				der[len(der)/2] ^= 1
				changed[i] = base64.StdEncoding.EncodeToString(der)
			default:
				changed[i] = tamper(i, fields[i])
			}
			v := engine(set).Verify(strings.Join(changed, "|"), checkTime)
			if v.Status != verify.Red || len(v.Reasons) != 1 || v.Reasons[0].Code != want {
				t.Errorf("%s: field %d tampered: got %v %+v, want red with only %q", tt.name, i, v.Status, v.Reasons, want)
			}
			if v.Holder != (pass.Holder{}) || !v.PassID.IsZero() {
				t.Errorf("%s: field %d tampered: the verdict carries holder %+v / id %v", tt.name, i, v.Holder, v.PassID)
			}
		}
	}
}

func TestSignedByAnotherKey(t *testing.T) {
	key, other := newKey(t), newKey(t)
	set := allKIDs(t, &key.PublicKey)
	for _, tt := range vectors() {
		v := engine(set).Verify(sign(t, tt.rec, other), checkTime)
		if v.Status != verify.Red || !v.Has(pass.Signature) {
			t.Errorf("%s: got %v %+v, want red signature", tt.name, v.Status, v.Reasons)
		}
	}
}

func TestKeyVersion(t *testing.T) {
	a, b := newKey(t), newKey(t)
	rec := vectors()[2].rec // VAC3, key version 1
	withVersion := func(kv string, k *ecdsaKey) string {
		r := rec
		r.KeyVersion = kv
		return sign(t, r, k)
	}
	versioned := trust.NewSet(trustKey(t, &a.PublicKey, "HKSARG:VAC3:1"))
	both := trust.NewSet(trustKey(t, &a.PublicKey, "HKSARG:VAC3:1"), trustKey(t, &b.PublicKey, "HKSARG:VAC3"))
	tests := []struct {
		name    string
		payload string
		tr      pass.Trust
		want    verify.Status
		code    pass.Code
		kid     string
	}{
		{"versioned kid", withVersion("1", a), versioned, verify.Green, "", "HKSARG:VAC3:1"},
		{"wrong key version", withVersion("2", a), versioned, verify.Red, pass.UnknownKey, ""},
		{"no key version, only a versioned kid", withVersion("", a), versioned, verify.Red, pass.UnknownKey, ""},
		{"versioned kid takes precedence", withVersion("1", a), both, verify.Green, "", "HKSARG:VAC3:1"},
		{"no fallback once the versioned kid is found", withVersion("1", b), both, verify.Red, pass.Signature, ""},
		{"unknown key version falls back to the plain kid", withVersion("2", b), both, verify.Green, "", "HKSARG:VAC3"},
		{"no key at all", withVersion("1", a), trust.NewSet(), verify.Red, pass.UnknownKey, ""},
		{"key of another major version", withVersion("1", a), trust.NewSet(trustKey(t, &a.PublicKey, "HKSARG:VAC4")), verify.Red, pass.UnknownKey, ""},
		{"nil trust", withVersion("1", a), nil, verify.Red, pass.UnknownKey, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := engine(tt.tr).Verify(tt.payload, checkTime)
			if v.Status != tt.want || (tt.code != "" && !v.Has(tt.code)) {
				t.Fatalf("got %v %+v, want %v %q", v.Status, v.Reasons, tt.want, tt.code)
			}
			if v.KID != tt.kid {
				t.Errorf("kid: got %q, want %q", v.KID, tt.kid)
			}
		})
	}
	t.Run("EVT has no key version", func(t *testing.T) {
		evt := sign(t, vectors()[6].rec, a)
		v := engine(trust.NewSet(trustKey(t, &a.PublicKey, "HKSARG:EVT1:1"))).Verify(evt, checkTime)
		if v.Status != verify.Red || !v.Has(pass.UnknownKey) {
			t.Errorf("got %v %+v, want red unknown_key", v.Status, v.Reasons)
		}
	})
}

type ecdsaKey = ecdsa.PrivateKey

type brokenTrust struct{}

func (brokenTrust) Keys(string, string) ([]*pass.Key, error) { return nil, errors.New("disk on fire") }

func TestRejects(t *testing.T) {
	key := newKey(t)
	set := allKIDs(t, &key.PublicKey)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	vs := vectors()
	vac2, vac3, vac4, mec, evt := sign(t, vs[0].rec, key), sign(t, vs[2].rec, key), sign(t, vs[4].rec, key), sign(t, vs[5].rec, key), sign(t, vs[6].rec, key)
	// resign replaces field i of payload with v and signs the result, so
	// the record is authentic and only its content is wrong.
	resign := func(payload string, i int, v string) string {
		fs := strings.Split(unsigned(payload), "|")
		fs[i] = v
		return hksarg.SignText(strings.Join(fs, "|"), key)
	}
	fieldsOf := func(payload string) []string { return strings.Split(payload, "|") }
	dropField := func(payload string, i int) string {
		fs := fieldsOf(unsigned(payload))
		return hksarg.SignText(strings.Join(slices.Delete(fs, i, i+1), "|"), key)
	}
	addField := func(payload string, i int) string {
		fs := fieldsOf(unsigned(payload))
		return hksarg.SignText(strings.Join(slices.Insert(fs, i, ""), "|"), key)
	}
	// clear empties fields (absent marks as the issuer prints them).
	clear := func(payload string, idx ...int) string {
		fs := fieldsOf(unsigned(payload))
		for _, i := range idx {
			fs[i] = ""
		}
		return hksarg.SignText(strings.Join(fs, "|"), key)
	}
	tests := []struct {
		name    string
		payload string
		tr      pass.Trust
		code    pass.Code
		detail  string // the error names what failed
	}{
		// structure
		{"no prefix", "HKSARX|VAC|3|1|x", set, pass.Prefix, "no \"HKSARG|\" prefix"},
		{"too few fields", "HKSARG|VAC|3", set, pass.Schema, "too few"},
		{"far too many fields", "HKSARG|VAC|3" + strings.Repeat("|", 40), set, pass.Schema, "no layout has more than 32"},
		{"VAC missing a field", dropField(vac3, 11), set, pass.Schema, "has 18 fields"},
		{"VAC extra field", addField(vac3, 11), set, pass.Schema, "has 20 fields"},
		{"VAC2 with 18 fields", dropField(vac2, 16), set, pass.Schema, "VAC version 2 record has 18 fields"},
		{"MEC with 19 fields", dropField(mec, 17), set, pass.Schema, "MEC version 1 record has 19"},
		{"EVT with 11 fields", dropField(evt, 7), set, pass.Schema, "has 11 fields"},
		{"EVT with 14 fields", addField(addField(evt, 7), 7), set, pass.Schema, "has 14 fields"},
		// versions
		{"VAC version 5", resign(vac3, 2, "5"), set, pass.UnsupportedFormat, "version 5 is not supported"},
		{"VAC version 1", resign(vac3, 2, "1"), set, pass.UnsupportedFormat, "version 1 is not supported"},
		{"MEC version 2", resign(mec, 2, "2"), set, pass.UnsupportedFormat, "\"MEC\" version 2"},
		{"EVT version 2", resign(evt, 2, "2"), set, pass.UnsupportedFormat, "\"EVT\" version 2"},
		{"version not a number", resign(vac3, 2, "three"), set, pass.UnsupportedFormat, "not a version number"},
		{"version empty", resign(vac3, 2, ""), set, pass.UnsupportedFormat, "not a version number"},
		{"version trailing dot", resign(vac3, 2, "3."), set, pass.UnsupportedFormat, "not a version number"},
		{"unknown record type", resign(vac3, 1, "REC"), set, pass.UnsupportedFormat, "\"REC\" version 3 is not supported"},
		// dates
		{"dose date 31 February", resign(vac3, 12, "31-02-2022"), set, pass.Schema, "field 12 (dose date)"},
		{"dose date ISO", resign(vac3, 12, "2022-02-01"), set, pass.Schema, "field 12 (dose date)"},
		{"dose date before 2020", resign(vac3, 12, "01-02-2019"), set, pass.Schema, "field 12 (dose date)"},
		{"third-last dose without vaccine separator", resign(vac3, 11, "01-05-2021"), set, pass.Schema, "field 11 (dose date and vaccine)"},
		{"third-last dose bad date", resign(vac3, 11, "1-5-2021,Comirnaty"), set, pass.Schema, "field 11 (dose date and vaccine)"},
		{"print time without minutes", resign(vac3, 17, "10-12-2021 18"), set, pass.Schema, "field 17 (print time)"},
		{"print time month name", resign(vac3, 17, "10-Dec-2021 18:45"), set, pass.Schema, "field 17 (print time)"},
		{"VAC4 date of birth month 13", resign(vac4, 15, "01-13-1961,4"), set, pass.Schema, "field 15 (date of birth and dose count)"},
		{"VAC4 dose count not a number", resign(vac4, 15, "01-01-1961,four"), set, pass.Schema, "field 15 (date of birth and dose count)"},
		{"VAC4 dose count below listed doses", resign(vac4, 15, "01-01-1961,2"), set, pass.Schema, "states 2 doses but lists 3"},
		{"VAC4 without date of birth", resign(vac4, 15, ""), set, pass.Schema, "field 15 (date of birth and dose count)"},
		{"MEC valid until missing", resign(mec, 11, ""), set, pass.Schema, "field 11 (valid until)"},
		{"MEC valid until bad", resign(mec, 11, "31-04-2022"), set, pass.Schema, "field 11 (valid until)"},
		{"MEC date of birth bad", resign(mec, 16, "1950"), set, pass.Schema, "field 16 (date of birth)"},
		{"EVT collection time bad", resign(evt, 6, "yesterday"), set, pass.Schema, "field 6 (specimen collection time)"},
		{"EVT report time bad", resign(evt, 10, "32-05-2022 21:00"), set, pass.Schema, "field 10 (report time)"},
		{"EVT empty result", resign(evt, 9, ""), set, pass.Schema, "field 9 (test result)"},
		// content
		{"reserved field filled", resign(vac4, 9, "BNT"), set, pass.Schema, "field 9 (reserved field)"},
		{"recovery indicator not 001", resign(vac4, 10, "002"), set, pass.Schema, "field 10 (recovery indicator)"},
		{"exemption indicator not 002", resign(mec, 10, "001"), set, pass.Schema, "field 10 (exemption indicator)"},
		{"vaccine without dose date", resign(vac4, 7, ""), set, pass.Schema, "slot 2 names a vaccine but has no date"},
		{"VAC4 second-last dose without last", resign(resign(vac4, 12, ""), 13, ""), set, pass.Schema, "order the issuer never prints"},
		{"VAC3 third-last dose without last", clear(vac3, 7, 8, 9, 12, 13, 14), set, pass.Schema, "order the issuer never prints"},
		{"key version with a space", resign(vac3, 3, "1 2"), set, pass.Schema, "field 3 (key version)"},
		{"control character", resign(vac3, 6, "WONG\tS**"), set, pass.Schema, "field 6 holds a control character"},
		{"invalid UTF-8", resign(vac3, 6, "WONG \xff"), set, pass.Schema, "not valid UTF-8"},
		// sizes
		{"record over 8 KiB", vac3[:100] + strings.Repeat("A", hksarg.MaxPayload) + vac3[100:], set, pass.TooLarge, "at most 8192"},
		{"name over the field bound", resign(vac3, 6, strings.Repeat("W", hksarg.MaxField+1)), set, pass.TooLarge, "field 6 is 257 bytes"},
		{"signature over its bound", unsigned(vac3) + strings.Repeat("A", hksarg.MaxSignature+4), set, pass.TooLarge, "field 18 is 132 bytes"},
		// signature and keys
		{"signature not base64", unsigned(vac3) + "!!not-base64!!", set, pass.Signature, "not base64"},
		{"signature empty", unsigned(vac3), set, pass.Signature, "does not verify under HKSARG:VAC3"},
		{"signature not DER", unsigned(vac3) + base64.StdEncoding.EncodeToString([]byte("0123456789abcdef")), set, pass.Signature, "does not verify under HKSARG:VAC3"},
		{"trusted key is not P-256", vac3, trust.NewSet(&pass.Key{Format: "hksarg", KID: "HKSARG:VAC3", Issuer: "HK", Public: &rsaKey.PublicKey}), pass.Signature, "does not verify under HKSARG:VAC3"},
		{"no trusted key", vac3, trust.NewSet(), pass.UnknownKey, "no trusted key HKSARG:VAC3:1 or HKSARG:VAC3"},
		{"trust store fails", vac3, brokenTrust{}, pass.Internal, "disk on fire"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := hksarg.New().Decode(tt.payload, tt.tr)
			if err == nil {
				t.Fatalf("decoded %+v, want a %q error", p, tt.code)
			}
			if got := pass.CodeOf(err); got != tt.code {
				t.Fatalf("code: got %q (%v), want %q", got, err, tt.code)
			}
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("error: got %q, want it to contain %q", err, tt.detail)
			}
			// No reason echoes the holder's name or document number.
			for _, s := range []string{"WONG", "C345", "CHEUNG", "LAM K", "G789"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q echoes %q", err, s)
				}
			}
		})
	}
}
