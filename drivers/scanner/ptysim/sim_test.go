package ptysim

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSimLifecycle(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	s, err := New(link)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := s.Path(); got != link {
		t.Errorf("Path: got %q, want %q", got, link)
	}
	first := s.TTY()
	if target, err := os.Readlink(link); err != nil || target != first {
		t.Errorf("link: got %q, %v; want %q", target, err, first)
	}

	// What the master writes arrives raw at the slave: no CR→LF, no echo.
	tty, err := os.OpenFile(link, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "]Q1HC1:A\r\x00\x03\xff\n"
	if _, err := s.Write([]byte(want)); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 0, len(want))
	buf := make([]byte, 64)
	for len(got) < len(want) {
		n, err := tty.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != want {
		t.Errorf("slave read %q, want %q", got, want)
	}
	// What the slave writes, Read returns.
	if _, err := tty.Write([]byte("TRIG")); err != nil {
		t.Fatal(err)
	}
	n, err := s.Read(buf)
	if err != nil || string(buf[:n]) != "TRIG" {
		t.Errorf("Read: got %q, %v; want TRIG", buf[:n], err)
	}
	tty.Close()

	if err := s.Unplug(); err != nil {
		t.Fatal(err)
	}
	if s.Plugged() || s.TTY() != "" {
		t.Errorf("after Unplug: plugged %v, tty %q", s.Plugged(), s.TTY())
	}
	if _, err := os.Lstat(link); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("link after Unplug: %v, want it gone", err)
	}
	if _, err := s.Write([]byte("x")); !errors.Is(err, ErrUnplugged) {
		t.Errorf("Write unplugged: got %v, want ErrUnplugged", err)
	}
	if _, err := s.Read(buf); !errors.Is(err, ErrUnplugged) {
		t.Errorf("Read unplugged: got %v, want ErrUnplugged", err)
	}
	if err := s.Unplug(); err != nil {
		t.Errorf("second Unplug: %v", err)
	}

	if err := s.Plug(); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(link); err != nil || target != s.TTY() || !s.Plugged() {
		t.Errorf("link after Plug: got %q, %v; want %q", target, err, s.TTY())
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Plug(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Plug after Close: got %v, want os.ErrClosed", err)
	}
}

// TestSimUnplugHangsUp checks that an open slave sees the unplug.
func TestSimUnplugHangsUp(t *testing.T) {
	s, err := New(filepath.Join(t.TempDir(), "scanner"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tty, err := os.OpenFile(s.Path(), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	errc := make(chan error, 1)
	go func() {
		_, err := tty.Read(make([]byte, 8))
		errc <- err
	}()
	if err := s.Unplug(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errc:
		if err == nil {
			t.Error("read after unplug: got nil error, want EOF or EIO")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("read still blocked after unplug")
	}
}

func TestSimBadLink(t *testing.T) {
	for _, link := range []string{"", "relative/scanner"} {
		if _, err := New(link); err == nil {
			t.Errorf("New(%q): got nil error", link)
		}
	}
	if _, err := New(filepath.Join(t.TempDir(), "missing-dir", "scanner")); err == nil {
		t.Error("New in a missing directory: got nil error")
	}
}
