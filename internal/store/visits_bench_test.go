package store

import (
	"context"
	"testing"
	"time"
)

// Visit-log benchmark size: 31 days of 5,000 visits a day, about 2,500
// distinct passes a day returning now and then.
const (
	benchDays      = 31
	benchPerDay    = 5000
	benchPasses    = 40000
	benchVisitsLen = benchDays * benchPerDay
)

// buildVisits fills s with benchVisitsLen visits spread over the 31 days
// before now, each pass visiting about four times; one visit in four has
// a check-out (an exit scan).
func buildVisits(b *testing.B, s *Store, now time.Time) {
	b.Helper()
	vs := make([]Visit, 0, MaxVisitBatch)
	flush := func() {
		if err := s.AddVisits(context.Background(), vs); err != nil {
			b.Fatal(err)
		}
		vs = vs[:0]
	}
	start := now.Add(-benchDays * day)
	step := benchDays * day / benchVisitsLen
	for i := range benchVisitsLen {
		at := start.Add(time.Duration(i) * step)
		v := Visit{Hash: vhash((i * 7919) % benchPasses), At: at}
		if i%4 == 0 {
			v.Out = at.Add(50 * time.Minute)
		}
		vs = append(vs, v)
		if len(vs) == MaxVisitBatch {
			flush()
		}
	}
	flush()
}

// BenchmarkVisits measures the visit log with 31 days × 5,000 visits a day
// in the store: appending one visit in its own transaction (an fsync), a
// batch of 64 (per visit), and the exposure match's lookup of one pass's
// stays in a window (goal: well under 1 ms).
func BenchmarkVisits(b *testing.B) {
	now := t0
	s := openT(b, dbPath(b), nil)
	buildVisits(b, s, now)
	fi, err := s.VisitStats(context.Background())
	if err != nil || fi.Visits != benchVisitsLen {
		b.Fatalf("built %+v, %v; want %d visits", fi, err, benchVisitsLen)
	}
	n := 0
	next := func() Visit {
		n++
		return Visit{Hash: vhash(benchPasses + n), At: now.Add(time.Duration(n) * time.Second)}
	}
	b.Run("insert-1", func(b *testing.B) {
		for b.Loop() {
			if err := s.AddVisits(context.Background(), []Visit{next()}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("insert-batch64", func(b *testing.B) {
		vs := make([]Visit, 64)
		for b.Loop() {
			for i := range vs {
				vs[i] = next()
			}
			if err := s.AddVisits(context.Background(), vs); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(vs)), "ns/visit")
	})
	for _, tc := range []struct {
		name string
		pass int // a visiting pass, or one never seen
		want bool
	}{
		{"match-returning", 0, true},
		{"match-unknown", -1, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				h := vhash(1_000_000 + i) // never visited
				if tc.want {
					h = vhash((i * 31) % benchPasses)
				}
				i++
				st := time.Now()
				got, err := s.Stays(h, now.Add(-benchDays*day), now)
				lat = append(lat, time.Since(st))
				if err != nil || (len(got) > 0) != tc.want {
					b.Fatalf("Stays: got %d stays, %v", len(got), err)
				}
			}
			reportLatency(b, lat)
		})
	}
}
