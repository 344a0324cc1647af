package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// quiet discards the framer's log lines in tests.
var quiet = slog.New(slog.DiscardHandler)

// script is an io.Reader that returns its chunks one per Read; a nil
// chunk returns (0, io.EOF), as tarm/serial does on a read timeout. After
// the last chunk it returns io.EOF for ever.
type script struct {
	chunks [][]byte
	err    error // returned once the chunks are spent, instead of io.EOF
}

func (s *script) Read(p []byte) (int, error) {
	if len(s.chunks) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		return 0, io.EOF
	}
	c := s.chunks[0]
	if c == nil {
		s.chunks = s.chunks[1:]
		return 0, io.EOF
	}
	n := copy(p, c)
	if n == len(c) {
		s.chunks = s.chunks[1:]
	} else {
		s.chunks[0] = c[n:]
	}
	return n, nil
}

func (s *script) spent() bool { return len(s.chunks) == 0 }

// chunks turns strings into chunks; "|" stands for a timeout (silence).
func chunks(ss ...string) [][]byte {
	var out [][]byte
	for _, s := range ss {
		if s == "|" {
			out = append(out, nil)
			continue
		}
		out = append(out, []byte(s))
	}
	return out
}

// readAll reads frames until the script is spent and Next says io.EOF.
func readAll(t *testing.T, r *Reader, s *script) []Frame {
	t.Helper()
	var out []Frame
	for i := 0; i < 10000; i++ {
		f, err := r.Next()
		if errors.Is(err, io.EOF) {
			if s.spent() {
				return out
			}
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		out = append(out, f)
	}
	t.Fatal("Next never ran dry")
	return nil
}

// show renders frames for messages: data and symbology.
func show(fs []Frame) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "[%q %q]", f.Data, f.Symbology)
	}
	return b.String()
}

