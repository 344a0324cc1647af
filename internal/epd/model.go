package epd

import (
	"fmt"
	"strings"
	"time"

	"periph.io/x/conn/v3/gpio"
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

// Model describes one panel: its size as its controller addresses it,
// and the facts a driver and the emulator need about it, as data — where
// each refresh kind's waveform comes from, the reset timing and the BUSY
// polarity. The values are from the panel vendor's reference drivers
// (Waveshare's e-Paper repository) and the controllers' datasheets.
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
	// Where each refresh kind's waveform comes from.
	FullWaveform, FastWaveform, PartialWaveform Waveform
	// Reset is the wake-up reset's timing.
	Reset ResetTiming
	// BusyLevel is the BUSY line's level while the controller works:
	// high on the SSD168x, low on the UC8179 (its BUSY_N).
	BusyLevel gpio.Level
}

// Source says where a waveform comes from.
type Source int

// Waveform sources.
const (
	// NoWaveform: the model has no such refresh.
	NoWaveform Source = iota
	// OTP: the controller's one-time-programmable memory holds it; the
	// refresh loads it (at the sensor's temperature, or a forced one).
	OTP
	// LUT: the OTP does not hold it; the driver writes it into the
	// controller's LUT registers before the refresh (the register values
	// are the controller package's data).
	LUT
)

var sourceNames = [...]string{NoWaveform: "none", OTP: "otp", LUT: "lut"}

// String returns "none", "otp" or "lut".
func (s Source) String() string {
	if s < 0 || int(s) >= len(sourceNames) {
		return fmt.Sprintf("Source(%d)", int(s))
	}
	return sourceNames[s]
}

// Waveform is where a refresh kind's waveform comes from.
type Waveform struct {
	Source Source
	// Temperature (°C), for an OTP waveform, is the temperature forced on
	// the controller to select it: the OTPs keep their short waveforms
	// in the slots of temperatures a panel never sees. 0: the sensor's.
	Temperature int
}

// ResetTiming is the wake-up reset: after the power switch turns on, the
// supply settles for Settle (RST held low) before the reset; RST is low
// for Pulse, then high for Recover before BUSY is read. The power-on
// order is always the supply, then the reset, then the controller's own
// power-up commands (the SSD168x's analog and clock enable in its update
// sequence, the UC8179's power on); power-down is the reverse, with RST
// and DC driven low before the supply is cut.
type ResetTiming struct {
	Settle, Pulse, Recover time.Duration
}

// Shorthands for the table below. The reset timings are those of the
// reset functions of Waveshare's examples (RST high, low, high again).
var (
	ssdBusy, ucBusy = gpio.High, gpio.Low
	otp             = Waveform{Source: OTP}
	lut             = Waveform{Source: LUT}
	none            = Waveform{}
)

