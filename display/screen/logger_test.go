package screen

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// lockedBuffer is a log sink the controller's goroutine writes to.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The controller logs to the logger it was given: a refresh the panel
// refused is said there.
func TestLogsToOptsLogger(t *testing.T) {
	var buf lockedBuffer
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
