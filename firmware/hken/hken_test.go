package hken

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// The sample venue of codogob/back-home-safe's generator, and the hash of
// its id computed with sha256sum: printf HKENWHBvLDSa2020 | sha256sum.
const (
	sampleID   = "WHBvLDSa"
	sampleHash = "adbec41f0c826e00f545b6021ed713252e44d102102e99301ae968bd0d0454d3"
	sampleJSON = `{"metadata":{"typeEn":"Stores/Shopping Malls","typeZh":"商店/商場"},"nameZh":"荃新天地","nameEn":"CityWalk","type":"IMPORT","hash":"` + sampleHash + `"}`
)

// code builds a venue code by hand from the public description.
func code(venue, id, js string) string {
	return "HKEN:" + venue + id + base64.StdEncoding.EncodeToString([]byte(js))
}

func TestHash(t *testing.T) {
	if got := Hash(sampleID); got != sampleHash {
		t.Errorf("Hash(%q): got %s, want %s", sampleID, got, sampleHash)
	}
	if got, want := Hash("AbCd1234"), "d9f3abebf38df121f91f4882403fc736fc80b89e8760e9ab1fd68c1671aa5298"; got != want {
		t.Errorf("Hash(AbCd1234): got %s, want %s", got, want)
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		code string
		want Venue
	}{
		{"public sample", code("0", sampleID, sampleJSON), Venue{Code: "0", ID: sampleID, NameZh: "荃新天地", NameEn: "CityWalk", Type: "IMPORT",
			TypeEn: "Stores/Shopping Malls", TypeZh: "商店/商場", HashOK: true}},
		{"metadata null", code("0", sampleID, `{"metadata":null,"nameZh":"","nameEn":"Cafe","type":"IMPORT","hash":"`+sampleHash+`"}`),
			Venue{Code: "0", ID: sampleID, NameEn: "Cafe", Type: "IMPORT", HashOK: true}},
		{"metadata absent, extra member ignored", code("1", sampleID, `{"nameZh":"茶餐廳","nameEn":"","type":"T","hash":"`+sampleHash+`","addressEn":"1 Road"}`),
			Venue{Code: "1", ID: sampleID, NameZh: "茶餐廳", Type: "T", HashOK: true}},
		{"wrong hash", code("0", "AbCd1234", sampleJSON), Venue{Code: "0", ID: "AbCd1234", NameZh: "荃新天地", NameEn: "CityWalk", Type: "IMPORT",
			TypeEn: "Stores/Shopping Malls", TypeZh: "商店/商場", HashOK: false}},
		{"hash of another id", code("0", sampleID, strings.Replace(sampleJSON, sampleHash, Hash("AbCd1234"), 1)), Venue{Code: "0", ID: sampleID, NameZh: "荃新天地",
			NameEn: "CityWalk", Type: "IMPORT", TypeEn: "Stores/Shopping Malls", TypeZh: "商店/商場", HashOK: false}},
		{"whitespace in JSON", code("0", sampleID, " {\n \"nameZh\" : \"A\", \"nameEn\":\"B\",\"type\":\"C\",\"hash\":\""+sampleHash+"\"}\n"),
			Venue{Code: "0", ID: sampleID, NameZh: "A", NameEn: "B", Type: "C", HashOK: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode(tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}

// unpadded returns the sample code with its base64 padding removed.
func unpadded() string {
	for pad := ""; ; pad += " " {
		if c := code("0", sampleID, sampleJSON+pad); strings.HasSuffix(c, "=") {
			return strings.TrimRight(c, "=")
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	obj := func(members string) string { return code("0", sampleID, "{"+members+"}") }
	good := `"nameZh":"A","nameEn":"B","type":"C","hash":"` + sampleHash + `"`
	tests := []struct {
		name string
		code string
		want error
	}{
		{"empty", "", ErrPrefix},
		{"other prefix", "HKSARG|VAC|3", ErrPrefix},
		{"lower-case prefix", strings.Replace(code("0", sampleID, sampleJSON), "HKEN", "hken", 1), ErrPrefix},
		{"prefix only", "HKEN:", ErrLength},
		{"no base64", "HKEN:0" + sampleID, ErrLength},
		{"short id", "HKEN:0WHBvLDS" + base64.StdEncoding.EncodeToString([]byte(sampleJSON))[:8], ErrBase64},
		{"venue character not alphanumeric", code("-", sampleID, sampleJSON), ErrVenue},
		{"id with punctuation", code("0", "WHBv-DSa", sampleJSON), ErrVenue},
		{"id with a non-ASCII letter", "HKEN:0WHBvLDé" + base64.StdEncoding.EncodeToString([]byte(sampleJSON)), ErrVenue},
		{"too large", code("0", sampleID, `{"nameZh":"`+strings.Repeat("A", MaxCode)+`"}`), ErrTooLarge},
		{"base64 garbage", "HKEN:0" + sampleID + "!!!!", ErrBase64},
		{"base64 without padding", unpadded(), ErrBase64},
		{"base64url alphabet", "HKEN:0" + sampleID + base64.URLEncoding.EncodeToString([]byte(`{"nameEn":"??>>"}`)), ErrBase64},
		{"base64 with a newline", "HKEN:0" + sampleID + "e30K\ne30K", ErrBase64},
		{"not JSON", code("0", sampleID, "hello"), ErrJSON},
		{"JSON array", code("0", sampleID, "[1,2]"), ErrJSON},
		{"JSON null", code("0", sampleID, "null"), ErrJSON},
		{"truncated JSON", code("0", sampleID, `{"nameZh":"A"`), ErrJSON},
		{"data after the object", code("0", sampleID, "{"+good+"} {}"), ErrJSON},
		{"invalid UTF-8", code("0", sampleID, "{\"nameZh\":\"\xff\"}"), ErrJSON},
		{"name is a number", obj(strings.Replace(good, `"nameEn":"B"`, `"nameEn":5`, 1)), ErrField},
		{"name is null", obj(strings.Replace(good, `"nameEn":"B"`, `"nameEn":null`, 1)), ErrField},
		{"type is an object", obj(strings.Replace(good, `"type":"C"`, `"type":{}`, 1)), ErrField},
		{"metadata is a string", obj(good + `,"metadata":"x"`), ErrField},
		{"metadata typeEn is a number", obj(good + `,"metadata":{"typeEn":1}`), ErrField},
		{"member name in other case", obj(strings.Replace(good, `"nameEn"`, `"NAMEEN"`, 1)), ErrField},
		{"hash missing", obj(`"nameZh":"A","nameEn":"B","type":"C"`), ErrField},
		{"type missing", obj(`"nameZh":"A","nameEn":"B","hash":"` + sampleHash + `"`), ErrField},
		{"hash upper case", obj(strings.Replace(good, sampleHash, strings.ToUpper(sampleHash), 1)), ErrField},
		{"hash short", obj(strings.Replace(good, sampleHash, sampleHash[:63], 1)), ErrField},
		{"hash not hex", obj(strings.Replace(good, sampleHash, "z"+sampleHash[1:], 1)), ErrField},
		{"name over the bound", obj(strings.Replace(good, `"nameEn":"B"`, `"nameEn":"`+strings.Repeat("B", MaxText+1)+`"`, 1)), ErrTooLarge},
		{"control character in a name", obj(strings.Replace(good, `"nameEn":"B"`, `"nameEn":"B\u0007"`, 1)), ErrField},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := Decode(tt.code)
			if err == nil {
				t.Fatalf("decoded %+v, want %v", v, tt.want)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestEncode(t *testing.T) {
	sample := Venue{Code: "0", ID: sampleID, NameZh: "荃新天地", NameEn: "CityWalk", Type: "IMPORT", TypeEn: "Stores/Shopping Malls", TypeZh: "商店/商場"}
	got, err := Encode(&sample)
	if err != nil {
		t.Fatal(err)
	}
	if want := code("0", sampleID, sampleJSON); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// JavaScript's JSON.stringify does not escape <, > and &.
	amp := Venue{Code: "0", ID: sampleID, NameEn: "Fish & <Chips>", Type: "IMPORT"}
	got, err = Encode(&amp)
	if err != nil {
		t.Fatal(err)
	}
	if want := code("0", sampleID, `{"metadata":null,"nameZh":"","nameEn":"Fish & <Chips>","type":"IMPORT","hash":"`+sampleHash+`"}`); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	back, err := Decode(got)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Venue{Code: "0", ID: sampleID, NameEn: "Fish & <Chips>", Type: "IMPORT", HashOK: true}); *back != want {
		t.Errorf("decoded: got %+v, want %+v", *back, want)
	}
	bad := []struct {
		name string
		v    Venue
		want error
	}{
		{"no venue character", Venue{ID: sampleID}, ErrVenue},
		{"two venue characters", Venue{Code: "00", ID: sampleID}, ErrVenue},
		{"short id", Venue{Code: "0", ID: "WHBv"}, ErrVenue},
		{"id with a space", Venue{Code: "0", ID: "WHBv DSa"}, ErrVenue},
		{"name over the bound", Venue{Code: "0", ID: sampleID, NameEn: strings.Repeat("x", MaxText+1)}, ErrTooLarge},
		{"control character", Venue{Code: "0", ID: sampleID, TypeZh: "\x1b[2J"}, ErrField},
		{"invalid UTF-8", Venue{Code: "0", ID: sampleID, NameZh: "\xff"}, ErrField},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := Encode(&tt.v); !errors.Is(err, tt.want) {
				t.Errorf("%s: got %q, %v, want %v", tt.name, got, err, tt.want)
			}
		})
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, v := range []Venue{
		{Code: "0", ID: "AbCd1234", NameZh: "香港文化中心", NameEn: "Hong Kong Cultural Centre", Type: "IMPORT", TypeEn: "Performance venue", TypeZh: "表演場地"},
		{Code: "Z", ID: "00000000", Type: "T"},
		{Code: "9", ID: "zzzzzzzz", NameEn: `quote " backslash \ slash /`, Type: "IMPORT"},
	} {
		c, err := Encode(&v)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(c)
		if err != nil {
			t.Fatalf("%+v: %v", v, err)
		}
		want := v
		want.HashOK = true
		if *got != want {
			t.Errorf("got %+v, want %+v", *got, want)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(code("0", sampleID, sampleJSON))
	f.Add(code("0", sampleID, `{"metadata":null,"nameZh":"","nameEn":"B","type":"C","hash":"`+sampleHash+`"}`))
	f.Add("HKEN:0WHBvLDSae30=")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Decode(s)
		if err != nil {
			return
		}
		// What decodes re-encodes and decodes to the same venue, with a
		// hash that now matches.
		c, err := Encode(v)
		if err != nil {
			t.Fatalf("decoded %+v from %q but cannot encode it: %v", v, s, err)
		}
		back, err := Decode(c)
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", c, err)
		}
		want := *v
		want.HashOK = true
		if *back != want {
			t.Fatalf("round trip: got %+v, want %+v", *back, want)
		}
	})
}
