package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// crashEnv makes the test binary a crash-test child: it syncs the kiosk
// in the directory it names from the repository in crashRepoEnv.
const (
	crashEnv     = "VENUEKIOSK_SYNC_CRASH_CHILD"
	crashRepoEnv = "VENUEKIOSK_SYNC_CRASH_REPO"
	crashTimeEnv = "VENUEKIOSK_SYNC_CRASH_TIME"
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		crashChild(dir, os.Getenv(crashRepoEnv), os.Getenv(crashTimeEnv))
		os.Exit(0)
	}
	code := m.Run()
	if benchDir != "" {
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}

func crashChild(dir, repoDir, at string) {
	ctx := context.Background()
	now, err := time.Parse(time.RFC3339, at)
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	st, err := store.Open(ctx, filepath.Join(dir, "kiosk.db"), &store.Opts{Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child: open:", err)
		os.Exit(3)
	}
	root, err := os.ReadFile(filepath.Join(repoDir, "1.root.json"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	cl, err := New(Opts{Source: repoDir, Root: root, Dir: filepath.Join(dir, "tuf"), Store: st, Now: func() time.Time { return now }, Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(3)
	}
	fmt.Println("ready")
	if _, err := cl.Sync(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "child: sync:", err)
		os.Exit(4)
	}
	fmt.Println("done")
	st.Close()
}

// Sizes of the crash test's two versions: A holds crashOld revocations,
// B replaces them all with crashNew others (a full list) and the codes.
const (
	crashOld   = 20_000
	crashNew   = 100_000
	crashCodes = 20_000
)

// TestPowerCut kills a kiosk process at random moments while it syncs a
// large update (version B over version A) and checks, after each kill,
// that the store passes integrity_check and holds A or B whole — never a
// mix — and that the next sync completes B.
func TestPowerCut(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel()
	a := newAuthority(t, 1, 1)
	codes := func(b int) []store.CodeEntry {
		out := make([]store.CodeEntry, crashCodes)
		for i, id := range testIDs(b, crashCodes) {
			out[i] = store.CodeEntry{ID: id, Code: pass.RedCode}
		}
		return out
	}
	a.publish(publish.Inputs{Revocations: testIDs(100, crashOld), Codes: codes(101), Policy: dataset(nil).Policy})
	pristine := filepath.Join(t.TempDir(), "kiosk-A")
	os.MkdirAll(pristine, 0o700)
	k := newKioskIn(t, a, "", pristine)
	k.sync()
	if err := k.st.Close(); err != nil { // only the kiosk's files are needed now
		t.Fatal(err)
	}
	a.clk.Advance(time.Hour)
	a.publish(publish.Inputs{Revocations: testIDs(200, crashNew), Codes: codes(201)})
	at := a.clk.Now().Format(time.RFC3339)
	probeA, probeB := testIDs(100, 1)[0], testIDs(200, crashNew)[crashNew-1]

	run := func(dir string, kill time.Duration) (killed bool, took time.Duration) {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir, crashRepoEnv+"="+a.dir, crashTimeEnv+"="+at)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			if errors.Is(err, syscall.ENOEXEC) {
				t.Skipf("cannot re-execute the test binary (%v): no power-cut test under this emulator", err)
			}
			t.Fatal(err)
		}
		lines := bufio.NewScanner(out)
		if !lines.Scan() || lines.Text() != "ready" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child did not start: %q; stderr: %s", lines.Text(), stderr.String())
		}
		start := time.Now()
		if kill < 0 {
			lines.Scan()
			took = time.Since(start)
			if err := cmd.Wait(); err != nil || lines.Text() != "done" {
				t.Fatalf("child: %v, said %q; stderr: %s", err, lines.Text(), stderr.String())
			}
			return false, took
		}
		time.Sleep(kill)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() && stderr.Len() > 0 {
			t.Fatalf("child failed: %s", stderr.String())
		}
		return ws.Signaled(), 0
	}

	// One uninterrupted run says how long the sync takes.
	calib := filepath.Join(t.TempDir(), "calibrate")
	copyDir(t, pristine, calib)
	_, took := run(calib, -1)
	t.Logf("a whole sync of version B takes %v", took)

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	const rounds = 12
	var sawA, sawB int
	for round := range rounds {
		dir := filepath.Join(t.TempDir(), fmt.Sprint(round))
		copyDir(t, pristine, dir)
		run(dir, time.Duration(rng.Int64N(int64(took+took/4))))
		got := crashCheck(t, round, dir, probeA, probeB)
		if got == "A" {
			sawA++
			// The interrupted sync completes on the next one.
			st, err := store.Open(context.Background(), filepath.Join(dir, "kiosk.db"), &store.Opts{Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			cl, err := New(Opts{Source: a.dir, Root: a.rootRaw, Dir: filepath.Join(dir, "tuf"), Store: st, Now: a.clk.Now, Logger: quiet})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := cl.Sync(context.Background()); err != nil {
				t.Errorf("round %d: sync after the cut: %v", round, err)
			}
			st.Close()
			if got := crashCheck(t, round, dir, probeA, probeB); got != "B" {
				t.Errorf("round %d: after the next sync the store holds %s, want B", round, got)
			}
		} else {
			sawB++
		}
	}
	t.Logf("%d cuts left version A, %d version B", sawA, sawB)
	if sawA == 0 {
		t.Errorf("no cut landed before the commit in %d rounds: the test checked little", rounds)
	}
}

// crashCheck opens the store in dir and returns "A" or "B", failing the
// test when it is damaged or holds a mix.
func crashCheck(t *testing.T, round int, dir string, probeA, probeB pass.ID) string {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(dir, "kiosk.db"), &store.Opts{Logger: quiet})
	if err != nil {
		t.Fatalf("round %d: open after the cut: %v", round, err)
	}
	defer st.Close()
	if r := st.Status().Recovered; r != nil {
		t.Fatalf("round %d: the database was moved aside: %+v", round, r)
	}
	if msgs, err := st.IntegrityCheck(ctx); err != nil || len(msgs) > 0 {
		t.Fatalf("round %d: integrity_check: %q, %v", round, msgs, err)
	}
	vs, err := st.DataVersions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int64{}
	for _, v := range vs {
		got[v.Name] = v.Version
	}
	stats, err := st.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	inA, _ := st.Revoked(probeA)
	inB, _ := st.Revoked(probeB)
	switch {
	case got[repo.Revocations] == 1 && got[repo.Codes] == 1 && got[repo.Policy] == 1 &&
		stats.Revocations == crashOld && stats.Codes == crashCodes && inA && !inB:
		return "A"
	case got[repo.Revocations] == 2 && got[repo.Codes] == 2 && got[repo.Policy] == 1 &&
		stats.Revocations == crashNew && stats.Codes == crashCodes && !inA && inB:
		return "B"
	}
	t.Fatalf("round %d: neither A nor B: versions %v, %d revocations, %d codes, A's entry %v, B's entry %v",
		round, got, stats.Revocations, stats.Codes, inA, inB)
	return ""
}
