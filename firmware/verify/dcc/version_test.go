package dcc

import (
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// TestSchemaVersions judges each certificate by the schema version it
// declares (github.com/ehn-dcc-development/eu-dcc-schema, tags 1.0.0 to
// 1.3.3), with the liberties the package documentation lists.
func TestSchemaVersions(t *testing.T) {
	type mut func(m map[string]any)
	ver := func(v string) mut { return func(m map[string]any) { m["ver"] = v } }
	and := func(ms ...mut) mut {
		return func(m map[string]any) {
			for _, f := range ms {
				f(m)
			}
		}
	}
	dob := func(s string) mut { return func(m map[string]any) { m["dob"] = s } }
	vac := func(k string, v any) mut { return func(m map[string]any) { entry(m, "v")[k] = v } }
	twoDoses := func(m map[string]any) {
		first := map[string]any{}
		for k, v := range entry(m, "v") {
			first[k] = v
		}
		first["dn"], first["dt"], first["ci"] = 1, "2021-04-20", "URN:UVCI:01:AT:FIRSTDOSE#1"
		m["v"] = []any{first, entry(m, "v")}
	}
	noTC := func(m map[string]any) { delete(entry(m, "t"), "tc") }
	gntOnly := func(m map[string]any) { m["nam"] = map[string]any{"gnt": "UELFRIDA", "gn": "Ülfrida"} }
	noNames := func(m map[string]any) { m["nam"] = map[string]any{"gn": "Ülfrida"} }
	tests := []struct {
		name string
		base func() map[string]any
		mut  mut
		want pass.Code // "" for a valid certificate
		dob  string    // the holder's date of birth, when valid
	}{
		// 1.0.x: dob holds a date (an unanchored pattern), fnt required,
		// dose numbers 1 to 9 (0 read as unknown), tc required.
		{"1.0.0 dob date-time", dgcMap, and(ver("1.0.0"), dob("1978-01-26T00:00:00")), "", "1978-01-26"},
		{"1.0.0 dob date", dgcMap, and(ver("1.0.0"), dob("1978-01-26")), "", "1978-01-26"},
		{"1.0.0 dob year only (the Netherlands)", dgcMap, and(ver("1.0.0"), dob("1978")), "", "1978"},
		{"1.0.0 dob year and month", dgcMap, and(ver("1.0.0"), dob("1978-01")), "", "1978-01"},
		{"1.0.0 dob empty", dgcMap, and(ver("1.0.0"), dob("")), pass.Schema, ""},
		{"1.0.0 dob before 1900", dgcMap, and(ver("1.0.0"), dob("1815-08-24")), pass.Schema, ""},
		{"1.0.0 dob garbage", dgcMap, and(ver("1.0.0"), dob("26.01.1978")), pass.Schema, ""},
		{"dob after issue (the Netherlands' 2023-01-01)", dgcMap, dob("2023-01-01"), pass.Schema, ""},
		{"dob year after issue", dgcMap, dob("2022"), pass.Schema, ""},
		{"dob in the month of issue", dgcMap, dob(iat.Format("2006-01")), "", iat.Format("2006-01")},
		{"dob on the day of issue", dgcMap, dob(iat.Format(time.DateOnly)), "", iat.Format(time.DateOnly)},
		{"1.0.0 null groups (Bulgaria)", dgcMap, and(ver("1.0.0"), func(m map[string]any) { m["t"], m["r"] = nil, nil }), "", holderDOB},
		{"1.0.0 dose number 0", dgcMap, and(ver("1.0.0"), vac("dn", 0)), "", holderDOB},
		{"1.0.0 series 0", dgcMap, and(ver("1.0.0"), vac("sd", 0)), "", holderDOB},
		{"1.0.0 dose number 10", dgcMap, and(ver("1.0.0"), vac("dn", 10)), pass.Schema, ""},
		{"1.0.0 dose number -1", dgcMap, and(ver("1.0.0"), vac("dn", -1)), pass.Schema, ""},
		{"1.0.0 two vaccination entries", dgcMap, and(ver("1.0.0"), twoDoses), "", holderDOB},
		{"1.0.0 test without tc", testMap, and(ver("1.0.0"), noTC), pass.Schema, ""},
		{"1.0.4 (Ireland) read as 1.0", dgcMap, and(ver("1.0.4"), dob("1978-01-26T00:00:00")), "", "1978-01-26"},
		{"1.0.0 gnt only", dgcMap, and(ver("1.0.0"), gntOnly), pass.Schema, ""},

		// 1.1.x and 1.2.x: dob YYYY[-MM[-DD]].
		{"1.1.0 dob year only", dgcMap, and(ver("1.1.0"), dob("1978")), "", "1978"},
		{"1.1.0 dob date-time", dgcMap, and(ver("1.1.0"), dob("1978-01-26T00:00:00")), pass.Schema, ""},
		{"1.2.1 dob empty", dgcMap, and(ver("1.2.1"), dob("")), pass.Schema, ""},
		{"1.2.1 two vaccination entries (Slovakia)", dgcMap, and(ver("1.2.1"), twoDoses), "", holderDOB},
		{"1.2.1 dose number 0", dgcMap, and(ver("1.2.1"), vac("dn", 0)), "", holderDOB},
		{"1.2.1 test without tc", testMap, and(ver("1.2.1"), noTC), pass.Schema, ""},

		// 1.3.x: one group of exactly one entry, dose numbers from 1, dob
		// may be empty, tc optional; from 1.3.2 fnt or gnt.
		{"1.3.0 dob empty", dgcMap, and(ver("1.3.0"), dob("")), "", ""},
		{"1.3.0 two vaccination entries", dgcMap, and(ver("1.3.0"), twoDoses), pass.Schema, ""},
		{"1.3.0 dose number 0", dgcMap, and(ver("1.3.0"), vac("dn", 0)), pass.Schema, ""},
		{"1.3.0 test without tc", testMap, and(ver("1.3.0"), noTC), "", holderDOB},
		{"1.3.0 test with tc null", testMap, and(ver("1.3.0"), func(m map[string]any) { entry(m, "t")["tc"] = nil }), "", holderDOB},
		{"1.3.0 ci null", dgcMap, and(ver("1.3.0"), vac("ci", nil)), pass.Schema, ""},
		{"1.3.0 gnt only", dgcMap, and(ver("1.3.0"), gntOnly), pass.Schema, ""},
		{"1.3.2 gnt only", dgcMap, and(ver("1.3.2"), gntOnly), "", holderDOB},
		{"1.3.3 neither fnt nor gnt", dgcMap, and(ver("1.3.3"), noNames), pass.Schema, ""},
		{"1.4.0 read by the 1.3 rules", dgcMap, ver("1.4.0"), "", holderDOB},
		{"1.4.0 two entries", dgcMap, and(ver("1.4.0"), twoDoses), pass.Schema, ""},

		// Every version: one kind of statement, at least one entry.
		{"1.0.0 vaccination and test", dgcMap, and(ver("1.0.0"), func(m map[string]any) { m["t"] = testMap()["t"] }), pass.Schema, ""},
		{"1.2.1 no group", dgcMap, and(ver("1.2.1"), func(m map[string]any) { delete(m, "v") }), pass.Schema, ""},
		{"1.0.0 empty group", dgcMap, and(ver("1.0.0"), func(m map[string]any) { m["v"] = []any{} }), pass.Schema, ""},

		// Versions this kiosk does not read.
		{"2.0.0", dgcMap, ver("2.0.0"), pass.UnsupportedFormat, ""},
		{"0.1.0", dgcMap, ver("0.1.0"), pass.UnsupportedFormat, ""},
		{"1.3", dgcMap, ver("1.3"), pass.Schema, ""},
		{"1.3.0.1", dgcMap, ver("1.3.0.1"), pass.Schema, ""},
		{"1.3.x", dgcMap, ver("1.3.x"), pass.Schema, ""},
	}
	set := testTrust()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.base()
			tt.mut(m)
			p, err := New().Decode(sealValue(t, claimsMap(m), sealOpts{}), set)
			if tt.want != "" {
				if err == nil {
					t.Fatalf("got a pass, want %s", tt.want)
				}
				wantCode(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("got %v, want a valid certificate", err)
			}
			if p.Holder.DOB != tt.dob {
				t.Errorf("DOB: got %q, want %q", p.Holder.DOB, tt.dob)
			}
			if p.ID.IsZero() || len(p.Kinds()) != 1 {
				t.Errorf("pass lacks ID or kind: %+v", p)
			}
		})
	}
}

