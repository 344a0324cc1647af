package main

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/internal/command"
	"github.com/venuekiosk/venuekiosk/internal/epd"
)

// listAfter returns the comma-separated list that follows "one of " on
// the first line of help after the line that starts with marker.
func listAfter(t *testing.T, help, marker string) []string {
	t.Helper()
	lines := strings.Split(help, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, marker) {
			continue
		}
		for _, l := range lines[i:] {
			if _, list, ok := strings.Cut(l, "one of "); ok {
				return strings.Split(strings.TrimSpace(list), ", ")
			}
		}
	}
	t.Errorf("help has no %q followed by \"one of …\":\n%s", marker, help)
	return nil
}

// kioskctl provision --help and provision sign --help, run as a
// technician runs them, list exactly the values the owners know: the
// panel models of internal/epd (and none), the tone profiles of
// drivers/indicator and the baud rates of drivers/scanner.
func TestProvisionHelpListsOwnersValues(t *testing.T) {
	models := append([]string{"none"}, epd.ModelNames()...)
	profiles := indicator.ProfileNames()
	var bauds []string
	for _, b := range scanner.Bauds {
		bauds = append(bauds, strconv.Itoa(b))
	}
	for _, tt := range []struct {
		cmd    []string
		marker string
		want   []string
	}{
		{[]string{"provision"}, "  -panel ", models},
		{[]string{"provision"}, "  -profile ", profiles},
		{[]string{"provision"}, "  -baud ", bauds},
		{[]string{"provision", "sign"}, "panel.model:", models},
		{[]string{"provision", "sign"}, "profile:", profiles},
		{[]string{"provision", "sign"}, "scanner.baud:", bauds},
	} {
		name := strings.Join(tt.cmd, " ") + " " + strings.TrimSpace(tt.marker)
		t.Run(name, func(t *testing.T) {
			code, out, _ := kioskctlIn(t, "", append(tt.cmd, "--help")...)
			if code != command.ExitOK {
				t.Fatalf("kioskctl %s --help: exit %d", strings.Join(tt.cmd, " "), code)
			}
			if got := listAfter(t, out, tt.marker); !slices.Equal(got, tt.want) {
				t.Errorf("kioskctl %s --help lists %q after %q; the owner has %q", strings.Join(tt.cmd, " "), got, tt.marker, tt.want)
			}
		})
	}
}
