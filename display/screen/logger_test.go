package screen

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/internal/syncbuf"
)

// The controller logs to the logger it was given: a refresh the panel
// refused is said there.
func TestLogsToOptsLogger(t *testing.T) {
	var buf syncbuf.Buffer
	r := start(t, rigOpts{mod: func(o *Opts) { o.Logger = slog.New(slog.NewTextHandler(&buf, nil)) }})
	r.panel.take()
	r.panel.mu.Lock()
	r.panel.failNext = true
	r.panel.mu.Unlock()
	r.c.ShowVerdict(&verify.Verdict{Status: verify.Green})
	r.sync()
	if got := buf.String(); !strings.Contains(got, "refresh failed") || !strings.Contains(got, "busy pin stuck") {
		t.Errorf("the controller's logger got %q, want the failed refresh", got)
	}
}
