package epd

import (
	"errors"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func TestBusyTimeout(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.High} // no EdgesChan: polled
	b, err := NewBusy("ssd1680", pin, gpio.High)
	if err != nil {
		t.Fatal(err)
	}
	if b.Edges() {
		t.Errorf("Edges() = true on a pin without edges")
	}
	b.Poll = time.Millisecond
	start := time.Now()
	err = b.Wait("display update", 30*time.Millisecond)
	took := time.Since(start)
	if got, want := err.Error(), "ssd1680: busy timeout after 30ms waiting for display update"; err == nil || got != want {
		t.Fatalf("Wait = %v, want %q", err, want)
	}
	if !errors.Is(err, ErrBusyTimeout) {
		t.Errorf("errors.Is(%v, ErrBusyTimeout) = false", err)
	}
	var be *BusyError
	if !errors.As(err, &be) || be.Step != "display update" || be.Controller != "ssd1680" {
		t.Errorf("errors.As: %+v", be)
	}
	// It gave up at the timeout, not before; the upper bound is loose.
	if took < 30*time.Millisecond || took > 2*time.Second {
		t.Errorf("Wait took %v for a 30ms timeout", took)
	}
	if b.Waited() < 30*time.Millisecond {
		t.Errorf("Waited() = %v", b.Waited())
	}
}

func TestBusyIdle(t *testing.T) {
	// UC8179: busy is low; a high line is idle at once.
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.High}
	b, err := NewBusy("uc8179", pin, gpio.Low)
	if err != nil {
		t.Fatal(err)
	}
	if b.IsBusy() {
		t.Errorf("IsBusy() with the line high on a low-busy controller")
	}
	if err := b.Wait("power on", time.Millisecond); err != nil {
		t.Errorf("Wait on an idle line = %v", err)
	}
}

func TestBusyEdge(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.High, EdgesChan: make(chan gpio.Level, 1)}
	b, err := NewBusy("ssd1680", pin, gpio.High)
	if err != nil {
		t.Fatal(err)
	}
	if !b.Edges() {
		t.Fatalf("Edges() = false on a pin with edges")
	}
	b.Poll = time.Hour // only the edge can end the wait early
	go func() {
		time.Sleep(10 * time.Millisecond)
		pin.EdgesChan <- gpio.Low
	}()
	if err := b.Wait("software reset", 5*time.Second); err != nil {
		t.Errorf("Wait with a falling edge = %v", err)
	}
}

func TestBusyPoll(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.Low}
	b, err := NewBusy("uc8179", pin, gpio.Low)
	if err != nil {
		t.Fatal(err)
	}
	b.Poll = time.Millisecond
	go func() {
		time.Sleep(10 * time.Millisecond)
		_ = pin.Out(gpio.High)
	}()
	if err := b.Wait("display refresh", 5*time.Second); err != nil {
		t.Errorf("Wait with the line rising = %v", err)
	}
}

// deafPin refuses to be an input.
type deafPin struct{ gpiotest.Pin }

func (p *deafPin) In(gpio.Pull, gpio.Edge) error { return errors.New("not an input") }

func TestBusyPinRefused(t *testing.T) {
	_, err := NewBusy("ssd1680", &deafPin{}, gpio.High)
	if err == nil || !strings.Contains(err.Error(), "ssd1680: BUSY pin") {
		t.Errorf("NewBusy on a pin that is no input: %v", err)
	}
}
