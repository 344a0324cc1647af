package layout

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// sumsFile holds a SHA-256 of the status area for each of sumScenes on
// every panel in every language set (rewritten with -update).
var sumsFile = filepath.Join("testdata", "status_sums.txt")

// withStatus is a scene showing s.
func withStatus(name string, s func() *Status) scene {
	return scene{name, func(t testing.TB, langs []i18n.Lang) *State {
		st := baseState(t, langs)
		st.Status = s()
		return st
	}}
}

// sumScenes are the status area's harder cases: full names that wrap or
// give way to initials, reasons, notes, an exposure notice and a group
// line beside the holder, no symbol.
var sumScenes = func() []scene {
	chan_ := pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}
	long := pass.Holder{Name: "WONG-FERNANDES DA SILVA, Maria Concepcion Alexandra", DOB: "1958-01-30"}
	green := func(h pass.Holder) *verify.Verdict { return &verify.Verdict{Status: verify.Green, Holder: h} }
	amber := func(h pass.Holder) *verify.Verdict {
		v := green(h)
		v.Worsen(verify.Amber, pass.AmberCode, "")
		return v
	}
	red := func() *verify.Verdict {
		v := &verify.Verdict{}
		v.Worsen(verify.Red, pass.Expired, "")
		return v
	}
	win := Window{time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}
	group := &GroupLine{N: 4, Green: 2, Amber: 1, Member: 3}
	return []scene{
		{"idle", baseState},
		{"open", func(t testing.TB, langs []i18n.Lang) *State {
			st := baseState(t, langs)
			st.Open, st.OpenUntil = true, t0.Add(15*time.Minute)
			return st
		}},
		withStatus("green_initials", func() *Status { return VerdictStatus(green(chan_), true) }),
		withStatus("green_no_holder", func() *Status { return VerdictStatus(green(chan_), false) }),
		withStatus("green_name", func() *Status { return VerdictStatusMode(green(chan_), HolderName) }),
		withStatus("green_long_name", func() *Status { return VerdictStatusMode(green(long), HolderName) }),
		withStatus("amber_long_name", func() *Status { return VerdictStatusMode(amber(long), HolderName) }),
		withStatus("amber_initials", func() *Status { return VerdictStatus(amber(chan_), true) }),
		withStatus("red", func() *Status { return VerdictStatus(red(), false) }),
		withStatus("year_only", func() *Status {
			return &Status{Symbol: Tick, Headline: i18n.VerdictGreen, Short: i18n.VerdictGreenShort, Year: "1985", Verdict: true}
		}),
		withStatus("exposure_initials", func() *Status {
			s := VerdictStatus(green(chan_), true)
			s.Exposure = win
			return s
		}),
		withStatus("exposure_long_name_group", func() *Status {
			s := VerdictStatusMode(amber(long), HolderName)
			s.Exposure, s.Group = win, group
			return s
		}),
		withStatus("group_initials", func() *Status {
			s := VerdictStatus(green(chan_), true)
			s.Group = group
			return s
		}),
		withStatus("group_summary", func() *Status { return GroupStatus(GroupLine{N: 9, Green: 7, Amber: 1, Red: 1}) }),
		withStatus("staff_note", func() *Status {
			return &Status{Symbol: Info, Headline: i18n.StaffExemptArmed, Note: i18n.StaffPickCategory}
		}),
		withStatus("setup_done", func() *Status {
			return &Status{Symbol: Info, Headline: i18n.SetupDone, Args: []string{"name", "Tai Po Hui Market Cooked Food Centre"}, ArgsZH: []string{"name", "大埔墟街市熟食中心"}, Note: i18n.SetupRestart}
		}),
		withStatus("verdict_note", func() *Status {
			s := VerdictStatus(red(), false)
			s.Note = i18n.StaffGuardFirst
			return s
		}),
		withStatus("no_symbol", func() *Status {
			return &Status{Headline: i18n.VerdictGreen, Short: i18n.VerdictGreenShort, Reason: pass.AmberCode}
		}),
	}
}()

// TestStatusSums pins what the status area shows, pixel for pixel, in
// the cases above.
func TestStatusSums(t *testing.T) {
	var got bytes.Buffer
	for _, size := range Panels {
		l, err := New(size)
		if err != nil {
			t.Fatal(err)
		}
		for _, ls := range langSets {
			for _, sc := range sumScenes {
				img, err := l.Render(sc.state(t, ls))
				if err != nil {
					t.Fatalf("%s %s: %v", sizeName(size), sc.name, err)
				}
				area := statusArea(img, l.StatusWindow())
				fmt.Fprintf(&got, "%s_%s_%s %x\n", sizeName(size), sc.name, langName(ls), sha256.Sum256(area.Pix))
			}
		}
	}
	if *update {
		if err := os.WriteFile(sumsFile, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(sumsFile)
	if err != nil {
		t.Fatal(err)
	}
	wantSums := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(want))
	for sc.Scan() {
		if name, sum, ok := strings.Cut(sc.Text(), " "); ok {
			wantSums[name] = sum
		}
	}
	n := 0
	for line := range strings.Lines(got.String()) {
		name, sum, _ := strings.Cut(strings.TrimSpace(line), " ")
		n++
		if w, ok := wantSums[name]; !ok {
			t.Errorf("%s: no sum in %s (run with -update)", name, sumsFile)
		} else if w != sum {
			t.Errorf("%s: status area changed: got sha256 %s, want %s", name, sum, w)
		}
	}
	if n != len(wantSums) {
		t.Errorf("%s: got %d renders, want %d", sumsFile, n, len(wantSums))
	}
}
