package screen

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"image"
	"image/png"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

var (
	testKey = ed25519.NewKeyFromSeed([]byte("venuekiosk screen test seed 32by"))
	// t0 is 10 s into a 120 s slot.
	t0  = time.Date(2026, 11, 23, 9, 0, 10, 0, time.UTC)
	hkt = time.FixedZone("HKT", 8*3600)
)

type memFloor struct{ t time.Time }

func (m *memFloor) TimeFloor() (time.Time, error)    { return m.t, nil }
func (m *memFloor) RaiseTimeFloor(t time.Time) error { m.t = t; return nil }

type rig struct {
	t     *testing.T
	c     *Controller
	panel *fakePanel
	clk   *fakeClock
	l     *layout.Layout
	ctx   context.Context
}

type rigOpts struct {
	size      image.Point
	floor     time.Time // a time floor: before it, time is untrusted
	period    time.Duration
	fullEvery int
	noSigner  bool
	prepare   bool          // the panel can wake ahead (Preparer)
	mod       func(o *Opts) // changes the options before New
	panel     Panel         // drives this panel instead of the recording fake (r.panel then sees nothing)
}

func start(t *testing.T, o rigOpts) *rig {
	t.Helper()
	if o.size == (image.Point{}) {
		o.size = layout.Panel213
	}
	if o.period == 0 {
		o.period = venueqr.DefaultPeriod
	}
	l, err := layout.New(o.size)
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock(t0)
	var store clock.FloorStore
	if !o.floor.IsZero() {
		store = &memFloor{t: o.floor}
	}
	tr, err := clock.NewTrusted(clk, store)
	if err != nil {
		t.Fatal(err)
	}
	var signer *venueqr.Signer
	if !o.noSigner {
		signer, err = venueqr.NewSigner("CM-01", testKey, o.period)
		if err != nil {
			t.Fatal(err)
		}
	}
	p := &fakePanel{bounds: l.Bounds()}
	opts := Opts{
		Layout: l, Signer: signer, Time: tr, Clock: clk,
		Langs: []i18n.Lang{i18n.EN, i18n.ZHHant}, Loc: hkt,
		Venue: [2]string{"Central Market", "中環街市"}, FullEvery: o.fullEvery,
		StatusHold: 6 * time.Second, ShowHolder: true,
	}
	if o.mod != nil {
		o.mod(&opts)
	}
	var panel Panel = p
	if o.prepare {
		panel = &preparingPanel{fakePanel: p, clk: clk}
	}
	if o.panel != nil {
		panel = o.panel
	}
	c, err := New(panel, opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != context.Canceled {
			t.Errorf("Run: got %v, want context.Canceled", err)
		}
	})
	r := &rig{t: t, c: c, panel: p, clk: clk, l: l, ctx: ctx}
	r.sync()
	return r
}

// sync waits until the controller has handled everything due.
func (r *rig) sync() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
	defer cancel()
	if err := r.c.sync(ctx); err != nil {
		r.t.Fatalf("controller did not settle: %v", err)
	}
}

// advance moves the fake clock on in steps no longer than step, letting
// the controller settle after each.
func (r *rig) advance(d, step time.Duration) {
	r.t.Helper()
	for d > 0 {
		s := min(d, step)
		r.clk.Advance(s)
		r.sync()
		d -= s
	}
}

// toBoundary advances to the next slot boundary.
func (r *rig) toBoundary(period time.Duration) {
	r.t.Helper()
	now := r.clk.Now()
	next := time.Unix((now.Unix()/int64(period/time.Second)+1)*int64(period/time.Second), 0)
	r.advance(next.Sub(now), next.Sub(now))
}

func decodeQR(t *testing.T, img image.Image) (string, bool) {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		return "", false
	}
	return res.GetText(), true
}

