package indicator

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"
)

func hk(t *testing.T) *Profile {
	t.Helper()
	p, err := ProfileByName(ProfileHK)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestInterrupt: a newer signal cuts the pattern short at once; the old
// pattern's timer is stopped and none of its beeps follow.
func TestInterrupt(t *testing.T) {
	h := newHarness(t, Opts{Profile: hk(t)}, nil)
	h.show(Green)
	if got, want := h.awaitArmed(), 150*time.Millisecond; got != want {
		t.Fatalf("first green step: got %v, want %v", got, want)
	}
	h.clk.Advance(100 * time.Millisecond) // mid-tone
	h.show(Red)
	h.settle()
	diff(t, "timeline", h.tl.take(), []string{
		"0s green High", "0s buzzer High",
		// Red at 100ms: lights at once, a short silence so the tones do not merge.
		"100ms green Low", "100ms red High", "100ms buzzer Low",
		"140ms buzzer High", "260ms buzzer Low",
		"340ms buzzer High", "460ms buzzer Low",
		"540ms buzzer High", "660ms buzzer Low",
		"740ms buzzer High", "860ms buzzer Low",
		"940ms buzzer High", "1.06s buzzer Low",
		"3.1s red Low", // the hold counts from Show
	})
	if got := h.clk.live(); got != 0 {
		t.Errorf("live timers: got %d, want 0 (the green timer must be stopped)", got)
	}
}

// TestInterruptSilent: when nothing sounds, the new signal starts at once,
// with no gap.
func TestInterruptSilent(t *testing.T) {
	h := newHarness(t, Opts{Profile: hk(t)}, nil)
	h.show(Green)
	h.awaitArmed()
	h.clk.Advance(150 * time.Millisecond)
	if got, want := h.awaitArmed(), 100*time.Millisecond; got != want { // the silence between the two tones
		t.Fatalf("second green step: got %v, want %v", got, want)
	}
	h.show(Amber)
	h.settle()
	diff(t, "timeline", h.tl.take(), []string{
		"0s green High", "0s buzzer High", "150ms buzzer Low",
		"150ms green Low", "150ms amber High", "150ms buzzer High", "450ms buzzer Low",
		"3.15s amber Low",
	})
}

// TestNewestWins: signals that arrive while the device is busy are not
// queued: only the newest is played.
func TestNewestWins(t *testing.T) {
	h := newHarness(t, Opts{Profile: hk(t)}, nil)
	h.g.entered, h.g.gate = make(chan struct{}), make(chan struct{})
	h.show(Green)
	<-h.g.entered // the loop is stuck writing the green light
	h.show(Amber)
	h.show(Red)
	close(h.g.gate)
	if got, want := h.awaitArmed(), 150*time.Millisecond; got != want {
		t.Fatalf("green step: got %v, want %v", got, want)
	}
	if got, want := h.awaitArmed(), InterruptGap; got != want {
		t.Fatalf("after green: got a %v timer, want the %v gap before red", got, want)
	}
	h.clk.Advance(InterruptGap)
	h.settle()
	ev := h.tl.take()
	for _, e := range ev {
		if strings.Contains(e, "amber") {
			t.Errorf("amber was played though red superseded it: %q", ev)
			break
		}
	}
	diff(t, "timeline", ev[:6], []string{
		"0s green High", "0s buzzer High",
		"0s green Low", "0s red High", "0s buzzer Low",
		"40ms buzzer High",
	})
	if got, want := ev[len(ev)-1], "3s red Low"; got != want {
		t.Errorf("last write: got %q, want %q", got, want)
	}
}

// TestHold: lights stay for the hold time from the start of the signal,
// or until the pattern ends if that is later, then all is idle.
func TestHold(t *testing.T) {
	for _, tt := range []struct {
		name string
		hold time.Duration
		sig  Signal
		last string
	}{
		{"1s", time.Second, Green, "1s green Low"},
		{"default", 0, Green, "3s green Low"},
		{"10s", 10 * time.Second, Amber, "10s amber Low"},
		{"shorter than the pattern", 500 * time.Millisecond, Red, "1.6s red Low"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Opts{Hold: tt.hold}, nil)
			h.show(tt.sig)
			h.awaitArmed()
			st := h.dev.State()
			if st.Signal != tt.sig || st.Lights() == 0 || !st.Buzzer {
				t.Errorf("State during the pattern: got %+v, want %v with a light and the buzzer on", st, tt.sig)
			}
			h.clk.Advance(h.dev.prof.Patterns[tt.sig].Steps[0].D)
			h.settle()
			ev := h.tl.take()
			light := strings.Fields(tt.last)[1]
			var got string
			for _, e := range ev {
				if strings.Contains(e, light) {
					got = e
				}
			}
			if got != tt.last {
				t.Errorf("last %s write: got %q, want %q (all: %q)", light, got, tt.last, ev)
			}
			if got, want := h.dev.State(), (State{}); got != want {
				t.Errorf("State after the hold: got %+v, want %+v", got, want)
			}
		})
	}
}

