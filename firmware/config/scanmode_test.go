package config

import (
	"strings"
	"testing"
)

func TestScanMode(t *testing.T) {
	if c := Default(); c.Scan.Mode != "entry" || c.Scan.ExitButton != "" {
		t.Errorf("defaults: mode %q, exit button %q; want entry, none", c.Scan.Mode, c.Scan.ExitButton)
	}
	for _, tc := range []struct{ text, want string }{
		{"[scan]\nmode = \"exit\"\n", ""},
		{"[scan]\nexit_button = \"GPIO26\"\n", ""},
		{"[scan]\nmode = \"leave\"\n", `scan.mode = "leave": want one of entry, exit`},
		{"[scan]\nmode = \"\"\n", `scan.mode = "": want one of entry, exit`},
		{"[scan]\nexit_button = \"GPIO 26\"\n", `scan.exit_button = "GPIO 26": want a GPIO line name`},
		{"[scan]\nmode = \"exit\"\nexit_button = \"GPIO26\"\n", `scan.exit_button = "GPIO26": want "" with scan.mode = "exit"`},
	} {
		t.Run(tc.text, func(t *testing.T) {
			c, err := Load(write(t, tc.text))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("%q: %v", tc.text, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("%q: got %v, want an error containing %q", tc.text, err, tc.want)
			case tc.want == "" && strings.Contains(tc.text, "exit\"") && c.Scan.Mode != "exit":
				t.Errorf("%q: mode %q", tc.text, c.Scan.Mode)
			}
		})
	}
	c := Default()
	if err := c.Set("scan.mode=exit"); err != nil || c.Scan.Mode != "exit" || c.Validate() != nil {
		t.Errorf("-set scan.mode=exit: %v, %q", err, c.Scan.Mode)
	}
}
