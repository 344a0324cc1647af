package indicatortest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/indicator"
)

func TestRecorder(t *testing.T) {
	var r Recorder
	if _, ok := r.Last(); ok {
		t.Error("Last on a new recorder: got ok")
	}
	if got := r.State(); got != (indicator.State{}) {
		t.Errorf("State on a new recorder: got %+v", got)
	}
	r.Show(indicator.Green)
	r.Show(indicator.Red)
	if got, want := r.Shown(), []indicator.Signal{indicator.Green, indicator.Red}; !slices.Equal(got, want) {
		t.Errorf("Shown: got %v, want %v", got, want)
	}
	if s, ok := r.Last(); !ok || s != indicator.Red {
		t.Errorf("Last: got %v, %v; want red, true", s, ok)
	}
	if got, want := r.State(), (indicator.State{Signal: indicator.Red, Red: true}); got != want {
		t.Errorf("State: got %+v, want %+v", got, want)
	}
	r.SelfTestErr = errors.New("no buzzer")
	if err := r.SelfTest(context.Background()); !errors.Is(err, r.SelfTestErr) {
		t.Errorf("SelfTest: got %v, want %v", err, r.SelfTestErr)
	}
	if got := r.SelfTests(); got != 1 {
		t.Errorf("SelfTests: got %d, want 1", got)
	}
	r.Reset()
	if got := r.Count(); got != 0 || len(r.Shown()) != 0 || r.SelfTests() != 0 {
		t.Errorf("after Reset: count %d, shown %v, self-tests %d", got, r.Shown(), r.SelfTests())
	}
	if err := r.Close(); err != nil || !r.Closed() {
		t.Errorf("Close: %v, Closed %v", err, r.Closed())
	}
	r.Show(indicator.Amber)
	if got := r.Count(); got != 0 {
		t.Errorf("Show after Close was recorded: count %d", got)
	}
	if err := r.SelfTest(context.Background()); !errors.Is(err, indicator.ErrClosed) {
		t.Errorf("SelfTest after Close: got %v, want ErrClosed", err)
	}
}

func TestRecorderBounded(t *testing.T) {
	var r Recorder
	for i := range MaxRecorded + 10 {
		r.Show(indicator.Signal(i % 7))
	}
	got := r.Shown()
	if len(got) != MaxRecorded || r.Count() != MaxRecorded+10 {
		t.Fatalf("got %d kept, %d counted; want %d, %d", len(got), r.Count(), MaxRecorded, MaxRecorded+10)
	}
	if got[0] != indicator.Signal(10%7) {
		t.Errorf("oldest kept: got %v, want %v", got[0], indicator.Signal(10%7))
	}
}

func TestRecorderWait(t *testing.T) {
	var r Recorder
	go func() {
		r.Show(indicator.Amber)
		r.Show(indicator.Notice)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second) // a hang guard
	defer cancel()
	got, err := r.Wait(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []indicator.Signal{indicator.Amber, indicator.Notice}; !slices.Equal(got, want) {
		t.Errorf("Wait: got %v, want %v", got, want)
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := r.Wait(ctx2, 3); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait for a signal never shown: got %v, want context.Canceled", err)
	}
}