// TestShowIdle clears everything at once.
func TestShowIdle(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.show(Red)
	h.awaitArmed()
	h.show(Idle)
	h.settle()
	diff(t, "timeline", h.tl.take(), []string{"0s red High", "0s buzzer High", "0s red Low", "0s buzzer Low"})
	if got, want := h.dev.State(), (State{}); got != want {
		t.Errorf("State: got %+v, want %+v", got, want)
	}
}

// TestQuietHours: the buzzer is muted during quiet hours; the lights are not.
func TestQuietHours(t *testing.T) {
	q, err := ParseQuietHours("22:00-07:00")
	if err != nil {
		t.Fatal(err)
	}
	day := func(h, m int) func() time.Time {
		return func() time.Time { return time.Date(2026, 11, 23, h, m, 0, 0, time.UTC) }
	}
	loud := []string{"0s green High", "0s buzzer High", "250ms buzzer Low", "3s green Low"}
	quiet := []string{"0s green High", "3s green Low"}
	for _, tt := range []struct {
		name  string
		now   func() time.Time
		muted bool
		want  []string
	}{
		{"21:59", day(21, 59), false, loud},
		{"22:00", day(22, 0), true, quiet},
		{"03:00", day(3, 0), true, quiet},
		{"06:59", day(6, 59), true, quiet},
		{"07:00", day(7, 0), false, loud},
		{"12:00", day(12, 0), false, loud},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Opts{Quiet: q, Now: tt.now}, nil)
			h.show(Green)
			h.awaitArmed()
			if got := h.dev.State().Muted; got != tt.muted {
				t.Errorf("State().Muted: got %v, want %v", got, tt.muted)
			}
			h.clk.Advance(250 * time.Millisecond)
			h.settle()
			diff(t, "timeline", h.tl.take(), tt.want)
		})
	}
	t.Run("passive quieter", func(t *testing.T) {
		h := newHarness(t, Opts{Quiet: q, Now: day(23, 0), Buzzer: PassiveBuzzer, QuietDuty: gpio.DutyMax / 10}, nil)
		h.show(Green)
		h.settle()
		diff(t, "timeline", h.tl.take(), []string{"0s green High", "0s buzzer PWM 10% 2.700kHz", "250ms buzzer Low", "3s green Low"})
	})
	t.Run("no quiet hours", func(t *testing.T) {
		h := newHarness(t, Opts{Now: day(3, 0)}, nil)
		h.show(Green)
		h.settle()
		diff(t, "timeline", h.tl.take(), loud)
	})
}