func TestReaderFraming(t *testing.T) {
	type fr struct{ data, sym string }
	for _, tt := range []struct {
		name   string
		opts   FrameOpts
		in     [][]byte
		want   []fr
		stats  FramerStats
		remain int // bytes still pending at the end
	}{
		{"cr", FrameOpts{}, chunks("ABC\r"), []fr{{"ABC", ""}}, FramerStats{Frames: 1}, 0},
		{"cr keeps lf as data", FrameOpts{Terminator: CR}, chunks("A\nB\r"), []fr{{"A\nB", ""}}, FramerStats{Frames: 1}, 0},
		{"lf", FrameOpts{Terminator: LF}, chunks("ABC\nDEF\n"), []fr{{"ABC", ""}, {"DEF", ""}}, FramerStats{Frames: 2}, 0},
		{"lf keeps cr as data", FrameOpts{Terminator: LF}, chunks("ABC\r\n"), []fr{{"ABC\r", ""}}, FramerStats{Frames: 1}, 0},
		{"crlf", FrameOpts{Terminator: CRLF}, chunks("ABC\r\nDEF\r\n"), []fr{{"ABC", ""}, {"DEF", ""}}, FramerStats{Frames: 2}, 0},
		{"crlf lone cr and lf are data", FrameOpts{Terminator: CRLF}, chunks("A\rB\nC\r\r\n"), []fr{{"A\rB\nC\r", ""}}, FramerStats{Frames: 1}, 0},
		{"crlf split between reads", FrameOpts{Terminator: CRLF}, chunks("AB\r", "|", "\nCD\r", "\n"), []fr{{"AB", ""}, {"CD", ""}}, FramerStats{Frames: 2}, 0},
		{"crlf held cr then data", FrameOpts{Terminator: CRLF}, chunks("AB\r", "X\r\n"), []fr{{"AB\rX", ""}}, FramerStats{Frames: 1}, 0},
		{"crlf trailing cr pending", FrameOpts{Terminator: CRLF}, chunks("AB\r"), nil, FramerStats{}, 3},
		{"several frames in one read", FrameOpts{}, chunks("A\rBB\rCCC\r"), []fr{{"A", ""}, {"BB", ""}, {"CCC", ""}}, FramerStats{Frames: 3}, 0},
		{"one frame over many reads", FrameOpts{Terminator: CR}, chunks("H", "C", "|", "1", ":", "|", "X\r"), []fr{{"HC1:X", ""}}, FramerStats{Frames: 1}, 0},
		{"empty frames skipped", FrameOpts{Terminator: CR}, chunks("\r\rA\r\r"), []fr{{"A", ""}}, FramerStats{Frames: 1, Empty: 3}, 0},
		{"unterminated rest pending", FrameOpts{Terminator: CR}, chunks("A\rBC", "|"), []fr{{"A", ""}}, FramerStats{Frames: 1}, 2},
		{"aim stripped", FrameOpts{StripAIM: true}, chunks("]Q1HC1:X\r]d2ABC\r]z0Z\r"), []fr{{"HC1:X", "]Q1"}, {"ABC", "]d2"}, {"Z", "]z0"}}, FramerStats{Frames: 3}, 0},
		{"aim split across reads", FrameOpts{StripAIM: true}, chunks("]", "Q", "3shc:/1\r"), []fr{{"shc:/1", "]Q3"}}, FramerStats{Frames: 1}, 0},
		{"aim kept when off", FrameOpts{}, chunks("]Q1HC1:X\r"), []fr{{"]Q1HC1:X", ""}}, FramerStats{Frames: 1}, 0},
		{"no aim left alone", FrameOpts{StripAIM: true}, chunks("HC1:X\r"), []fr{{"HC1:X", ""}}, FramerStats{Frames: 1}, 0},
		{"malformed aim left alone", FrameOpts{StripAIM: true}, chunks("]Q\r]1Q1\r]Q!X\r"), []fr{{"]Q", ""}, {"]1Q1", ""}, {"]Q!X", ""}}, FramerStats{Frames: 3}, 0},
		{"aim alone is empty", FrameOpts{StripAIM: true}, chunks("]Q1\rA\r"), []fr{{"A", ""}}, FramerStats{Frames: 1, Empty: 1}, 0},
		{"aim only at start", FrameOpts{StripAIM: true}, chunks("A]Q1\r"), []fr{{"A]Q1", ""}}, FramerStats{Frames: 1}, 0},
		{"max length fits", FrameOpts{MaxFrame: 8}, chunks("12345678\r"), []fr{{"12345678", ""}}, FramerStats{Frames: 1}, 0},
		{"one over max discarded", FrameOpts{MaxFrame: 8}, chunks("123456789\rok\r"), []fr{{"ok", ""}}, FramerStats{Frames: 1, Overlong: 1}, 0},
		{"over-long across reads", FrameOpts{Terminator: CR, MaxFrame: 4}, chunks("123", "456", "|", "789\r", "ok\r"), []fr{{"ok", ""}}, FramerStats{Frames: 1, Overlong: 1}, 0},
		{"aim counts toward max", FrameOpts{MaxFrame: 4, StripAIM: true}, chunks("]Q1AB\r]Q1A\r"), []fr{{"A", "]Q1"}}, FramerStats{Frames: 1, Overlong: 1}, 0},
		{"crlf over-long", FrameOpts{Terminator: CRLF, MaxFrame: 3}, chunks("AB\rC\r\nD\r\n"), []fr{{"D", ""}}, FramerStats{Frames: 1, Overlong: 1}, 0},
		{"auto cr", FrameOpts{}, chunks("ABC\rDEF\r"), []fr{{"ABC", ""}, {"DEF", ""}}, FramerStats{Frames: 2}, 0},
		{"auto lf", FrameOpts{}, chunks("ABC\nDEF\n"), []fr{{"ABC", ""}, {"DEF", ""}}, FramerStats{Frames: 2}, 0},
		{"auto crlf", FrameOpts{StripAIM: true}, chunks("]Q1ABC\r\n]Q1DEF\r\n"), []fr{{"ABC", "]Q1"}, {"DEF", "]Q1"}}, FramerStats{Frames: 2}, 0},
		{"auto lfcr", FrameOpts{StripAIM: true}, chunks("]Q1ABC\n\r]Q1DEF\n\r"), []fr{{"ABC", "]Q1"}, {"DEF", "]Q1"}}, FramerStats{Frames: 2}, 0},
		{"auto crlf split between reads", FrameOpts{}, chunks("AB\r", "\nCD\r", "\n"), []fr{{"AB", ""}, {"CD", ""}}, FramerStats{Frames: 2}, 0},
		{"auto gap ends a frame without suffix", FrameOpts{StripAIM: true}, chunks("]Q1A", "B", "|", "CD", "|"), []fr{{"AB", "]Q1"}, {"CD", ""}}, FramerStats{Frames: 2}, 0},
		{"auto trims before aim", FrameOpts{StripAIM: true}, chunks("\x00 \t]Q1HK|A B|\t\x7f\r"), []fr{{"HK|A B|", "]Q1"}}, FramerStats{Frames: 1}, 0},
		{"auto tab suffix trimmed at the gap", FrameOpts{}, chunks("ABC\t", "|", "DEF\t", "|"), []fr{{"ABC", ""}, {"DEF", ""}}, FramerStats{Frames: 2}, 0},
		{"auto whitespace alone is empty", FrameOpts{}, chunks(" \t\rA\r"), []fr{{"A", ""}}, FramerStats{Frames: 1, Empty: 1}, 0},
		{"auto keeps inner cr-free spaces", FrameOpts{}, chunks("HC1:A B\r"), []fr{{"HC1:A B", ""}}, FramerStats{Frames: 1}, 0},
		{"auto over-long ends at the gap", FrameOpts{MaxFrame: 4}, chunks("12345", "|", "ok\n"), []fr{{"ok", ""}}, FramerStats{Frames: 1, Overlong: 1}, 0},
		{"tab", FrameOpts{Terminator: Tab}, chunks("A B\tC\rD\t"), []fr{{"A B", ""}, {"C\rD", ""}}, FramerStats{Frames: 2}, 0},
		{"idle gap ends frames", FrameOpts{Terminator: Idle}, chunks("AB", "CD", "|", "EF", "|"), []fr{{"ABCD", ""}, {"EF", ""}}, FramerStats{Frames: 2}, 0},
		{"idle keeps terminators", FrameOpts{Terminator: Idle}, chunks("A\rB\r\n", "|"), []fr{{"A\rB\r\n", ""}}, FramerStats{Frames: 1}, 0},
		{"idle silence alone", FrameOpts{Terminator: Idle}, chunks("|", "|", "A", "|", "|"), []fr{{"A", ""}}, FramerStats{Frames: 1}, 0},
		{"idle aim", FrameOpts{Terminator: Idle, StripAIM: true}, chunks("]Q1", "X", "|"), []fr{{"X", "]Q1"}}, FramerStats{Frames: 1}, 0},
		{"idle over-long", FrameOpts{Terminator: Idle, MaxFrame: 4}, chunks("12", "345", "|", "ok", "|"), []fr{{"ok", ""}}, FramerStats{Frames: 1, Overlong: 1}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = quiet
			s := &script{chunks: tt.in}
			r, err := NewReader(s, tt.opts)
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			got := readAll(t, r, s)
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
			if got, want := r.Stats(), tt.stats; got != want {
				t.Errorf("stats: got %+v, want %+v", got, want)
			}
			if got, want := r.Pending(), tt.remain; got != want {
				t.Errorf("pending: got %d, want %d", got, want)
			}
		})
	}
}

