package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/fleet"
	"github.com/venuekiosk/venuekiosk/firmware/internal/fleettest"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/syncbuf"
)

// publishKiosk leaves a kiosk's retained status and online messages on the
// broker, as a kiosk would.
func publishKiosk(t *testing.T, c *fleettest.Client, venue, kiosk string, online bool, edit func(*fleet.Status)) {
	t.Helper()
	tp, _ := fleet.NewTopics(venue, kiosk)
	s := fleet.Status{
		Header: fleet.Header{V: fleet.Version, Seq: 1, Boot: "0123456789abcdef", At: time.Now().UTC(), Venue: venue, Kiosk: kiosk},
		Every:  900,
		Snapshot: fleet.Snapshot{Firmware: "0.3.0", Clock: fleet.Clock{Trusted: true},
			Scanner: fleet.Device{OK: true, State: "connected"}, Panel: fleet.Device{OK: true}, Lights: fleet.Device{OK: true}},
	}
	if edit != nil {
		edit(&s)
	}
	b, _ := json.Marshal(&s)
	if err := c.Publish(tp.Status(), b, true); err != nil {
		t.Fatal(err)
	}
	o, _ := json.Marshal(fleet.Online{V: fleet.Version, Online: online, Boot: "0123456789abcdef", Venue: venue, Kiosk: kiosk})
	if err := c.Publish(tp.Online(), o, true); err != nil {
		t.Fatal(err)
	}
}

// rowOrder returns the KIOSK column of the table's rows.
func rowOrder(out string) []string {
	var ks []string
	for _, l := range strings.Split(out, "\n")[2:] {
		if f := strings.Fields(l); len(f) >= 3 {
			ks = append(ks, f[0]+" "+f[2])
		}
	}
	return ks
}

func TestFleetWatchOnce(t *testing.T) {
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true})
	pub := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "kiosks"})
	publishKiosk(t, pub, "V1", "fine", true, nil)
	publishKiosk(t, pub, "V1", "noscanner", true, func(s *fleet.Status) { s.Scanner = fleet.Device{State: "not found"} })
	publishKiosk(t, pub, "V2", "gone", false, nil)
	publishKiosk(t, pub, "V1", "old", true, func(s *fleet.Status) { s.At = s.At.Add(-2 * time.Hour) })
	// A message that is not a kiosk's is refused, not shown.
	pub.Publish("venuekiosk/V1/K9/status", []byte(`{"v":1,"kiosk":"someone else"}`), true)

	code, out, errOut := kioskctl(t, "", "fleet", "watch", "--broker", b.URL(), "--once", "--timeout", "5s")
	if code != command.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	t.Logf("kioskctl fleet watch --once:\n%s", out)
	if !strings.Contains(out, "4 kiosks: 1 offline, 1 stale, 1 fault, 1 ok; 1 messages refused") {
		t.Errorf("summary line:\n%s", out)
	}
	got := strings.Join(rowOrder(out), ", ")
	if want := "OFFLINE gone, STALE old, FAULT noscanner, ok fine"; got != want {
		t.Errorf("rows: got %s, want %s\n%s", got, want, out)
	}
	if !strings.Contains(out, "scanner: not found") || !strings.Contains(errOut, "refused") {
		t.Errorf("problems or refusal not shown:\n%s\n%s", out, errOut)
	}
}

func TestFleetWatchFor(t *testing.T) {
	b := fleettest.Start(t, fleettest.Opts{Anonymous: true})
	pub := fleettest.MustDial(t, b.Addr, fleettest.DialOpts{ClientID: "kiosks"})
	publishKiosk(t, pub, "V1", "K1", true, nil)
	var out, errOut syncbuf.Buffer
	done := make(chan int)
	go func() {
		done <- run([]string{"fleet", "watch", "--broker", b.URL(), "--for", "1500ms", "--every", "200ms"}, nil, &out, &errOut)
	}()
	// The kiosk vanishes while the table is watched.
	time.Sleep(700 * time.Millisecond)
	publishKiosk(t, pub, "V1", "K1", false, nil)
	if code := <-done; code != command.ExitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	tables := strings.Split(strings.TrimSpace(out.String()), "\n\n")
	text := out.String()
	if !strings.Contains(text, "0 offline, 0 stale, 0 fault, 1 ok") || !strings.HasSuffix(strings.TrimSpace(text), "offline") {
		t.Errorf("want the kiosk ok at first and offline at the end; got %d tables:\n%s", len(tables), text)
	}
}

func TestFleetWatchUsage(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("secret\n"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no subcommand", []string{"fleet"}, "usage: kioskctl fleet watch"},
		{"unknown subcommand", []string{"fleet", "list"}, `unknown subcommand "list"`},
		{"no broker", []string{"fleet", "watch"}, "--broker is required"},
		{"http broker", []string{"fleet", "watch", "--broker", "http://x:1"}, "--broker"},
		{"once and for", []string{"fleet", "watch", "--broker", "mqtt://127.0.0.1:1", "--once", "--for", "1s"}, "exclude each other"},
		{"negative for", []string{"fleet", "watch", "--broker", "mqtt://127.0.0.1:1", "--for", "-1s"}, "positive"},
		{"fast every", []string{"fleet", "watch", "--broker", "mqtt://127.0.0.1:1", "--every", "1ms"}, "at least 100ms"},
		{"negative limit", []string{"fleet", "watch", "--broker", "mqtt://127.0.0.1:1", "--limit", "-1"}, "--limit"},
		{"argument", []string{"fleet", "watch", "--broker", "mqtt://127.0.0.1:1", "extra"}, `unexpected argument "extra"`},
		{"password in the clear", []string{"fleet", "watch", "--broker", "mqtt://fleet.example.org:1883", "--password-file", pw}, "in the clear"},
		{"missing password file", []string{"fleet", "watch", "--broker", "mqtts://fleet.example.org:8883", "--password-file", pw + "x"}, "--password-file"},
		{"certificate over plain TCP", []string{"fleet", "watch", "--broker", "mqtt://127.0.0.1:1", "--ca-file", pw}, "need an mqtts://"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := kioskctl(t, "", tc.args...)
			if code != command.ExitUsage || !strings.Contains(errOut, tc.want) {
				t.Errorf("got exit %d, %q; want %d and %q", code, errOut, command.ExitUsage, tc.want)
			}
		})
	}
	// Nothing listens: exit 1, saying so.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, errOut := kioskctl(t, "", "fleet", "watch", "--broker", "mqtt://"+addr, "--once", "--timeout", "500ms")
	if code != command.ExitFail || !strings.Contains(errOut, "no connection to mqtt://"+addr) {
		t.Errorf("no broker: got exit %d, %q", code, errOut)
	}
}
