package ptysim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// ErrUnplugged is returned by Write and Read while the simulated scanner is
// unplugged.
var ErrUnplugged = errors.New("ptysim: unplugged")

// Sim is a simulated scanner. It is safe for concurrent use.
type Sim struct {
	link string

	mu     sync.Mutex
	master *os.File // nil while unplugged
	slave  *os.File // held open so the pair stays up until Unplug
	tty    string
	closed bool
}

// New creates a plugged-in simulated scanner whose slave is reachable
// through a symlink at link (which must not exist, or be a symlink: it is
// replaced).
func New(link string) (*Sim, error) {
	if link == "" || !filepath.IsAbs(link) {
		return nil, fmt.Errorf("ptysim: link %q: want an absolute path", link)
	}
	s := &Sim{link: link}
	if err := s.Plug(); err != nil {
		return nil, err
	}
	return s, nil
}

// Path returns the stable symlink the driver should open.
func (s *Sim) Path() string { return s.link }

// TTY returns the current slave device (/dev/pts/N), or "" while unplugged.
func (s *Sim) TTY() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tty
}

// Plugged reports whether the simulated scanner is plugged in.
func (s *Sim) Plugged() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.master != nil
}

// Plug creates a new pty pair and points the link at its slave. Plugging a
// plugged-in Sim unplugs it first (a swap of scanners).
func (s *Sim) Plug() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return os.ErrClosed
	}
	if s.master != nil {
		s.unplugLocked()
	}
	m, t, err := pty.Open()
	if err != nil {
		return fmt.Errorf("ptysim: %w", err)
	}
	// Raw mode at once, before anything is written: bytes the master
	// sends before the driver opens and sets up the port are then not
	// cooked (no CR→LF, no echo, no signals on ^C).
	if err := makeRaw(t); err != nil {
		m.Close()
		t.Close()
		return fmt.Errorf("ptysim: raw mode: %w", err)
	}
	tmp := s.link + ".new"
	os.Remove(tmp)
	if err := os.Symlink(t.Name(), tmp); err != nil {
		m.Close()
		t.Close()
		return fmt.Errorf("ptysim: %w", err)
	}
	if err := os.Rename(tmp, s.link); err != nil {
		os.Remove(tmp)
		m.Close()
		t.Close()
		return fmt.Errorf("ptysim: %w", err)
	}
	s.master, s.slave, s.tty = m, t, t.Name()
	return nil
}

// Unplug removes the link and closes the pair: the driver's reads end as
// on a real unplug. Unplugging an unplugged Sim does nothing.
func (s *Sim) Unplug() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.master == nil {
		return nil
	}
	return s.unplugLocked()
}

func (s *Sim) unplugLocked() error {
	err := os.Remove(s.link)
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	s.master.Close()
	s.slave.Close()
	s.master, s.slave, s.tty = nil, nil, ""
	return err
}

// Write sends p as the scanner would: a scan is the payload followed by the
// module's terminator, e.g. "HC1:…\r".
func (s *Sim) Write(p []byte) (int, error) {
	m := s.current()
	if m == nil {
		return 0, ErrUnplugged
	}
	return m.Write(p)
}

// Read reads what the driver wrote to the scanner. It blocks until bytes
// come, and ends with an error when the Sim is unplugged or closed.
func (s *Sim) Read(p []byte) (int, error) {
	m := s.current()
	if m == nil {
		return 0, ErrUnplugged
	}
	return m.Read(p)
}

func (s *Sim) current() *os.File {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.master
}

// Close unplugs the Sim for good.
func (s *Sim) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	if s.master == nil {
		return nil
	}
	return s.unplugLocked()
}

// makeRaw puts the tty in raw mode, like cfmakeraw(3).
func makeRaw(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ierr error
	err = rc.Control(func(fd uintptr) {
		t, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
		if err != nil {
			ierr = err
			return
		}
		t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
		t.Oflag &^= unix.OPOST
		t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
		t.Cflag &^= unix.CSIZE | unix.PARENB
		t.Cflag |= unix.CS8
		t.Cc[unix.VMIN] = 1
		t.Cc[unix.VTIME] = 0
		ierr = unix.IoctlSetTermios(int(fd), unix.TCSETS, t)
	})
	if err != nil {
		return err
	}
	return ierr
}