// TestActiveLow: per-pin polarity, from New to Close.
func TestActiveLow(t *testing.T) {
	h := newHarness(t, Opts{ActiveLow: LightGreen | LightRed, BuzzerActiveLow: true}, nil)
	diff(t, "New", h.init, []string{"0s green High", "0s amber Low", "0s red High", "0s buzzer High"})
	h.show(Green)
	h.awaitArmed()
	if got, want := h.g.Read(), gpio.Low; got != want {
		t.Errorf("green pin while lit: got %v, want %v", got, want)
	}
	if got := h.dev.State(); !got.Green || !got.Buzzer {
		t.Errorf("State: got %+v, want green and buzzer on", got)
	}
	h.clk.Advance(250 * time.Millisecond)
	h.settle()
	diff(t, "timeline", h.tl.take(), []string{"0s green Low", "0s buzzer Low", "250ms buzzer High", "3s green High"})
	if err := h.dev.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*recPin{h.g, h.a, h.r, h.bz} {
		want := gpio.High
		if p == h.a {
			want = gpio.Low
		}
		if got := p.Read(); got != want {
			t.Errorf("%s after Close: got %v, want %v (off)", p.N, got, want)
		}
	}
	t.Run("passive", func(t *testing.T) {
		h := newHarness(t, Opts{Buzzer: PassiveBuzzer, BuzzerActiveLow: true, Duty: gpio.DutyMax / 4}, nil)
		h.show(Green)
		h.settle()
		diff(t, "timeline", h.tl.take(), []string{"0s green High", "0s buzzer PWM 75% 2.700kHz", "250ms buzzer High", "3s green Low"})
	})
}

// TestPWMFallback: a pin that refuses PWM is switched on and off instead,
// and the log says so once.
func TestPWMFallback(t *testing.T) {
	h := newHarness(t, Opts{Profile: hk(t), Buzzer: PassiveBuzzer}, func(h *harness) {
		h.bz.pwmErr = errors.New("PWM() not implemented")
	})
	h.show(Green)
	h.settle()
	diff(t, "first", h.tl.take(), []string{
		"0s green High", "0s buzzer PWM refused", "0s buzzer High", "150ms buzzer Low",
		"250ms buzzer High", "400ms buzzer Low", "3s green Low"})
	h.show(Amber)
	h.settle()
	diff(t, "second", h.tl.take(), []string{"3s amber High", "3s buzzer High", "3.3s buzzer Low", "6s amber Low"})
	if got, want := strings.Count(h.logText(), "refuses PWM"), 1; got != want {
		t.Errorf("fallback logged %d times, want %d; log:\n%s", got, want, h.logText())
	}
	if !h.dev.State().PWMFallback {
		t.Error("State().PWMFallback: got false, want true")
	}
}

// TestMissingOutputs: outputs not fitted are skipped.
func TestMissingOutputs(t *testing.T) {
	h := newHarness(t, Opts{}, func(h *harness) { h.a, h.bz = nil, nil })
	diff(t, "New", h.init, []string{"0s green Low", "0s red Low"})
	h.show(Amber) // no amber light, no buzzer: nothing to write
	h.settle()
	if st := h.dev.State(); st != (State{}) {
		t.Errorf("State: got %+v, want nothing shown", st)
	}
	h.show(Red)
	h.settle()
	diff(t, "timeline", h.tl.take(), []string{"3s red High", "6s red Low"})
}

// TestPinWriteErrors: a failing pin is counted, logged once, and does not
// stop the other outputs.
func TestPinWriteErrors(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.r.outErr = errors.New("line busy")
	for range 2 {
		h.show(Red)
		h.settle()
	}
	diff(t, "timeline", h.tl.take(), []string{
		"0s buzzer High", "400ms buzzer Low", "600ms buzzer High", "1s buzzer Low", "1.2s buzzer High", "1.6s buzzer Low",
		"3s buzzer High", "3.4s buzzer Low", "3.6s buzzer High", "4s buzzer Low", "4.2s buzzer High", "4.6s buzzer Low"})
	// Each step that wants red on tries again (a busy line may recover):
	// five steps and the rest, twice.
	if got, want := h.dev.State().PinErrors, uint64(12); got != want {
		t.Errorf("PinErrors: got %d, want %d", got, want)
	}
	if got, want := strings.Count(h.logText(), "pin write failed"), 1; got != want {
		t.Errorf("logged %d times, want %d", got, want)
	}
}

