package daemon

import (
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/screen"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
)

// hkenOpts sets the panel's LeaveHomeSafe compatibility code
// from panel.hken: the venue's own code (venue.hken, kept when the venue
// was set from its poster) or, failing that, one made from an 8-character
// LeaveHomeSafe venue id and the names. It is unsigned, and so forgeable:
// off unless the operator asks for it. A code the panel cannot show at
// layout.MinModulePx pixels a module is a configuration error.
func (d *Daemon) hkenOpts(o *screen.Opts) error {
	cfg := d.cfg
	mode, err := layout.ParseHKENMode(cfg.Panel.HKEN)
	if err != nil || mode == layout.HKENOff {
		return err
	}
	code := cfg.Venue.HKEN
	if code == "" {
		code, err = hken.Encode(&hken.Venue{Code: "0", ID: cfg.Venue.ID, NameEn: cfg.Venue.NameEN, NameZh: cfg.Venue.NameZH, Type: "IMPORT"})
		if err != nil {
			return &config.Error{Key: "panel.hken", Value: cfg.Panel.HKEN, Want: `"off" until venue.hken is set: ` + err.Error()}
		}
	}
	if err := o.Layout.CheckHKEN(code, mode); err != nil {
		return &config.Error{Key: "panel.hken", Value: cfg.Panel.HKEN, Want: `"off" on this panel (` + d.hw.PanelName + "): " + err.Error()}
	}
	o.HKEN, o.HKENMode, o.HKENEvery = code, mode, cfg.Panel.HKENEvery.D
	return nil
}
