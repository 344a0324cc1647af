package client

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// benchLarge adds the 10,000,000-entry runs (as internal/store's
// benchmarks do): VENUEKIOSK_BENCH_LARGE=1.
const benchLarge = "VENUEKIOSK_BENCH_LARGE"

func benchSizes() []int {
	sizes := []int{1_000_000}
	if os.Getenv(benchLarge) == "1" {
		sizes = append(sizes, 10_000_000)
	}
	return sizes
}

// benchIDs returns n distinct IDs of batch b, quickly.
func benchIDs(b, n int) []pass.ID {
	out := make([]pass.ID, n)
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(b))
	for i := range out {
		binary.BigEndian.PutUint64(buf[8:], uint64(i))
		out[i] = sha256.Sum256(buf[:])
	}
	return out
}

// benchRepos holds the repositories of n revocations, built once per
// run (ten million take a while) in benchDir, which TestMain removes.
var (
	benchRepos = map[int]*authority{}
	benchDir   string
)

// benchRepo returns a repository of n revocations.
func benchRepo(b *testing.B, n int) *authority {
	b.Helper()
	if a, ok := benchRepos[n]; ok {
		a.t = b
		return a
	}
	if benchDir == "" {
		d, err := os.MkdirTemp("", "sync-bench-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = d
	}
	dir := filepath.Join(benchDir, fmt.Sprint(n))
	a := &authority{t: b, dir: filepath.Join(dir, "repo"), keys: filepath.Join(dir, "keys"), clk: clock.NewFake(t0)}
	var err error
	if a.pub, err = publish.Init(a.dir, a.keys, 1, 1, a.opts()); err != nil {
		b.Fatal(err)
	}
	if a.rootRaw, err = os.ReadFile(filepath.Join(a.dir, "1.root.json")); err != nil {
		b.Fatal(err)
	}
	a.publish(publish.Inputs{Revocations: benchIDs(1, n)})
	benchRepos[n] = a
	return a
}

// BenchmarkSyncRevocations syncs a full revocation list of 1,000,000
// entries (10,000,000 with VENUEKIOSK_BENCH_LARGE=1) into an empty store
// from a directory: download, length and hash check, parsing and the
// store's one transaction (goal for 1,000,000: under 10 s). It reports the
// store's bytes per entry.
func BenchmarkSyncRevocations(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("%dM", n/1_000_000), func(b *testing.B) {
			a := benchRepo(b, n)
			var size int64
			for b.Loop() {
				b.StopTimer()
				k := newKiosk(b, a, "")
				b.StartTimer()
				r := k.sync()
				b.StopTimer()
				if c := revChangeB(b, r); c.Entries != int64(n) {
					b.Fatalf("applied %d entries, want %d", c.Entries, n)
				}
				k.st.Close()
				fi, err := os.Stat(filepath.Join(k.dir, "kiosk.db"))
				if err != nil {
					b.Fatal(err)
				}
				size = fi.Size()
				os.RemoveAll(k.dir)
				b.StartTimer()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
			b.ReportMetric(float64(size)/float64(n), "store-bytes/entry")
		})
	}
}

func revChangeB(b *testing.B, r *Result) Change {
	for _, c := range r.Applied {
		if c.Dataset == "revocations" {
			return c
		}
	}
	b.Fatalf("revocations not applied: %+v", r.Applied)
	return Change{}
}

// BenchmarkLookupAfterSync looks up revocations in a store filled by a
// sync of 1,000,000 (10,000,000 with VENUEKIOSK_BENCH_LARGE=1) entries and
// reports the median and 99th percentile of single lookups (goal with
// 10,000,000: p99 under 50 µs).
func BenchmarkLookupAfterSync(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprintf("%dM", n/1_000_000), func(b *testing.B) {
			a := benchRepo(b, n)
			k := newKiosk(b, a, "")
			k.sync()
			ids := benchIDs(1, n)
			miss := benchIDs(2, 1<<16)
			lat := make([]time.Duration, 0, 1<<20)
			i := 0
			for b.Loop() {
				id, want := ids[(i*7919)%n], true
				if i%2 == 1 {
					id, want = miss[i%len(miss)], false
				}
				i++
				start := time.Now()
				got, err := k.st.Revoked(id)
				d := time.Since(start)
				if len(lat) < cap(lat) {
					lat = append(lat, d)
				}
				if err != nil || got != want {
					b.Fatalf("Revoked: %v, %v; want %v", got, err, want)
				}
			}
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
				b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
			}
		})
	}
}

// BenchmarkDeltaBytes reports the bytes a kiosk downloads for a delta of
// 10,000 new revocations over a list of 1,000,000 (all metadata
// included), beside what the full list would cost.
func BenchmarkDeltaBytes(b *testing.B) {
	const base, delta = 1_000_000, 10_000
	a := benchRepo(b, base)
	list := append(benchIDs(1, base), benchIDs(3, delta)...)
	var deltaBytes, fullBytes int64
	for b.Loop() {
		b.StopTimer()
		k := newKiosk(b, a, "")
		r := k.sync()
		fullBytes = r.Downloaded
		a.clk.Advance(time.Minute)
		a.publish(publish.Inputs{Revocations: list})
		b.StartTimer()
		r = k.sync()
		b.StopTimer()
		if c := revChangeB(b, r); c.Via != "delta" || c.Entries != delta {
			b.Fatalf("applied %+v; want a delta of %d", c, delta)
		}
		deltaBytes = r.Downloaded
		a.clk.Advance(time.Minute)
		a.publish(publish.Inputs{Revocations: benchIDs(1, base)}) // back, for the next round
		k.st.Close()
		os.RemoveAll(k.dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(deltaBytes), "delta-bytes")
	b.ReportMetric(float64(deltaBytes)/delta, "delta-bytes/entry")
	b.ReportMetric(float64(fullBytes), "full-bytes")
}
