package repo

import (
	"strings"
	"testing"
	"time"
)

func floorReset(mod func(f *FloorReset)) *FloorReset {
	f := &FloorReset{
		Common: Common{Type: TypeFloorReset, SpecVersion: SpecVersion, Version: 2, Expires: t0.Add(7 * 24 * time.Hour)},
		Time:   t0,
		Kiosks: []string{"HK-CM-*", "K1"},
	}
	if mod != nil {
		mod(f)
	}
	return f
}

func TestParseFloorReset(t *testing.T) {
	root := testRoot()
	for _, tc := range []struct {
		name     string
		reset    *FloorReset
		signers  []*Signer
		wantRole string
		says     string // "" with wantRole
	}{
		{"root keys", floorReset(nil), []*Signer{signer(0), signer(1)}, RoleRoot, ""},
		{"targets key", floorReset(nil), []*Signer{signer(3)}, RoleTargets, ""},
		{"one root key of two", floorReset(nil), []*Signer{signer(0)}, "", "not signed"},
		{"timestamp key", floorReset(nil), []*Signer{signer(5)}, "", "not signed"},
		{"snapshot key", floorReset(nil), []*Signer{signer(4)}, "", "not signed"},
		{"no time", floorReset(func(f *FloorReset) { f.Time = time.Time{} }), []*Signer{signer(3)}, "", "no time"},
		{"time after expires", floorReset(func(f *FloorReset) { f.Time = f.Expires }), []*Signer{signer(3)}, "", "not before expires"},
		{"too long", floorReset(func(f *FloorReset) { f.Expires = f.Time.Add(32 * 24 * time.Hour) }), []*Signer{signer(3)}, "", "at most"},
		{"no kiosks", floorReset(func(f *FloorReset) { f.Kiosks = nil }), []*Signer{signer(3)}, "", "no kiosks"},
		{"bad kiosk", floorReset(func(f *FloorReset) { f.Kiosks = []string{"a/b"} }), []*Signer{signer(3)}, "", `kiosk "a/b"`},
		{"bracket pattern", floorReset(func(f *FloorReset) { f.Kiosks = []string{"[a"} }), []*Signer{signer(3)}, "", "kiosk"},
		{"version 0", floorReset(func(f *FloorReset) { f.Version = 0 }), []*Signer{signer(3)}, "", "version"},
		{"other type", floorReset(func(f *FloorReset) { f.Type = RoleTimestamp }), []*Signer{signer(3)}, "", "_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Sign(tc.reset, tc.signers...)
			if err != nil {
				t.Fatal(err)
			}
			fr, role, err := ParseFloorReset(b, root)
			if tc.wantRole != "" {
				if err != nil || role != tc.wantRole || !fr.Time.Equal(t0) || fr.Version != 2 {
					t.Fatalf("ParseFloorReset: %+v %q %v; want signed by %s", fr, role, err, tc.wantRole)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Errorf("ParseFloorReset: %v; want an error saying %q", err, tc.says)
			}
		})
	}
	if _, _, err := ParseFloorReset(make([]byte, MaxFloorResetSize+1), root); err == nil {
		t.Error("oversized reset: want an error")
	}
}

func TestFloorResetFor(t *testing.T) {
	f := floorReset(nil)
	for _, tc := range []struct {
		kiosk string
		want  bool
	}{
		{"K1", true}, {"HK-CM-07", true}, {"HK-CM", false}, {"K2", false}, {"", false},
	} {
		t.Run(tc.kiosk, func(t *testing.T) {
			if got := f.For(tc.kiosk); got != tc.want {
				t.Errorf("For(%q) = %v, want %v", tc.kiosk, got, tc.want)
			}
		})
	}
	f.Kiosks = []string{"*"}
	if !f.For("") || !f.For("anything") {
		t.Error(`"*" must name every kiosk, one without an id too`)
	}
}

// FuzzParseFloorReset: any bytes are refused or parsed, never a panic; what
// parses was signed by the root or targets keys and is well-formed.
func FuzzParseFloorReset(f *testing.F) {
	root := testRoot()
	for _, s := range [][]*Signer{{signer(0), signer(1)}, {signer(3)}, {signer(5)}} {
		b, err := Sign(floorReset(nil), s...)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"signed":{"_type":"floor-reset"},"signatures":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, role, err := ParseFloorReset(b, root)
		if err != nil {
			return
		}
		if role != RoleRoot && role != RoleTargets {
			t.Fatalf("accepted with role %q", role)
		}
		if err := fr.check(); err != nil {
			t.Fatalf("accepted a reset that does not check: %v", err)
		}
		fr.For("K1")
	})
}
