package sim

import (
	"io"
	"os"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// InputLink is the name, in the state directory, of the pseudo-terminal a
// person or a script writes scans into: `echo 'HC1:…' > build/sim/scanner-input`.
//
// The daemon reads the simulated scanner's own pseudo-terminal through the
// serial driver, as it reads a real scanner; this second one is the other
// end of a null-modem cable. What is written into it reaches the driver
// byte for byte, as a scanner's bytes do: `echo` ends a line with LF,
// `printf 'HC1:…\r\n'` sends a CRLF scanner's suffix, `printf 'HC1:…'` a
// scanner's with none (the idle gap ends it).
const InputLink = "scanner-input"

// input bridges a second pty to the simulated scanner.
type input struct {
	master, slave *os.File
	link          string
}

func newInput(link string, out io.Writer) (*input, error) {
	master, slave, err := pty.Open()
	if err != nil {
		return nil, err
	}
	if err := raw(slave); err != nil {
		master.Close()
		slave.Close()
		return nil, err
	}
	os.Remove(link)
	if err := os.Symlink(slave.Name(), link); err != nil {
		master.Close()
		slave.Close()
		return nil, err
	}
	in := &input{master: master, slave: slave, link: link}
	go in.copy(out)
	return in, nil
}

// copy forwards what is written into the input pty to the scanner,
// untouched.
func (in *input) copy(out io.Writer) {
	buf := make([]byte, 4096)
	for {
		n, err := in.master.Read(buf)
		if n > 0 {
			out.Write(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

func (in *input) Close() error {
	os.Remove(in.link)
	in.slave.Close()
	return in.master.Close()
}

// raw turns off the line discipline's processing on f, so bytes pass as
// written.
func raw(f *os.File) error {
	fd := int(f.Fd())
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN] = 1
	t.Cc[unix.VTIME] = 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}
