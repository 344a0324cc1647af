package dcc

import (
	"cmp"
	"strings"
	"testing"
	"time"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func testMap() map[string]any {
	m := dgcMap()
	delete(m, "v")
	m["t"] = []any{map[string]any{
		"tg": TargetCOVID19, "tt": TestNAAT, "nm": "Roche LightCycler qPCR", "sc": "2021-05-30T10:12:22Z",
		"tr": ResultNegative, "tc": "Testzentrum", "co": "AT", "is": "Ministry of Health, Austria", "ci": "URN:UVCI:01:AT:X#1",
	}}
	return m
}

func recoveryMap() map[string]any {
	m := dgcMap()
	delete(m, "v")
	m["r"] = []any{map[string]any{
		"tg": TargetCOVID19, "fr": "2021-02-20", "co": "AT", "is": "Ministry of Health, Austria",
		"df": "2021-04-04", "du": "2021-10-04", "ci": "URN:UVCI:01:AT:Y#2",
	}}
	return m
}

func entry(m map[string]any, group string) map[string]any {
	return m[group].([]any)[0].(map[string]any)
}

func name(m map[string]any) map[string]any { return m["nam"].(map[string]any) }

func TestSchema(t *testing.T) {
	type mut func(m map[string]any)
	set := func(path string, v any) mut {
		return func(m map[string]any) {
			parts := strings.Split(path, ".")
			if len(parts) == 1 {
				m[path] = v
				return
			}
			var target map[string]any
			switch parts[0] {
			case "nam":
				target = name(m)
			case "v", "t", "r":
				target = entry(m, parts[0])
			default:
				m[parts[0]] = v
				return
			}
			target[parts[1]] = v
		}
	}
	del := func(path string) mut {
		return func(m map[string]any) {
			parts := strings.Split(path, ".")
			if len(parts) == 1 {
				delete(m, path)
				return
			}
			switch parts[0] {
			case "nam":
				delete(name(m), parts[1])
			case "v", "t", "r":
				delete(entry(m, parts[0]), parts[1])
			default:
				delete(m, parts[0])
			}
		}
	}
	tests := []struct {
		name string
		base func() map[string]any
		mut  mut
		ok   bool
	}{
		// Valid variants.
		{"vaccination", dgcMap, nil, true},
		{"test", testMap, nil, true},
		{"recovery", recoveryMap, nil, true},
		{"dob year only", dgcMap, set("dob", "1964"), true},
		{"dob year and month", dgcMap, set("dob", "1964-08"), true},
		{"dob empty", dgcMap, set("dob", ""), true},
		{"only fnt", dgcMap, func(m map[string]any) { m["nam"] = map[string]any{"fnt": "X"} }, true},
		{"fnt empty", dgcMap, set("nam.fnt", ""), true},
		{"fn of 80 non-ASCII characters", dgcMap, set("nam.fn", strings.Repeat("ö", 80)), true},
		{"unknown fields allowed", dgcMap, func(m map[string]any) { m["x-ext"] = []any{1}; entry(m, "v")["dr"] = "2021" }, true},
		{"test without tc, nm, ma", testMap, func(m map[string]any) { e := entry(m, "t"); delete(e, "tc"); delete(e, "nm") }, true},
		{"test with empty ma", testMap, set("t.ma", ""), true},
		{"sc with offset", testMap, set("t.sc", "2021-05-03T14:20:00+02:00"), true},
		{"sc with basic offset", testMap, set("t.sc", "2021-05-03T14:20:00+0200"), true},
		{"sc with fraction", testMap, set("t.sc", "2021-05-03T14:20:00.123Z"), true},
		{"sc in tag 0", testMap, set("t.sc", cbor.Tag{Number: 0, Content: "2021-06-15T07:53:03Z"}), true},
		{"dt in tag 1004", dgcMap, set("v.dt", cbor.Tag{Number: 1004, Content: "2021-05-18"}), true},
		{"dob in tag 1004", dgcMap, set("dob", cbor.Tag{Number: 1004, Content: "1964-08-12"}), true},
		{"dose 3 of 2", dgcMap, set("v.dn", 3), true},
		{"fn null: absent", dgcMap, set("nam.fn", nil), true},
		{"fnt null: absent, so missing", dgcMap, set("nam.fnt", nil), false},
		// Lengths are not bounded beyond the payload's (the schemas say 50
		// or 80 characters; issuers wrote more).
		{"fnt of 81", dgcMap, set("nam.fnt", strings.Repeat("A", 81)), true},
		{"fn of 200", dgcMap, set("nam.fn", strings.Repeat("ö", 200)), true},
		{"is of 300", dgcMap, set("v.is", strings.Repeat("x", 300)), true},
		{"ci of 81", dgcMap, set("v.ci", strings.Repeat("x", 81)), true},
		{"tc of 120 (Hungary)", testMap, set("t.tc", strings.Repeat("x", 120)), true},
		{"nm of 81", testMap, set("t.nm", strings.Repeat("x", 81)), true},
		// A date written as a date-time counts as its date.
		{"dt date-time", dgcMap, set("v.dt", "2021-05-18T00:00:00Z"), true},
		{"dt date-time with offset (Poland)", dgcMap, set("v.dt", "2021-03-18T22:54:00+02:00"), true},
		{"fr, df, du date-times (Singapore)", recoveryMap, func(m map[string]any) {
			e := entry(m, "r")
			e["fr"], e["df"], e["du"] = "2022-01-01T00:00:00.000Z", "2022-01-08T00:00:00.000Z", "2022-06-30T00:00:00.000Z"
		}, true},

		// Invalid.
		{"ver missing", dgcMap, del("ver"), false},
		{"ver upper case key", dgcMap, func(m map[string]any) { m["VER"] = m["ver"]; delete(m, "ver") }, false},
		{"ver an integer", dgcMap, set("ver", 1), false},
		{"ver two parts", dgcMap, set("ver", "1.3"), false},
		{"ver letters", dgcMap, set("ver", "1.x.0"), false},
		{"nam missing", dgcMap, del("nam"), false},
		{"nam a string", dgcMap, set("nam", "X"), false},
		{"nam empty (DGC1)", dgcMap, set("nam", map[string]any{}), false},
		{"fnt missing", dgcMap, del("nam.fnt"), false},
		{"fnt lower case", dgcMap, set("nam.fnt", "Zqx"), false},
		{"fnt with space", dgcMap, set("nam.fnt", "ZQX VJK"), false},
		{"gnt lower case", dgcMap, set("nam.gnt", "abc"), false},
		{"gn an integer", dgcMap, set("nam.gn", 7), false},
		{"dob missing", dgcMap, del("dob"), false},
		{"dob before 1900", dgcMap, set("dob", "1899-01-01"), false},
		{"dob slashes", dgcMap, set("dob", "1964/08/12"), false},
		{"dob date-time", dgcMap, set("dob", "1964-08-12T00:00:00"), false},
		{"dob as integer", dgcMap, set("dob", 1964), false},
		{"dob in tag 1", dgcMap, set("dob", cbor.Tag{Number: 1, Content: 0}), false},
		{"no group", dgcMap, del("v"), false},
		{"two groups (DGC2)", dgcMap, func(m map[string]any) { m["r"] = recoveryMap()["r"] }, false},
		{"empty group", dgcMap, set("v", []any{}), false},
		{"two entries", dgcMap, func(m map[string]any) { m["v"] = []any{entry(m, "v"), entry(m, "v")} }, false},
		{"group a map", dgcMap, func(m map[string]any) { m["v"] = entry(m, "v") }, false},
		{"entry a string", dgcMap, set("v", []any{"x"}), false},
		{"dn zero", dgcMap, set("v.dn", 0), false},
		{"dn negative", dgcMap, set("v.dn", -1), false},
		{"dn text", dgcMap, set("v.dn", "2"), false},
		{"dn float", dgcMap, set("v.dn", 2.0), false},
		{"dn huge", dgcMap, set("v.dn", uint64(1)<<63), false},
		{"dn above the plausible", dgcMap, set("v.dn", 1<<21), false},
		{"sd missing", dgcMap, del("v.sd"), false},
		{"dt date-time of garbage", dgcMap, set("v.dt", "2021-05-18Tnoon"), false},
		{"dt impossible", dgcMap, set("v.dt", "2021-02-30"), false},
		{"dt in tag 1", dgcMap, set("v.dt", cbor.Tag{Number: 1, Content: 1621296000}), false},
		{"ci byte string", dgcMap, set("v.ci", []byte("x")), false},
		{"ci in tag 0", dgcMap, set("v.ci", cbor.Tag{Number: 0, Content: "x"}), false},
		{"fnt in tag 1004", dgcMap, set("nam.fnt", cbor.Tag{Number: 1004, Content: "X"}), false},
		{"dt in tag 1004 around an integer", dgcMap, set("v.dt", cbor.Tag{Number: 1004, Content: 5}), false},
		{"sc date only", testMap, set("t.sc", "2021-05-30"), false},
		{"sc missing", testMap, del("t.sc"), false},
		{"tr missing", testMap, del("t.tr"), false},
		{"nm an integer", testMap, set("t.nm", 5), false},
		{"du missing", recoveryMap, del("r.du"), false},
		{"fr bad date", recoveryMap, set("r.fr", "20.02.2021"), false},
		{"df bad date", recoveryMap, set("r.df", "2021-13-01"), false},
	}
	// Every required field of each entry type.
	for _, f := range []string{"tg", "vp", "mp", "ma", "dn", "sd", "dt", "co", "is", "ci"} {
		tests = append(tests, struct {
			name string
			base func() map[string]any
			mut  mut
			ok   bool
		}{"v." + f + " missing", dgcMap, del("v." + f), false})
	}
	for _, f := range []string{"tg", "tt", "sc", "tr", "co", "is", "ci"} {
		tests = append(tests, struct {
			name string
			base func() map[string]any
			mut  mut
			ok   bool
		}{"t." + f + " missing", testMap, del("t." + f), false})
	}
	for _, f := range []string{"tg", "fr", "co", "is", "df", "du", "ci"} {
		tests = append(tests, struct {
			name string
			base func() map[string]any
			mut  mut
			ok   bool
		}{"r." + f + " missing", recoveryMap, del("r." + f), false})
	}
	set2 := testTrust()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.base()
			if tt.mut != nil {
				tt.mut(m)
			}
			p, err := New().Decode(sealValue(t, claimsMap(m), sealOpts{}), set2)
			if tt.ok {
				if err != nil {
					t.Fatalf("got %v, want a valid certificate", err)
				}
				if p.ID.IsZero() || len(p.Kinds()) != 1 {
					t.Errorf("pass lacks ID or kind: %+v", p)
				}
				return
			}
			if err == nil {
				t.Fatalf("got a pass, want a schema error")
			}
			wantCode(t, err, pass.Schema)
		})
	}
}

