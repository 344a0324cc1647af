package client

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

var y2099 = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)

// judgeBy makes the kiosk's sync judge expiry by its trusted clock, as
// kioskd does.
func judgeBy(k *kiosk) {
	k.cl.o.Now = func() time.Time { at, _ := k.clk.Judge(); return at }
}

// TestTimestampAheadLeavesKioskJudging: timestamps signed with the online
// key alone, issued in 2099 (refused: after the root expires) or a month
// ahead (accepted, but the floor is not raised), leave the kiosk judging
// by its correct clock; the next honest timestamp syncs.
func TestTimestampAheadLeavesKioskJudging(t *testing.T) {
	for _, tc := range []struct {
		name    string
		issued  time.Time
		refused bool
	}{
		{"2099", y2099, true},
		{"a month ahead", t0.AddDate(0, 1, 0), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newAttackEnv(t)
			judgeBy(e.k)
			e.serve(t, e.v2)
			resign(t, e, "timestamp.json", repo.RoleTimestamp, func(ts *repo.Timestamp) {
				ts.Issued, ts.Expires = tc.issued, tc.issued.Add(48*time.Hour)
			}, keysOf(t, e.a, repo.RoleTimestamp)...)
			_, err := e.k.cl.Sync(context.Background())
			if (err != nil) != tc.refused {
				t.Fatalf("Sync: %v; want refused %v", err, tc.refused)
			}
			now := e.a.clk.Now()
			if f, _ := e.k.st.TimeFloor(); f.After(now.Add(clock.Tolerance)) {
				t.Errorf("stored floor %v, after the clock %v", f, now)
			}
			// What the kiosk judges by after a restart, too.
			for _, clk := range []*clock.Trusted{e.k.clk, restarted(t, e.a.clk, e.k)} {
				if at, ok := clk.Judge(); !ok || !at.Equal(now) {
					t.Errorf("Judge: %v %v; want the clock %v, trusted", at, ok, now)
				}
			}
		})
	}
}

func restarted(t *testing.T, c clock.Clock, k *kiosk) *clock.Trusted {
	t.Helper()
	clk, err := clock.NewTrusted(c, k.st)
	if err != nil {
		t.Fatal(err)
	}
	return clk
}

// TestClockJumpDuringSync: the kiosk's clock jumps to 2099 (a spoofed
// time server) after a sync confirmed it. Syncs go on, judged by the
// kiosk's reckoning; nothing saves 2099; once the clock is right again a
// new timestamp confirms it.
func TestClockJumpDuringSync(t *testing.T) {
	e := newAttackEnv(t)
	judgeBy(e.k)
	k := e.k
	r := k.sync()
	k.clk.Signed(r.Issued, r.Expires) // as kioskd does after each sync
	e.serve(t, e.v2)
	clk := e.a.clk
	real := clk.Now()
	clk.Advance(10 * time.Minute)
	clk.Set(y2099)
	if at, ok := k.clk.Judge(); ok || at.Year() == 2099 {
		t.Fatalf("Judge after the jump: %v %v; want untrusted, not 2099", at, ok)
	}
	r, err := k.cl.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync with the clock in 2099: %v; want it judged by the kiosk's reckoning", err)
	}
	if !r.Changed(repo.Revocations) {
		t.Errorf("Sync applied %+v; want the new revocations", r.Applied)
	}
	k.clk.Signed(r.Issued, r.Expires)
	k.clk.Persist()
	if f, _ := k.st.TimeFloor(); f.Year() == 2099 {
		t.Errorf("stored floor %v", f)
	}
	if s := k.clk.State(); s.Jump == nil || s.Trusted {
		t.Errorf("State %+v; want the jump reported", s)
	}
	// The time server is fixed; the publisher signs a new timestamp.
	clk.Set(real.Add(20 * time.Minute))
	pub, err := publish.Open(e.a.dir, &publish.Opts{Now: func() time.Time { return real.Add(20 * time.Minute) }}, e.a.keys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pub.RefreshTimestamp(); err != nil {
		t.Fatal(err)
	}
	e.serve(t, e.a.dir)
	if r, err = k.cl.Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	k.clk.Signed(r.Issued, r.Expires)
	if at, ok := k.clk.Judge(); !ok || !at.Equal(real.Add(20*time.Minute)) {
		t.Errorf("Judge after the fix: %v %v", at, ok)
	}
	if s := k.clk.State(); s.Jump != nil || s.Confirmed.IsZero() {
		t.Errorf("State after the fix: %+v", s)
	}
}

