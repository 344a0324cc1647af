package epdemu

import (
	"strings"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"

	"github.com/venuekiosk/venuekiosk/internal/epd"
)

func TestBusyPinSSD(t *testing.T) {
	h := newHost(t, epd.Waveshare2in9V2, &Opts{Timing: Timing{Reset: time.Microsecond, Command: 20 * time.Millisecond, Full: 1, Fast: 1, Partial: 1}})
	h.reset()
	h.idle()
	b := h.e.Busy()
	if err := b.In(gpio.PullNoChange, gpio.BothEdges); err != nil {
		t.Fatalf("BUSY In: %v", err)
	}
	if b.Read() != gpio.Low {
		t.Fatalf("idle SSD BUSY reads high")
	}
	if b.WaitForEdge(5 * time.Millisecond) {
		t.Errorf("WaitForEdge on an idle line reported an edge")
	}
	start := time.Now()
	h.cmd(0x12)
	if b.Read() != gpio.High {
		t.Fatalf("SSD BUSY not high during software reset")
	}
	// The rise is queued, as the kernel queues edges; then the fall.
	if !b.WaitForEdge(0) {
		t.Fatalf("WaitForEdge missed the rise at the software reset")
	}
	if !b.WaitForEdge(5 * time.Second) {
		t.Fatalf("WaitForEdge missed the end of the software reset")
	}
	if took := time.Since(start); took < 10*time.Millisecond {
		t.Errorf("BUSY fell after %v, the software reset lasts 20ms", took)
	}
	if b.Read() != gpio.Low {
		t.Errorf("BUSY still high after its edge")
	}
	// Stuck: busy whatever happens, until released.
	h.e.SetStuck(true)
	if b.Read() != gpio.High || !b.WaitForEdge(0) || b.WaitForEdge(5*time.Millisecond) {
		t.Errorf("stuck BUSY is not busy (or its one edge is not reported once)")
	}
	h.e.SetStuck(false)
	if b.Read() != gpio.Low {
		t.Errorf("released BUSY still busy")
	}
	for _, p := range []*Pin{h.e.DC(), h.e.RST(), h.e.Power()} {
		if err := p.In(gpio.PullNoChange, gpio.NoEdge); err == nil {
			t.Errorf("%s accepts In", p)
		}
	}
	if err := b.Out(gpio.High); err == nil {
		t.Errorf("BUSY accepts Out")
	}
	if err := h.e.DC().PWM(1, 1); err == nil {
		t.Errorf("DC accepts PWM")
	}
}

func TestLog(t *testing.T) {
	h := newHost(t, epd.Waveshare2in13V4, &Opts{LogLimit: 5})
	h.reset()
	h.idle()
	h.cmd(0x44, 0x00, 0x0F)
	h.cmd(0x24)
	h.data(make([]byte, 10))
	h.data(make([]byte, 6))
	var got []string
	for _, l := range h.e.Log() {
		got = append(got, l.String())
	}
	if want := "reset|44 00 0f|24 <16 bytes>"; strings.Join(got, "|") != want {
		t.Errorf("Log = %q, want %q", strings.Join(got, "|"), want)
	}
	if l := h.e.Log(); l[1].Name != "set RAM X address start/end" {
		t.Errorf("Name = %q", l[1].Name)
	}
	for i := 0; i < 20; i++ {
		h.cmd(0x7F)
	}
	h.cmd(0x11, 0x03)
	l := h.e.Log()
	if len(l) != 5 || l[4].String() != "11 03" || l[3].String() != "7f" {
		t.Errorf("Log after 24 entries with limit 5: %v", l)
	}
	h.e.ClearLog()
	if l := h.e.Log(); len(l) != 0 {
		t.Errorf("Log after ClearLog: %v", l)
	}
	h.cmd(0x4E, 0x01)
	if l := h.e.Log(); len(l) != 1 || l[0].String() != "4e 01" {
		t.Errorf("Log after ClearLog and a command: %v", l)
	}
	h.noErrors()
}

// TestConcurrentReaders reads the image while a writer refreshes, as the
// simulator's web page does; run with -race to make it bite.
func TestConcurrentReaders(t *testing.T) {
	m := epd.Waveshare2in13V4
	h := newHost(t, m, nil)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-h.e.Changed():
				case <-time.After(time.Millisecond):
				}
				_ = h.e.Image()
				_ = h.e.Version()
				_ = h.e.Refreshes()
			}
		}()
	}
	f := epd.NewFrame(m.Width, m.Height)
	for i := 0; i < 5; i++ {
		f.Fill(i%2 == 0)
		h.ssdInit()
		h.ssdWrite(0x24, f)
		h.ssdUpdate(0xF7)
	}
	close(stop)
	wg.Wait()
	h.noErrors()
	if got := h.e.Version(); got != 5 {
		t.Errorf("Version = %d after 5 refreshes", got)
	}
}