func TestHolderName(t *testing.T) {
	tests := []struct {
		n    PersonName
		want string
	}{
		{PersonName{Family: "Musterfrau-Gößinger", FamilyICAO: "MUSTERFRAU<GOESSINGER", Given: "Gabriele", GivenICAO: "GABRIELE"}, "Musterfrau-Gößinger, Gabriele"},
		{PersonName{FamilyICAO: "DI<CAPRIO", GivenICAO: "MARILU<TERESA"}, "DI CAPRIO, MARILU TERESA"},
		{PersonName{Family: "Test", FamilyICAO: "TEST"}, "Test"},
		{PersonName{FamilyICAO: "", Given: "Jeanne"}, "Jeanne"},
		{PersonName{Family: "STARK ", FamilyICAO: "STARK<", Given: "KATJA"}, "STARK, KATJA"},
		{PersonName{}, ""},
	}
	for _, tt := range tests {
		t.Run(cmp.Or(tt.want, "no name"), func(t *testing.T) {
			if got := tt.n.display(); got != tt.want {
				t.Errorf("%+v: got %q, want %q", tt.n, got, tt.want)
			}
		})
	}
}

func TestUVCI(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813#B", "01:AT:10807843F94AEE0EE5093FBC254BD813#B"},
		{"urn:uvci:01:CH:0CD12FE3BFDB936B8BE518B7", "01:CH:0CD12FE3BFDB936B8BE518B7"},
		{"01ES01RC6A212DD2A6140F2A3F0C#A", "01ES01RC6A212DD2A6140F2A3F0C#A"},
		{"URN:UVCI", "URN:UVCI"},
		{"", ""},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := UVCI(tt.in); got != tt.want {
				t.Errorf("UVCI(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	// Both spellings give one pass ID.
	a, b := vaccinationDGC(), vaccinationDGC()
	b.V[0].ID = strings.TrimPrefix(a.V[0].ID, "URN:UVCI:")
	pa, err := New().Decode(mustSign(t, claimsOf(a)), testTrust())
	if err != nil {
		t.Fatal(err)
	}
	pb, err := New().Decode(mustSign(t, claimsOf(b)), testTrust())
	if err != nil {
		t.Fatal(err)
	}
	if pa.ID != pb.ID {
		t.Errorf("IDs differ: %v and %v", pa.ID, pb.ID)
	}
}

func TestTestResults(t *testing.T) {
	for _, tt := range []struct {
		tt, tr   string
		wantType string
		wantNeg  bool
	}{
		{TestNAAT, ResultNegative, "naat", true},
		{TestRAT, ResultNegative, "rat", true},
		{TestRAT, ResultPositive, "rat", false},
		{"94558-4", "NEGATIVO", "94558-4", false},
	} {
		t.Run(tt.tt+" "+tt.tr, func(t *testing.T) {
			d := testDGC()
			d.T[0].Type, d.T[0].Result = tt.tt, tt.tr
			p, err := New().Decode(mustSign(t, claimsOf(d)), testTrust())
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Tests[0]; got.Type != tt.wantType || got.Negative != tt.wantNeg {
				t.Errorf("tt %q tr %q: got type %q negative %v, want %q %v", tt.tt, tt.tr, got.Type, got.Negative, tt.wantType, tt.wantNeg)
			}
		})
	}
}

func TestSignRefuses(t *testing.T) {
	bad := vaccinationDGC()
	bad.V[0].Dose = 0
	twoGroups := vaccinationDGC()
	twoGroups.R = recoveryDGC().R
	tests := []struct {
		name string
		c    Claims
	}{
		{"schema violation", claimsOf(bad)},
		{"two groups", claimsOf(twoGroups)},
		{"no issue time", Claims{Issuer: "AT", Expires: exp, DGC: vaccinationDGC()}},
		{"no expiry", Claims{Issuer: "AT", IssuedAt: iat, DGC: vaccinationDGC()}},
		{"expiry before issue", Claims{Issuer: "AT", IssuedAt: exp, Expires: iat, DGC: vaccinationDGC()}},
		{"issued before 1970", Claims{Issuer: "AT", IssuedAt: time.Unix(-10, 0), Expires: exp, DGC: vaccinationDGC()}},
		{"issuer too long", Claims{Issuer: strings.Repeat("A", MaxIss+1), IssuedAt: iat, Expires: exp, DGC: vaccinationDGC()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, err := Sign(tt.c, ecKey(), ecKID); err == nil {
				t.Errorf("got %d-character payload, want an error", len(s))
			}
		})
	}
	if _, err := Sign(claimsOf(vaccinationDGC()), ecKey(), nil); err == nil {
		t.Error("empty kid: got no error")
	}
	if _, err := Sign(claimsOf(vaccinationDGC()), ecKey(), make([]byte, MaxKID+1)); err == nil {
		t.Error("long kid: got no error")
	}
}