// TestFloorResetRecoversKiosk: a kiosk whose floor an older firmware saved
// in 2099 fails every sync (its root "expired"); the operator signs a
// floor reset with the root keys; the kiosk, whose clock reads before its
// floor, fetches it at the next sync and syncs again. Resets signed by an
// online key, or for another kiosk, change nothing.
func TestFloorResetRecoversKiosk(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	k.sync()
	if err := k.st.RaiseTimeFloor(y2099); err != nil { // what the old firmware did
		t.Fatal(err)
	}
	k.clk = restarted(t, a.clk, k)
	judgeBy(k)
	k.cl.o.FloorFor = k.clk.FloorFor
	k.cl.o.WantFloorReset = k.clk.Behind
	applied := 0
	k.cl.o.FloorReset = func(fr *repo.FloorReset, role string) error {
		if !fr.For("K1") {
			return errors.New("not for this kiosk")
		}
		if err := k.clk.Reset(fr.Time, fr.Expires, fr.Version); err != nil {
			return err
		}
		applied++
		return nil
	}
	if _, err := k.cl.Sync(context.Background()); err == nil {
		t.Fatal("Sync with the floor in 2099 succeeded; the test needs the broken kiosk")
	}
	signReset := func(role string, kiosks ...string) {
		t.Helper()
		if _, err := a.pub.SignFloorReset(publish.FloorReset{Role: role, Kiosks: kiosks}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		sign func()
	}{
		{"for another kiosk", func() { signReset(repo.RoleRoot, "K2", "X*") }},
		{"signed by the timestamp key", func() {
			b, err := repo.Sign(&repo.FloorReset{Common: repo.Common{Type: repo.TypeFloorReset, SpecVersion: repo.SpecVersion, Version: 9, Expires: t0.Add(time.Hour)},
				Time: t0, Kiosks: []string{"*"}}, keysOf(t, a, repo.RoleTimestamp)...)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(a.dir, repo.FloorResetFile), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.sign()
			r, err := k.cl.Sync(context.Background())
			if err == nil || applied != 0 || r.FloorResetError == nil {
				t.Errorf("%s: Sync %v, reset error %v, applied %d; want refused", tc.name, err, r.FloorResetError, applied)
			}
		})
	}
	a.clk.Advance(time.Minute)
	signReset(repo.RoleRoot, "K*")
	r, err := k.cl.Sync(context.Background())
	if err != nil {
		t.Fatalf("Sync with a signed floor reset: %v", err)
	}
	if r.FloorReset == nil || applied != 1 {
		t.Errorf("reset %+v, applied %d; want applied once", r.FloorReset, applied)
	}
	if at, ok := k.clk.Judge(); !ok || !at.Equal(a.clk.Now()) {
		t.Errorf("Judge after the reset: %v %v; want the clock", at, ok)
	}
	if f, _ := k.st.TimeFloor(); f.Year() == 2099 {
		t.Errorf("stored floor %v after the reset", f)
	}
	// A second sync does not look for the reset (the clock is right), and
	// the same reset again is a replay.
	k.sync()
	if err := k.cl.o.FloorReset(r.FloorReset, repo.RoleRoot); !errors.Is(err, clock.ErrResetReplayed) {
		t.Errorf("the same reset again: %v; want ErrResetReplayed", err)
	}
	// The targets keys may sign one too.
	a.clk.Advance(time.Minute)
	signReset(repo.RoleTargets, "*")
	b, _ := os.ReadFile(filepath.Join(a.dir, repo.FloorResetFile))
	if _, role, err := repo.ParseFloorReset(b, a.pub.Root()); err != nil || role != repo.RoleTargets {
		t.Errorf("targets-signed reset: %v %v", role, err)
	}
}
