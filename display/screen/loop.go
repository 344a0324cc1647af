package screen

import (
	"context"
	"errors"
	"image"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
)

// loop is the state owned by Run's goroutine.
type loop struct {
	c     *Controller
	l     *layout.Layout
	st    layout.State
	frame *image.Gray

	slot        int64     // the slot of the code shown; -1: none
	statusUntil time.Time // when the status reverts (scheduling clock)
	lastFull    time.Time
	rounds      int // partial refresh rounds since the last full refresh
	ticks       int // footer-only refreshes (the clock's minute) since the last full refresh
	footer      Footer
	footerNow   bool // SetFooter: the footer is redrawn at once
	needFull    bool // the next refresh is full (start, wake, panel error)
	footerDirty bool // the footer's inputs changed since it was drawn
	statusDirty bool
	nextCheck   time.Time // untrusted time: look again then
	turn        int       // Opts.Alternate: the language shown (0 or 1)
	hkenNext    time.Time // HKENAlternate: when the other code's turn comes
	prepared    int64     // the slot whose end the panel was woken ahead for; -1: none
}

// Run drives the panel until ctx ends. It returns ctx's error, or an
// error at once if another Run is active.
func (c *Controller) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.running {
		c.mu.Unlock()
		return errors.New("screen: Run is already running")
	}
	c.running = true
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.running = false
		c.mu.Unlock()
	}()

	lp := &loop{c: c, l: c.opts.Layout, slot: -1, prepared: -1, needFull: true, turn: 1} // turn: the first drawing shows the first language
	lp.st = layout.State{
		Langs:   c.opts.Langs,
		VenueEN: c.opts.Venue[0],
		VenueZH: c.opts.Venue[1],
		Loc:     c.opts.Loc,
	}
	for {
		now := c.clk.Now()
		lp.process(now)
		c.beat.Store(time.Now().UnixNano())
		// Wake at least every HeartbeatEvery, so that an idle loop still
		// proves it is alive to the watchdog.
		d := min(lp.next(c.clk.Now()), HeartbeatEvery)
		t := c.clk.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C():
		case <-c.signal:
		}
		t.Stop()
	}
}

