package scanner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/drivers/scanner/ptysim"
)

// deadline bounds every wait: generous, for a loaded 2-core machine. No
// test asserts how long anything took.
const deadline = 10 * time.Second

func newSim(t testing.TB) *ptysim.Sim {
	t.Helper()
	s, err := ptysim.New(filepath.Join(t.TempDir(), "scanner"))
	if err != nil {
		t.Fatalf("ptysim.New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// start runs a Dev until the test ends, then checks that Close stops it.
func start(t testing.TB, o Opts) *Dev {
	t.Helper()
	if o.Logger == nil {
		o.Logger = quiet
	}
	if o.BackoffMin == 0 {
		o.BackoffMin, o.BackoffMax = 10*time.Millisecond, 200*time.Millisecond
	}
	d, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- d.Run(context.Background()) }()
	t.Cleanup(func() {
		d.Close()
		select {
		case err := <-errc:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(deadline):
			t.Errorf("Run still running %v after Close", deadline)
		}
	})
	return d
}

// waitEvent reads events until one of kind comes.
func waitEvent(t testing.TB, d *Dev, kind EventKind) Event {
	t.Helper()
	timeout := time.After(deadline)
	for {
		select {
		case e, ok := <-d.Events():
			if !ok {
				t.Fatalf("events closed while waiting for %v", kind)
			}
			if e.Kind == kind {
				return e
			}
		case <-timeout:
			t.Fatalf("no %v event within %v; state %+v", kind, deadline, d.State())
		}
	}
}

func nextFrame(t testing.TB, d *Dev) Frame {
	t.Helper()
	select {
	case f, ok := <-d.Frames():
		if !ok {
			t.Fatal("frames closed")
		}
		return f
	case <-time.After(deadline):
		t.Fatalf("no frame within %v; stats %+v", deadline, d.Stats())
	}
	return Frame{}
}

func write(t testing.TB, s *ptysim.Sim, p []byte) {
	t.Helper()
	if _, err := s.Write(p); err != nil {
		t.Fatalf("sim write: %v", err)
	}
}

func TestDevFramingOverPTY(t *testing.T) {
	type fr struct{ data, sym string }
	bytewise := func(s string) [][]byte {
		var out [][]byte
		for i := range len(s) {
			out = append(out, []byte{s[i]})
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		opts   FrameOpts
		writes [][]byte
		want   []fr
	}{
		{"cr", FrameOpts{Terminator: CR}, [][]byte{[]byte("HC1:ABC\r")}, []fr{{"HC1:ABC", ""}}},
		{"lf", FrameOpts{Terminator: LF}, [][]byte{[]byte("HC1:ABC\n")}, []fr{{"HC1:ABC", ""}}},
		{"crlf", FrameOpts{Terminator: CRLF}, [][]byte{[]byte("HC1:A\rB\r\nshc:/1\r\n")}, []fr{{"HC1:A\rB", ""}, {"shc:/1", ""}}},
		{"aim stripped", FrameOpts{StripAIM: true}, [][]byte{[]byte("]Q1HC1:X\r]d2DM\r]Q3shc:/9\r")}, []fr{{"HC1:X", "]Q1"}, {"DM", "]d2"}, {"shc:/9", "]Q3"}}},
		{"aim kept when off", FrameOpts{}, [][]byte{[]byte("]Q1HC1:X\r")}, []fr{{"]Q1HC1:X", ""}}},
		{"several frames in one write", FrameOpts{}, [][]byte{[]byte("one\rtwo\rthree\r")}, []fr{{"one", ""}, {"two", ""}, {"three", ""}}},
		{"one frame over many writes", FrameOpts{Terminator: CRLF}, bytewise("HC1:SPLIT-FRAME\r\n"), []fr{{"HC1:SPLIT-FRAME", ""}}},
		{"20 KiB frame discarded", FrameOpts{}, [][]byte{bytes.Repeat([]byte("A"), 20<<10), []byte("\rnext\r")}, []fr{{"next", ""}}},
		{"idle", FrameOpts{Terminator: Idle, IdleGap: 300 * time.Millisecond, StripAIM: true}, [][]byte{[]byte("]Q1AB"), []byte("CD")}, []fr{{"ABCD", "]Q1"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sim := newSim(t)
			d := start(t, Opts{Path: sim.Path(), FrameOpts: tt.opts})
			waitEvent(t, d, Connected)
			for _, w := range tt.writes {
				write(t, sim, w)
			}
			var got []Frame
			for range tt.want {
				got = append(got, nextFrame(t, d))
			}
			var want []Frame
			for _, w := range tt.want {
				want = append(want, Frame{Data: []byte(w.data), Symbology: w.sym})
			}
			if show(got) != show(want) {
				t.Errorf("frames: got %s, want %s", show(got), show(want))
			}
			for _, f := range got {
				if f.At.IsZero() {
					t.Errorf("frame %q has no time", f.Data)
				}
			}
		})
	}
}

func TestDevOverlongCounted(t *testing.T) {
	sim := newSim(t)
	d := start(t, Opts{Path: sim.Path()})
	waitEvent(t, d, Connected)
	write(t, sim, bytes.Repeat([]byte{'9'}, 20<<10))
	write(t, sim, []byte("\rHC1:OK\r"))
	if f := nextFrame(t, d); string(f.Data) != "HC1:OK" {
		t.Errorf("frame after the over-long one: got %q, want %q", f.Data, "HC1:OK")
	}
	if got, want := d.Stats().Overlong, uint64(1); got != want {
		t.Errorf("over-long frames: got %d, want %d", got, want)
	}
}

func TestDevIdleGapSeparates(t *testing.T) {
	sim := newSim(t)
	d := start(t, Opts{Path: sim.Path(), FrameOpts: FrameOpts{Terminator: Idle, IdleGap: 20 * time.Millisecond}})
	waitEvent(t, d, Connected)
	for _, want := range []string{"first\r\n", "second", "third\x00"} {
		write(t, sim, []byte(want))
		if f := nextFrame(t, d); string(f.Data) != want {
			t.Errorf("frame: got %q, want %q", f.Data, want)
		}
	}
}

// TestDevGarbage sends random bytes, with every control character, and
// checks that the driver frames them exactly as the pure Reader does, that
// every frame is bounded, and that a scan after them still reads.
func TestDevGarbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		switch i % 1000 {
		case 0:
			garbage[i] = '\r'
		case 1, 2:
			garbage[i] = []byte{0x00, 0xff, 0x03, 0x04, 0x11, 0x13, 0x1a, 0x7f}[rng.IntN(8)]
		default:
			garbage[i] = byte(rng.IntN(256))
		}
	}
	// Long runs without a CR, to hit the cap.
	for i := 20000; i < 40000; i++ {
		if garbage[i] == '\r' {
			garbage[i] = 0
		}
	}
	tail := []byte("\rHC1:AFTER\r")
	in := append(append([]byte{}, garbage...), tail...)

	s := &script{chunks: [][]byte{in}}
	r, err := NewReader(s, FrameOpts{Terminator: CR, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	want := readAll(t, r, s)
	if len(want) < 10 || string(want[len(want)-1].Data) != "HC1:AFTER" {
		t.Fatalf("reference framing: %d frames, last %q; want many, last HC1:AFTER", len(want), want[len(want)-1].Data)
	}
	if r.Stats().Overlong == 0 {
		t.Fatal("reference framing: no over-long frame; the input should have one")
	}

	sim := newSim(t)
	d := start(t, Opts{Path: sim.Path(), QueueLen: maxQueueLen, FrameOpts: FrameOpts{Terminator: CR}})
	waitEvent(t, d, Connected)
	for p := in; len(p) > 0; {
		n := min(len(p), 1+rng.IntN(3000))
		write(t, sim, p[:n])
		p = p[n:]
	}
	var got []Frame
	for len(got) < len(want) {
		f := nextFrame(t, d)
		if len(f.Data) == 0 || len(f.Data) > MaxFrameLen {
			t.Fatalf("frame of %d bytes; want 1..%d", len(f.Data), MaxFrameLen)
		}
		got = append(got, f)
		if string(f.Data) == "HC1:AFTER" {
			break
		}
	}
	if show(got) != show(want) {
		t.Errorf("driver framed %d frames, reference %d; they differ", len(got), len(want))
	}
	if st := d.Stats(); st.Dropped != 0 || st.Overlong != r.Stats().Overlong {
		t.Errorf("stats: got %+v; want no drops and %d over-long", st, r.Stats().Overlong)
	}
}

func TestDevUnplugReplug(t *testing.T) {
	sim := newSim(t)
	d := start(t, Opts{Path: sim.Path()})
	first := waitEvent(t, d, Connected)
	if first.Path != sim.TTY() {
		t.Errorf("connected path: got %q, want %q", first.Path, sim.TTY())
	}
	write(t, sim, []byte("one\r"))
	if f := nextFrame(t, d); string(f.Data) != "one" {
		t.Fatalf("frame: got %q, want one", f.Data)
	}

	if err := sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	gone := waitEvent(t, d, Disconnected)
	if gone.Reason == "" || gone.Path != first.Path {
		t.Errorf("disconnect event: got %+v, want a reason and path %q", gone, first.Path)
	}
	if got := d.State(); got.Kind != Disconnected {
		t.Errorf("state while unplugged: got %v, want disconnected", got.Kind)
	}
	if _, err := d.Write([]byte("x")); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Write while unplugged: got %v, want ErrNotConnected", err)
	}

	if err := sim.Plug(); err != nil {
		t.Fatal(err)
	}
	again := waitEvent(t, d, Connected)
	if again.Path != sim.TTY() {
		t.Errorf("reconnected path: got %q, want %q", again.Path, sim.TTY())
	}
	write(t, sim, []byte("two\r"))
	if f := nextFrame(t, d); string(f.Data) != "two" {
		t.Errorf("frame after replug: got %q, want two", f.Data)
	}
	st := d.Stats()
	if st.Connects != 2 || st.Disconnects != 1 {
		t.Errorf("stats: got %d connects, %d disconnects; want 2, 1", st.Connects, st.Disconnects)
	}
}

// TestDevHangupWithoutLink opens the tty itself, not a link, and closes
// the master: the driver sees a hung-up tty (EIO or instant EOFs,
// depending on the kernel) whose node vanishes, and waits for it.
func TestDevHangupWithoutLink(t *testing.T) {
	sim := newSim(t)
	tty := sim.TTY()
	d := start(t, Opts{Path: tty})
	waitEvent(t, d, Connected)
	if err := sim.Unplug(); err != nil {
		t.Fatal(err)
	}
	e := waitEvent(t, d, Disconnected)
	if !strings.Contains(e.Reason, "hung up") && !strings.Contains(e.Reason, "gone") && !strings.Contains(e.Reason, "input/output error") {
		t.Errorf("reason: got %q, want a hang-up, EIO or a vanished node", e.Reason)
	}
}

func TestDevMissingAtStartGlob(t *testing.T) {
	dir := t.TempDir()
	d := start(t, Opts{Path: filepath.Join(dir, "scan*")})
	e := waitEvent(t, d, Disconnected)
	if !strings.Contains(e.Reason, "no device matches") {
		t.Errorf("reason: got %q, want it to say no device matches", e.Reason)
	}
	sim, err := ptysim.New(filepath.Join(dir, "scanner"))
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	c := waitEvent(t, d, Connected)
	if c.Path != sim.TTY() {
		t.Errorf("path: got %q, want %q", c.Path, sim.TTY())
	}
	write(t, sim, []byte("glob\r"))
	if f := nextFrame(t, d); string(f.Data) != "glob" {
		t.Errorf("frame: got %q, want glob", f.Data)
	}
}

func TestDevNotATTY(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain")
	if err := os.WriteFile(path, []byte("not a tty"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := start(t, Opts{Path: path})
	e := waitEvent(t, d, Disconnected)
	if !strings.Contains(e.Reason, "open") {
		t.Errorf("reason: got %q, want an open error", e.Reason)
	}
	if got := d.Stats().Connects; got != 0 {
		t.Errorf("connects: got %d, want 0", got)
	}
}

func TestDevSlowConsumerDropsOldest(t *testing.T) {
	sim := newSim(t)
	d := start(t, Opts{Path: sim.Path(), QueueLen: 2})
	waitEvent(t, d, Connected)
	write(t, sim, []byte("a\rb\rc\rd\re\r"))
	for end := time.Now().Add(deadline); d.Stats().Frames < 5; {
		if time.Now().After(end) {
			t.Fatalf("framed %d of 5", d.Stats().Frames)
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, want := range []string{"d", "e"} {
		if f := nextFrame(t, d); string(f.Data) != want {
			t.Errorf("frame: got %q, want %q", f.Data, want)
		}
	}
	if got, want := d.Stats().Dropped, uint64(3); got != want {
		t.Errorf("dropped: got %d, want %d", got, want)
	}
}

func TestDevCommands(t *testing.T) {
	sim := newSim(t)
	var connects atomic.Int32
	d := start(t, Opts{Path: sim.Path(), OnConnect: CommandFunc(func(w io.Writer) error {
		connects.Add(1)
		_, err := w.Write([]byte("CFG\r"))
		return err
	})})
	waitEvent(t, d, Connected)
	if err := d.Do(Bytes("TRIG\r")); err != nil {
		t.Fatalf("Do: %v", err)
	}
	if _, err := d.Write([]byte("BEEP\r")); err != nil {
		t.Fatalf("Write: %v", err)
	}
	readSim(t, sim, "CFG\rTRIG\rBEEP\r")

	if err := sim.Plug(); err != nil { // a swap: unplug and plug
		t.Fatal(err)
	}
	waitEvent(t, d, Disconnected)
	waitEvent(t, d, Connected)
	readSim(t, sim, "CFG\r")
	if n := connects.Load(); n != 2 {
		t.Errorf("OnConnect ran %d times, want 2", n)
	}
	boom := errors.New("boom")
	if err := d.Do(CommandFunc(func(io.Writer) error { return boom })); !errors.Is(err, boom) {
		t.Errorf("Do: got %v, want %v", err, boom)
	}
}

// readSim reads what the driver wrote until want has come.
func readSim(t *testing.T, sim *ptysim.Sim, want string) {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var b []byte
		buf := make([]byte, 64)
		for len(b) < len(want) {
			n, err := sim.Read(buf)
			if err != nil {
				break
			}
			b = append(b, buf[:n]...)
		}
		got <- string(b)
	}()
	select {
	case g := <-got:
		if g != want {
			t.Errorf("scanner received %q, want %q", g, want)
		}
	case <-time.After(deadline):
		t.Fatalf("scanner did not receive %q within %v", want, deadline)
	}
}

func TestDevOnConnectFailureRetries(t *testing.T) {
	sim := newSim(t)
	tries := make(chan struct{}, 100)
	d := start(t, Opts{Path: sim.Path(), OnConnect: CommandFunc(func(io.Writer) error {
		tries <- struct{}{}
		return errors.New("module says no")
	})})
	e := waitEvent(t, d, Disconnected)
	if !strings.Contains(e.Reason, "module says no") {
		t.Errorf("reason: got %q, want the command's error", e.Reason)
	}
	for i := 0; i < 2; i++ {
		select {
		case <-tries:
		case <-time.After(deadline):
			t.Fatalf("OnConnect tried %d times, want retries", i)
		}
	}
	if got := d.State().Kind; got != Disconnected {
		t.Errorf("state: got %v, want disconnected", got)
	}
}

func TestDevCancelStopsEverything(t *testing.T) {
	before := runtime.NumGoroutine()
	sim := newSim(t)
	d, err := New(Opts{Path: sim.Path(), FrameOpts: FrameOpts{Terminator: Idle, Logger: quiet}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- d.Run(ctx) }()
	waitEvent(t, d, Connected)
	write(t, sim, []byte("pending")) // arms the gap timer
	if err := d.Run(ctx); !errors.Is(err, ErrRunning) {
		t.Errorf("second Run: got %v, want ErrRunning", err)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Run: got %v, want nil", err)
		}
	case <-time.After(deadline):
		t.Fatalf("Run did not return within %v of cancel", deadline)
	}
	select {
	case <-d.Done():
	default:
		t.Error("Done not closed after Run returned")
	}
	for range d.Frames() {
	}
	for range d.Events() {
	}
	if got := d.State(); got.Kind != Disconnected || got.Reason != "stopped" {
		t.Errorf("state after stop: got %+v, want disconnected, stopped", got)
	}
	if err := d.Close(); err != nil {
		t.Errorf("Close after stop: %v", err)
	}
	for end := time.Now().Add(deadline); runtime.NumGoroutine() > before; {
		if time.Now().After(end) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutines: %d, were %d before\n%s", runtime.NumGoroutine(), before, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDevCloseBeforeRun(t *testing.T) {
	d, err := New(Opts{Path: "/dev/ttyACM0", FrameOpts: FrameOpts{Logger: quiet}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Run(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close: got %v, want ErrClosed", err)
	}
	if _, ok := <-d.Frames(); ok {
		t.Error("Frames open after Close")
	}
	if err := d.Do(Bytes("x")); !errors.Is(err, ErrNotConnected) {
		t.Errorf("Do: got %v, want ErrNotConnected", err)
	}
}
