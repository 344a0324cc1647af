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
	b, err := newBusy("ssd1680", pin, gpio.High)
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
	b, err := newBusy("uc8179", pin, gpio.Low)
	if err != nil {
		t.Fatal(err)
	}
	if b.isBusy() {
		t.Errorf("isBusy() with the line high on a low-busy controller")
	}
	if err := b.Wait("power on", time.Millisecond); err != nil {
		t.Errorf("Wait on an idle line = %v", err)
	}
}

func TestBusyEdge(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.High, EdgesChan: make(chan gpio.Level, 1)}
	b, err := newBusy("ssd1680", pin, gpio.High)
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
	b, err := newBusy("uc8179", pin, gpio.Low)
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
	_, err := newBusy("ssd1680", &deafPin{}, gpio.High)
	if err == nil || !strings.Contains(err.Error(), "ssd1680: BUSY pin") {
		t.Errorf("newBusy on a pin that is no input: %v", err)
	}
}

// TestWaitPulseLatchedEdge: a BUSY pulse that began and ended before the
// driver looked (a loaded board) is still the controller's answer where
// the pin latches edges; a line that never moves is a missing panel.
func TestWaitPulseLatchedEdge(t *testing.T) {
	tests := []struct {
		name  string
		edges []gpio.Level // latched before waitPulse looks
		want  error
	}{
		{name: "pulse already over", edges: []gpio.Level{gpio.High, gpio.Low}},
		{name: "no pulse", want: ErrNoBusyPulse},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pin := &gpiotest.Pin{N: "BUSY", L: gpio.Low, EdgesChan: make(chan gpio.Level, 2)}
			b, err := newBusy("ssd1680", pin, gpio.High)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range tt.edges {
				pin.EdgesChan <- l
			}
			// The line reads idle throughout: only the latched edge says
			// the controller answered.
			err = b.waitPulse("software reset", 20*time.Millisecond, time.Second)
			if got := err; !errors.Is(got, tt.want) || (tt.want == nil && got != nil) {
				t.Errorf("waitPulse = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestWaitPulsePolledMissesShortPulse documents the limit without edges:
// a pin that only reads levels cannot see a pulse that is already over.
func TestWaitPulsePolledMissesShortPulse(t *testing.T) {
	pin := &gpiotest.Pin{N: "BUSY", L: gpio.Low} // no EdgesChan: polled
	b, err := newBusy("ssd1680", pin, gpio.High)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.waitPulse("software reset", 5*time.Millisecond, time.Second); !errors.Is(err, ErrNoBusyPulse) {
		t.Errorf("waitPulse on a still line = %v, want %v", err, ErrNoBusyPulse)
	}
}
