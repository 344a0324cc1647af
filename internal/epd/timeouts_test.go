package epd

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultTimeouts(t *testing.T) {
	for _, tt := range []struct {
		m    Model
		want Timeouts
	}{
		{Waveshare2in13V4, Timeouts{time.Second, 6 * time.Second, 4500 * time.Millisecond, 2 * time.Second}},
		{Waveshare2in9V2, Timeouts{time.Second, 9 * time.Second, 9 * time.Second, 2 * time.Second}},
		{Waveshare7in5V2, Timeouts{time.Second, 15 * time.Second, 4500 * time.Millisecond, 2 * time.Second}},
	} {
		t.Run(tt.m.Name, func(t *testing.T) {
			if got := defaultTimeouts(tt.m); got != tt.want {
				t.Errorf("defaultTimeouts(%s) = %+v, want %+v", tt.m.Name, got, tt.want)
			}
		})
	}
}

func TestResolveTimeouts(t *testing.T) {
	got, err := Timeouts{Partial: 50 * time.Millisecond}.resolve(Waveshare4in2V2)
	if err != nil {
		t.Fatal(err)
	}
	want := Timeouts{time.Second, 12 * time.Second, 4500 * time.Millisecond, 50 * time.Millisecond}
	if got != want {
		t.Errorf("resolve = %+v, want %+v", got, want)
	}
	if got.For(Full) != want.Full || got.For(Fast) != want.Fast || got.For(Partial) != want.Partial {
		t.Errorf("For: %v %v %v", got.For(Full), got.For(Fast), got.For(Partial))
	}
	for _, bad := range []Timeouts{{Command: -time.Second}, {Full: time.Microsecond}, {Fast: time.Hour}} {
		if _, err := bad.resolve(Waveshare4in2V2); err == nil || !strings.Contains(err.Error(), "timeout") {
			t.Errorf("resolve(%+v) error = %v", bad, err)
		}
	}
}
