package client

import (
	"context"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
)

// fakeSleep is a Schedule.Sleep on a fake clock: it records each wait and
// moves the clock on by it.
type fakeSleep struct {
	clk   *clock.Fake
	mu    sync.Mutex
	waits []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	f.waits = append(f.waits, d)
	f.mu.Unlock()
	f.clk.Advance(d)
	return nil
}

// backoffBounds is the wait the schedule allows after the n-th failure in
// a row: the backoff min(minRetry·2^(n-1), interval), jittered to between
// half of it and all of it.
func backoffBounds(n int, minRetry, interval time.Duration) (lo, hi time.Duration) {
	d := minRetry
	for i := 1; i < n && d < interval; i++ {
		d *= 2
	}
	d = min(d, interval)
	return d / 2, d
}

// TestRunBackoffFailingServer: a kiosk facing a server that fails for a
// whole (simulated) day never asks it again sooner than the backoff
// schedule allows, reaches the ceiling (the interval) and stays there,
// and never gives up: one attempt per backoff step, then one an interval
// at most.
func TestRunBackoffFailingServer(t *testing.T) {
	for _, tc := range []struct {
		name   string
		handle http.HandlerFunc // nil: nothing listens
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "broken", http.StatusInternalServerError) }},
		{"503 without Retry-After", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "busy", http.StatusServiceUnavailable) }},
		{"connection refused", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newAuthority(t, 1, 1)
			a.publish(dataset(testIDs(1, 10)))
			var mu sync.Mutex
			var asked []time.Time
			url := ""
			if tc.handle != nil {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					mu.Lock()
					asked = append(asked, a.clk.Now())
					mu.Unlock()
					tc.handle(w, r)
				}))
				t.Cleanup(srv.Close)
				url = srv.URL + "/repo"
			} else {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				url = "http://" + ln.Addr().String() + "/repo"
				ln.Close()
			}
			k := newKiosk(t, a, url)
			fs := &fakeSleep{clk: a.clk}
			const interval, minRetry = time.Hour, 30 * time.Second
			sched := Schedule{Interval: interval, MinRetry: minRetry, First: time.Minute,
				Rand: rand.New(rand.NewPCG(1, 2)).Float64, Sleep: fs.sleep}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			attempts := 0
			end := t0.Add(24 * time.Hour)
			k.cl.Run(ctx, sched, func(r *Result, err error) {
				attempts++
				if err == nil {
					t.Errorf("attempt %d succeeded against a failing server", attempts)
				}
				if !a.clk.Now().Before(end) {
					cancel()
				}
			})
			if fs.waits[0] >= time.Minute {
				t.Errorf("first sync after %v; want within First (1m)", fs.waits[0])
			}
			for i, w := range fs.waits[1:] {
				lo, hi := backoffBounds(i+1, minRetry, interval)
				if w < lo || w > hi {
					t.Errorf("wait after failure %d: %v; want %v to %v", i+1, w, lo, hi)
				}
			}
			// 8 steps to reach the ceiling (30 s × 2^7 > 1 h), then at
			// least every hour, at most every half hour.
			if attempts < 24 || attempts > 8+48 {
				t.Errorf("%d attempts in a day; want 24 to 56", attempts)
			}
			if tc.handle != nil {
				mu.Lock()
				defer mu.Unlock()
				if len(asked) != attempts {
					t.Errorf("the server was asked %d times for %d attempts; want one request an attempt", len(asked), attempts)
				}
				for i := 1; i < len(asked); i++ {
					lo, _ := backoffBounds(i, minRetry, interval)
					if gap := asked[i].Sub(asked[i-1]); gap < lo {
						t.Errorf("request %d came %v after the one before; the backoff allows no less than %v", i+1, gap, lo)
					}
				}
			}
		})
	}
}

