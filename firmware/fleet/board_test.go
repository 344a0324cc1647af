package fleet

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func statusOf(venue, kiosk string, seq int64, at time.Time, edit func(*Status)) []byte {
	s := goodStatus()
	s.Venue, s.Kiosk, s.Seq, s.At = venue, kiosk, seq, at
	if edit != nil {
		edit(&s)
	}
	b, _ := json.Marshal(&s)
	return b
}

func onlineOf(venue, kiosk string, on bool) []byte {
	b, _ := json.Marshal(&Online{V: Version, Online: on, Boot: boot, Venue: venue, Kiosk: kiosk})
	return b
}

func TestBoardJudge(t *testing.T) {
	now := t0.Add(time.Minute)
	b := NewBoard(100)
	apply := func(topic string, payload []byte) {
		t.Helper()
		if err := b.Apply(topic, payload, now); err != nil {
			t.Fatalf("%s: %v", topic, err)
		}
	}
	apply("venuekiosk/V1/ok/status", statusOf("V1", "ok", 1, t0, nil))
	apply("venuekiosk/V1/ok/online", onlineOf("V1", "ok", true))
	apply("venuekiosk/V1/gone/status", statusOf("V1", "gone", 1, t0, nil))
	apply("venuekiosk/V1/gone/online", onlineOf("V1", "gone", false))
	apply("venuekiosk/V1/old/status", statusOf("V1", "old", 1, t0.Add(-40*time.Minute), nil))
	apply("venuekiosk/V1/olddata/status", statusOf("V1", "olddata", 1, t0, func(s *Status) { s.DataStale = true }))
	apply("venuekiosk/V0/noscan/status", statusOf("V0", "noscan", 1, t0, func(s *Status) { s.Scanner = Device{State: "not found"} }))
	apply("venuekiosk/V1/clock/status", statusOf("V1", "clock", 1, t0, func(s *Status) { s.Clock.Trusted = false }))
	apply("venuekiosk/V1/err/status", statusOf("V1", "err", 1, t0, func(s *Status) { s.LastError = "store was damaged" }))
	apply("venuekiosk/V1/silent/online", onlineOf("V1", "silent", true))

	var got []string
	for _, r := range b.Judge(now) {
		got = append(got, fmt.Sprintf("%s %s/%s %s", r.Health, r.Venue, r.Kiosk.Kiosk, strings.Join(r.Problems, "; ")))
	}
	want := []string{
		"OFFLINE V1/gone offline",
		"STALE V1/old status 41m0s old",
		"STALE V1/olddata data older than the policy allows",
		"STALE V1/silent no status",
		"FAULT V0/noscan scanner: not found",
		"FAULT V1/clock clock not trusted",
		"FAULT V1/err store was damaged",
		"ok V1/ok ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBoardDropsRepeatsAndOld(t *testing.T) {
	b := NewBoard(10)
	b.Apply("venuekiosk/V1/K1/status", statusOf("V1", "K1", 5, t0, func(s *Status) { s.LastError = "five" }), t0)
	// A repeat (QoS 1) and an older message of the same boot change nothing.
	b.Apply("venuekiosk/V1/K1/status", statusOf("V1", "K1", 5, t0, func(s *Status) { s.LastError = "again" }), t0)
	b.Apply("venuekiosk/V1/K1/status", statusOf("V1", "K1", 4, t0, func(s *Status) { s.LastError = "four" }), t0)
	if got := b.kiosks["V1/K1"].Status.LastError; got != "five" {
		t.Errorf("after a repeat and an older message: got %q, want five", got)
	}
	// A new boot restarts the numbers.
	b.Apply("venuekiosk/V1/K1/status", statusOf("V1", "K1", 1, t0.Add(time.Minute), func(s *Status) { s.Boot, s.LastError = "fedcba9876543210", "rebooted" }), t0)
	if got := b.kiosks["V1/K1"].Status.LastError; got != "rebooted" {
		t.Errorf("after a reboot: got %q", got)
	}
	// An empty retained payload clears the status; the row goes with it.
	b.Apply("venuekiosk/V1/K1/status", nil, t0)
	if b.Len() != 0 {
		t.Errorf("after clearing the only message: %d rows", b.Len())
	}
}

func TestBoardRefuses(t *testing.T) {
	b := NewBoard(2)
	for i, topic := range []string{"venuekiosk/V1/K1/status", "venuekiosk/V1/K2/status"} {
		if err := b.Apply(topic, statusOf("V1", fmt.Sprintf("K%d", i+1), 1, t0, nil), t0); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Apply("venuekiosk/V1/K3/status", statusOf("V1", "K3", 1, t0, nil), t0); !errors.Is(err, ErrBoardFull) {
		t.Errorf("third kiosk on a board of two: got %v", err)
	}
	for _, tc := range []struct{ topic, payload string }{
		{"venuekiosk/V1/K1/status", "{"},
		{"venuekiosk/V1/K1/status", string(statusOf("V1", "K2", 2, t0, nil))},
		{"venuekiosk/V1/K1/secret", "{}"},
		{"other/V1/K1/status", "{}"},
		{"venuekiosk/V1/K1", ""},
	} {
		t.Run(tc.topic, func(t *testing.T) {
			if err := b.Apply(tc.topic, []byte(tc.payload), t0); err == nil {
				t.Errorf("%s %q: want an error", tc.topic, tc.payload)
			}
		})
	}
	if b.Refused != 6 || b.Len() != 2 {
		t.Errorf("refused %d with %d rows; want 6 and 2", b.Refused, b.Len())
	}
}