// process applies pending inputs and due events, then refreshes.
func (lp *loop) process(now time.Time) {
	c := lp.c
	c.mu.Lock()
	p := c.pending
	c.pending = pending{}
	c.mu.Unlock()

	if p.wake {
		lp.needFull = true
	}
	if p.footer != nil {
		lp.footer = *p.footer
		lp.footerDirty, lp.footerNow = true, true
	}
	if p.exposure != nil {
		lp.st.Exposure = *p.exposure
		lp.footerDirty = true
	}
	if p.noScanner != nil && *p.noScanner != lp.st.NoScanner {
		lp.st.NoScanner = *p.noScanner
		lp.statusDirty = lp.statusDirty || lp.st.Status == nil
	}
	if p.open != nil && *p.open != lp.st.Open {
		lp.st.Open = *p.open
		lp.statusDirty = lp.statusDirty || lp.st.Status == nil
	}
	if p.openUntil != nil && !p.openUntil.Equal(lp.st.OpenUntil) {
		lp.st.OpenUntil = *p.openUntil
		lp.statusDirty = lp.statusDirty || lp.st.Status == nil
	}
	if p.hasStatus {
		lp.st.Status = p.status
		if hasHolder(p.status) {
			c.holder.Store(true) // until a frame without it is on the glass
		}
		lp.statusUntil = now.Add(c.opts.StatusHold)
		lp.statusDirty = true
	} else if lp.st.Status != nil && !now.Before(lp.statusUntil) {
		lp.st.Status = nil // the holder's initials are gone with it
		lp.statusDirty = true
	}

	qrDirty := lp.updateCode(now)
	tick := lp.clockTick()
	if flip := lp.hkenTurn(now); flip {
		qrDirty = true
		lp.statusDirty = lp.statusDirty || lp.st.Status == nil // the caption
	} else if lp.st.ShowHKEN {
		qrDirty = false // the signed code changed under the LeaveHomeSafe one
	}
	if qrDirty && lp.st.Status == nil && c.opts.Alternate {
		lp.statusDirty = true // the idle instruction in the other language
	}
	lp.chooseLangs(lp.statusDirty || lp.frame == nil)

	// A full refresh: at start and on wake at once; when due (every
	// FullEvery rounds, after a panel error) with the next rotation; and
	// hourly — but never on a verdict's arrival, which must show at once.
	hourly := lp.hourlyDue(now)
	fullDue := lp.fullDue(now)
	switch {
	case lp.frame == nil || p.wake || (fullDue && !p.hasStatus && (qrDirty || hourly)):
		if lp.frame == nil {
			lp.frame = lp.l.NewFrame()
		}
		lp.draw(layout.All)
		lp.full(now)
	default:
		refreshed := false
		if qrDirty {
			lp.draw(layout.QR)
			lp.partial(lp.l.QRWindow(), &c.stats.PartialQR)
			refreshed = true
		}
		// The footer follows the rotation and its clock's minute; a new
		// data state (a sync), or any change with no code shown, shows
		// at once. A refresh of the footer alone is not a round
		// (FullEvery counts rotations and verdicts), but it makes the
		// hourly full refresh due.
		if lp.footerDirty && (qrDirty || lp.slot < 0 || tick || lp.footerNow) {
			if lp.redrawFooter() && !refreshed && !lp.statusDirty {
				lp.ticks++
			}
		}
		if lp.statusDirty {
			lp.draw(layout.StatusArea)
			lp.partial(lp.l.StatusWindow(), &c.stats.PartialStatus)
			lp.statusDirty = false
			refreshed = true
		}
		if refreshed {
			lp.rounds++
		}
	}

	lp.prepareAhead(c.clk.Now())

	c.mu.Lock()
	for _, ch := range p.syncs {
		close(ch)
	}
	c.mu.Unlock()
}

// updateCode brings the venue code up to date with the trusted time and
// reports whether the QR window must be redrawn.
func (lp *loop) updateCode(now time.Time) bool {
	c := lp.c
	if c.opts.Signer == nil {
		changed := lp.st.Paused != i18n.VenueUnset
		lp.st.Payload, lp.st.Paused = "", i18n.VenueUnset
		if t, ok := c.opts.Time.Judge(); ok && lp.footerDirty {
			lp.st.Now = t
		}
		return changed
	}
	t, trusted := c.opts.Time.Judge()
	if !trusted {
		lp.nextCheck = now.Add(Recheck)
		changed := lp.st.Paused != i18n.TimeUntrusted
		if changed {
			lp.c.opts.Logger.Warn("display: time not trusted, venue code paused")
		}
		lp.st.Payload, lp.st.Paused, lp.slot = "", i18n.TimeUntrusted, -1
		if !lp.st.Now.IsZero() {
			lp.st.Now = time.Time{}
			lp.footerDirty = true
		}
		return changed
	}
	slot := venueqr.SlotAt(t, c.opts.Signer.Period())
	if slot == lp.slot && lp.st.Payload != "" {
		return false
	}
	p, code, err := c.opts.Signer.Payload(t)
	if err != nil {
		lp.c.opts.Logger.Error("display: venue code", "err", err)
		lp.st.Payload, lp.st.Paused, lp.slot = "", i18n.TimeUntrusted, -1
		return true
	}
	lp.st.Payload, lp.st.Paused, lp.slot = p, "", code.Slot
	lp.st.Now = t
	lp.footerDirty = true
	return true
}

