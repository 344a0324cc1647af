package keymap

import (
	"fmt"
	"strings"
)

// Linux input event codes this package reads (linux/input-event-codes.h).
const (
	KeyEnter      = 28
	KeyLeftCtrl   = 29
	KeyLeftShift  = 42
	KeyRightShift = 54
	KeyLeftAlt    = 56
	KeySpace      = 57
	KeyCapsLock   = 58
	KeyTab        = 15
	KeyKPEnter    = 96
	KeyRightCtrl  = 97
	KeyRightAlt   = 100 // AltGr on European layouts
)

// keyChars is what one key types: plain, with Shift, with AltGr. A zero
// rune types nothing. dead marks keys whose plain or shifted character is
// a dead accent (typed on its own by the next Space).
type keyChars struct {
	plain, shift, altgr rune
	dead                bool
	letter              bool // CapsLock swaps plain and shift
}

// Layout maps key codes to characters.
type Layout struct {
	name string
	keys map[uint16]keyChars
}

// Name returns the layout's configuration name: "us", "de" or "fr".
func (l *Layout) Name() string { return l.name }

// layouts are the layouts Lookup knows, by name.
var layouts = map[string]*Layout{}

// Names lists the layout names Lookup accepts, in a fixed order.
func Names() []string { return []string{"us", "de", "fr"} }

// Lookup returns the layout called name ("us", "de", "fr").
func Lookup(name string) (*Layout, error) {
	if l, ok := layouts[strings.ToLower(name)]; ok {
		return l, nil
	}
	return nil, fmt.Errorf("keymap: layout %q: want one of %s", name, strings.Join(Names(), ", "))
}

// US is the US (ANSI) layout.
var US = mustLayout("us", us)

// rowKeys lays out a row of keys from its first code: plain and shifted
// characters in two strings of equal length.
func rowKeys(m map[uint16]keyChars, first uint16, plain, shift string) {
	p, s := []rune(plain), []rune(shift)
	if len(p) != len(s) {
		panic("keymap: row lengths differ: " + plain)
	}
	for i := range p {
		kc := keyChars{plain: p[i], shift: s[i]}
		kc.letter = p[i] >= 'a' && p[i] <= 'z' || p[i] == 'ä' || p[i] == 'ö' || p[i] == 'ü'
		m[first+uint16(i)] = kc
	}
}

// common holds the keys every layout here shares: space, the keypad.
func common(m map[uint16]keyChars) {
	m[KeySpace] = keyChars{plain: ' ', shift: ' '}
	for code, c := range map[uint16]rune{71: '7', 72: '8', 73: '9', 74: '-', 75: '4', 76: '5', 77: '6', 78: '+',
		79: '1', 80: '2', 81: '3', 82: '0', 55: '*', 98: '/'} {
		m[code] = keyChars{plain: c, shift: c}
	}
	m[83] = keyChars{plain: '.', shift: '.'} // KP dot (with NumLock, as scanners send it)
}

func us(m map[uint16]keyChars) {
	rowKeys(m, 2, "1234567890-=", "!@#$%^&*()_+")
	rowKeys(m, 16, "qwertyuiop[]", "QWERTYUIOP{}")
	rowKeys(m, 30, "asdfghjkl;'`", "ASDFGHJKL:\"~")
	rowKeys(m, 43, `\zxcvbnm,./`, "|ZXCVBNM<>?")
	m[86] = keyChars{plain: '\\', shift: '|'} // the ISO key, where there is one
}

func mustLayout(name string, fill func(map[uint16]keyChars)) *Layout {
	m := map[uint16]keyChars{}
	common(m)
	fill(m)
	l := &Layout{name: name, keys: m}
	layouts[name] = l
	return l
}

// Stroke is one key typed with its modifier: what a keyboard-mode scanner
// presses for one character.
type Stroke struct {
	Code         uint16
	Shift, AltGr bool
}

// Strokes returns the keys a scanner set to layout l presses to type
// text: '\r' and '\n' are Enter, '\t' is Tab. Characters the layout
// cannot type (most non-ASCII text) are an error: a keyboard-mode scanner
// cannot send them either. Simulators and tests use it.
func (l *Layout) Strokes(text string) ([]Stroke, error) {
	var out []Stroke
	for _, r := range text {
		switch r {
		case '\r', '\n':
			out = append(out, Stroke{Code: KeyEnter})
			continue
		case '\t':
			out = append(out, Stroke{Code: KeyTab})
			continue
		}
		s, ok := l.stroke(r)
		if !ok {
			return nil, fmt.Errorf("keymap: layout %s cannot type %q", l.name, r)
		}
		out = append(out, s)
	}
	return out, nil
}

// stroke finds the key for r: the main block before the keypad, plain
// before shifted before AltGr, the lowest code first; dead keys never.
func (l *Layout) stroke(r rune) (Stroke, bool) {
	best, found := Stroke{}, false
	rank := func(s Stroke) int {
		n := int(s.Code)
		if s.Code >= 55 && s.Code != 86 {
			n += 100000 // the keypad (55, 71–83, 98) after the whole main block
		}
		if s.Shift {
			n += 10000
		}
		if s.AltGr {
			n += 20000
		}
		return n
	}
	for code, kc := range l.keys {
		for _, s := range []struct {
			r    rune
			st   Stroke
			dead bool
		}{
			{kc.plain, Stroke{Code: code}, kc.dead},
			{kc.shift, Stroke{Code: code, Shift: true}, kc.dead},
			{kc.altgr, Stroke{Code: code, AltGr: true}, false},
		} {
			if s.r != r || s.dead || r == 0 {
				continue
			}
			if !found || rank(s.st) < rank(best) {
				best, found = s.st, true
			}
		}
	}
	return best, found
}
