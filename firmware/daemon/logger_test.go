package daemon_test

import (
	"context"
	"crypto/ed25519"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/indicator/indicatortest"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/syncbuf"
)

// TestLogGoesToTheHardwareLogger: everything the daemon and its parts
// (store, scan flow, panel, local page, sync, visits) log reaches the
// logger it was given, and nothing reaches the global one, so that a test
// or a privacy check reads one sink.
func TestLogGoesToTheHardwareLogger(t *testing.T) {
	var global, given syncbuf.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&global, &slog.HandlerOptions{Level: slog.LevelDebug})))

	cfg := config.Default()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = "127.0.0.1:0"
	cfg.Scanner.Device = ""
	cfg.Venue.ID = "CM-01"
	cfg.Sync.Source = "file://" + filepath.Join(t.TempDir(), "no-repo") // sync fails, and says so
	_, key, _ := ed25519.GenerateKey(nil)
	b, err := venueqr.MarshalPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.Kiosk.StateDir, daemon.KeyFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	_, panel := hat23(t, epd.Waveshare2in9V2, cfg)
	hw := daemon.Hardware{
		Panel: panel, PanelName: epd.Waveshare2in9V2.Name, Indicator: &indicatortest.Recorder{},
		Logger: slog.New(slog.NewTextHandler(&given, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(a net.Addr) { ready <- a }) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("kioskd: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("kioskd not ready in 30s")
	}
	time.Sleep(500 * time.Millisecond) // the panel's first rounds
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("kioskd: %v", err)
	}
	for _, want := range []string{"store open", "kiosk ready", "stopping"} {
		if !strings.Contains(given.String(), want) {
			t.Errorf("the given logger has no %q:\n%s", want, given.String())
		}
	}
	// The panel driver is hardware the test opened itself (with the
	// default logger), as kioskd opens its drivers before Run: its lines
	// are not the daemon's.
	for _, line := range strings.Split(strings.TrimSpace(global.String()), "\n") {
		if line != "" && !strings.Contains(line, `msg="e-paper `) {
			t.Errorf("the global logger got: %s", line)
		}
	}
}
