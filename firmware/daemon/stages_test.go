package daemon

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
)

var errStage = errors.New("stage failed")

// recorded returns stages named by names that note their start and stop
// in log; a name ending in "!" fails to start, one ending in "-" has
// nothing to stop.
func recorded(log *[]string, names ...string) []stage {
	var ss []stage
	for _, name := range names {
		ss = append(ss, stage{name, func(context.Context) (func(), error) {
			*log = append(*log, "start "+name)
			switch {
			case strings.HasSuffix(name, "!"):
				return nil, errStage
			case strings.HasSuffix(name, "-"):
				return nil, nil
			}
			return func() { *log = append(*log, "stop "+name) }, nil
		}})
	}
	return ss
}

func TestStartStages(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stages []string
		err    error
		want   []string // starts and stops, when stop is called (if no error)
	}{
		{"none", nil, nil, nil},
		{"stop in reverse", []string{"a", "b", "c"}, nil,
			[]string{"start a", "start b", "start c", "stop c", "stop b", "stop a"}},
		{"nothing to stop", []string{"a", "b-", "c"}, nil,
			[]string{"start a", "start b-", "start c", "stop c", "stop a"}},
		{"first fails", []string{"a!", "b"}, errStage,
			[]string{"start a!"}},
		{"middle fails", []string{"a", "b-", "c", "d!", "e"}, errStage,
			[]string{"start a", "start b-", "start c", "start d!", "stop c", "stop a"}},
		{"last fails", []string{"a", "b!"}, errStage,
			[]string{"start a", "start b!", "stop a"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log, traced []string
			stop, err := startStages(context.Background(), recorded(&log, tc.stages...), func(e string) { traced = append(traced, e) })
			if err != tc.err {
				t.Fatalf("startStages: got error %v, want %v", err, tc.err)
			}
			if err == nil {
				stop()
				stop() // a second stop stops nothing again
			}
			if !slices.Equal(log, tc.want) {
				t.Errorf("got %q, want %q", log, tc.want)
			}
			if !slices.Equal(traced, tc.want) {
				t.Errorf("trace: got %q, want %q", traced, tc.want)
			}
		})
	}
}

func TestBackgroundStage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	var returned bool
	s := background("loop", func(ctx context.Context) {
		<-ctx.Done()
		close(ended)
		time.Sleep(10 * time.Millisecond)
		returned = true
	})
	stop, err := s.start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	select {
	case <-ended:
		t.Fatal("the daemon's context ended the background stage; only its stop may")
	case <-time.After(50 * time.Millisecond):
	}
	stop()
	if !returned {
		t.Error("stop returned before the stage's function did")
	}
}

// TestDaemonStageOrder pins the order kioskd starts and stops its parts:
// a reordering of the stages, or of what each stops, fails here.
func TestDaemonStageOrder(t *testing.T) {
	starts := []string{
		"start state directory", "start store", "start clock", "start policy", "start lights",
		"start panel", "start visit log", "start scan flow",
		"start visit writer", "start door writer", "start counters", "start scan loop",
		"start loops", "start display", "start buttons", "start scanner", "start sync",
		"start local page", "start fleet", "start ready", "start watchdog",
	}
	stops := []string{
		"stop loops", "stop scan loop", "stop counters", "stop door writer", "stop visit writer",
		"stop lights", "stop clock", "stop store",
	}
	failedAt := slices.Index(starts, "start scanner") + 1
	for _, tc := range []struct {
		name       string
		terminator string
		want       []string
		err        string
	}{
		{"start and stop", "", slices.Concat(starts, stops), ""},
		{"scanner fails", "nonsense", slices.Concat(starts[:failedAt], stops), "scanner.terminator"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Kiosk.StateDir = t.TempDir()
			cfg.Kiosk.Listen = "127.0.0.1:0"
			cfg.Scanner.Device = ""
			if tc.terminator != "" {
				cfg.Scanner.Device, cfg.Scanner.Terminator = "/dev/null", tc.terminator
			}
			d := newDaemon(cfg, Hardware{Indicator: &indicatortest.Recorder{}, Logger: slog.New(slog.DiscardHandler)})
			var got []string
			d.trace = func(e string) { got = append(got, e) }
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- d.run(ctx, func(net.Addr) { cancel() }) }()
			err := <-done
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("run: got error %v, want one saying %q", err, tc.err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("stages:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}
