package hksarg

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLayoutTable checks the invariants the parser and Sign rely on, so a
// table edit that breaks one fails here rather than in the field.
func TestLayoutTable(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range layouts {
		name := fmt.Sprintf("%s%d/%d", l.typ, l.major, len(l.fields))
		t.Run(name, func(t *testing.T) {
			if seen[name] {
				t.Fatalf("two layouts for %s", name)
			}
			seen[name] = true
			if n := len(l.fields); n < 4 || n > maxFields {
				t.Fatalf("%d fields; want 4..%d", n, maxFields)
			}
			for i, want := range []role{rolePrefix, roleType, roleVersion} {
				if got := l.fields[i].role; got != want {
					t.Errorf("field %d: got %v, want %v", i, got, want)
				}
			}
			if got := l.fields[len(l.fields)-1].role; got != roleSignature {
				t.Errorf("last field: got %v, want signature", got)
			}
			count := map[role]int{}
			for i, fl := range l.fields {
				count[fl.role]++
				if fl.role.String() == "field" {
					t.Errorf("field %d: role %d has no name", i, fl.role)
				}
				dose := fl.role == roleDoseDate || fl.role == roleDoseVaccine || fl.role == roleDoseVaccineZh || fl.role == roleDoseDateVaccine
				maxSlot := map[scheme]int{noDoses: 0, bySeq: 2, lastThree: 3, byOrder: 3}[l.doses]
				switch {
				case dose && (fl.slot < 1 || fl.slot > maxSlot):
					t.Errorf("field %d: dose slot %d outside 1..%d", i, fl.slot, maxSlot)
				case !dose && fl.role != roleRecovered && fl.slot != 0:
					t.Errorf("field %d: %v has slot %d", i, fl.role, fl.slot)
				case !isAbsent(fl.absent):
					t.Errorf("field %d: absent mark %q is not one decoding accepts", i, fl.absent)
				}
			}
			for _, r := range []role{rolePrefix, roleType, roleVersion, roleSignature, roleRef, roleDoc} {
				if count[r] != 1 {
					t.Errorf("%v appears %d times, want once", r, count[r])
				}
			}
			wantKeyVersion := 1
			if l.typ == TestResult {
				wantKeyVersion = 0
			}
			if count[roleKeyVersion] != wantKeyVersion {
				t.Errorf("key version appears %d times, want %d", count[roleKeyVersion], wantKeyVersion)
			}
			if (l.doses == noDoses) != (count[roleDoseDate]+count[roleDoseDateVaccine] == 0) {
				t.Errorf("scheme %d with %d dose date fields", l.doses, count[roleDoseDate]+count[roleDoseDateVaccine])
			}
		})
	}
}

func TestV3SlotTable(t *testing.T) {
	// Every set of sequences gets distinct, non-empty slots, and the
	// table is ordered so the first match for a slot pattern is the
	// smallest reading.
	patterns := map[[3]bool][]int{}
	for _, e := range v3Slots {
		var p [3]bool
		var got []int
		for s := 1; s <= 3; s++ {
			p[s-1] = e.slots[s] != 0
			if e.slots[s] != 0 {
				got = append(got, e.slots[s])
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, e.seqs) {
			t.Errorf("%v: slots hold %v", e.seqs, got)
		}
		if prev, ok := patterns[p]; ok && slices.Max(prev) > slices.Max(e.seqs) {
			t.Errorf("%v comes after %v with the same slots but is smaller", e.seqs, prev)
		}
		if _, ok := patterns[p]; !ok {
			patterns[p] = e.seqs
		}
	}
}

// TestV3Ambiguity: where version 3 slots fit two dose sets, decoding
// takes the smaller one, never claiming more doses than the record proves.
func TestV3Ambiguity(t *testing.T) {
	d := func(seq, dd int) Dose {
		return Dose{Seq: seq, Date: time.Date(2021, 6, dd, 0, 0, 0, 0, time.UTC), Vaccine: "Comirnaty"}
	}
	tests := []struct {
		signed []Dose
		want   []int
	}{
		{[]Dose{d(1, 1)}, []int{1}},
		{[]Dose{d(2, 1)}, []int{2}},
		{[]Dose{d(3, 1)}, []int{2}},
		{[]Dose{d(1, 1), d(2, 2)}, []int{1, 2}},
		{[]Dose{d(2, 1), d(3, 2)}, []int{1, 2}},
		{[]Dose{d(1, 1), d(3, 2)}, []int{1, 3}},
		{[]Dose{d(1, 1), d(2, 2), d(3, 3)}, []int{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.want), func(t *testing.T) {
			rec := Record{Type: Vaccination, Version: "3", Ref: "R", Doses: tt.signed, Printed: time.Date(2021, 7, 1, 9, 0, 0, 0, hkt)}
			text, l, err := rec.text()
			if err != nil {
				t.Fatal(err)
			}
			got, err := l.parse(strings.Split(text+"x", "|"))
			if err != nil {
				t.Fatalf("%v: %v", tt.signed, err)
			}
			var seqs []int
			for _, d := range got.Doses {
				seqs = append(seqs, d.Seq)
			}
			if !slices.Equal(seqs, tt.want) {
				t.Errorf("signed %v: decoded sequences %v, want %v", tt.signed, seqs, tt.want)
			}
		})
	}
}

func TestMajorVersion(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"2", 2, true}, {"3.00", 3, true}, {"4.1", 4, true}, {"10", 10, true},
		{"", 0, false}, {"3.", 0, false}, {".3", 0, false}, {"3.0.1", 0, false}, {"v3", 0, false},
		{"-3", 0, false}, {"3 ", 0, false}, {"123456789", 0, false}, {"1000", 0, false}, {"３", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := majorVersion(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("majorVersion(%q): got %d, %v, want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
