package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// benchLarge adds 10,000,000-entry runs: VENUEKIOSK_BENCH_LARGE=1.
const benchLarge = "VENUEKIOSK_BENCH_LARGE"

func benchSizes() []int {
	sizes := []int{1_000_000}
	if os.Getenv(benchLarge) == "1" {
		sizes = append(sizes, 10_000_000)
	}
	return sizes
}

func sizeName(n int) string {
	if n%1_000_000 == 0 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprint(n)
}

// genIDs yields n IDs without holding them all in memory.
func genIDs(batch, n int) func(yield func(pass.ID, error) bool) {
	return func(yield func(pass.ID, error) bool) {
		for i := range n {
			if !yield(id(batch, i), nil) {
				return
			}
		}
	}
}

// buildRevocations makes a closed database of n revocations id(1, 0…n-1)
// and returns its path, its size in bytes and how long the apply took.
func buildRevocations(b *testing.B, n int) (string, int64, time.Duration) {
	b.Helper()
	p := dbPath(b)
	s, err := Open(context.Background(), p, testOpts(nil))
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	err = s.Apply(context.Background(), func(tx *Tx) error {
		got, err := tx.ReplaceRevocations(genIDs(1, n))
		if err == nil && got != int64(n) {
			err = fmt.Errorf("stored %d, want %d", got, n)
		}
		return err
	})
	took := time.Since(start)
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	return p, fi.Size(), took
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Nanoseconds()) }
	b.ReportMetric(pct(0.50), "p50-ns")
	b.ReportMetric(pct(0.99), "p99-ns")
}

// BenchmarkRevocationLookup measures Revoked on a database of 1,000,000
// revoked IDs (and 10,000,000 with VENUEKIOSK_BENCH_LARGE=1), for IDs on
// the list and not on it, reporting the median and 99th percentile of
// single lookups, the store's bytes per entry, the revocation filter's
// memory (filter-bytes, filter-bits/entry) and the share of lookups that
// asked SQLite (sqlite-share: the filter's false positives, for misses).
// miss-sqlite skips the filter, as lookups did before it: the same misses
// on the same machine at the same time, for comparison. miss also reports
// how long Open took (open-ms) and the filter's part of it.
func BenchmarkRevocationLookup(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) { benchLookup(b, n) })
	}
}

func benchLookup(b *testing.B, n int) {
	p, size, _ := buildRevocations(b, n)
	start := time.Now()
	s, err := Open(context.Background(), p, testOpts(nil))
	if err != nil {
		b.Fatal(err)
	}
	opened := time.Since(start)
	defer s.Close()
	f := s.revf.Load().newest()
	for _, tc := range []struct {
		name   string
		batch  int
		want   bool
		lookup func(pass.ID) (bool, error)
	}{
		{"hit", 1, true, s.Revoked},
		{"miss", 2, false, s.Revoked},
		{"miss-sqlite", 2, false, func(x pass.ID) (bool, error) { return s.revokedSQL(context.Background(), x) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			queries := s.revQueries.Load()
			i := 0
			for b.Loop() {
				x := id(tc.batch, (i*7919)%n)
				i++
				start := time.Now()
				got, err := tc.lookup(x)
				lat = append(lat, time.Since(start))
				if err != nil || got != tc.want {
					b.Fatalf("Revoked: got %v, %v; want %v", got, err, tc.want)
				}
			}
			reportLatency(b, lat)
			b.ReportMetric(float64(size)/float64(n), "bytes/entry")
			b.ReportMetric(float64(f.bytes()), "filter-bytes")
			b.ReportMetric(float64(f.m)/float64(n), "filter-bits/entry")
			b.ReportMetric(float64(s.revQueries.Load()-queries)/float64(i), "sqlite-share")
			if tc.name == "miss" {
				b.ReportMetric(float64(opened.Milliseconds()), "open-ms")
				b.ReportMetric(float64(s.Status().FilterBuilt.Milliseconds()), "filter-build-ms")
			}
		})
	}
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if _, err := s.Revoked(id(1+i%2, (i*7919)%n)); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

// BenchmarkApplyRevocations replaces the revocation list with 1,000,000
// entries in one transaction (goal: under 10 s) and reports the store's
// bytes per entry.
func BenchmarkApplyRevocations(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			var size int64
			for b.Loop() {
				b.StopTimer()
				p := dbPath(b)
				s, err := Open(context.Background(), p, testOpts(nil))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				err = s.Apply(context.Background(), func(tx *Tx) error {
					_, err := tx.ReplaceRevocations(genIDs(1, n))
					return err
				})
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				fi, err := os.Stat(p)
				if err != nil {
					b.Fatal(err)
				}
				size = fi.Size()
				os.Remove(p)
				b.StartTimer()
			}
			b.ReportMetric(float64(size)/float64(n), "bytes/entry")
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}