// TestUnknownSignal is refused without touching the pins.
func TestUnknownSignal(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.dev.Show(numSignals)
	h.dev.Show(255)
	if h.dev.seq != 0 {
		t.Errorf("unknown signals were submitted: %d", h.dev.seq)
	}
	if got, want := strings.Count(h.logText(), "unknown signal"), 2; got != want {
		t.Errorf("logged %d times, want %d", got, want)
	}
}

func TestSelfTest(t *testing.T) {
	want := []string{
		"0s green High", "300ms green Low", "300ms amber High", "600ms amber Low", "600ms red High",
		"900ms red Low", "900ms buzzer High", "1.2s buzzer Low"}
	night := func() time.Time { return time.Date(2026, 11, 23, 23, 0, 0, 0, time.UTC) }
	q, err := ParseQuietHours("22:00-07:00")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		opts Opts
		want []string
	}{
		{"active", Opts{}, want},
		{"during quiet hours", Opts{Quiet: q, Now: night}, want},
		{"passive", Opts{Buzzer: PassiveBuzzer}, append(want[:6:6], "900ms buzzer PWM 50% 2.700kHz", "1.2s buzzer Low")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.opts, nil)
			done := make(chan error, 1)
			h.n++
			go func() { done <- h.dev.SelfTest(context.Background()) }()
			h.settle()
			if err := recvErr(t, done); err != nil {
				t.Errorf("SelfTest: %v", err)
			}
			diff(t, "timeline", h.tl.take(), tt.want)
		})
	}
	t.Run("interrupted", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		done := make(chan error, 1)
		go func() { done <- h.dev.SelfTest(context.Background()) }()
		h.awaitArmed()
		if st := h.dev.State(); !st.SelfTest || !st.Green {
			t.Errorf("State during the self-test: got %+v, want SelfTest and green", st)
		}
		h.dev.Show(Green)
		if err := recvErr(t, done); !errors.Is(err, ErrInterrupted) {
			t.Errorf("SelfTest: got %v, want ErrInterrupted", err)
		}
	})
	t.Run("superseded before it started", func(t *testing.T) {
		for _, then := range []string{"show", "close"} {
			h := newHarness(t, Opts{}, nil)
			h.g.entered, h.g.gate = make(chan struct{}), make(chan struct{})
			h.dev.Show(Green)
			<-h.g.entered // the loop is busy: the self-test stays pending
			done := make(chan error, 1)
			go func() { done <- h.dev.SelfTest(context.Background()) }()
			for h.dev.pendingTest() == false {
				runtime.Gosched()
			}
			want := ErrInterrupted
			if then == "show" {
				h.dev.Show(Red)
				close(h.g.gate)
			} else {
				close(h.g.gate)
				h.dev.Close()
				want = ErrClosed
			}
			if err := recvErr(t, done); !errors.Is(err, want) {
				t.Errorf("%s: SelfTest: got %v, want %v", then, err, want)
			}
		}
	})
	t.Run("pin error", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		h.a.outErr = errors.New("line busy")
		done := make(chan error, 1)
		h.n++
		go func() { done <- h.dev.SelfTest(context.Background()) }()
		h.settle()
		err := recvErr(t, done)
		if err == nil || !strings.Contains(err.Error(), "amber light amber: line busy") {
			t.Errorf("SelfTest: got %v, want the amber pin's error", err)
		}
	})
	t.Run("context", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := h.dev.SelfTest(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("SelfTest: got %v, want context.Canceled", err)
		}
	})
	t.Run("closed", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		h.dev.Close()
		if err := h.dev.SelfTest(context.Background()); !errors.Is(err, ErrClosed) {
			t.Errorf("SelfTest: got %v, want ErrClosed", err)
		}
	})
}

func TestClose(t *testing.T) {
	h := newHarness(t, Opts{}, nil)
	h.show(Red)
	h.awaitArmed()
	if err := h.dev.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	h.dev.Show(Green) // ignored
	if err := h.dev.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	diff(t, "timeline", h.tl.take(), []string{
		"0s red High", "0s buzzer High",
		"0s green Low", "0s amber Low", "0s red Low", "0s buzzer Low"})
	if got, want := h.dev.State(), (State{}); got != want {
		t.Errorf("State: got %+v, want %+v", got, want)
	}
	t.Run("pin error", func(t *testing.T) {
		h := newHarness(t, Opts{}, nil)
		h.bz.outErr = errors.New("gone")
		if err := h.dev.Close(); err == nil || !strings.Contains(err.Error(), "buzzer buzzer: gone") {
			t.Errorf("Close: got %v, want the buzzer's error", err)
		}
	})
}

