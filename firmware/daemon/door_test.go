package daemon

import (
	"context"
	"image"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/screen"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/staff"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), DBFile), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestDoorStatusEveryKind(t *testing.T) {
	for _, tc := range []struct {
		e    scan.DoorEvent
		sym  layout.Symbol
		head i18n.Key
		note i18n.Key
	}{
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyForged}, layout.Bang, i18n.StaffRefused, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyMalformed}, layout.Bang, i18n.StaffRefused, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyExpired}, layout.Bang, i18n.StaffExpired, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyNotYetValid}, layout.Bang, i18n.StaffNotYetValid, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyRevoked}, layout.Bang, i18n.StaffRevoked, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyNoKey}, layout.Bang, i18n.StaffUnchecked, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyLookup}, layout.Bang, i18n.StaffUnchecked, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyNoAction}, layout.Bang, i18n.StaffNoAction, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyTooLong}, layout.Bang, i18n.StaffTooLong, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyElsewhere}, layout.Bang, i18n.StaffElsewhere, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyRateLimited}, layout.Bang, i18n.StaffRateLimited, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyNotScanner}, layout.Bang, i18n.StaffNotScanner, ""},
		{scan.DoorEvent{Kind: scan.CardRefused, Why: scan.WhyStaleList}, layout.Bang, i18n.StaffListStale, ""},
		{scan.DoorEvent{Kind: scan.ExemptArmed, StaleList: true}, layout.Info, i18n.StaffExemptArmed, i18n.StaffListOld},
		{scan.DoorEvent{Kind: scan.ExemptArmed}, layout.Info, i18n.StaffExemptArmed, i18n.StaffPickCategory},
		{scan.DoorEvent{Kind: scan.ExemptCancelled}, layout.Info, i18n.StaffExemptCancelled, ""},
		{scan.DoorEvent{Kind: scan.ExemptRecorded, Category: staff.Under12}, layout.Info, i18n.ExemptConfirmed, i18n.ExemptUnder12},
		{scan.DoorEvent{Kind: scan.ExemptRecorded, Category: staff.Over65}, layout.Info, i18n.ExemptConfirmed, i18n.ExemptOver65},
		{scan.DoorEvent{Kind: scan.ExemptRecorded, Category: staff.Disability}, layout.Info, i18n.ExemptConfirmed, i18n.ExemptDisability},
		{scan.DoorEvent{Kind: scan.ExemptRecorded, Category: staff.Other}, layout.Info, i18n.ExemptConfirmed, i18n.ExemptOther},
		{scan.DoorEvent{Kind: scan.ExemptRefused}, layout.Bang, i18n.StaffGuardFirst, ""},
		{scan.DoorEvent{Kind: scan.OpenStarted, Until: time.Now()}, layout.Info, i18n.OpenModeShort, i18n.OpenUntil},
		{scan.DoorEvent{Kind: scan.OpenEnded}, layout.Info, i18n.OpenEnded, ""},
		{scan.DoorEvent{Kind: scan.SetupArmed}, layout.Info, i18n.SetupArmed, ""},
		{scan.DoorEvent{Kind: scan.SetupPending, VenueID: "WHBvLDSa", Venue: "Central Market"}, layout.Info, i18n.SetupConfirm, ""},
		{scan.DoorEvent{Kind: scan.SetupDone, Venue: "Tai Po Hui Market"}, layout.Info, i18n.SetupDone, i18n.SetupRestart},
		{scan.DoorEvent{Kind: scan.SetupRefused}, layout.Bang, i18n.SetupPosterRefused, ""},
		{scan.DoorEvent{Kind: scan.SetupCancelled}, layout.Info, i18n.SetupCancelled, ""},
	} {
		t.Run(string(tc.e.Kind)+"/"+string(tc.e.Why), func(t *testing.T) {
			s := doorStatus(tc.e)
			if s == nil || s.Symbol != tc.sym || s.Headline != tc.head || s.Note != tc.note {
				t.Errorf("%s/%s: got %+v, want %d %s %s", tc.e.Kind, tc.e.Why, s, tc.sym, tc.head, tc.note)
			}
			// No symbol is green, amber or red: staff actions are neutral.
			if s != nil && (s.Symbol == layout.Tick || s.Symbol == layout.Cross || s.Verdict) {
				t.Errorf("%s: a verdict's symbol", tc.e.Kind)
			}
		})
	}
	if s := doorStatus(scan.DoorEvent{Kind: scan.SetupDone, Venue: "X"}); !slices.Equal(s.Args, []string{"name", "X"}) {
		t.Errorf("setup done args %q", s.Args)
	}
}