// clockTick brings the footer's clock to the trusted time's minute and the
// data's staleness to the trusted time. It reports whether the clock's
// minute changed: the footer may then be redrawn between rotations, so
// that its clock never lags by more than a minute.
func (lp *loop) clockTick() bool {
	t, trusted := lp.c.opts.Time.Judge()
	if stale := lp.footer.staleSince(t, trusted); !stale.Equal(lp.st.StaleSince) || !lp.footer.DataAt.Equal(lp.st.DataAt) {
		lp.st.DataAt, lp.st.StaleSince = lp.footer.DataAt, stale
		lp.footerDirty = true
	}
	if !trusted || lp.st.Paused == i18n.TimeUntrusted {
		return false
	}
	if !lp.st.Now.IsZero() && t.Truncate(time.Minute).Equal(lp.st.Now.Truncate(time.Minute)) {
		return false
	}
	lp.st.Now = t
	lp.footerDirty = true
	return true
}

// next returns how long to wait for the next event.
func (lp *loop) next(now time.Time) time.Duration {
	c := lp.c
	d := FullInterval
	if lp.slot >= 0 {
		t, ok := c.opts.Time.Judge()
		if ok {
			end := venueqr.Code{Slot: lp.slot, Period: c.opts.Signer.Period()}.End()
			d = min(d, end.Sub(t))
		} else {
			d = min(d, Recheck) // the clock went back: look again soon
		}
	} else if lp.st.Paused == i18n.TimeUntrusted {
		d = min(d, lp.nextCheck.Sub(now))
	}
	if lp.st.Status != nil {
		d = min(d, lp.statusUntil.Sub(now))
	}
	if lp.rounds > 0 || lp.ticks > 0 {
		d = min(d, lp.lastFull.Add(FullInterval).Sub(now))
	}
	if t, ok := c.opts.Time.Judge(); ok && !lp.st.Now.IsZero() {
		d = min(d, t.Truncate(time.Minute).Add(time.Minute).Sub(t)) // the footer clock's next minute
	}
	if !lp.hkenNext.IsZero() {
		d = min(d, lp.hkenNext.Sub(now))
	}
	if left, ok := lp.rotationAhead(now); ok && left > WakeAhead {
		d = min(d, left-WakeAhead)
	}
	return max(d, 0)
}

// rotationAhead returns how long until the venue code rotates with a
// partial refresh that a panel able to wake ahead (Preparer) has not been
// woken for yet; ok is false when there is none to wake for: no such
// panel, no code or an untrusted clock, the LeaveHomeSafe code in the
// window (no refresh at the boundary), or a full refresh due then.
func (lp *loop) rotationAhead(now time.Time) (left time.Duration, ok bool) {
	c := lp.c
	if _, can := c.panel.(Preparer); !can || lp.slot < 0 || lp.prepared == lp.slot || lp.st.ShowHKEN || lp.frame == nil {
		return 0, false
	}
	t, trusted := c.opts.Time.Judge()
	if !trusted {
		return 0, false
	}
	left = venueqr.Code{Slot: lp.slot, Period: c.opts.Signer.Period()}.End().Sub(t)
	if left <= 0 || lp.fullDue(now.Add(left)) {
		return 0, false
	}
	return left, true
}

// hourlyDue reports whether the hourly full refresh is due at t.
func (lp *loop) hourlyDue(t time.Time) bool {
	return (lp.rounds > 0 || lp.ticks > 0) && t.Sub(lp.lastFull) >= FullInterval
}

// fullDue reports whether the next refresh at t is to be a full one: at
// start or after a panel error, every FullEvery rounds, and hourly.
func (lp *loop) fullDue(t time.Time) bool {
	return lp.needFull || lp.rounds >= lp.c.opts.FullEvery || lp.hourlyDue(t)
}

// prepareAhead wakes the panel's controller once per slot, WakeAhead
// before the rotation, so that the rotation's refresh starts with its RAM
// writes. A failure only costs the head start: the refresh wakes the
// controller itself.
func (lp *loop) prepareAhead(now time.Time) {
	left, ok := lp.rotationAhead(now)
	if !ok || left > WakeAhead {
		return
	}
	lp.prepared = lp.slot
	if err := lp.c.panel.(Preparer).PreparePartial(); err != nil {
		lp.c.opts.Logger.Warn("display: waking the panel ahead of the rotation", "err", err)
	}
}

