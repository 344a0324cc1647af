package keymap

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// event is one key event of a recorded stream.
type event struct {
	code  uint16
	value int32
}

var evtestLine = regexp.MustCompile(`type 1 \(EV_KEY\), code (\d+) \(\w+\), value (-?\d+)$`)

// readEvtest reads the EV_KEY events of a stream in evtest's format; the
// other events (MSC_SCAN, SYN_REPORT) are checked to be there and skipped.
func readEvtest(t *testing.T, name string) []event {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var evs []event
	other := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := evtestLine.FindStringSubmatch(sc.Text())
		if m == nil {
			other++
			continue
		}
		code, _ := strconv.ParseUint(m[1], 10, 16)
		value, _ := strconv.ParseInt(m[2], 10, 32)
		evs = append(evs, event{uint16(code), int32(value)})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || other < len(evs) {
		t.Fatalf("%s: %d key events, %d others: not an evtest recording", name, len(evs), other)
	}
	return evs
}

func decode(l *Layout, evs []event) string {
	d := NewDecoder(l)
	var out []byte
	for _, e := range evs {
		out = d.Key(out, e.code, e.value)
	}
	return string(out)
}

const (
	dcc = "HC1:6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70H/:I.% 5A-9"
	hk  = "HKSARG|VAC|4|1|VK-SAMPLE-HK-0001|Z123****|CHEUNG K** W**|1978|3|MEUCIQDx+/=_"
	shc = "shc:/56762909524320603460292437404460312229595326546034602925407728043360"
)

func TestRecordedStreams(t *testing.T) {
	want := dcc + "\r" + hk + "\t" + shc + "\r"
	for _, tt := range []struct {
		file, layout, want string
	}{
		{"us-passes.evtest", "us", want},
		{"fr-passes.evtest", "fr", want},
		{"de-passes.evtest", "de", want},
		{"us-printable.evtest", "us", "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\r"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			l, err := Lookup(tt.layout)
			if err != nil {
				t.Fatal(err)
			}
			if got := decode(l, readEvtest(t, tt.file)); got != tt.want {
				t.Errorf("decoded with %s:\n got %q\nwant %q", tt.layout, got, tt.want)
			}
		})
	}
}

// TestWrongLayoutGarbles: the layout matters. A French scanner read as US
// (or the reverse) types something else — which is why the README
// recommends USB-COM mode.
func TestWrongLayoutGarbles(t *testing.T) {
	fr := readEvtest(t, "fr-passes.evtest")
	if got := decode(US, fr); got == dcc+"\r"+hk+"\t"+shc+"\r" {
		t.Errorf("a French stream decoded as US gave the passes: the test proves nothing")
	}
	if got, want := decode(FR, readEvtest(t, "us-passes.evtest"))[:6], "HC&M-B"; got != want {
		t.Errorf("a US stream decoded as French starts %q, want %q", got, want)
	}
}

