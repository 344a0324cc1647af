package repo

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

func ids(n int, salt string) []pass.ID {
	out := make([]pass.ID, n)
	for i := range out {
		out[i] = pass.NewID("test", salt+string(rune('a'+i%26))+strings.Repeat("x", i/26))
	}
	slices.SortFunc(out, func(a, b pass.ID) int { return bytes.Compare(a[:], b[:]) })
	return out
}

func collect[T any](seq func(func(T, error) bool)) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestRevocationsRoundTrip(t *testing.T) {
	full, adds, removes := ids(100, "f"), ids(7, "a"), ids(3, "r")
	var fb, db bytes.Buffer
	if err := WriteRevocations(&fb, full); err != nil {
		t.Fatal(err)
	}
	if err := WriteDelta(&db, adds, removes); err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(fb.Bytes())
	h, err := ReadRevocationHeader(r, int64(fb.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if h.Kind != KindFull || h.Adds != 100 || h.Removes != 0 {
		t.Errorf("full header %+v", h)
	}
	got, err := collect(h.AddIDs(r))
	if err != nil || !slices.Equal(got, full) {
		t.Errorf("full list read back %d IDs (%v), want %d", len(got), err, len(full))
	}
	r = bytes.NewReader(db.Bytes())
	h, err = ReadRevocationHeader(r, int64(db.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if h.Kind != KindDelta || h.Adds != 7 || h.Removes != 3 {
		t.Errorf("delta header %+v", h)
	}
	ga, err1 := collect(h.AddIDs(r))
	gr, err2 := collect(h.RemoveIDs(r))
	if err1 != nil || err2 != nil || !slices.Equal(ga, adds) || !slices.Equal(gr, removes) {
		t.Errorf("delta read back %d adds, %d removes (%v, %v)", len(ga), len(gr), err1, err2)
	}
	if err := WriteRevocations(&fb, []pass.ID{full[1], full[0]}); err == nil {
		t.Error("WriteRevocations accepted a descending list")
	}
}

func TestRevocationFileRefused(t *testing.T) {
	list := ids(4, "x")
	var good bytes.Buffer
	WriteRevocations(&good, list)
	b := good.Bytes()
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(b)) }
	for _, tc := range []struct {
		name    string
		file    []byte
		want    string
		inEntry bool // found while reading entries, not in the header
	}{
		{"bad magic", mod(func(b []byte) []byte { b[0] = 'X'; return b }), "magic", false},
		{"truncated", b[:len(b)-1], "promises", false},
		{"extra byte", append(bytes.Clone(b), 0), "promises", false},
		{"count too high", mod(func(b []byte) []byte { binary.BigEndian.PutUint64(b[8:], 5); return b }), "promises", false},
		{"count beyond bound", mod(func(b []byte) []byte { binary.BigEndian.PutUint64(b[8:], 1<<40); return b }), "at most", false},
		{"empty", nil, "too short", false},
		{"repeated entry", mod(func(b []byte) []byte { copy(b[16+32:], b[16:16+32]); return b }), "strictly ascending", true},
		{"descending", mod(func(b []byte) []byte {
			var tmp [32]byte
			copy(tmp[:], b[16:48])
			copy(b[16:48], b[48:80])
			copy(b[48:80], tmp[:])
			return b
		}), "strictly ascending", true},
		{"zero ID", mod(func(b []byte) []byte { clear(b[16:48]); return b }), "zero", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bytes.NewReader(tc.file)
			h, err := ReadRevocationHeader(r, int64(len(tc.file)))
			if !tc.inEntry {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("header: %v, want an error mentioning %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("header: %v", err)
			}
			_, err = collect(h.AddIDs(r))
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("entries: %v, want a *FormatError mentioning %q", err, tc.want)
			}
		})
	}
}

func TestCodesRoundTrip(t *testing.T) {
	is := ids(3, "c")
	codes := []store.CodeEntry{
		{ID: is[0], Code: pass.RedCode},
		{ID: is[0], Code: pass.AmberCode, ValidFrom: t0, ValidUntil: t0.Add(time.Hour)},
		{ID: is[1], Code: pass.AmberCode, ValidFrom: t0},
		{ID: is[2], Code: pass.RedCode, ValidUntil: t0},
	}
	slices.SortFunc(codes, CompareCodes)
	var b bytes.Buffer
	if err := WriteCodes(&b, codes); err != nil {
		t.Fatal(err)
	}
	r := bytes.NewReader(b.Bytes())
	h, err := ReadCodeHeader(r, int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := collect(h.All(r))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(codes) {
		t.Fatalf("read %d codes, want %d", len(got), len(codes))
	}
	for i := range got {
		g, w := got[i], codes[i]
		if g.ID != w.ID || g.Code != w.Code || !g.ValidFrom.Equal(w.ValidFrom) || !g.ValidUntil.Equal(w.ValidUntil) {
			t.Errorf("code %d: got %+v, want %+v", i, g, w)
		}
	}
	for _, bad := range []struct {
		name  string
		codes []store.CodeEntry
	}{
		{"repeat", []store.CodeEntry{codes[0], codes[0]}},
		{"bad code", []store.CodeEntry{{ID: is[0], Code: pass.Revoked}}},
		{"until before from", []store.CodeEntry{{ID: is[0], Code: pass.RedCode, ValidFrom: t0, ValidUntil: t0}}},
	} {
		t.Run(bad.name, func(t *testing.T) {
			if err := WriteCodes(&bytes.Buffer{}, bad.codes); err == nil {
				t.Errorf("WriteCodes(%s) succeeded", bad.name)
			}
		})
	}
}

func TestCodeFileRefused(t *testing.T) {
	id := ids(1, "z")[0]
	var good bytes.Buffer
	WriteCodes(&good, []store.CodeEntry{{ID: id, Code: pass.RedCode, ValidFrom: t0}})
	rec := func(f func(r []byte)) []byte { b := bytes.Clone(good.Bytes()); f(b[codeHeader:]); return b }
	for _, tc := range []struct {
		name     string
		file     []byte
		want     string
		inHeader bool
	}{
		{"bad magic", append([]byte("VKREVF1\n"), good.Bytes()[8:]...), "magic", true},
		{"truncated", good.Bytes()[:good.Len()-3], "promises", true},
		{"count beyond bound", func() []byte { b := bytes.Clone(good.Bytes()); binary.BigEndian.PutUint64(b[8:], 1<<30); return b }(), "at most", true},
		{"code byte 3", rec(func(r []byte) { r[32] = 3 }), "code byte", false},
		{"zero ID", rec(func(r []byte) { clear(r[:32]) }), "zero", false},
		{"until before from", rec(func(r []byte) { binary.BigEndian.PutUint64(r[41:], uint64(t0.Unix()-1)) }), "validity", false},
		{"negative from", rec(func(r []byte) { binary.BigEndian.PutUint64(r[33:], 1<<63) }), "validity", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := bytes.NewReader(tc.file)
			h, err := ReadCodeHeader(r, int64(len(tc.file)))
			if !tc.inHeader {
				if err != nil {
					t.Fatal(err)
				}
				_, err = collect(h.All(r))
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestTrustRoundTrip(t *testing.T) {
	k1, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	keys := []*pass.Key{
		{Format: "dcc", KID: "AAECAwQFBgc=", Issuer: "XA", Public: &k1.PublicKey, Usage: pass.UseVaccination | pass.UseTest,
			NotBefore: t0, NotAfter: t0.AddDate(1, 0, 0)},
		{Format: "shc", KID: "kid-1", Issuer: "https://issuer.example", Public: &k1.PublicKey},
	}
	b, err := MarshalTrust(keys)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseTrust(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("read %d keys, want 2", len(got))
	}
	for i, g := range got {
		w := keys[i]
		if g.Format != w.Format || g.KID != w.KID || g.Issuer != w.Issuer || g.Usage != w.Usage || !g.NotBefore.Equal(w.NotBefore) || !g.NotAfter.Equal(w.NotAfter) {
			t.Errorf("key %d: got %+v, want %+v", i, g, w)
		}
		if !g.Public.(*ecdsa.PublicKey).Equal(w.Public) {
			t.Errorf("key %d: public key differs", i)
		}
	}
	for name, doc := range map[string]string{
		"not JSON":       "-----BEGIN CERTIFICATE-----",
		"no keys":        `{}`,
		"unknown field":  `{"keys":[],"extra":1}`,
		"bad usage":      `{"keys":[{"format":"dcc","kid":"k","public_key":"` + b64(t, keys[0]) + `","usage":["flying"]}]}`,
		"bad public key": `{"keys":[{"format":"dcc","kid":"k","public_key":"AAAA"}]}`,
		"no kid":         `{"keys":[{"format":"dcc","public_key":"` + b64(t, keys[0]) + `"}]}`,
		"trailing":       `{"keys":[]} {}`,
	} {
		if _, err := ParseTrust([]byte(doc)); err == nil {
			t.Errorf("ParseTrust(%s) succeeded", name)
		}
	}
}

func b64(t *testing.T, k *pass.Key) string {
	b, err := MarshalTrust([]*pass.Key{k})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, `"public_key": "`) + len(`"public_key": "`)
	return s[i : i+strings.Index(s[i:], `"`)]
}

func TestExposuresRoundTrip(t *testing.T) {
	ex := []store.Exposure{{Venue: "V1", Start: t0, End: t0.Add(2 * time.Hour), NoticeEN: "A case visited.", NoticeZH: "確診者曾到訪。", NoticeUntil: t0.AddDate(0, 0, 14)}}
	b, err := MarshalExposures(ex)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseExposures(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Venue != "V1" || got[0].NoticeZH != ex[0].NoticeZH || !got[0].End.Equal(ex[0].End) {
		t.Errorf("read back %+v, want %+v", got, ex)
	}
	for name, doc := range map[string]string{"no list": `{}`, "unknown field": `{"exposures":[{"room":"x"}]}`, "bad time": `{"exposures":[{"start":"yesterday"}]}`} {
		if _, err := ParseExposures([]byte(doc)); err == nil {
			t.Errorf("ParseExposures(%s) succeeded", name)
		}
	}
}

func TestCheckPolicy(t *testing.T) {
	if err := CheckPolicy(policy.DefaultJSON()); err != nil {
		t.Errorf("default policy: %v", err)
	}
	for name, doc := range map[string]string{"not JSON": "{", "unknown outcome": `{"name":"x","stale_data":"purple"}`, "too large": strings.Repeat(" ", 2<<20)} {
		if err := CheckPolicy([]byte(doc)); err == nil {
			t.Errorf("CheckPolicy(%s) succeeded", name)
		}
	}
}

// TestExposuresAssumedStay: an exposure's own assumed stay goes through
// the file as whole minutes; one without is written exactly as before
// (firmware that does not know the field refuses unknown fields), and a
// file of the old format reads as exposures without one.
func TestExposuresAssumedStay(t *testing.T) {
	ex := []store.Exposure{
		{Venue: "V1", Start: t0, End: t0.Add(2 * time.Hour), NoticeUntil: t0.AddDate(0, 0, 14), AssumedStay: 90 * time.Minute},
		{Venue: "V2", Start: t0, End: t0.Add(2 * time.Hour), NoticeUntil: t0.AddDate(0, 0, 14)},
	}
	b, err := MarshalExposures(ex)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), `"assumed_stay_minutes": 90`); n != 1 || strings.Count(string(b), "assumed_stay") != 1 {
		t.Errorf("the file names the assumed stay %d times (want once, for V1 only):\n%s", n, b)
	}
	got, err := ParseExposures(b)
	if err != nil || len(got) != 2 || got[0].AssumedStay != 90*time.Minute || got[1].AssumedStay != 0 {
		t.Errorf("read back %+v, %v", got, err)
	}
	old := `{"exposures": [{"venue": "V1", "start": "2026-11-23T09:00:00Z", "end": "2026-11-23T11:00:00Z",
		"notice_en": "A case visited.", "notice_zh": "確診者曾到訪。", "notice_until": "2026-12-07T09:00:00Z"}]}`
	got, err = ParseExposures([]byte(old))
	if err != nil || len(got) != 1 || got[0].AssumedStay != 0 || got[0].Venue != "V1" {
		t.Errorf("old format: %+v, %v", got, err)
	}
	// Written without an override, the file is the old format, byte for byte.
	b, err = MarshalExposures(ex[1:])
	if err != nil || strings.Contains(string(b), "assumed") {
		t.Errorf("without an override: %s, %v", b, err)
	}
	for _, m := range []string{"14", "481", "-30"} {
		doc := `{"exposures": [{"venue": "V1", "start": "2026-11-23T09:00:00Z", "end": "2026-11-23T11:00:00Z", "notice_en": "", "notice_zh": "", "notice_until": "2026-12-07T09:00:00Z", "assumed_stay_minutes": ` + m + `}]}`
		if _, err := ParseExposures([]byte(doc)); err == nil || !strings.Contains(err.Error(), "assumed_stay_minutes") {
			t.Errorf("assumed_stay_minutes %s: got %v", m, err)
		}
	}
	if _, err := MarshalExposures([]store.Exposure{{Venue: "V1", AssumedStay: 90*time.Minute + time.Second}}); err == nil {
		t.Error("an assumed stay of odd seconds was written")
	}
}