// TestRunRetryAfter: a server that answers 503 or 429 with Retry-After
// (seconds, or a date by the server's clock) is not asked again before
// then, and a kiosk spreads its return over a quarter of the pause; a
// pause longer than MaxRetryAfter is cut to it.
func TestRunRetryAfter(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	m := newMirror(t)
	copyDir(t, a.dir, filepath.Join(m.dir, "repo"))
	serverNow := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) // the server's clock, not the kiosk's
	answers := []func(w http.ResponseWriter){
		func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "600")
			w.WriteHeader(http.StatusServiceUnavailable)
		},
		func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "600")
			w.WriteHeader(http.StatusServiceUnavailable)
		},
		func(w http.ResponseWriter) {
			w.Header().Set("Date", serverNow.Format(http.TimeFormat))
			w.Header().Set("Retry-After", serverNow.Add(20*time.Minute).Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		},
		func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "86400")
			w.WriteHeader(http.StatusServiceUnavailable)
		},
	}
	var asked []time.Time
	m.set(func(w http.ResponseWriter, r *http.Request) bool {
		asked = append(asked, a.clk.Now())
		if n := len(asked); n <= len(answers) {
			answers[n-1](w)
			return true
		}
		return false
	})
	k := newKiosk(t, a, m.srv.URL+"/repo")
	fs := &fakeSleep{clk: a.clk}
	sched := Schedule{Interval: time.Hour, MinRetry: 30 * time.Second, MaxRetryAfter: 2 * time.Hour,
		Rand: rand.New(rand.NewPCG(3, 4)).Float64, Sleep: fs.sleep}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errs []error
	k.cl.Run(ctx, sched, func(r *Result, err error) {
		errs = append(errs, err)
		if err == nil || len(errs) > 10 {
			cancel()
		}
	})
	if len(errs) != 5 || errs[4] != nil {
		t.Fatalf("outcomes %v; want four refusals, then a sync", errs)
	}
	for i, want := range []time.Duration{600 * time.Second, 600 * time.Second, 20 * time.Minute, 2 * time.Hour} {
		gap := asked[i+1].Sub(asked[i])
		if gap < want || gap > want+want/4 {
			t.Errorf("asked again %v after refusal %d; want %v to %v", gap, i+1, want, want+want/4)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	date := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name, value, date string
		want              time.Duration
	}{
		{"none", "", "", 0},
		{"seconds", "120", "", 2 * time.Minute},
		{"spaces", " 5 ", "", 5 * time.Second},
		{"date after Date", date.Add(time.Hour).Format(http.TimeFormat), date.Format(http.TimeFormat), time.Hour},
		{"date before Date", date.Add(-time.Hour).Format(http.TimeFormat), date.Format(http.TimeFormat), 0},
		{"negative", "-5", "", 0},
		{"garbage", "soon", "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.value != "" {
				h.Set("Retry-After", tc.value)
			}
			if tc.date != "" {
				h.Set("Date", tc.date)
			}
			if got := retryAfter(h); got != tc.want {
				t.Errorf("retryAfter(%q, Date %q) = %v, want %v", tc.value, tc.date, got, tc.want)
			}
		})
	}
}

// TestRunFirstSpreads: kiosks started together (a power cut ending) wait a
// uniform part of First before their first sync, not the same time.
func TestRunFirstSpreads(t *testing.T) {
	a := newAuthority(t, 1, 1)
	a.publish(dataset(testIDs(1, 10)))
	k := newKiosk(t, a, "")
	const first = 10 * time.Minute
	r := rand.New(rand.NewPCG(5, 6))
	var buckets [10]int
	const kiosks = 1000
	for range kiosks {
		ctx, cancel := context.WithCancel(context.Background())
		var wait time.Duration
		k.cl.Run(ctx, Schedule{Interval: time.Hour, First: first, Rand: r.Float64, Sleep: func(ctx context.Context, d time.Duration) error {
			wait = d
			cancel() // no sync: only the first wait matters
			return ctx.Err()
		}}, nil)
		if wait < 0 || wait >= first {
			t.Fatalf("first wait %v; want [0, %v)", wait, first)
		}
		buckets[wait*10/first]++
	}
	for i, n := range buckets {
		if n < kiosks/20 || n > kiosks*3/20 {
			t.Errorf("%d of %d kiosks start in minute %d of 10; want about a tenth (%v)", n, kiosks, i, buckets)
		}
	}
}
