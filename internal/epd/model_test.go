package epd

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
)

func TestLookup(t *testing.T) {
	for _, tt := range []struct {
		name         string
		c            Controller
		w, h, stride int
		fast         bool
		full, part   Source
		busy         gpio.Level
	}{
		{"waveshare_2in13_v4", SSD1680, 122, 250, 16, true, OTP, OTP, gpio.High},
		{"waveshare_2in9_v2", SSD1680, 128, 296, 16, false, OTP, LUT, gpio.High},
		{"waveshare_4in2_v2", SSD1683, 400, 300, 50, true, OTP, OTP, gpio.High},
		{"waveshare_7in5_v2", UC8179, 800, 480, 100, true, OTP, OTP, gpio.Low},
		{"waveshare_7in5_v2_old", UC8179, 800, 480, 100, false, LUT, LUT, gpio.Low},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Lookup(tt.name)
			if err != nil {
				t.Fatalf("Lookup(%q): %v", tt.name, err)
			}
			if m.Controller != tt.c || m.Width != tt.w || m.Height != tt.h || m.Stride() != tt.stride || m.HasFast() != tt.fast {
				t.Errorf("Lookup(%q) = %v %d×%d stride %d fast %v, want %v %d×%d stride %d fast %v",
					tt.name, m.Controller, m.Width, m.Height, m.Stride(), m.HasFast(), tt.c, tt.w, tt.h, tt.stride, tt.fast)
			}
			if m.Waveform(Full).Source != tt.full || m.Waveform(Partial).Source != tt.part || m.BusyLevel != tt.busy {
				t.Errorf("%s: full %v, partial %v, BUSY %v while busy; want %v, %v, %v",
					tt.name, m.Waveform(Full).Source, m.Waveform(Partial).Source, m.BusyLevel, tt.full, tt.part, tt.busy)
			}
			if r := m.Reset; r.Pulse <= 0 || r.Recover <= 0 || r.Settle <= 0 {
				t.Errorf("%s: reset timing %+v", tt.name, r)
			}
			if got, want := m.FrameBytes(), tt.stride*tt.h; got != want {
				t.Errorf("%s.FrameBytes() = %d, want %d", tt.name, got, want)
			}
			if err := m.Validate(); err != nil {
				t.Errorf("%s.Validate() = %v", tt.name, err)
			}
		})
	}
	for _, bad := range []string{"", "none", "kindle", "WAVESHARE_2IN13_V4"} {
		want := "unknown panel model " + strconv.Quote(bad) + " (want one of " + strings.Join(ModelNames(), ", ") + ")"
		if _, err := Lookup(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup(%q) error = %v, want %q", bad, err, want)
		}
	}
}

// ModelNames is Models' names, in order, and every one looks up.
func TestModelNames(t *testing.T) {
	got := ModelNames()
	if len(got) != len(Models) {
		t.Fatalf("ModelNames() = %q, want %d names", got, len(Models))
	}
	for i, n := range got {
		if n != Models[i].Name {
			t.Errorf("ModelNames()[%d] = %q, want %q", i, n, Models[i].Name)
		}
		if m, err := Lookup(n); err != nil || m.Name != n {
			t.Errorf("Lookup(%q) = %v, %v", n, m, err)
		}
	}
	got[0] = "changed"
	if ModelNames()[0] != Models[0].Name {
		t.Error("ModelNames returns Models' own storage")
	}
}

func TestValidate(t *testing.T) {
	ok := Model{Name: "x", Controller: SSD1680, Width: 100, Height: 100, FullTime: time.Second, PartialTime: time.Second,
		FullWaveform: Waveform{Source: OTP}, PartialWaveform: Waveform{Source: LUT}}
	for _, tt := range []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"no controller", func(m *Model) { m.Controller = 0 }, "unknown controller"},
		{"bad controller", func(m *Model) { m.Controller = 9 }, "unknown controller"},
		{"too wide for ssd1680", func(m *Model) { m.Width = 177 }, "does not fit"},
		{"too tall for ssd1683", func(m *Model) { m.Controller, m.Height = SSD1683, 301 }, "does not fit"},
		{"too small", func(m *Model) { m.Width = 7 }, "does not fit"},
		{"uc8179 odd width", func(m *Model) { m.Controller, m.Width = UC8179, 801-8 }, "multiple of 8"},
		{"no full time", func(m *Model) { m.FullTime = 0 }, "positive"},
		{"negative fast time", func(m *Model) { m.FastTime = -1 }, "positive"},
		{"fast time without a waveform", func(m *Model) { m.FastTime = time.Second }, "fast waveform"},
		{"fast waveform without a time", func(m *Model) { m.FastWaveform.Source = OTP }, "fast waveform"},
		{"no partial waveform", func(m *Model) { m.PartialWaveform = Waveform{} }, "need waveforms"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			if err := m.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
			}
		})
	}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate(%+v) = %v", ok, err)
	}
}

func TestNames(t *testing.T) {
	for _, tt := range []struct {
		got, want string
	}{
		{SSD1680.String(), "ssd1680"},
		{SSD1683.String(), "ssd1683"},
		{UC8179.String(), "uc8179"},
		{Controller(0).String(), "Controller(0)"},
		{Controller(7).String(), "Controller(7)"},
		{Full.String(), "full"},
		{Fast.String(), "fast"},
		{Partial.String(), "partial"},
		{Refresh(0).String(), "Refresh(0)"},
		{Waveshare7in5V2.String(), "waveshare_7in5_v2"},
		{OTP.String(), "otp"},
		{LUT.String(), "lut"},
		{NoWaveform.String(), "none"},
		{Source(9).String(), "Source(9)"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