// diffOutside counts pixels of b differing from a outside r.
func diffOutside(a, b *image.Gray, r image.Rectangle) (outside, inside int) {
	bb := a.Bounds()
	for y := bb.Min.Y; y < bb.Max.Y; y++ {
		for x := bb.Min.X; x < bb.Max.X; x++ {
			if a.GrayAt(x, y) != b.GrayAt(x, y) {
				if image.Pt(x, y).In(r) {
					inside++
				} else {
					outside++
				}
			}
		}
	}
	return outside, inside
}

func pub() ed25519.PublicKey { return testKey.Public().(ed25519.PublicKey) }

func TestStartIsFullWithAValidCode(t *testing.T) {
	r := start(t, rigOpts{})
	calls := r.panel.take()
	if len(calls) != 1 || !calls[0].full {
		t.Fatalf("start: got %d calls %+v, want one full refresh", len(calls), calls)
	}
	p, ok := decodeQR(t, calls[0].img)
	if !ok {
		t.Fatal("start: no QR code on the panel")
	}
	code, err := venueqr.Verify(pub(), p, t0, venueqr.DefaultPeriod)
	if err != nil || code.Venue != "CM-01" {
		t.Errorf("start: code %+v, %v", code, err)
	}
}

func TestRotationRefreshesOnlyTheQRWindow(t *testing.T) {
	for _, size := range layout.Panels {
		r := start(t, rigOpts{size: size})
		prev := r.panel.take()[0].img
		for i := 1; i <= 3; i++ {
			r.toBoundary(venueqr.DefaultPeriod)
			calls := r.panel.take()
			qr := 0
			for _, c := range calls {
				if c.full {
					t.Fatalf("%v rotation %d: a full refresh, want partial ones", size, i)
				}
				switch c.r {
				case r.l.QRWindow():
					qr++
					p, ok := decodeQR(t, c.img)
					if !ok {
						t.Fatalf("%v rotation %d: no QR code", size, i)
					}
					code, err := venueqr.Verify(pub(), p, r.clk.Now(), venueqr.DefaultPeriod)
					if err != nil || code.Slot != venueqr.SlotAt(r.clk.Now(), venueqr.DefaultPeriod) {
						t.Errorf("%v rotation %d: code %+v, %v; want the current slot", size, i, code, err)
					}
				case r.l.FooterWindow(): // the clock follows the rotation
				default:
					t.Errorf("%v rotation %d: partial refresh of %v, want the QR window %v (or the footer)", size, i, c.r, r.l.QRWindow())
				}
				out, in := diffOutside(prev, c.img, c.r)
				if out != 0 {
					t.Errorf("%v rotation %d: %d pixels changed outside the refreshed window %v", size, i, out, c.r)
				}
				if in == 0 {
					t.Errorf("%v rotation %d: refreshed %v with nothing changed", size, i, c.r)
				}
				prev = c.img
			}
			if qr != 1 {
				t.Errorf("%v rotation %d: %d QR window refreshes, want 1", size, i, qr)
			}
		}
		// Between boundaries only the footer's clock moves on, once at
		// the minute (09:07:00).
		r.advance(100*time.Second, 10*time.Second)
		calls := r.panel.take()
		if len(calls) != 1 || calls[0].full || calls[0].r != r.l.FooterWindow() {
			t.Errorf("%v: %d refreshes within a slot, want one of the footer (the clock's minute)", size, len(calls))
		}
	}
}

func TestFullRefreshEveryN(t *testing.T) {
	r := start(t, rigOpts{fullEvery: 3})
	r.panel.take()
	var pattern []bool
	for i := 0; i < 8; i++ {
		r.toBoundary(venueqr.DefaultPeriod)
		full := false
		for _, c := range r.panel.take() {
			full = full || c.full
		}
		pattern = append(pattern, full)
	}
	want := []bool{false, false, false, true, false, false, false, true}
	for i := range want {
		if pattern[i] != want[i] {
			t.Fatalf("full refreshes at rotations 1–8: got %v, want %v", pattern, want)
		}
	}
	if s := r.c.Stats(); s.Full != 3 || s.PartialQR != 6 {
		t.Errorf("stats: %+v, want 3 full (start + 2) and 6 QR partials", s)
	}
}

