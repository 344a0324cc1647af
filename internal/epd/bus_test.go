package epd

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"periph.io/x/conn/v3"
	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/spi"
)

// txRecord is one SPI transaction and the D/C level during it.
type txRecord struct {
	dc gpio.Level
	w  []byte
}

// recConn records transactions; it fails the failAt-th (1-based) if set.
type recConn struct {
	spi.Conn
	dc     *gpiotest.Pin
	tx     []txRecord
	failAt int
}

func (c *recConn) Tx(w, r []byte) error {
	if c.failAt > 0 && len(c.tx)+1 == c.failAt {
		return errors.New("bus fault")
	}
	c.tx = append(c.tx, txRecord{c.dc.Read(), append([]byte(nil), w...)})
	return nil
}

type limitedConn struct {
	recConn
	max int
}

func (c *limitedConn) MaxTxSize() int { return c.max }

var _ conn.Limits = (*limitedConn)(nil)

func TestBusChunks(t *testing.T) {
	dc := &gpiotest.Pin{N: "DC"}
	c := &recConn{dc: dc}
	b, err := newBus("test", c, dc, 16)
	if err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 40)
	for i := range data {
		data[i] = byte(i)
	}
	if err := b.Command(0x24); err != nil {
		t.Fatal(err)
	}
	if err := b.Data(data); err != nil {
		t.Fatal(err)
	}
	if err := b.Command(0x44, 0x00, 0x0F); err != nil {
		t.Fatal(err)
	}
	want := []txRecord{
		{gpio.Low, []byte{0x24}},
		{gpio.High, data[:16]}, {gpio.High, data[16:32]}, {gpio.High, data[32:]},
		{gpio.Low, []byte{0x44}},
		{gpio.High, []byte{0x00, 0x0F}},
	}
	if len(c.tx) != len(want) {
		t.Fatalf("%d transactions, want %d: %v", len(c.tx), len(want), c.tx)
	}
	for i := range want {
		if c.tx[i].dc != want[i].dc || !bytes.Equal(c.tx[i].w, want[i].w) {
			t.Errorf("transaction %d = %v % x, want %v % x", i, c.tx[i].dc, c.tx[i].w, want[i].dc, want[i].w)
		}
	}
	if n, tx := b.Sent(); n != 1+40+1+2 || tx != 6 {
		t.Errorf("Sent() = %d bytes, %d transactions, want 44, 6", n, tx)
	}
}

func TestBusChunkBounds(t *testing.T) {
	dc := &gpiotest.Pin{N: "DC"}
	for _, n := range []int{-1, 1, minChunk - 1, maxChunk + 1} {
		if _, err := newBus("test", &recConn{dc: dc}, dc, n); err == nil || !strings.Contains(err.Error(), "test: SPI chunk") {
			t.Errorf("newBus(chunk %d) error = %v, want SPI chunk", n, err)
		}
	}
	b, err := newBus("test", &recConn{dc: dc}, dc, 0)
	if err != nil || b.Chunk() != DefaultChunk {
		t.Errorf("newBus(chunk 0) = %v chunk %d, want %d", err, b.Chunk(), DefaultChunk)
	}
	// A port that allows less shrinks the chunk; one that allows absurdly
	// little is refused.
	b, err = newBus("test", &limitedConn{recConn{dc: dc}, 512}, dc, 4096)
	if err != nil || b.Chunk() != 512 {
		t.Errorf("newBus on a 512-byte port = %v chunk %d, want 512", err, b.Chunk())
	}
	b, err = newBus("test", &limitedConn{recConn{dc: dc}, 8192}, dc, 4096)
	if err != nil || b.Chunk() != 4096 {
		t.Errorf("newBus on an 8192-byte port = %v chunk %d, want 4096", err, b.Chunk())
	}
	if _, err := newBus("test", &limitedConn{recConn{dc: dc}, 4}, dc, 4096); err == nil {
		t.Errorf("newBus on a 4-byte port: no error")
	}
}

func TestBusErrors(t *testing.T) {
	dc := &gpiotest.Pin{N: "DC"}
	c := &recConn{dc: dc, failAt: 2}
	b, _ := newBus("ssd1680", c, dc, 16)
	err := b.Command(0x44, 1, 2)
	if err == nil || !strings.Contains(err.Error(), "ssd1680: command 0x44: spi: bus fault") {
		t.Errorf("Command with a failing data transaction: %v", err)
	}
	c = &recConn{dc: dc, failAt: 1}
	b, _ = newBus("ssd1680", c, dc, 16)
	if err := b.Command(0x12); err == nil || !strings.Contains(err.Error(), "command 0x12") {
		t.Errorf("Command with a failing command transaction: %v", err)
	}
	if n, _ := b.Sent(); n != 0 {
		t.Errorf("failed transactions counted: %d bytes", n)
	}
}

// failPin is a D/C pin that cannot be set.
type failPin struct{ gpiotest.Pin }

func (p *failPin) Out(gpio.Level) error { return errors.New("line busy") }

func TestBusDCError(t *testing.T) {
	dc := &failPin{}
	b, _ := newBus("uc8179", &recConn{dc: &dc.Pin}, dc, 16)
	if err := b.Command(0x12); err == nil || !strings.Contains(err.Error(), "D/C pin") {
		t.Errorf("Command with a failing D/C pin: %v", err)
	}
}

func TestBusSetsDCOnlyOnChange(t *testing.T) {
	dc := &countPin{}
	b, _ := newBus("test", &recConn{dc: &dc.Pin}, dc, 16)
	_ = b.Command(0x24)
	_ = b.Data([]byte{1})
	_ = b.Data([]byte{2})
	_ = b.Command(0x20)
	_ = b.Command(0x10)
	if dc.n != 3 {
		t.Errorf("D/C set %d times, want 3 (low, high, low)", dc.n)
	}
	b.forget()
	_ = b.Command(0x12)
	if dc.n != 4 {
		t.Errorf("after forget D/C set %d times in all, want 4", dc.n)
	}
}

type countPin struct {
	gpiotest.Pin
	n int
}

func (p *countPin) Out(l gpio.Level) error {
	p.n++
	return p.Pin.Out(l)
}
