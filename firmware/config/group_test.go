package config

import (
	"strings"
	"testing"
	"time"
)

func TestGroupAndHolderKeys(t *testing.T) {
	c := Default()
	if c.Group.Code != "" || c.Group.Button != "" || c.Group.Window.D != 2*time.Minute || c.Panel.Holder != "initials" {
		t.Errorf("defaults: got %+v, holder %q", c.Group, c.Panel.Holder)
	}
	c, err := Load(write(t, "[group]\ncode = \"VKGROUP:CENTRAL-STAFF\"\nbutton = \"GPIO16\"\nwindow = \"90s\"\n[panel]\nholder = \"name\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Group.Code != "VKGROUP:CENTRAL-STAFF" || c.Group.Button != "GPIO16" || c.Group.Window.D != 90*time.Second || c.Panel.Holder != "name" {
		t.Errorf("got %+v, holder %q", c.Group, c.Panel.Holder)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"bad holder", "[panel]\nholder = \"full\"\n", "panel.holder"},
		{"code without prefix", "[group]\ncode = \"STAFF-GROUP\"\n", "group.code"},
		{"code too short", "[group]\ncode = \"VKGROUP:AB\"\n", "group.code"},
		{"code lower case", "[group]\ncode = \"VKGROUP:staff\"\n", "group.code"},
		{"code too long", "[group]\ncode = \"VKGROUP:" + strings.Repeat("A", 33) + "\"\n", "group.code"},
		{"window too short", "[group]\nwindow = \"5s\"\n", "group.window"},
		{"window too long", "[group]\nwindow = \"1h\"\n", "group.window"},
		{"bad button", "[group]\nbutton = \"GPIO 16\"\n", "group.button"},
		{"unknown group key", "[group]\nsize = 9\n", "unknown key group.size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
