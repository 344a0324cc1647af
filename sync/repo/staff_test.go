package repo

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/internal/store"
)

func TestStaffRevocationsRoundTrip(t *testing.T) {
	for _, ids := range [][]string{
		{},
		{"SIM-SUP-LOST"},
		{"0", "CM-0042", "CM-0043", "Z", strings.Repeat("Z", 24)},
	} {
		b, err := MarshalStaffRevocations(ids)
		if err != nil {
			t.Fatalf("MarshalStaffRevocations(%q): %v", ids, err)
		}
		got, err := ParseStaffRevocations(b)
		if err != nil {
			t.Fatalf("ParseStaffRevocations(%s): %v", b, err)
		}
		if got == nil || !slices.Equal(got, ids) {
			t.Errorf("read back %q, want %q", got, ids)
		}
	}
	// nil is the empty list, not a missing one.
	b, err := MarshalStaffRevocations(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ParseStaffRevocations(b); err != nil || got == nil || len(got) != 0 {
		t.Errorf("nil list read back as %q, %v; want an empty list", got, err)
	}
}

// TestStaffRevocationsBound: the longest list the store takes, of the
// longest ids, fits the data set's bound; one more id does not marshal.
func TestStaffRevocationsBound(t *testing.T) {
	ids := make([]string, store.MaxStaffRevocations)
	for i := range ids {
		ids[i] = fmt.Sprintf("%024d", i)
	}
	b, err := MarshalStaffRevocations(ids)
	if err != nil {
		t.Fatal(err)
	}
	if max := MaxFileSize(StaffRevocations); int64(len(b)) > max {
		t.Errorf("the largest list is %d bytes; the bound is %d", len(b), max)
	}
	got, err := ParseStaffRevocations(b)
	if err != nil || len(got) != len(ids) {
		t.Errorf("the largest list read back %d ids, %v; want %d", len(got), err, len(ids))
	}
	if _, err := MarshalStaffRevocations(append(ids, "ZZ")); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("one id too many: %v; want refused", err)
	}
}

func TestStaffRevocationsRefused(t *testing.T) {
	long := `{"cards":["` + strings.Repeat("A", 24) + `"]` + strings.Repeat(" ", int(MaxFileSize(StaffRevocations))) + "}"
	many := `{"cards":[` + strings.Repeat(`"A",`, store.MaxStaffRevocations) + `"B"]}`
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"not JSON", `cards: A`, "invalid character"},
		{"empty file", ``, "EOF"},
		{"no cards", `{}`, `no "cards"`},
		{"cards null", `{"cards":null}`, `no "cards"`},
		{"unknown field", `{"cards":[],"version":2}`, "unknown field"},
		{"not a list", `{"cards":"SIM-SUP-LOST"}`, "cannot unmarshal"},
		{"a number", `{"cards":[42]}`, "cannot unmarshal"},
		{"trailing", `{"cards":[]} {}`, "data after"},
		{"lower case", `{"cards":["sim-sup-lost"]}`, "card id"},
		{"empty id", `{"cards":[""]}`, "card id"},
		{"too long an id", `{"cards":["` + strings.Repeat("A", 25) + `"]}`, "card id"},
		{"space", `{"cards":["CM 0042"]}`, "card id"},
		{"underscore", `{"cards":["CM_0042"]}`, "card id"},
		{"non-ASCII", `{"cards":["CMÉ"]}`, "card id"},
		{"repeat", `{"cards":["CM-1","CM-1"]}`, "strictly ascending"},
		{"out of order", `{"cards":["CM-2","CM-1"]}`, "strictly ascending"},
		{"too large", long, "bytes; at most"},
		{"too many", many, "at most 65536"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseStaffRevocations([]byte(tc.doc))
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FormatError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
	for _, ids := range [][]string{{"b"}, {"B", "A"}, {"A", "A"}, {""}} {
		if _, err := MarshalStaffRevocations(ids); err == nil {
			t.Errorf("MarshalStaffRevocations(%q) succeeded", ids)
		}
	}
}

func TestStaffDatasetCheck(t *testing.T) {
	d := &Dataset{Name: StaffRevocations, Version: 1, Entries: 1}
	if err := d.check(100); err != nil {
		t.Errorf("check: %v", err)
	}
	if err := d.check(MaxFileSize(StaffRevocations) + 1); err == nil {
		t.Error("a file past the bound passed")
	}
	d.Kind = KindDelta
	if err := d.check(100); err == nil {
		t.Error("a staff revocation delta passed")
	}
	if !slices.Contains(Datasets, StaffRevocations) {
		t.Error("Datasets leaves out the staff revocations")
	}
}
