package layout

import (
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

var extrasDir = flag.String("extras", "", "write the exposure, group and holder renders into this `directory`, for a look")

func TestParseHolderMode(t *testing.T) {
	for s, want := range map[string]HolderMode{"initials": HolderInitials, "name": HolderName, "none": HolderNone} {
		if got, err := ParseHolderMode(s); err != nil || got != want {
			t.Errorf("%q: got %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "Initials", "full", "name "} {
		if _, err := ParseHolderMode(s); err == nil || !strings.HasSuffix(err.Error(), "want one of initials, name, none") {
			t.Errorf("%q: got %v, want an error listing initials, name, none", s, err)
		}
	}
	for i, n := range HolderModes() {
		if got, err := ParseHolderMode(n); err != nil || got != HolderMode(i) {
			t.Errorf("HolderModes()[%d] = %q: ParseHolderMode gives %v, %v", i, n, got, err)
		}
	}
}

// HKENModes lists every LeaveHomeSafe mode in order; ParseHKENMode reads
// each and names them all when it refuses a value.
func TestHKENModes(t *testing.T) {
	if got, want := strings.Join(HKENModes(), " "), "off alternate beside"; got != want {
		t.Errorf("HKENModes() = %q, want %q", got, want)
	}
	for i, n := range HKENModes() {
		if got, err := ParseHKENMode(n); err != nil || got != HKENMode(i) {
			t.Errorf("HKENModes()[%d] = %q: ParseHKENMode gives %v, %v", i, n, got, err)
		}
	}
	if _, err := ParseHKENMode("Off"); err == nil || !strings.HasSuffix(err.Error(), "want one of off, alternate, beside") {
		t.Errorf("ParseHKENMode(Off): got %v, want an error listing off, alternate, beside", err)
	}
}

func TestVerdictStatusMode(t *testing.T) {
	h := pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}
	for _, tc := range []struct {
		status               verify.Status
		mode                 HolderMode
		initials, name, year string
	}{
		{verify.Green, HolderInitials, "C.T.M.", "", "1985"},
		{verify.Green, HolderName, "C.T.M.", "CHAN, Tai Man", "1985"},
		{verify.Amber, HolderName, "C.T.M.", "CHAN, Tai Man", "1985"},
		{verify.Green, HolderNone, "", "", ""},
		{verify.Red, HolderName, "", "", ""},
		{verify.Red, HolderInitials, "", "", ""},
	} {
		st := VerdictStatusMode(&verify.Verdict{Status: tc.status, Holder: h}, tc.mode)
		if st.Initials != tc.initials || st.Name != tc.name || st.Year != tc.year {
			t.Errorf("%v, mode %d: got %q %q %q; want %q %q %q", tc.status, tc.mode, st.Initials, st.Name, st.Year, tc.initials, tc.name, tc.year)
		}
		if strings.Contains(st.Year, "04") {
			t.Errorf("the full date of birth reached the status: %+v", st)
		}
	}
}

func TestWindowFormat(t *testing.T) {
	for _, tc := range []struct {
		w    Window
		want string
	}{
		{Window{time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}, "2026-11-20 14:00–16:00"},
		{Window{time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)}, "2026-11-20 22:00–11-21 02:00"},
	} {
		if got := tc.w.format(hkt); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	if !(Window{}).IsZero() {
		t.Error("the zero window is not zero")
	}
}

func TestGroupStatus(t *testing.T) {
	for _, tc := range []struct {
		g    GroupLine
		sym  Symbol
		head i18n.Key
	}{
		{GroupLine{N: 3, Green: 3}, Tick, i18n.VerdictGreen},
		{GroupLine{N: 3, Green: 2, Amber: 1}, Bang, i18n.VerdictAmber},
		{GroupLine{N: 9, Green: 7, Amber: 1, Red: 1}, Cross, i18n.VerdictRed},
		{GroupLine{N: 1, Red: 1, Member: 1}, Cross, i18n.VerdictRed},
		{GroupLine{}, Info, i18n.GroupCancelled},
	} {
		st := GroupStatus(tc.g)
		if st.Symbol != tc.sym || st.Headline != tc.head {
			t.Errorf("%+v: got %v %s, want %v %s", tc.g, st.Symbol, st.Headline, tc.sym, tc.head)
		}
		if tc.g.N > 0 && (st.Group == nil || st.Group.Member != 0 || st.Group.N != tc.g.N) {
			t.Errorf("%+v: group line %+v, want the summary", tc.g, st.Group)
		}
	}
	if got := i18n.Get(i18n.EN).T(GroupStartedStatus(MaxGroupForTest).Headline, GroupStartedStatus(MaxGroupForTest).Args...); !strings.Contains(got, "9") || strings.Contains(got, "{") {
		t.Errorf("group started: %q", got)
	}
}

// MaxGroupForTest is firmware/internal/scan's MaxGroup (layout does not import it).
const MaxGroupForTest = 9

// TestStatusExtras renders a verdict with an exposure notice, group lines
// and the full-name holder check on every panel in every language set,
// and requires the chosen texts to carry them: the exposure notice always
// (long or short), and the group line and holder where a plain verdict
// would have room for them.
func TestStatusExtras(t *testing.T) {
	win := Window{time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}
	green := &verify.Verdict{Status: verify.Green, Holder: pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}}
	for _, size := range Panels {
		l, err := New(size)
		if err != nil {
			t.Fatal(err)
		}
		for _, ls := range langSets {
			c0 := i18n.Get(ls[0])
			exLong := c0.T(i18n.ExposurePersonal, "when", win.format(hkt))
			exShort := c0.T(i18n.ExposurePersonalShort)
			member := c0.T(i18n.GroupMember, "n", "3")
			summary := []string{
				c0.T(i18n.GroupSummary, "n", "4", "green", "3", "amber", "0", "red", "1"),
				c0.T(i18n.GroupSummaryShort, "n", "4", "green", "3", "amber", "0", "red", "1"),
			}
			for _, tc := range []struct {
				name string
				st   func() *Status
				want [][]string // each inner list: one of these must be chosen
			}{
				{"exposure", func() *Status {
					s := VerdictStatusMode(green, HolderInitials)
					s.Exposure = win
					return s
				}, [][]string{{exLong, exShort}}},
				{"exposure-red", func() *Status {
					v := &verify.Verdict{}
					v.Worsen(verify.Red, pass.Revoked, "")
					s := VerdictStatusMode(v, HolderInitials)
					s.Exposure = win
					return s
				}, [][]string{{exLong, exShort}}},
				{"group-member", func() *Status {
					s := VerdictStatusMode(green, HolderInitials)
					s.Group = &GroupLine{Member: 3, N: 3, Green: 3}
					return s
				}, [][]string{{member}}},
				{"group-member-exposure", func() *Status {
					s := VerdictStatusMode(green, HolderInitials)
					s.Group = &GroupLine{Member: 3, N: 3, Green: 3}
					s.Exposure = win
					return s
				}, [][]string{{exLong, exShort}}},
				{"group-summary", func() *Status {
					return GroupStatus(GroupLine{N: 4, Green: 3, Red: 1})
				}, [][]string{summary}},
				{"holder-name", func() *Status {
					return VerdictStatusMode(green, HolderName)
				}, [][]string{{c0.T(i18n.HolderName, "name", "CHAN, Tai Man", "year", "1985"), "CTM 1985"}}},
			} {
				name := sizeName(size) + "_" + tc.name + "_" + langName(ls)
				st := baseState(t, ls)
				st.Status = tc.st()
				frame := l.NewFrame()
				ch := l.drawStatus(frame, st)
				if len(ch.head) == 0 {
					t.Errorf("%s: nothing drawn", name)
					continue
				}
				for _, any := range tc.want {
					// A detail may be wrapped over lines (the full name).
					bare := func(s string) string { return strings.ReplaceAll(s, " ", "") }
					joined := bare(strings.Join(ch.detail, ""))
					if !slices.ContainsFunc(ch.detail, func(d string) bool { return slices.Contains(any, d) }) &&
						!slices.ContainsFunc(any, func(w string) bool { return strings.Contains(joined, bare(w)) }) {
						t.Errorf("%s: details %q hold none of %q", name, ch.detail, any)
					}
				}
				// panel.holder = name on the 7.5" panel shows the name,
				// not the compact initials.
				if tc.name == "holder-name" && size == Panel75 && !strings.Contains(strings.Join(ch.detail, " "), "CHAN, Tai Man") {
					t.Errorf("%s: details %q: want the holder's name", name, ch.detail)
				}
				// The holder check stays wherever the plain verdict has it,
				// on the 4.2" and 7.5" panels; on the smallest two the
				// holder's exposure notice outranks it when both do not fit.
				if st.Status.Initials != "" && size.X >= Panel42.X {
					plain := baseState(t, ls)
					plain.Status = VerdictStatusMode(green, HolderInitials)
					pch := l.drawStatus(l.NewFrame(), plain)
					holderIn := func(ds []string) bool {
						return slices.ContainsFunc(ds, func(d string) bool { return strings.Contains(d, "1985") })
					}
					if holderIn(pch.detail) && !holderIn(ch.detail) {
						t.Errorf("%s: the holder check %q was dropped for %q", name, pch.detail, ch.detail)
					}
				}
				checkOneBit(t, name, frame)
				if *extrasDir != "" {
					writeFrame(t, filepath.Join(*extrasDir, name+".png"), l, st)
				}
			}
		}
	}
}

func writeFrame(t *testing.T, path string, l *Layout, st *State) {
	img, err := l.Render(st)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, Paletted(image.Image(img))); err != nil {
		t.Fatal(err)
	}
}