func TestDecoderRules(t *testing.T) {
	const (
		a, b, one, grave = 30, 48, 2, 41
		lshift, rshift   = KeyLeftShift, KeyRightShift
	)
	press := func(code uint16) []event { return []event{{code, 1}, {code, 0}} }
	seq := func(parts ...[]event) []event {
		var out []event
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		layout *Layout
		evs    []event
		want   string
	}{
		{"plain", US, seq(press(a), press(b), press(one)), "ab1"},
		{"right shift", US, seq([]event{{rshift, 1}}, press(a), []event{{rshift, 0}}, press(a)), "Aa"},
		{"both shifts, one released", US, seq([]event{{lshift, 1}, {rshift, 1}, {rshift, 0}}, press(a)), "A"},
		{"autorepeat types nothing", US, []event{{a, 1}, {a, 2}, {a, 2}, {a, 0}}, "a"},
		{"caps lock shifts letters only", US, seq(press(KeyCapsLock), press(a), press(one), []event{{lshift, 1}}, press(a), []event{{lshift, 0}}), "A1a"},
		{"ctrl and alt chords type nothing", US, seq([]event{{KeyLeftCtrl, 1}}, press(a), []event{{KeyLeftCtrl, 0}, {KeyLeftAlt, 1}}, press(b), []event{{KeyLeftAlt, 0}}, press(a)), "a"},
		{"enter, keypad enter, tab", US, seq(press(KeyEnter), press(KeyKPEnter), press(KeyTab)), "\r\r\t"},
		{"keypad", US, seq(press(79), press(82), press(83), press(55), press(98), press(74), press(78)), "10.*/-+"},
		{"unknown keys type nothing", US, seq(press(59), press(1), press(a)), "a"},
		{"de dead ^ then space", DE, seq(press(grave), press(KeySpace)), "^"},
		{"de dead ^ then e composes", DE, seq(press(grave), press(18)), "ê"},
		{"de dead ^ then b types both", DE, seq(press(grave), press(b)), "^b"},
		{"de dead ^ before enter", DE, seq(press(grave), press(KeyEnter)), "^\r"},
		{"de z and y", DE, seq(press(21), press(44)), "zy"},
		{"fr digits need shift", FR, seq(press(one), []event{{lshift, 1}}, press(one), []event{{lshift, 0}}), "&1"},
		{"fr altgr", FR, seq([]event{{KeyRightAlt, 1}}, press(7), press(11), []event{{KeyRightAlt, 0}}, press(7)), "|@-"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := decode(tt.layout, tt.evs); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLookup(t *testing.T) {
	for _, n := range Names() {
		l, err := Lookup(n)
		if err != nil || l.Name() != n {
			t.Errorf("Lookup(%q): got %v, %v", n, l, err)
		}
	}
	if got, want := len(Names()), len(layouts); got != want {
		t.Errorf("Names() = %q: %d names for %d layouts", Names(), got, want)
	}
	if _, err := Lookup("dvorak"); err == nil {
		t.Error("Lookup(dvorak): want an error")
	}
	d := NewDecoder(nil)
	d.Key(nil, KeyLeftShift, 1)
	d.Reset()
	if got := string(d.Key(nil, 30, 1)); got != "a" {
		t.Errorf("after Reset: got %q, want a (shift forgotten)", got)
	}
}

// TestStrokesRoundTrip: what Strokes says a scanner presses decodes back
// to the text, on every layout, for every printable ASCII character the
// layout can type without a dead key.
func TestStrokesRoundTrip(t *testing.T) {
	var ascii []rune
	for r := rune(' '); r < 0x7f; r++ {
		ascii = append(ascii, r)
	}
	for _, n := range Names() {
		l, _ := Lookup(n)
		var text []rune
		for _, r := range ascii {
			if _, ok := l.stroke(r); ok {
				text = append(text, r)
			}
		}
		if len(text) < 90 {
			t.Errorf("%s types only %d of the 95 printable ASCII characters", n, len(text))
		}
		in := string(text) + "\r\t"
		st, err := l.Strokes(in)
		if err != nil {
			t.Fatal(err)
		}
		var evs []event
		for _, s := range st {
			if s.Shift {
				evs = append(evs, event{KeyLeftShift, 1})
			}
			if s.AltGr {
				evs = append(evs, event{KeyRightAlt, 1})
			}
			evs = append(evs, event{s.Code, 1}, event{s.Code, 0})
			if s.AltGr {
				evs = append(evs, event{KeyRightAlt, 0})
			}
			if s.Shift {
				evs = append(evs, event{KeyLeftShift, 0})
			}
		}
		if got := decode(l, evs); got != in {
			t.Errorf("%s: round trip\n got %q\nwant %q", n, got, in)
		}
	}
	if _, err := US.Strokes("復"); err == nil {
		t.Error("US.Strokes of a Chinese character: want an error")
	}
}
