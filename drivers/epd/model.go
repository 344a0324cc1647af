package epd

import (
	"fmt"
	"time"
)

// Controller is a panel's controller IC.
type Controller int

// Controllers. SSD1680 and SSD1683 share one command set.
const (
	SSD1680 Controller = iota + 1
	SSD1683
	UC8179
)

var controllerNames = [...]string{SSD1680: "ssd1680", SSD1683: "ssd1683", UC8179: "uc8179"}

// String returns the controller's name in lower case, e.g. "ssd1680".
func (c Controller) String() string {
	if c <= 0 || int(c) >= len(controllerNames) {
		return fmt.Sprintf("Controller(%d)", int(c))
	}
	return controllerNames[c]
}

// MaxSize returns the largest native size the controller addresses
// (sources × gates).
func (c Controller) MaxSize() (w, h int) {
	switch c {
	case SSD1680:
		return 176, 296
	case SSD1683:
		return 400, 300
	case UC8179:
		return 800, 600
	}
	return 0, 0
}

// Model describes one panel as its controller addresses it.
type Model struct {
	Name       string // configuration name, e.g. "waveshare_2in13_v4"
	Controller Controller
	// Width and Height are the native size: Width along the controller's
	// sources (the RAM's X, 8 pixels a byte), Height along its gates.
	Width, Height int
	// Typical refresh times at 25 °C (panel specifications, rounded up).
	// The drivers derive their default BUSY timeouts from them. FastTime 0
	// means the model has no fast refresh.
	FullTime, FastTime, PartialTime time.Duration
	// FastTemperature is the temperature (°C) a fast refresh forces on
	// the controller: the OTP keeps its short waveform in that slot.
	FastTemperature int
}

// The kiosk's panels (Waveshare modules). Refresh times are from the
// modules' specifications at room temperature; cold panels are slower.
var (
	Waveshare2in13V4 = Model{Name: "waveshare_2in13_v4", Controller: SSD1680, Width: 122, Height: 250,
		FullTime: 2 * time.Second, FastTime: 1500 * time.Millisecond, PartialTime: 300 * time.Millisecond, FastTemperature: 100}
	Waveshare2in9V2 = Model{Name: "waveshare_2in9_v2", Controller: SSD1680, Width: 128, Height: 296,
		FullTime: 3 * time.Second, PartialTime: 300 * time.Millisecond}
	Waveshare4in2V2 = Model{Name: "waveshare_4in2_v2", Controller: SSD1683, Width: 400, Height: 300,
		FullTime: 4 * time.Second, FastTime: 1500 * time.Millisecond, PartialTime: 400 * time.Millisecond, FastTemperature: 110}
	Waveshare7in5V2 = Model{Name: "waveshare_7in5_v2", Controller: UC8179, Width: 800, Height: 480,
		FullTime: 5 * time.Second, FastTime: 1500 * time.Millisecond, PartialTime: 400 * time.Millisecond, FastTemperature: 90}
)

// Models lists the supported panels.
var Models = []Model{Waveshare2in13V4, Waveshare2in9V2, Waveshare4in2V2, Waveshare7in5V2}

// Lookup returns the model with the configuration name name.
func Lookup(name string) (Model, error) {
	for _, m := range Models {
		if m.Name == name {
			return m, nil
		}
	}
	return Model{}, fmt.Errorf("epd: unknown panel model %q", name)
}

// Stride returns the bytes in one native row.
func (m Model) Stride() int { return (m.Width + 7) / 8 }

// FrameBytes returns the bytes in one native frame.
func (m Model) FrameBytes() int { return m.Stride() * m.Height }

// HasFast reports whether the model has a fast full refresh.
func (m Model) HasFast() bool { return m.FastTime > 0 }

// String returns the model's name.
func (m Model) String() string { return m.Name }

// Validate checks that m names a known controller and fits it.
func (m Model) Validate() error {
	mw, mh := m.Controller.MaxSize()
	switch {
	case mw == 0:
		return fmt.Errorf("epd: model %q: unknown controller %v", m.Name, m.Controller)
	case m.Width < 8 || m.Height < 8 || m.Width > mw || m.Height > mh:
		return fmt.Errorf("epd: model %q: %d×%d does not fit %v (8×8 to %d×%d)", m.Name, m.Width, m.Height, m.Controller, mw, mh)
	case m.Controller == UC8179 && m.Width%8 != 0:
		return fmt.Errorf("epd: model %q: uc8179 width %d is not a multiple of 8", m.Name, m.Width)
	case m.FullTime <= 0 || m.PartialTime <= 0 || m.FastTime < 0:
		return fmt.Errorf("epd: model %q: refresh times must be positive", m.Name)
	}
	return nil
}