// The kiosk's panels (Waveshare modules). Refresh times are from the
// modules' specifications at room temperature; cold panels are slower.
var (
	// Waveshare2in13V4 holds every waveform in its OTP; the fast one sits
	// at 100 °C (epd2in13_V4 init_fast).
	Waveshare2in13V4 = Model{Name: "waveshare_2in13_v4", Controller: SSD1680, Width: 122, Height: 250,
		FullTime: 2 * time.Second, FastTime: 1500 * time.Millisecond, PartialTime: 300 * time.Millisecond,
		FullWaveform: otp, FastWaveform: Waveform{OTP, 100}, PartialWaveform: otp,
		Reset: ResetTiming{20 * time.Millisecond, 2 * time.Millisecond, 20 * time.Millisecond}, BusyLevel: ssdBusy}
	// Waveshare2in9V2 has no partial waveform in its OTP (GxEPD2 calls it
	// "the Waveshare variant without partial wft in OTP"): the partial
	// refresh loads one into 0x32 (epd2in9_V2 display_Partial). It has no
	// fast refresh.
	Waveshare2in9V2 = Model{Name: "waveshare_2in9_v2", Controller: SSD1680, Width: 128, Height: 296,
		FullTime: 3 * time.Second, PartialTime: 300 * time.Millisecond,
		FullWaveform: otp, FastWaveform: none, PartialWaveform: lut,
		Reset: ResetTiming{10 * time.Millisecond, 2 * time.Millisecond, 10 * time.Millisecond}, BusyLevel: ssdBusy}
	// Waveshare4in2V2: every waveform in the OTP, the fast one at 110 °C
	// (epd4in2_V2 init_fast, 1.5 s mode).
	Waveshare4in2V2 = Model{Name: "waveshare_4in2_v2", Controller: SSD1683, Width: 400, Height: 300,
		FullTime: 4 * time.Second, FastTime: 1500 * time.Millisecond, PartialTime: 400 * time.Millisecond,
		FullWaveform: otp, FastWaveform: Waveform{OTP, 110}, PartialWaveform: otp,
		Reset: ResetTiming{100 * time.Millisecond, 2 * time.Millisecond, 100 * time.Millisecond}, BusyLevel: ssdBusy}
	// Waveshare7in5V2: every waveform in the OTP, the fast one at 90 °C
	// and the partial one at 110 °C (epd7in5_V2 init_fast, init_part).
	Waveshare7in5V2 = Model{Name: "waveshare_7in5_v2", Controller: UC8179, Width: 800, Height: 480,
		FullTime: 5 * time.Second, FastTime: 1500 * time.Millisecond, PartialTime: 400 * time.Millisecond,
		FullWaveform: otp, FastWaveform: Waveform{OTP, 90}, PartialWaveform: Waveform{OTP, 110},
		Reset: ResetTiming{20 * time.Millisecond, 2 * time.Millisecond, 20 * time.Millisecond}, BusyLevel: ucBusy}
	// Waveshare7in5V2Old is the older stock of the 7.5" V2, which the
	// vendor drives with LUTs written into the registers (epd7in5_V2_old:
	// panel setting 0x3F, LUTs 0x20–0x24) for the full and the partial
	// refresh; the driver offers no fast refresh on it.
	Waveshare7in5V2Old = Model{Name: "waveshare_7in5_v2_old", Controller: UC8179, Width: 800, Height: 480,
		FullTime: 5 * time.Second, PartialTime: 400 * time.Millisecond,
		FullWaveform: lut, FastWaveform: none, PartialWaveform: lut,
		Reset: ResetTiming{20 * time.Millisecond, 2 * time.Millisecond, 20 * time.Millisecond}, BusyLevel: ucBusy}
)

// Models lists the supported panels.
var Models = []Model{Waveshare2in13V4, Waveshare2in9V2, Waveshare4in2V2, Waveshare7in5V2, Waveshare7in5V2Old}

// ModelNames returns the configuration names of Models, in order: the
// one list of panel models that configuration, help and documentation
// are checked against.
func ModelNames() []string {
	n := make([]string, len(Models))
	for i, m := range Models {
		n[i] = m.Name
	}
	return n
}

// Lookup returns the model with the configuration name name.
func Lookup(name string) (Model, error) {
	for _, m := range Models {
		if m.Name == name {
			return m, nil
		}
	}
	return Model{}, fmt.Errorf("epd: unknown panel model %q (want one of %s)", name, strings.Join(ModelNames(), ", "))
}

// Stride returns the bytes in one native row.
func (m Model) Stride() int { return (m.Width + 7) / 8 }

// FrameBytes returns the bytes in one native frame.
func (m Model) FrameBytes() int { return m.Stride() * m.Height }

// HasFast reports whether the model has a fast full refresh.
func (m Model) HasFast() bool { return m.FastWaveform.Source != NoWaveform }

// Waveform returns where the waveform of a refresh of kind k comes from.
func (m Model) Waveform(k Refresh) Waveform {
	switch k {
	case Fast:
		return m.FastWaveform
	case Partial:
		return m.PartialWaveform
	}
	return m.FullWaveform
}

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
	case (m.FastTime > 0) != m.HasFast():
		return fmt.Errorf("epd: model %q: a fast refresh needs both a fast time and a fast waveform", m.Name)
	case m.FullWaveform.Source == NoWaveform || m.PartialWaveform.Source == NoWaveform:
		return fmt.Errorf("epd: model %q: full and partial refreshes need waveforms", m.Name)
	}
	return nil
}
