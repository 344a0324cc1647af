package epdemu

import (
	"errors"
	"fmt"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/physic"
	"periph.io/x/conn/v3/spi"
)

// port is the emulated SPI port.
type port struct {
	e *Emu
}

var _ spi.PortCloser = (*port)(nil)

func (p *port) String() string { return p.e.String() }

func (p *port) Close() error { return nil }

func (p *port) LimitSpeed(f physic.Frequency) error {
	if f <= 0 {
		return errors.New("epdemu: LimitSpeed needs a positive frequency")
	}
	return nil
}

// Connect accepts mode 0, 8 bits a word, at most Opts.MaxSpeed.
func (p *port) Connect(f physic.Frequency, mode spi.Mode, bits int) (spi.Conn, error) {
	e := p.e
	e.mu.Lock()
	defer e.mu.Unlock()
	var err error
	switch {
	case mode&^spi.NoCS != spi.Mode0:
		err = fmt.Errorf("SPI mode %v: the controller samples on the rising edge, idle low (mode 0)", mode)
	case bits != 8:
		err = fmt.Errorf("SPI %d bits a word: want 8", bits)
	case f < 0 || f > e.opts.MaxSpeed:
		err = fmt.Errorf("SPI clock %v: at most %v", f, e.opts.MaxSpeed)
	}
	if err != nil {
		e.errorf("%v", err)
		return nil, fmt.Errorf("epdemu: %w", err)
	}
	if e.opts.HideLimit {
		return &spiConn{e: e}, nil
	}
	return &limitConn{spiConn{e: e}}, nil
}

// spiConn is a connection to the emulated controller.
type spiConn struct {
	e *Emu
}

var _ spi.Conn = (*spiConn)(nil)

func (c *spiConn) String() string { return c.e.String() }

func (c *spiConn) Duplex() conn.Duplex { return conn.Half }

// Tx writes w; reading is not modelled (the drivers never read).
func (c *spiConn) Tx(w, r []byte) error {
	e := c.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(r) != 0 {
		e.errorf("SPI read of %d bytes: reading is not modelled", len(r))
		return errors.New("epdemu: reading is not modelled")
	}
	if len(w) > e.opts.MaxTx {
		e.errorf("SPI transaction of %d bytes: the port takes at most %d", len(w), e.opts.MaxTx)
		return fmt.Errorf("epdemu: transaction of %d bytes exceeds %d", len(w), e.opts.MaxTx)
	}
	e.maxTx = max(e.maxTx, len(w))
	e.bytes += uint64(len(w))
	e.frame.receive(w)
	return nil
}

// TxPackets writes each packet's W in turn.
func (c *spiConn) TxPackets(ps []spi.Packet) error {
	for _, p := range ps {
		if err := c.Tx(p.W, p.R); err != nil {
			return err
		}
	}
	return nil
}

// limitConn also reports the transaction limit.
type limitConn struct {
	spiConn
}

var _ conn.Limits = (*limitConn)(nil)

func (c *limitConn) MaxTxSize() int { return c.e.opts.MaxTx }