// TestOpenScansNeverRed: while entry is open the lights show Info for
// every verdict and the panel shows no refusal.
func TestOpenScansNeverRed(t *testing.T) {
	l, rec, _ := newTestLights(t)
	shown := &shownStatus{}
	ss := &screenSink{scr: shown, mode: layout.HolderInitials}
	for _, st := range []verify.Status{verify.Green, verify.Amber, verify.Red} {
		v := &verify.Verdict{Status: st}
		if st != verify.Green {
			v.Reasons = []verify.Reason{{Code: pass.Expired}}
		}
		r := scan.Result{Verdict: v, Open: true}
		l.Scanned(r)
		ss.Scanned(r)
		got := shown.last()
		if got.Symbol == layout.Cross || got.Headline == i18n.VerdictRed || got.Headline == i18n.VerdictRedShort {
			t.Errorf("%v while open: shown %+v", st, got)
		}
	}
	if got := rec.Shown(); !slices.Equal(got, []indicator.Signal{indicator.Info, indicator.Info, indicator.Info}) {
		t.Errorf("lights while open: %v, want Info each time", got)
	}
	l.Scanned(scan.Result{Verdict: &verify.Verdict{Status: verify.Red}})
	l.DoorChanged(scan.DoorEvent{Kind: scan.ExemptRecorded})
	if got := rec.Shown(); !slices.Equal(got[3:], []indicator.Signal{indicator.Red, indicator.Info}) {
		t.Errorf("after open entry: %v", got[3:])
	}
	ss.DoorChanged(scan.DoorEvent{Kind: scan.OpenStarted, Until: time.Now().Add(time.Minute)})
	ss.DoorChanged(scan.DoorEvent{Kind: scan.OpenEnded})
	if got := shown.opens; len(got) != 2 || got[0].IsZero() || !got[1].IsZero() {
		t.Errorf("SetEntryOpen calls: %v", got)
	}
}

type shownStatus struct {
	list  []*layout.Status
	opens []time.Time
}

func (s *shownStatus) ShowStatus(st *layout.Status) { s.list = append(s.list, st) }
func (s *shownStatus) SetEntryOpen(t time.Time)     { s.opens = append(s.opens, t) }
func (s *shownStatus) last() *layout.Status         { return s.list[len(s.list)-1] }

func TestOpenScansCountAsEntries(t *testing.T) {
	c := newCounters(openStore(t), time.UTC, slog.Default())
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, st := range []verify.Status{verify.Green, verify.Red} {
		c.Scanned(scan.Result{Verdict: &verify.Verdict{Status: st}, At: at, Open: true})
	}
	c.Scanned(scan.Result{Verdict: &verify.Verdict{Status: verify.Red}, At: at})
	got := c.today(context.Background(), at)
	if got.Green != 1 || got.Red != 1 || got.Entries != 2 {
		t.Errorf("got %+v; want the two scans while open as entries, the red one not as red (the README: never red)", got)
	}
}

// TestDoorLog writes exempt counts and the open-entry log, and resumes or
// closes an open override at the next start.
func TestDoorLog(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	hkt := time.FixedZone("HKT", 8*3600)
	l := newDoorLog(st, hkt, slog.Default())
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, hkt)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { l.run(runCtx); close(done) }()
	for _, e := range []scan.DoorEvent{
		{Kind: scan.ExemptArmed, At: t0, Card: "G-1", Role: staff.Guard},
		{Kind: scan.ExemptRecorded, At: t0, Card: "G-1", Category: staff.Under12},
		{Kind: scan.ExemptRecorded, At: t0, Card: "G-1", Category: staff.Under12},
		{Kind: scan.ExemptRecorded, At: t0, Card: "G-1", Category: staff.Over65},
		{Kind: scan.OpenStarted, At: t0, Card: "S-1", Until: t0.Add(15 * time.Minute)},
		{Kind: scan.OpenEnded, At: t0.Add(5 * time.Minute), Card: "S-2", Why: scan.WhyStaff},
		{Kind: scan.OpenStarted, At: t0.Add(time.Hour), Card: "button", Until: t0.Add(time.Hour + 15*time.Minute)},
		{Kind: scan.OpenEnded, At: t0.Add(time.Hour + 15*time.Minute), Card: "button", Why: scan.WhyTimeout},
		{Kind: scan.OpenStarted, At: t0.Add(2 * time.Hour), Card: "S-1", Until: t0.Add(2*time.Hour + 15*time.Minute)},
	} {
		l.DoorChanged(e)
	}
	cancel()
	<-done
	ex, err := st.ExemptCounts(ctx, t0)
	if err != nil || ex != (store.ExemptCounts{Under12: 2, Over65: 1}) {
		t.Errorf("exempt counts: %+v, %v", ex, err)
	}
	if len(l.pending) != 0 {
		t.Errorf("pending after the writes: %+v", l.pending)
	}
	ovs, err := st.Overrides(ctx, t0, t0)
	if err != nil || len(ovs) != 3 {
		t.Fatalf("overrides: %+v, %v", ovs, err)
	}
	if ovs[0].StartedBy != "S-1" || ovs[0].EndedBy != "S-2" || ovs[0].EndReason != store.EndStaff ||
		ovs[1].StartedBy != "button" || ovs[1].EndReason != store.EndTimeout || !ovs[2].Ended.IsZero() {
		t.Errorf("overrides: %+v", ovs)
	}
	// A restart within the third one's time resumes it; after, closes it.
	if r := newDoorLog(st, hkt, slog.Default()).resume(ctx, t0.Add(2*time.Hour+time.Minute)); r == nil || r.By != "S-1" || !r.Until.Equal(t0.Add(2*time.Hour+15*time.Minute)) {
		t.Errorf("resume within its time: %+v", r)
	}
	if r := newDoorLog(st, hkt, slog.Default()).resume(ctx, t0.Add(3*time.Hour)); r != nil {
		t.Errorf("resume after its time: %+v", r)
	}
	if _, open, _ := st.OpenOverride(ctx); open {
		t.Error("the override that ran out while the kiosk was off is still open")
	}
	ovs, _ = st.Overrides(ctx, t0, t0)
	if ovs[2].EndReason != store.EndRestart || !ovs[2].Ended.Equal(ovs[2].Until) {
		t.Errorf("closed at restart: %+v", ovs[2])
	}
}

