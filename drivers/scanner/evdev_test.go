package scanner

import (
	"errors"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/ptysim"
)

// TestDevKeyboardStandIn reads a keyboard-mode scanner's input events
// through a pty standing in for /dev/input/eventN (this machine's kernel
// has no uinput; the system test reads a real one): each pass, ended by
// Enter, by Tab or by nothing, three times, on the US and French layouts,
// with the events split anywhere between writes.
func TestDevKeyboardStandIn(t *testing.T) {
	for _, tt := range []struct {
		layout *keymap.Layout
		suffix string
	}{
		{keymap.US, "\r"}, {keymap.US, "\t"}, {keymap.US, ""}, {keymap.FR, "\r"}, {keymap.DE, "\t"},
	} {
		t.Run(tt.layout.Name()+" "+tt.suffix, func(t *testing.T) {
			sim := newSim(t)
			d := start(t, Opts{Path: EvdevPrefix + sim.Path(), Keymap: tt.layout, FrameOpts: FrameOpts{StripAIM: true, IdleGap: 300 * time.Millisecond}})
			ev := waitEvent(t, d, Connected)
			if d.Kind() != Keyboard || ev.Path == "" {
				t.Fatalf("connected as %v at %q; want a keyboard", d.Kind(), ev.Path)
			}
			for round := range 3 {
				for _, payload := range profilePayloads {
					b, err := ptysim.KeyEvents(tt.layout, "]Q1"+payload+tt.suffix, time.Now())
					if err != nil {
						t.Fatal(err)
					}
					for len(b) > 0 { // split mid-event: the driver must put events together
						n := min(len(b), 1000+round*7)
						write(t, sim, b[:n])
						b = b[n:]
					}
					f := nextFrame(t, d)
					if string(f.Data) != payload || f.Symbology != "]Q1" {
						t.Fatalf("pass %d: got %q (%q), want %q", round+1, f.Data, f.Symbology, payload)
					}
				}
			}
			if _, err := d.Write([]byte("x")); !errors.Is(err, ErrReadOnly) {
				t.Errorf("Write to a keyboard: got %v, want ErrReadOnly", err)
			}
		})
	}
}

// TestDevKeyboardUnplug: the stand-in going away is an unplug; it comes
// back and is read again, as a replugged keyboard is.
func TestDevKeyboardUnplug(t *testing.T) {
	sim := newSim(t)
	d := start(t, Opts{Path: EvdevPrefix + sim.Path()})
	waitEvent(t, d, Connected)
	sim.Unplug()
	waitEvent(t, d, Disconnected)
	if err := sim.Plug(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, d, Connected)
	b, _ := ptysim.KeyEvents(keymap.US, "HC1:BACK\r", time.Now())
	write(t, sim, b)
	if f := nextFrame(t, d); string(f.Data) != "HC1:BACK" {
		t.Errorf("after replug: got %q", f.Data)
	}
}

// TestDevKeyboardDroppedEvents: when the kernel drops a slow reader's
// events (SYN_DROPPED), the scan being typed has lost keys: it is
// discarded whole, never delivered maimed, and the next scan reads.
func TestDevKeyboardDroppedEvents(t *testing.T) {
	for _, split := range []bool{false, true} {
		sim := newSim(t)
		// The longest gap: the head, read apart, must not end as a frame.
		d := start(t, Opts{Path: EvdevPrefix + sim.Path(), FrameOpts: FrameOpts{StripAIM: true, IdleGap: 2 * time.Second}})
		waitEvent(t, d, Connected)
		now := time.Now()
		head, _ := ptysim.KeyEvents(keymap.US, "]Q1HC1:FIRST-HALF", now)
		tail, _ := ptysim.KeyEvents(keymap.US, "SECOND-HALF\r", now)
		next, _ := ptysim.KeyEvents(keymap.US, "HC1:NEXT\r", now)
		write(t, sim, head)
		if split {
			time.Sleep(30 * time.Millisecond) // the head read apart, before the drop
		}
		write(t, sim, append(ptysim.InputEvent(0, 3, 0, now), tail...)) // EV_SYN SYN_DROPPED
		write(t, sim, next)
		if f := nextFrame(t, d); string(f.Data) != "HC1:NEXT" {
			t.Errorf("split %v: got %q, want the maimed scan discarded and HC1:NEXT", split, f.Data)
		}
		if st := d.Stats(); st.KeysDropped != 1 {
			t.Errorf("split %v: KeysDropped %d, want 1", split, st.KeysDropped)
		}
	}
}
