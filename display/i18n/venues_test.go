package i18n_test

import (
	"testing"

	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
)

// TestFontCoversVenueNames: the panel font draws every venue name the
// samples and the simulator carry (the header shows them), as it draws
// every message (TestFontCoversEveryMessage).
func TestFontCoversVenueNames(t *testing.T) {
	names := append(samples.VenueNames(), sim.VenueEN, sim.VenueZH)
	if len(names) < 4 {
		t.Fatalf("only %d venue names: the test would prove little", len(names))
	}
	for _, n := range names {
		if n == "" {
			t.Error("an empty venue name")
		}
		for _, r := range font.Missing(n) {
			t.Errorf("venue name %q: the font has no glyph for %q (U+%04X)", n, r, r)
		}
	}
	// The check can fail: a character outside the font's coverage.
	if len(font.Missing("𠀋")) == 0 {
		t.Error("font.Missing finds nothing missing in an Extension B character")
	}
}