func TestFullRefreshHourly(t *testing.T) {
	r := start(t, rigOpts{fullEvery: 1000})
	r.panel.take()
	fullAt := -1
	for i := 1; i <= 31 && fullAt < 0; i++ {
		r.toBoundary(venueqr.DefaultPeriod)
		for _, c := range r.panel.take() {
			if c.full {
				fullAt = i
			}
		}
	}
	// Start 10 s into a slot: rotation 30 is 59 min 50 s later, 31 is past
	// the hour.
	if fullAt != 31 {
		t.Errorf("first full refresh at rotation %d, want 31 (the first past an hour)", fullAt)
	}

	// A day-long rotation: the hourly full refresh comes on its own.
	r = start(t, rigOpts{fullEvery: 1000, period: 24 * time.Hour})
	r.panel.take()
	r.c.ShowVerdict(&verify.Verdict{Status: verify.Green})
	r.sync()
	r.advance(time.Hour, 10*time.Minute)
	full := 0
	for _, c := range r.panel.take() {
		if c.full {
			full++
		}
	}
	if full != 1 {
		t.Errorf("24h period, a partial refresh, then an hour: %d full refreshes, want 1", full)
	}
}

func TestUntrustedTimeShowsReasonAndNoCode(t *testing.T) {
	floor := t0.Add(time.Hour)
	r := start(t, rigOpts{floor: floor})
	calls := r.panel.take()
	if len(calls) != 1 || !calls[0].full {
		t.Fatalf("start: %d calls, want one full refresh", len(calls))
	}
	if p, ok := decodeQR(t, calls[0].img); ok {
		t.Fatalf("untrusted time: the panel shows a code %q", p)
	}
	white := r.l.NewFrame()
	if _, in := diffOutside(white, calls[0].img, r.l.QRWindow()); in == 0 {
		t.Error("untrusted time: the QR window is blank, want the reason")
	}
	// Rechecks change nothing on the panel while time stays untrusted.
	r.advance(5*time.Minute, Recheck)
	if calls := r.panel.take(); len(calls) != 0 {
		t.Errorf("untrusted for 5 more minutes: %d refreshes, want none", len(calls))
	}
	// The clock catches up with the floor: the code appears.
	r.advance(floor.Sub(r.clk.Now())-clock.Tolerance+time.Second, time.Hour)
	calls = r.panel.take()
	found := false
	for _, c := range calls {
		if c.r != r.l.QRWindow() || c.full {
			continue
		}
		if p, ok := decodeQR(t, c.img); ok {
			if _, err := venueqr.Verify(pub(), p, r.clk.Now(), venueqr.DefaultPeriod); err != nil {
				t.Errorf("trusted again: %v", err)
			}
			found = true
		}
	}
	if !found {
		t.Errorf("trusted again: got %d calls, want a partial refresh of the QR window with a valid code", len(calls))
	}
}

func TestVerdictShowsAndReverts(t *testing.T) {
	r := start(t, rigOpts{})
	idle := r.panel.take()[0].img
	v := &verify.Verdict{Holder: pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}}
	v.Worsen(verify.Red, pass.Revoked, "")
	r.c.ShowVerdict(v)
	r.sync()
	calls := r.panel.take()
	if len(calls) != 1 || calls[0].full || calls[0].r != r.l.StatusWindow() {
		t.Fatalf("verdict: got %+v, want one partial refresh of the status window %v", calls, r.l.StatusWindow())
	}
	if out, in := diffOutside(idle, calls[0].img, r.l.StatusWindow()); out != 0 || in == 0 {
		t.Errorf("verdict: %d pixels changed outside the status window, %d inside", out, in)
	}
	r.advance(5*time.Second, time.Second)
	if calls := r.panel.take(); len(calls) != 0 {
		t.Errorf("within the hold: %d refreshes, want none", len(calls))
	}
	r.advance(time.Second, time.Second)
	calls = r.panel.take()
	if len(calls) != 1 || calls[0].r != r.l.StatusWindow() {
		t.Fatalf("after the hold: got %d calls, want the status window refreshed", len(calls))
	}
	if out, in := diffOutside(idle, calls[0].img, image.Rectangle{}); out+in != 0 {
		t.Errorf("after the hold: %d pixels differ from the idle panel", out+in)
	}
	if s := r.c.Stats(); s.PartialStatus != 2 {
		t.Errorf("stats: %+v, want 2 status partials", s)
	}
}

