package systemtest

import (
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
)

// TestKeyEventsTypeSamples: check 8's passes can be typed on a US
// keyboard, every key has a QEMU name, and the events, read back as the
// guest kernel reports them, are the pass (no VM needed).
func TestKeyEventsTypeSamples(t *testing.T) {
	set, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	byQcode := map[string]uint16{}
	for code, name := range qcodes {
		byQcode[name] = code
	}
	for _, name := range keyboardSamples {
		smp := sampleByName(t, set, name)
		evs, err := keyEvents(smp.Payload + "\r")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d := keymap.NewDecoder(keymap.US)
		var out []byte
		for _, e := range evs {
			data := e["data"].(keyEvent)
			key := data["key"].(keyEvent)
			v := int32(0)
			if data["down"].(bool) {
				v = 1
			}
			out = d.Key(out, byQcode[key["data"].(string)], v)
		}
		if got, want := string(out), smp.Payload+"\r"; got != want {
			t.Errorf("%s: the events type %q, want %q", name, got, want)
		}
		t.Logf("%s: %d characters, %d key events", name, len(smp.Payload)+1, len(evs))
	}
}
