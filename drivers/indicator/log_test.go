package indicator

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLog(t *testing.T) {
	var buf bytes.Buffer
	now := start
	l := NewLog(&LogOpts{Hold: time.Second, Now: func() time.Time { return now }, Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	l.Show(Green)
	if got, want := l.State(), (State{Signal: Green}); got != want {
		t.Errorf("State: got %+v, want %+v", got, want)
	}
	now = now.Add(999 * time.Millisecond)
	if got := l.State().Signal; got != Green {
		t.Errorf("State before the hold ends: got %v, want green", got)
	}
	now = now.Add(time.Millisecond)
	if got := l.State().Signal; got != Idle {
		t.Errorf("State after the hold: got %v, want idle", got)
	}
	l.Show(Fault)
	now = now.Add(time.Hour)
	if got := l.State().Signal; got != Fault {
		t.Errorf("State long after a fault: got %v, want fault (it stays)", got)
	}
	l.Show(Signal(77))
	if err := l.SelfTest(context.Background()); err != nil {
		t.Errorf("SelfTest: %v", err)
	}
	out := buf.String()
	for _, want := range []string{"signal=green", "signal=fault", "unknown signal ignored", "signal=signal(77)", "self-test"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	if got, want := strings.Count(out, "\n"), 4; got != want {
		t.Errorf("log lines: got %d, want %d:\n%s", got, want, out)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l.Show(Red)
	if got := l.State().Signal; got != Idle {
		t.Errorf("State after Close and Show: got %v, want idle", got)
	}
	if err := l.SelfTest(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("SelfTest after Close: got %v, want ErrClosed", err)
	}
	if got, want := strings.Count(buf.String(), "\n"), 4; got != want {
		t.Errorf("logged after Close: %d lines, want %d", got, want)
	}
}

func TestLogDefaults(t *testing.T) {
	l := NewLog(nil)
	if l.opts.Hold != DefaultHold || l.opts.Now == nil || l.opts.Logger != slog.Default() {
		t.Errorf("defaults not set: %+v", l.opts)
	}
	if got := l.State(); got != (State{}) {
		t.Errorf("State: got %+v, want nothing shown", got)
	}
}