func TestShowVerdictNeverBlocks(t *testing.T) {
	l, _ := layout.New(layout.Panel213)
	tr, _ := clock.NewTrusted(newFakeClock(t0), nil)
	p := &fakePanel{bounds: l.Bounds()}
	c, err := New(p, Opts{Layout: l, Time: tr, Clock: newFakeClock(t0)})
	if err != nil {
		t.Fatal(err)
	}
	// No Run: nothing consumes, and still nothing blocks.
	for i := 0; i < 1000; i++ {
		c.ShowVerdict(&verify.Verdict{Status: verify.Status(i % 3)})
		c.ShowMessage(layout.Info, i18n.StaffAccepted)
		c.SetFooter(Footer{DataAt: t0})
	}
	if len(p.take()) != 0 {
		t.Error("refreshes without Run")
	}
}

func TestLatestVerdictWins(t *testing.T) {
	r := start(t, rigOpts{})
	r.panel.take()
	// Both arrive before the controller looks: one refresh, the last one.
	r.c.mu.Lock()
	r.c.pending.status, r.c.pending.hasStatus = layout.MessageStatus(layout.Tick, i18n.StaffAccepted), true
	r.c.mu.Unlock()
	r.c.ShowVerdict(&verify.Verdict{Status: verify.Amber})
	r.sync()
	calls := r.panel.take()
	if len(calls) != 1 {
		t.Fatalf("two statuses at once: %d refreshes, want 1", len(calls))
	}
}

func TestFooterFollowsRotation(t *testing.T) {
	r := start(t, rigOpts{})
	r.panel.take()
	r.c.SetExposureNotice(t0.Add(-48 * time.Hour))
	r.sync()
	if calls := r.panel.take(); len(calls) != 0 {
		t.Errorf("exposure notice: %d refreshes at once, want none before the rotation", len(calls))
	}
	r.toBoundary(venueqr.DefaultPeriod)
	var footer int
	for _, c := range r.panel.take() {
		if c.r == r.l.FooterWindow() {
			footer++
		}
	}
	if footer != 1 {
		t.Errorf("rotation after a footer change: %d footer refreshes, want 1", footer)
	}
}

// A new data state (a sync) shows at once: one partial refresh of the
// footer, nothing else.
func TestFooterShowsASyncAtOnce(t *testing.T) {
	r := start(t, rigOpts{})
	r.panel.take()
	r.c.SetFooter(Footer{DataAt: t0.Add(-3 * time.Hour)})
	r.sync()
	calls := r.panel.take()
	if len(calls) != 1 || calls[0].full || calls[0].r != r.l.FooterWindow() {
		t.Fatalf("after SetFooter: %d refreshes, want one of the footer", len(calls))
	}
	// The same state again changes no pixel: no refresh.
	r.c.SetFooter(Footer{DataAt: t0.Add(-3 * time.Hour)})
	r.sync()
	if calls := r.panel.take(); len(calls) != 0 {
		t.Errorf("the same footer again: %d refreshes, want none", len(calls))
	}
}

func TestWakeIsFull(t *testing.T) {
	r := start(t, rigOpts{})
	r.panel.take()
	r.c.Wake()
	r.sync()
	calls := r.panel.take()
	if len(calls) != 1 || !calls[0].full {
		t.Errorf("wake: got %d calls, want one full refresh", len(calls))
	}
}