func (lp *loop) draw(parts layout.Part) {
	if err := lp.l.Draw(lp.frame, &lp.st, parts); err != nil {
		lp.c.opts.Logger.Error("display: drawing the venue code", "err", err)
	}
}

// redrawFooter redraws the footer and refreshes it if its pixels changed,
// reporting whether it did.
func (lp *loop) redrawFooter() bool {
	r := lp.l.FooterWindow()
	before := lp.frame.SubImage(r).(*image.Gray)
	old := make([]byte, 0, r.Dx()*r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := before.PixOffset(r.Min.X, y)
		old = append(old, before.Pix[o:o+r.Dx()]...)
	}
	lp.draw(layout.Footer)
	lp.footerDirty, lp.footerNow = false, false
	i := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := lp.frame.PixOffset(r.Min.X, y)
		for _, v := range lp.frame.Pix[o : o+r.Dx()] {
			if v != old[i] {
				lp.partial(r, &lp.c.stats.PartialFooter)
				return true
			}
			i++
		}
	}
	return false
}

func (lp *loop) full(now time.Time) {
	c := lp.c
	err := c.panel.Full(lp.frame)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.stats.Errors++
		lp.c.opts.Logger.Warn("display: full refresh failed", "err", err)
		lp.needFull = true
		return
	}
	c.stats.Full++
	lp.needFull, lp.rounds, lp.ticks, lp.lastFull = false, 0, 0, now
	lp.footerDirty, lp.footerNow, lp.statusDirty = false, false, false
	lp.keep()
}

func (lp *loop) partial(r image.Rectangle, count *uint64) {
	c := lp.c
	err := c.panel.Partial(lp.frame, r)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.stats.Errors++
		lp.c.opts.Logger.Warn("display: partial refresh failed", "window", r.String(), "err", err)
		lp.needFull = true
		return
	}
	c.stats.Partial++
	*count++
	lp.keep()
}

// keep copies the frame as what the panel shows; c.mu is held.
func (lp *loop) keep() {
	c := lp.c
	if c.shown == nil {
		c.shown = image.NewGray(lp.frame.Bounds())
	}
	copy(c.shown.Pix, lp.frame.Pix)
	if !hasHolder(lp.st.Status) {
		c.holder.Store(false)
	}
}

// hasHolder reports whether st shows anything of a pass holder.
func hasHolder(st *layout.Status) bool {
	return st != nil && (st.Initials != "" || st.Year != "" || st.Name != "")
}

// hkenTurn switches between the signed code and the LeaveHomeSafe code
// when its turn is due, and reports whether it did.
func (lp *loop) hkenTurn(now time.Time) bool {
	c := lp.c
	lp.st.HKEN, lp.st.HKENMode = c.opts.HKEN, c.opts.HKENMode
	if c.opts.HKENMode != layout.HKENAlternate {
		return false
	}
	if lp.hkenNext.IsZero() {
		lp.hkenNext = now.Add(c.opts.HKENEvery)
		return false
	}
	if now.Before(lp.hkenNext) {
		return false
	}
	lp.st.ShowHKEN = !lp.st.ShowHKEN
	lp.hkenNext = now.Add(c.opts.HKENEvery)
	return true
}

// chooseLangs sets the languages the next drawing uses: both, or with
// Opts.Alternate one at a time, the other one each time the status area
// is redrawn (redraw). Open entry always speaks every language.
func (lp *loop) chooseLangs(redraw bool) {
	langs := lp.c.opts.Langs
	if !lp.c.opts.Alternate || len(langs) != 2 || lp.st.Open {
		lp.st.Langs = langs
		return
	}
	if redraw {
		lp.turn = 1 - lp.turn
	}
	lp.st.Langs = langs[lp.turn : lp.turn+1]
}
