package daemon_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
)

// hangingIndicator is a lights driver that can be made to hang, as a
// driver stuck in a kernel call would: the scan loop hangs with it.
type hangingIndicator struct {
	indicator.Indicator
	mu   sync.Mutex
	hang chan struct{}
}

func (h *hangingIndicator) Show(s indicator.Signal) {
	h.mu.Lock()
	c := h.hang
	h.mu.Unlock()
	if c != nil {
		<-c
	}
	h.Indicator.Show(s)
}

// notifications listens on a NOTIFY_SOCKET and collects what is sent.
type notifications struct {
	mu   sync.Mutex
	msgs []timed
}

type timed struct {
	at  time.Time
	msg string
}

func listenNotify(t *testing.T) *notifications {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	n := &notifications{}
	go func() {
		buf := make([]byte, 4096)
		for {
			k, err := conn.Read(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.msgs = append(n.msgs, timed{time.Now(), string(buf[:k])})
			n.mu.Unlock()
		}
	}()
	return n
}

func (n *notifications) count(substr string, since time.Time) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, m := range n.msgs {
		if !m.at.Before(since) && strings.Contains(m.msg, substr) {
			c++
		}
	}
	return c
}

func (n *notifications) wait(t *testing.T, substr string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if n.count(substr, time.Time{}) > 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %q within %v", substr, timeout)
}

// TestNotifyReadyAndWatchdog runs the daemon under a test NOTIFY_SOCKET
// with a 2 s watchdog: READY=1 comes after initialisation, with a STATUS=
// line; WATCHDOG=1 comes every second while the loops turn, and stops
// when the scan loop hangs.
func TestNotifyReadyAndWatchdog(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the watchdog")
	}
	n := listenNotify(t)
	t.Setenv("WATCHDOG_USEC", "2000000")
	cfg := config.Default()
	cfg.Kiosk.StateDir = t.TempDir()
	cfg.Kiosk.Listen = ""
	hw, s, err := sim.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hi := &hangingIndicator{Indicator: hw.Indicator}
	hw.Indicator = hi
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan time.Time, 1)
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, hw, func(net.Addr) { ready <- time.Now() }) }()
	var readyAt time.Time
	select {
	case readyAt = <-ready:
	case err := <-done:
		t.Fatal(err)
	case <-time.After(30 * time.Second):
		t.Fatal("not ready")
	}
	n.wait(t, "READY=1", 5*time.Second)
	if n.count("STATUS=", time.Time{}) == 0 {
		t.Error("READY=1 came without a STATUS= line")
	}
	n.mu.Lock()
	first := n.msgs[0].msg
	n.mu.Unlock()
	if !strings.Contains(first, "READY=1") {
		t.Errorf("first notification %q, want READY=1 before any watchdog ping", first)
	}
	time.Sleep(3500 * time.Millisecond)
	if got := n.count("WATCHDOG=1", readyAt); got < 2 {
		t.Fatalf("%d watchdog pings in 3.5 s with a 2 s watchdog, want at least 2", got)
	}

	// Hang the scan loop: the lights driver blocks inside the next scan.
	hi.mu.Lock()
	hi.hang = make(chan struct{})
	hi.mu.Unlock()
	s.Scanner.Write([]byte(s.Samples.Samples[0].Payload + "\r"))
	// The flow's heartbeat goes stale after a few seconds; from then on no
	// ping may come.
	time.Sleep(6 * time.Second)
	quiet := time.Now()
	time.Sleep(3 * time.Second)
	if got := n.count("WATCHDOG=1", quiet); got != 0 {
		t.Errorf("%d watchdog pings while the scan loop was hung", got)
	}

	// Unhang: the pings come back.
	hi.mu.Lock()
	close(hi.hang)
	hi.hang = nil
	hi.mu.Unlock()
	back := time.Now()
	time.Sleep(2500 * time.Millisecond)
	if got := n.count("WATCHDOG=1", back); got == 0 {
		t.Error("no watchdog ping after the scan loop recovered")
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if n.count("STOPPING=1", time.Time{}) == 0 {
		t.Error("no STOPPING=1 on shutdown")
	}
}