func TestPanelErrorForcesFull(t *testing.T) {
	r := start(t, rigOpts{})
	r.panel.take()
	r.panel.mu.Lock()
	r.panel.failNext = true
	r.panel.mu.Unlock()
	r.c.ShowVerdict(&verify.Verdict{Status: verify.Green})
	r.sync()
	if s := r.c.Stats(); s.Errors != 1 {
		t.Errorf("stats after a failed refresh: %+v, want 1 error", s)
	}
	r.toBoundary(venueqr.DefaultPeriod)
	full := false
	for _, c := range r.panel.take() {
		full = full || c.full
	}
	if !full {
		t.Error("the rotation after a failed refresh: want a full refresh")
	}
}

func TestNoVenueCode(t *testing.T) {
	r := start(t, rigOpts{noSigner: true})
	calls := r.panel.take()
	if len(calls) != 1 {
		t.Fatalf("start: %d calls", len(calls))
	}
	if p, ok := decodeQR(t, calls[0].img); ok {
		t.Errorf("no signer: a code %q on the panel", p)
	}
}

func TestStatsAndPNG(t *testing.T) {
	l, _ := layout.New(layout.Panel29)
	tr, _ := clock.NewTrusted(newFakeClock(t0), nil)
	c, _ := New(&fakePanel{bounds: l.Bounds()}, Opts{Layout: l, Time: tr, Clock: newFakeClock(t0)})
	if err := c.WritePNG(&bytes.Buffer{}); err == nil {
		t.Error("WritePNG before any refresh: no error")
	}
	r := start(t, rigOpts{size: layout.Panel29})
	var b bytes.Buffer
	if err := r.c.WritePNG(&b); err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(&b)
	if err != nil || img.Bounds() != r.l.Bounds() {
		t.Fatalf("PNG: %v, bounds %v", err, img.Bounds())
	}
	if s := r.c.Stats(); s.Full != 1 || s.Bytes != uint64(128*296/8) {
		t.Errorf("stats: %+v, want 1 full and %d bytes", s, 128*296/8)
	}
}

func TestNewRejects(t *testing.T) {
	l, _ := layout.New(layout.Panel213)
	tr, _ := clock.NewTrusted(newFakeClock(t0), nil)
	good := &fakePanel{bounds: l.Bounds()}
	for name, tc := range map[string]struct {
		p    Panel
		opts Opts
	}{
		"no layout":      {good, Opts{Time: tr}},
		"no time":        {good, Opts{Layout: l}},
		"size mismatch":  {&fakePanel{bounds: image.Rect(0, 0, 128, 296)}, Opts{Layout: l, Time: tr}},
		"full every":     {good, Opts{Layout: l, Time: tr, FullEvery: -1}},
		"hold too short": {good, Opts{Layout: l, Time: tr, StatusHold: time.Millisecond}},
		"three langs":    {good, Opts{Layout: l, Time: tr, Langs: []i18n.Lang{i18n.EN, i18n.ZHHant, i18n.ZHHans}}},
	} {
		if _, err := New(tc.p, tc.opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRunTwice(t *testing.T) {
	r := start(t, rigOpts{})
	if err := r.c.Run(context.Background()); err == nil {
		t.Error("a second Run: no error")
	}
}

func TestClockGoesBack(t *testing.T) {
	r := start(t, rigOpts{})
	r.panel.take()
	r.clk.Advance(-time.Hour) // a bad NTP answer, an RTC reset
	r.sync()
	calls := r.panel.take()
	var qr *call
	for i := range calls {
		if calls[i].r == r.l.QRWindow() {
			qr = &calls[i]
		}
	}
	if qr == nil {
		t.Fatalf("clock an hour back: %d refreshes, none of the QR window", len(calls))
	}
	if p, ok := decodeQR(t, qr.img); ok {
		t.Errorf("clock an hour back: the panel still shows a code %q", p)
	}
}
