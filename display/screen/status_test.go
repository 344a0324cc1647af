package screen

import (
	"image"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// TestShowStatus: a status built by the caller (an exposure notice for the
// holder) shows in the status window at once, differs from the same
// verdict without it, and reverts to the idle panel after the hold.
func TestShowStatus(t *testing.T) {
	r := start(t, rigOpts{size: layout.Panel42})
	idle := r.panel.take()[0].img
	v := &verify.Verdict{Status: verify.Green, Holder: pass.Holder{Name: "CHAN, Tai Man", DOB: "1985-04-12"}}

	r.c.ShowVerdict(v)
	r.sync()
	plain := r.panel.take()
	st := layout.VerdictStatusMode(v, layout.HolderInitials)
	st.Exposure = layout.Window{Start: t0.Add(-50 * time.Hour), End: t0.Add(-48 * time.Hour)}
	r.c.ShowStatus(st)
	r.sync()
	calls := r.panel.take()
	if len(plain) != 1 || len(calls) != 1 || calls[0].full || calls[0].r != r.l.StatusWindow() {
		t.Fatalf("got %d and %+v, want one partial refresh of the status window each", len(plain), calls)
	}
	if out, in := diffOutside(plain[0].img, calls[0].img, r.l.StatusWindow()); out != 0 || in == 0 {
		t.Errorf("with the notice: %d pixels changed outside the status window, %d inside (want some)", out, in)
	}
	r.advance(6*time.Second, time.Second)
	calls = r.panel.take()
	if len(calls) != 1 {
		t.Fatalf("after the hold: %d refreshes, want 1", len(calls))
	}
	if out, in := diffOutside(idle, calls[0].img, image.Rectangle{}); out+in != 0 {
		t.Errorf("after the hold: %d pixels differ from the idle panel", out+in)
	}
}
