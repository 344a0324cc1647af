package scanner

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// fakePort plays back what a tarm/serial port does in various states.
type fakePort struct {
	read   func() (int, error)
	closed atomic.Bool
}

func (p *fakePort) Read(b []byte) (int, error)  { return p.read() }
func (p *fakePort) Write(b []byte) (int, error) { return len(b), nil }
func (p *fakePort) Close() error                { p.closed.Store(true); return nil }

// TestServeDetects drives the read loop with fake ports, one per way a
// device goes away, with the device node still in place unless the case
// removes it.
func TestServeDetects(t *testing.T) {
	timeout := func() (int, error) { time.Sleep(readTimeout); return 0, io.EOF }
	for _, tt := range []struct {
		name   string
		read   func() (int, error)
		change func(t *testing.T, dir string) // after the first reads
		want   string
	}{
		{"instant eofs", func() (int, error) { return 0, io.EOF }, nil, "device hung up"},
		{"eio", func() (int, error) {
			return 0, &os.PathError{Op: "read", Path: "/dev/ttyACM0", Err: syscall.EIO}
		}, nil, "input/output error"},
		{"link removed", timeout, func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "link"))
		}, "device path gone"},
		{"link repointed", timeout, func(t *testing.T, dir string) {
			other := filepath.Join(dir, "other")
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(dir, "link"))
			if err := os.Symlink(other, filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
		}, "now leads to"},
		{"node removed", timeout, func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "dev"))
		}, "device path gone"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := realDir(t)
			node := filepath.Join(dir, "dev")
			if err := os.WriteFile(node, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(node, filepath.Join(dir, "link")); err != nil {
				t.Fatal(err)
			}
			d, err := New(Opts{Path: filepath.Join(dir, "link"), FrameOpts: FrameOpts{Logger: quiet}})
			if err != nil {
				t.Fatal(err)
			}
			info, err := os.Stat(node)
			if err != nil {
				t.Fatal(err)
			}
			reads := 0
			p := &fakePort{read: func() (int, error) {
				if reads++; reads == 2 && tt.change != nil {
					tt.change(t, dir)
				}
				return tt.read()
			}}
			done := make(chan string, 1)
			go func() { done <- d.serve(context.Background(), &conn{port: p, path: node, info: info}) }()
			select {
			case got := <-done:
				if !strings.Contains(got, tt.want) {
					t.Errorf("serve: got %q, want it to contain %q", got, tt.want)
				}
			case <-time.After(deadline):
				t.Fatalf("serve did not notice within %v", deadline)
			}
		})
	}
}

// TestServeQuietLineStays checks that read timeouts alone (a quiet line)
// do not count as a disconnect, and that cancel stops the loop.
func TestServeQuietLineStays(t *testing.T) {
	dir := realDir(t)
	node := filepath.Join(dir, "dev")
	if err := os.WriteFile(node, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(node)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Opts{Path: node, FrameOpts: FrameOpts{Logger: quiet}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var reads atomic.Int32
	p := &fakePort{read: func() (int, error) {
		if reads.Add(1) == 3*instantEOFs {
			cancel()
		}
		time.Sleep(readTimeout)
		return 0, io.EOF
	}}
	done := make(chan string, 1)
	go func() { done <- d.serve(ctx, &conn{port: p, path: node, info: info}) }()
	select {
	case got := <-done:
		if got != "" {
			t.Errorf("serve on a quiet line: got %q, want \"\" (stopped by cancel)", got)
		}
		if n := reads.Load(); n < 3*instantEOFs {
			t.Errorf("serve returned after %d reads, before the cancel", n)
		}
	case <-time.After(deadline):
		t.Fatalf("serve did not stop within %v of cancel", deadline)
	}
}

func TestResolve(t *testing.T) {
	dir := realDir(t)
	for _, n := range []string{"ttyACM1", "ttyACM0"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "ttyACM1"), filepath.Join(dir, "by-id")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ in, want, err string }{
		{"ttyACM*", "ttyACM0", ""},
		{"ttyACM1", "ttyACM1", ""},
		{"by-id", "ttyACM1", ""},
		{"by-*", "ttyACM1", ""},
		{"ttyUSB*", "", "no device matches"},
		{"ttyUSB0", "", "no such file"},
		{"dangling", "", "no such file"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := resolve(filepath.Join(dir, tt.in))
			switch {
			case tt.err != "":
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Errorf("resolve(%s): got %q, %v; want error %q", tt.in, got, err, tt.err)
				}
			case err != nil || got != filepath.Join(dir, tt.want):
				t.Errorf("resolve(%s): got %q, %v; want %s", tt.in, got, err, tt.want)
			}
		})
	}
}

// realDir returns a temporary directory by its real path, so that resolved
// paths compare equal even where the temporary directory is a link.
func realDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBackoff(t *testing.T) {
	ms := time.Millisecond
	for _, tt := range []struct {
		min, max time.Duration
		want     []time.Duration
	}{
		{100 * ms, 5 * time.Second, []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms, 5000 * ms, 5000 * ms}},
		{time.Second, time.Second, []time.Duration{time.Second, time.Second}},
		{ms, 3 * ms, []time.Duration{ms, 2 * ms, 3 * ms, 3 * ms}},
	} {
		t.Run(fmt.Sprintf("%v to %v", tt.min, tt.max), func(t *testing.T) {
			b := newBackoff(tt.min, tt.max)
			for i, want := range tt.want {
				if got := b.delay(); got != want {
					t.Errorf("backoff(%v, %v) delay %d: got %v, want %v", tt.min, tt.max, i, got, want)
				}
			}
			b.reset()
			if got := b.delay(); got != tt.min {
				t.Errorf("backoff(%v, %v) after reset: got %v, want %v", tt.min, tt.max, got, tt.min)
			}
		})
	}
}
