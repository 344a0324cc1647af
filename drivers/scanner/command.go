package scanner

import "io"

// Commander sends a command to the scanner module: a software trigger, a
// configuration string, a beep. Modules differ (Honeywell, Zebra, Newland
// and others each have their own syntax), so vendor commands live with the
// caller; the driver only hands out the port. Command writes to w and must
// not keep it after returning.
type Commander interface {
	Command(w io.Writer) error
}

// CommandFunc adapts a function to Commander.
type CommandFunc func(w io.Writer) error

// Command implements Commander.
func (f CommandFunc) Command(w io.Writer) error { return f(w) }

// Bytes is a Commander that writes itself.
type Bytes []byte

// Command implements Commander.
func (b Bytes) Command(w io.Writer) error {
	_, err := w.Write(b)
	return err
}

var (
	_ Commander = CommandFunc(nil)
	_ Commander = Bytes(nil)
)
