package scan

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// The flow logs to the logger it was given: a scan dropped because the
// queue is full is said there.
func TestLogsToOptsLogger(t *testing.T) {
	var buf bytes.Buffer
	gate := make(chan struct{})
	defer close(gate)
	f, _ := start(t, Opts{Verifier: &colourByPrefix{gate: gate}, Time: fixedTime{t0, true}, QueueLen: 1,
		Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	for range 5 {
		f.Submit(Scan{Payload: "G", Source: Serial})
	}
	if f.Dropped() == 0 {
		t.Fatal("no scan dropped with a queue of 1 and a stuck verifier")
	}
	if got := buf.String(); !strings.Contains(got, "scan queue full; scan dropped") {
		t.Errorf("the flow's logger got %q, want the dropped scan", got)
	}
}