func TestReaderOverlong20K(t *testing.T) {
	in := append(bytes.Repeat([]byte{'x'}, 20<<10), "\rHC1:NEXT\r"...)
	s := &script{chunks: [][]byte{in}}
	r, err := NewReader(s, FrameOpts{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, r, s)
	if len(got) != 1 || string(got[0].Data) != "HC1:NEXT" {
		t.Fatalf("got %s, want one frame HC1:NEXT", show(got))
	}
	if got, want := r.Stats().Overlong, uint64(1); got != want {
		t.Errorf("overlong: got %d, want %d", got, want)
	}
}

func TestReaderErrors(t *testing.T) {
	boom := errors.New("boom")
	s := &script{chunks: chunks("A\rB"), err: boom}
	r, err := NewReader(s, FrameOpts{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	f, err := r.Next()
	if err != nil || string(f.Data) != "A" {
		t.Fatalf("Next: got %q, %v; want A, nil", f.Data, err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Errorf("Next: got %v, want %v", err, boom)
	}
	if got, want := r.Pending(), 1; got != want {
		t.Errorf("pending after error: got %d, want %d", got, want)
	}

	r, err = NewReader(zeroReader{}, FrameOpts{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); !errors.Is(err, io.ErrNoProgress) {
		t.Errorf("Next on a reader returning nothing: got %v, want %v", err, io.ErrNoProgress)
	}
}

// zeroReader returns (0, nil) for ever.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

func TestFramerReset(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  FrameOpts
		in    string
		n     int64
		stats FramerStats
		next  string // a whole frame "Z" after the reset
	}{
		{"nothing pending", FrameOpts{}, "A\r", 0, FramerStats{Frames: 1}, "Z\r"},
		{"partial", FrameOpts{}, "A\rBCD", 3, FramerStats{Frames: 1, Partial: 1}, "Z\r"},
		{"held cr", FrameOpts{Terminator: CRLF}, "AB\r", 3, FramerStats{Partial: 1}, "Z\r\n"},
		{"over-long", FrameOpts{MaxFrame: 2}, "ABCDE", 5, FramerStats{Overlong: 1}, "Z\r"},
		{"idle", FrameOpts{Terminator: Idle}, "AB", 2, FramerStats{Partial: 1}, "Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Logger = quiet
			f, err := NewFramer(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []Frame
			f.Feed([]byte(tt.in), time.Now(), func(fr Frame) { got = append(got, fr) })
			if n := f.Reset(); n != tt.n {
				t.Errorf("Reset: got %d, want %d", n, tt.n)
			}
			if f.Pending() != 0 {
				t.Errorf("pending after Reset: got %d, want 0", f.Pending())
			}
			if got, want := f.Stats(), tt.stats; got != want {
				t.Errorf("stats: got %+v, want %+v", got, want)
			}
			// The framer starts afresh.
			got = nil
			f.Feed([]byte(tt.next), time.Now(), func(fr Frame) { got = append(got, fr) })
			f.Flush(func(fr Frame) { got = append(got, fr) })
			if len(got) != 1 || string(got[0].Data) != "Z" {
				t.Errorf("after Reset: got %s, want one frame Z", show(got))
			}
		})
	}
}

func TestFramerFrameIsCopy(t *testing.T) {
	f, err := NewFramer(FrameOpts{Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	var got []Frame
	emit := func(fr Frame) { got = append(got, fr) }
	in := []byte("AAA\r")
	f.Feed(in, time.Now(), emit)
	in[0] = 'X'
	f.Feed([]byte("BBB\r"), time.Now(), emit)
	if show(got) != show([]Frame{{Data: []byte("AAA")}, {Data: []byte("BBB")}}) {
		t.Errorf("got %s, want AAA then BBB (frames must not share memory)", show(got))
	}
}

func TestFrameOptsRejected(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts FrameOpts
	}{
		{"terminator below", FrameOpts{Terminator: -1}},
		{"terminator above", FrameOpts{Terminator: Tab + 1}},
		{"charset below", FrameOpts{Charset: -1}},
		{"charset above", FrameOpts{Charset: Big5 + 1}},
		{"gap too short", FrameOpts{IdleGap: time.Microsecond}},
		{"gap negative", FrameOpts{IdleGap: -time.Second}},
		{"gap too long", FrameOpts{IdleGap: 3 * time.Second}},
		{"max frame negative", FrameOpts{MaxFrame: -1}},
		{"max frame too big", FrameOpts{MaxFrame: MaxFrameLen + 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewFramer(tt.opts); !errors.Is(err, ErrOpts) {
				t.Errorf("NewFramer: got %v, want ErrOpts", err)
			}
			if _, err := NewReader(&script{}, tt.opts); !errors.Is(err, ErrOpts) {
				t.Errorf("NewReader: got %v, want ErrOpts", err)
			}
		})
	}
}

// FuzzFramer checks that any input, cut anywhere, yields bounded frames
// and the same frames as when fed whole.
func FuzzFramer(f *testing.F) {
	f.Add([]byte("]Q1HC1:ABC\r\n"), uint8(0), uint8(3))
	f.Add([]byte("\x00\xff\r\r\n\x1a\x03"), uint8(2), uint8(1))
	f.Add(bytes.Repeat([]byte{0xff}, 300), uint8(1), uint8(7))
	f.Fuzz(func(t *testing.T, in []byte, term, cut uint8) {
		o := FrameOpts{Terminator: []Terminator{CR, LF, CRLF, Tab, Auto}[term%5], MaxFrame: 64, StripAIM: term&8 != 0,
			Charset: Charset(term>>4) % 3, Logger: quiet}
		frames := func(step int) []Frame {
			fr, err := NewFramer(o)
			if err != nil {
				t.Fatal(err)
			}
			var out []Frame
			emit := func(x Frame) { out = append(out, x) }
			for p := in; len(p) > 0; {
				n := min(step, len(p))
				fr.Feed(p[:n], time.Time{}, emit)
				p = p[n:]
			}
			return out
		}
		whole, pieces := frames(len(in)+1), frames(int(cut)%16+1)
		if show(whole) != show(pieces) {
			t.Errorf("fed whole: %s; fed in pieces: %s", show(whole), show(pieces))
		}
		for _, x := range whole {
			if len(x.Data) == 0 || len(x.Data) > 2*o.MaxFrame {
				t.Errorf("frame of %d bytes, want 1..%d", len(x.Data), 2*o.MaxFrame)
			}
		}
	})
}
