package config

import (
	"strings"
	"testing"
	"time"
)

func TestStaffKeys(t *testing.T) {
	c := Default()
	if got := c.Staff; len(got.OperatorKeys) != 1 || got.OpenFor.D != 15*time.Minute || got.ExemptWindow.D != 30*time.Second ||
		got.LongPress.D != 3*time.Second || got.OpenButton != "" || len(got.ExemptButtons) != 0 || !got.Setup {
		t.Errorf("staff defaults: got %+v", got)
	}
	if c.Panel.Alternate || c.Panel.HKEN != "off" || c.Panel.HKENEvery.D != 20*time.Second || c.Venue.HKEN != "" || len(c.Lights.Volume) != 0 {
		t.Errorf("panel, venue and lights defaults: got %+v %+v %+v", c.Panel, c.Venue, c.Lights)
	}
	// A poster's code built from the public description (firmware/hken).
	const poster = "HKEN:0WHBvLDSaeyJtZXRhZGF0YSI6bnVsbCwibmFtZVpoIjoi5Lit55Kw6KGX5biCIiwibmFtZUVuIjoiQ2VudHJhbCBNYXJrZXQiLCJ0eXBlIjoiSU1QT1JUIiwiaGFzaCI6ImFkYmVjNDFmMGM4MjZlMDBmNTQ1YjYwMjFlZDcxMzI1MmU0NGQxMDIxMDJlOTkzMDFhZTk2OGJkMGQwNDU0ZDMifQ=="
	c, err := Load(write(t, `[staff]
operator_keys = ["/etc/venuekiosk/operator.pub", "/etc/venuekiosk/operator-next.pub"]
open_for = "30m"
open_button = "GPIO26"
long_press = "5s"
exempt_buttons = ["GPIO20", "GPIO21", "GPIO22", "GPIO23"]
setup = false
[panel]
alternate = true
hken = "alternate"
hken_every = "30s"
[venue]
hken = "`+poster+`"
[lights]
volume = ["22:00-07:00 0%", "12:00-14:00 30%"]
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Staff.OpenFor.D != 30*time.Minute || c.Staff.OpenButton != "GPIO26" || len(c.Staff.ExemptButtons) != 4 || c.Staff.Setup ||
		!c.Panel.Alternate || c.Panel.HKEN != "alternate" || c.Venue.HKEN != poster || len(c.Lights.Volume) != 2 {
		t.Errorf("got %+v %+v %+v", c.Staff, c.Panel, c.Lights)
	}
	for _, tc := range []struct{ name, text, want string }{
		{"open for too short", "[staff]\nopen_for = \"30s\"\n", "staff.open_for"},
		{"open for too long", "[staff]\nopen_for = \"24h\"\n", "staff.open_for"},
		{"exempt window", "[staff]\nexempt_window = \"1s\"\n", "staff.exempt_window"},
		{"long press", "[staff]\nlong_press = \"200ms\"\n", "staff.long_press"},
		{"three category buttons", "[staff]\nexempt_buttons = [\"GPIO20\", \"GPIO21\", \"GPIO22\"]\n", "staff.exempt_buttons"},
		{"empty category button", "[staff]\nexempt_buttons = [\"GPIO20\", \"\", \"GPIO22\", \"GPIO23\"]\n", "staff.exempt_buttons"},
		{"one pin twice", "[staff]\nopen_button = \"GPIO20\"\nexempt_buttons = [\"GPIO20\", \"GPIO21\", \"GPIO22\", \"GPIO23\"]\n", "staff.exempt_buttons"},
		{"the group button's pin", "[group]\nbutton = \"GPIO16\"\n[staff]\nopen_button = \"GPIO16\"\n", "staff.open_button"},
		{"bad pin", "[staff]\nopen_button = \"GPIO 26\"\n", "staff.open_button"},
		{"relative key", "[staff]\noperator_keys = [\"operator.pub\"]\n", "staff.operator_keys"},
		{"five keys", "[staff]\noperator_keys = [\"/a\", \"/b\", \"/c\", \"/d\", \"/e\"]\n", "staff.operator_keys"},
		{"hken mode", "[panel]\nhken = \"always\"\n", "panel.hken"},
		{"hken without a code", "[panel]\nhken = \"beside\"\n[venue]\nid = \"SIM-CENTRAL-01\"\n", "panel.hken"},
		{"hken every", "[panel]\nhken_every = \"1s\"\n", "panel.hken_every"},
		{"not a poster", "[venue]\nhken = \"HKEN:nonsense\"\n", "venue.hken"},
		{"a poster with a wrong hash", "[venue]\nhken = \"" + strings.Replace(poster, "WHBvLDSa", "WHBvLDSb", 1) + "\"\n", "venue.hken"},
		{"volume format", "[lights]\nvolume = [\"22:00-07:00 quiet\"]\n", "lights.volume"},
		{"volume over 100", "[lights]\nvolume = [\"22:00-07:00 101%\"]\n", "lights.volume"},
		{"too many volumes", "[lights]\nvolume = [" + strings.Repeat("\"01:00-02:00 5%\",", 9) + "]\n", "lights.volume"},
		{"unknown staff key", "[staff]\nmaster_key = \"x\"\n", "unknown key staff.master_key"},
		// Accessibility: a verdict stays on the panel at least 5 seconds.
		{"verdict shown under 5s", "[panel]\nstatus_hold = \"4s\"\n", "panel.status_hold"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(write(t, tc.text))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// An 8-character venue id is enough for a code made on the kiosk.
	if _, err := Load(write(t, "[panel]\nhken = \"beside\"\n[venue]\nid = \"WHBvLDSa\"\n")); err != nil {
		t.Errorf("hken with a LeaveHomeSafe venue id: %v", err)
	}
}
