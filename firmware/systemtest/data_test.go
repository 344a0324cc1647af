package systemtest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// guestClock is the guest's time: the host's, shifted so that the test
// starts at 10:00 UTC of the host's day. Counters are per day; no run
// crosses midnight. Every boot's RTC continues the same clock, so the
// guest's time never goes back between boots (the time floor would say so).
type guestClock struct{ offset time.Duration }

func newGuestClock(now time.Time) guestClock {
	y, m, d := now.UTC().Date()
	return guestClock{offset: time.Date(y, m, d, 10, 0, 0, 0, time.UTC).Sub(now)}
}

func (c guestClock) Now() time.Time { return time.Now().Add(c.offset) }

// stick is the technician's USB stick: repositories repo-1 … repo-N, each
// the same signed repository one publish further. repo-1 holds the sample
// trust, codes and revocations (version 1); each later one replaces the
// revocation list by a new one (version k), a different length for each
// version, so that a count tells the version.
type stick struct {
	Dir   string
	Root  []byte // the repository's root metadata: the kiosk's sync.root
	Set   *samples.Set
	Count map[int64]int64 // revocations version → entries
	Last  int64           // the last version
}

// fillerIDs are version k's revocations beyond the samples': n+k IDs no
// pass has.
func fillerIDs(k int64, n int) []pass.ID {
	ids := make([]pass.ID, 0, n+int(k))
	var b [16]byte
	for i := range n + int(k) {
		binary.BigEndian.PutUint64(b[:8], uint64(k))
		binary.BigEndian.PutUint64(b[8:], uint64(i))
		ids = append(ids, sha256.Sum256(append([]byte("venuekiosk system test filler\x00"), b[:]...)))
	}
	return ids
}

// makeStick publishes versions 1 … last into dir with throw-away keys,
// dated by the guest's clock.
func makeStick(t *testing.T, dir string, clk guestClock, set *samples.Set, n int, last int64) *stick {
	t.Helper()
	work := t.TempDir()
	pubDir, keyDir := filepath.Join(work, "repo"), filepath.Join(work, "keys")
	r, err := publish.Init(pubDir, keyDir, 1, 1, &publish.Opts{Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	s := &stick{Dir: dir, Set: set, Count: map[int64]int64{}, Last: last}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for k := int64(1); k <= last; k++ {
		in := publish.Inputs{Revocations: append(fillerIDs(k, n), set.Revocations...)}
		if k == 1 {
			in.Trust, in.Codes = set.Trust, set.Codes
		}
		sum, err := r.Publish(in)
		if err != nil {
			t.Fatalf("publishing version %d: %v", k, err)
		}
		var got *publish.Change
		for i := range sum.Changed {
			if sum.Changed[i].Dataset == store.DataRevocations {
				got = &sum.Changed[i]
			}
		}
		if got == nil || got.To != k {
			t.Fatalf("publish %d: revocations changed %+v; want version %d", k, got, k)
		}
		s.Count[k] = got.Entries
		// A copy of the repository as it is now. The publisher replaces
		// files by renaming, never in place, so hard links are safe.
		if out, err := exec.Command("cp", "-al", pubDir, filepath.Join(dir, fmt.Sprintf("repo-%d", k))).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v: %s", err, out)
		}
	}
	if s.Root, err = os.ReadFile(filepath.Join(pubDir, "1.root.json")); err != nil {
		t.Fatal(err)
	}
	return s
}

// sampleByName returns the sample called name.
func sampleByName(t *testing.T, set *samples.Set, name string) samples.Sample {
	t.Helper()
	for _, s := range set.Samples {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no sample %q", name)
	return samples.Sample{}
}