func TestIndicatorVolume(t *testing.T) {
	cfg := config.Default()
	cfg.Lights.Volume = []string{"22:00-07:00 0%", "07:00-09:00 30%"}
	o, err := IndicatorOpts(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Volume.String(); got != "22:00-07:00 0%, 07:00-09:00 30%" {
		t.Errorf("volume %q", got)
	}
	cfg.Lights.Volume = []string{"all night 0%"}
	if _, err := IndicatorOpts(cfg); err == nil {
		t.Error("a bad volume entry: want an error")
	}
}

// TestHKENConfig: the LeaveHomeSafe code is refused with a configuration
// error where the panel cannot show it at 3 px a module; elsewhere it is
// the venue's own code or one made from its 8-character id.
func TestHKENConfig(t *testing.T) {
	poster := "HKEN:0WHBvLDSaeyJtZXRhZGF0YSI6bnVsbCwibmFtZVpoIjoi5Lit55Kw6KGX5biCIiwibmFtZUVuIjoiQ2VudHJhbCBNYXJrZXQiLCJ0eXBlIjoiSU1QT1JUIiwiaGFzaCI6ImFkYmVjNDFmMGM4MjZlMDBmNTQ1YjYwMjFlZDcxMzI1MmU0NGQxMDIxMDJlOTkzMDFhZTk2OGJkMGQwNDU0ZDMifQ=="
	for _, tc := range []struct {
		name    string
		size    image.Point
		mode    string
		hken    string
		id      string
		wantErr string
		want    string
	}{
		{"off", layout.Panel213, "off", poster, "WHBvLDSa", "", ""},
		{"2.13 alternate", layout.Panel213, "alternate", poster, "WHBvLDSa", `panel.hken = "alternate": want "off" on this panel`, ""},
		{"2.9 beside", layout.Panel29, "beside", poster, "WHBvLDSa", "panel.hken", ""},
		{"4.2 beside", layout.Panel42, "beside", poster, "WHBvLDSa", "status area", ""},
		{"4.2 alternate", layout.Panel42, "alternate", poster, "WHBvLDSa", "", poster},
		{"7.5 beside", layout.Panel75, "beside", poster, "WHBvLDSa", "", poster},
		{"made from the id", layout.Panel75, "beside", "", "WHBvLDSa", "", "HKEN:0WHBvLDSa"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Panel.HKEN, cfg.Venue.HKEN, cfg.Venue.ID, cfg.Venue.NameEN = tc.mode, tc.hken, tc.id, "Central Market"
			d := &Daemon{cfg: cfg, hw: Hardware{PanelName: "test"}, log: slog.Default()}
			l, err := layout.New(tc.size)
			if err != nil {
				t.Fatal(err)
			}
			o := screen.Opts{Layout: l}
			err = d.hkenOpts(&o)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "3") {
					t.Fatalf("got %v, want an error with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(o.HKEN, tc.want) || (tc.want == "") != (o.HKENMode == layout.HKENOff) {
				t.Errorf("code %q mode %v, want %q", o.HKEN, o.HKENMode, tc.want)
			}
		})
	}
}