func TestNewBadInputs(t *testing.T) {
	pin := func(n string) *gpiotest.Pin { return &gpiotest.Pin{N: n} }
	ok := Pins{Green: pin("g"), Amber: pin("a"), Red: pin("r"), Buzzer: pin("b")}
	badProfile, err := ProfileByName(ProfileDefault)
	if err != nil {
		t.Fatal(err)
	}
	delete(badProfile.Patterns, Red)
	for _, tt := range []struct {
		name string
		pins Pins
		opts Opts
		want string
	}{
		{"no pins", Pins{}, Opts{}, "no pins"},
		{"same pin twice", Pins{Green: pin("GPIO5"), Red: pin("GPIO5")}, Opts{}, `green light and the red light are both pin "GPIO5"`},
		{"hold too short", ok, Opts{Hold: time.Millisecond}, "hold 1ms"},
		{"hold negative", ok, Opts{Hold: -time.Second}, "hold -1s"},
		{"hold too long", ok, Opts{Hold: time.Hour}, "hold 1h0m0s"},
		{"unknown active-low bits", ok, Opts{ActiveLow: 0x80}, "active-low lights 0x80"},
		{"buzzer kind", ok, Opts{Buzzer: 7}, "buzzer kind 7"},
		{"duty too big", ok, Opts{Duty: gpio.DutyMax + 1}, "duty"},
		{"quiet duty above duty", ok, Opts{Duty: gpio.DutyHalf, QuietDuty: gpio.DutyMax}, "quiet duty"},
		{"bad profile", ok, Opts{Profile: badProfile}, "no pattern for red"},
		{"pin fails", Pins{Green: &recPin{Pin: pin("g"), outErr: errors.New("EBUSY")}}, Opts{}, "green light g: EBUSY"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(tt.pins, &tt.opts)
			if err == nil {
				d.Close()
				t.Fatalf("New: got no error, want %q", tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: got %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestNewDefaults runs New with nil options on plain gpiotest pins and real
// timers, and checks that a signal reaches the pin.
func TestNewDefaults(t *testing.T) {
	g := &gpiotest.Pin{N: "g", L: gpio.High}
	d, err := New(Pins{Green: g}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got, want := g.Read(), gpio.Low; got != want {
		t.Errorf("after New: got %v, want %v", got, want)
	}
	if got, want := d.String(), "indicator(default)"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}
	d.Show(Green)
	deadline := time.Now().Add(10 * time.Second) // a hang guard only
	for d.State().Signal != Green && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if got, want := g.Read(), gpio.High; got != want {
		t.Errorf("after Show(Green): got %v, want %v", got, want)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if got, want := g.Read(), gpio.Low; got != want {
		t.Errorf("after Close: got %v, want %v", got, want)
	}
}

func TestStateJSON(t *testing.T) {
	b, err := json.Marshal(State{Signal: Amber, Amber: true, Buzzer: true, ToneHz: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"signal":"amber","green":false,"amber":true,"red":false,"buzzer":true,"tone_hz":2000}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := json.Marshal(State{Signal: 99}); err == nil {
		t.Error("an unknown signal marshalled without error")
	}
}

func TestStateToneHz(t *testing.T) {
	h := newHarness(t, Opts{Buzzer: PassiveBuzzer, Profile: hk(t)}, nil)
	h.show(Red)
	h.awaitArmed()
	if got, want := h.dev.State().ToneHz, int64(1500); got != want {
		t.Errorf("ToneHz: got %d, want %d", got, want)
	}
}

// recvErr waits for a SelfTest's result.
func recvErr(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second): // a hang guard, not a timing assertion
		t.Fatal("SelfTest did not return")
	}
	return nil
}
