package epd

import (
	"fmt"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/spi"
)

// Bounds on the SPI transaction size.
const (
	// DefaultChunk is the Linux spidev driver's default buffer size
	// (module parameter bufsiz): a larger write fails.
	DefaultChunk = 4096
	minChunk     = 16
	maxChunk     = 1 << 16
)

// Bus writes commands and data to a controller's 4-wire SPI interface: the
// D/C line low for a command byte, high for its data. Data is sent in
// transactions of at most the chunk size; D/C stays high across them. The
// SPI driver owns chip select. A Bus is not safe for concurrent use.
type Bus struct {
	name  string
	c     spi.Conn
	dc    gpio.PinOut
	chunk int
	level gpio.Level
	known bool // level is what dc was last set to

	bytes, tx uint64
}

// newBus returns a bus on c and dc sending at most chunk bytes a
// transaction (0: DefaultChunk), fewer if c reports a smaller limit through
// conn.Limits. name prefixes errors, e.g. "ssd1680".
func newBus(name string, c spi.Conn, dc gpio.PinOut, chunk int) (*Bus, error) {
	if chunk == 0 {
		chunk = DefaultChunk
	}
	if chunk < minChunk || chunk > maxChunk {
		return nil, fmt.Errorf("%s: SPI chunk %d bytes: want %d to %d", name, chunk, minChunk, maxChunk)
	}
	if l, ok := c.(conn.Limits); ok {
		if m := l.MaxTxSize(); m > 0 && m < chunk {
			if m < minChunk {
				return nil, fmt.Errorf("%s: SPI port allows only %d bytes a transaction", name, m)
			}
			chunk = m
		}
	}
	return &Bus{name: name, c: c, dc: dc, chunk: chunk}, nil
}

// Chunk returns the largest transaction the bus sends.
func (b *Bus) Chunk() int { return b.chunk }

// Sent returns the bytes and transactions sent so far.
func (b *Bus) Sent() (bytes, transactions uint64) { return b.bytes, b.tx }

// forget makes the next transfer set D/C again, for after the controller
// or its pins were reset behind the bus's back.
func (b *Bus) forget() { b.known = false }

// Command sends the command byte cmd, then args as its data.
func (b *Bus) Command(cmd byte, args ...byte) error {
	if err := b.setDC(gpio.Low); err != nil {
		return fmt.Errorf("%s: command 0x%02X: %w", b.name, cmd, err)
	}
	if err := b.write([]byte{cmd}); err != nil {
		return fmt.Errorf("%s: command 0x%02X: %w", b.name, cmd, err)
	}
	if len(args) == 0 {
		return nil
	}
	if err := b.Data(args); err != nil {
		return fmt.Errorf("%s: command 0x%02X: %w", b.name, cmd, err)
	}
	return nil
}

// Data sends p as data for the current command, in chunks.
func (b *Bus) Data(p []byte) error {
	if err := b.setDC(gpio.High); err != nil {
		return err
	}
	for len(p) > 0 {
		n := min(len(p), b.chunk)
		if err := b.write(p[:n]); err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

func (b *Bus) setDC(l gpio.Level) error {
	if b.known && b.level == l {
		return nil
	}
	if err := b.dc.Out(l); err != nil {
		b.known = false
		return fmt.Errorf("D/C pin %s: %w", b.dc, err)
	}
	b.level, b.known = l, true
	return nil
}

func (b *Bus) write(p []byte) error {
	if err := b.c.Tx(p, nil); err != nil {
		return fmt.Errorf("spi: %w", err)
	}
	b.bytes += uint64(len(p))
	b.tx++
	return nil
}
