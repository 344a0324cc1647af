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
// single lookups and the store's bytes per entry.
func BenchmarkRevocationLookup(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) { benchLookup(b, n) })
	}
}

func benchLookup(b *testing.B, n int) {
	p, size, _ := buildRevocations(b, n)
	s, err := Open(context.Background(), p, testOpts(nil))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for _, tc := range []struct {
		name  string
		batch int
		want  bool
	}{
		{"hit", 1, true},
		{"miss", 2, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			i := 0
			for b.Loop() {
				x := id(tc.batch, (i*7919)%n)
				i++
				start := time.Now()
				got, err := s.Revoked(x)
				lat = append(lat, time.Since(start))
				if err != nil || got != tc.want {
					b.Fatalf("Revoked: got %v, %v; want %v", got, err, tc.want)
				}
			}
			reportLatency(b, lat)
			b.ReportMetric(float64(size)/float64(n), "bytes/entry")
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