// TestSeveralEntries: every entry reaches the pass, in order; the first
// entry's UVCI is the pass ID and the others' are OtherIDs.
func TestSeveralEntries(t *testing.T) {
	d := vaccinationDGC()
	d.Ver = "1.0.0"
	first := d.V[0]
	first.Dose, first.Date, first.ID = 1, "2021-04-20", "URN:UVCI:01:AT:FIRSTDOSE#1"
	d.V = []Vaccination{first, d.V[0]}
	p, err := New().Decode(mustSign(t, claimsOf(d)), testTrust())
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Vaccinations) != 2 || p.Vaccinations[0].Dose != 1 || p.Vaccinations[1].Dose != 2 {
		t.Fatalf("Vaccinations: got %+v, want doses 1 and 2", p.Vaccinations)
	}
	if got, want := p.ID, PassID("URN:UVCI:01:AT:FIRSTDOSE#1"); got != want {
		t.Errorf("ID: got %v, want the first entry's %v", got, want)
	}
	if got, want := p.OtherIDs, []pass.ID{PassID(vaccinationDGC().V[0].ID)}; len(got) != 1 || got[0] != want[0] {
		t.Errorf("OtherIDs: got %v, want %v", got, want)
	}
}

// TestFastDate agrees with time.Parse on every day of a leap cycle and on
// malformed dates.
func TestFastDate(t *testing.T) {
	for d := time.Date(1999, 12, 25, 0, 0, 0, 0, time.UTC); d.Year() < 2005; d = d.AddDate(0, 0, 1) {
		s := d.Format(time.DateOnly)
		got, ok := fastDate(s)
		if !ok || !got.Equal(d) {
			t.Fatalf("fastDate(%q): got %v %v", s, got, ok)
		}
	}
	for _, s := range []string{"2021-02-29", "2020-02-30", "2021-13-01", "2021-00-10", "2021-04-31", "2021-04-00", "2021-4-01", "20210401", "2021-04-01T", "２０２１-04-01", "2021-0a-01", ""} {
		if _, ok := fastDate(s); ok {
			t.Errorf("fastDate(%q): ok", s)
		}
		if _, err := time.Parse(time.DateOnly, s); err == nil && len(s) == 10 {
			t.Errorf("time.Parse accepts %q: the test case is wrong", s)
		}
	}
}
