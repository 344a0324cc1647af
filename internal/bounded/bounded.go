// Package bounded reads files and streams whole, never more than a limit:
// what the kiosk and its tools read from a USB stick, the network, an
// operator or a decompressor has a size it may not pass. Each refusal has
// one shape, "NAME: larger than N bytes" ([TooLargeError]).
package bounded

import (
	"fmt"
	"io"
	"os"
	"syscall"
)

// TooLargeError is the refusal of something larger than its limit.
type TooLargeError struct {
	Name string // the file's path, or what the stream is
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %d bytes", e.Name, e.Max)
}

// ReadAll reads r to its end; more than max bytes is a *TooLargeError
// naming name. It reads at most max+1 bytes.
func ReadAll(r io.Reader, max int64, name string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, &TooLargeError{Name: name, Max: max}
	}
	return b, nil
}

// ReadFile reads the regular file path whole; more than max bytes is a
// *TooLargeError naming path.
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(f, max, path)
}

// Open opens path for reading; it must be a regular file. A USB stick can
// carry a FIFO or a device named like the file: its type is checked
// first, and the file is opened without blocking (a swap in between is
// caught by checking the opened file again).
func Open(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	return f, nil
}
