package keymap

import "unicode/utf8"

// Decoder follows the modifier state of one keyboard and turns its key
// events into UTF-8 text. It is not safe for concurrent use.
type Decoder struct {
	l                 *Layout
	lshift, rshift    bool
	altgr, ctrl, alt  bool
	caps              bool
	dead              rune // a dead accent waiting for the next key
	unknown, combined uint64
}

// NewDecoder returns a Decoder for layout l (nil: US).
func NewDecoder(l *Layout) *Decoder {
	if l == nil {
		l = US
	}
	return &Decoder{l: l}
}

// Key takes one EV_KEY event (code, and value 1 press, 0 release, 2
// autorepeat) and appends what it typed to dst. Autorepeats type nothing:
// a scanner never holds a key, so a repeat is a stuck key, not data.
func (d *Decoder) Key(dst []byte, code uint16, value int32) []byte {
	down := value != 0
	switch code {
	case KeyLeftShift:
		d.lshift = down
		return dst
	case KeyRightShift:
		d.rshift = down
		return dst
	case KeyRightAlt:
		d.altgr = down
		return dst
	case KeyLeftCtrl, KeyRightCtrl:
		d.ctrl = down
		return dst
	case KeyLeftAlt:
		d.alt = down
		return dst
	}
	if value != 1 {
		return dst
	}
	switch code {
	case KeyCapsLock:
		d.caps = !d.caps
		return dst
	case KeyEnter, KeyKPEnter:
		return d.emit(d.flushDead(dst), '\r')
	case KeyTab:
		return d.emit(d.flushDead(dst), '\t')
	}
	if d.ctrl || d.alt {
		return dst // shortcuts, not text
	}
	kc, ok := d.l.keys[code]
	if !ok {
		d.unknown++
		return dst
	}
	shift := d.lshift || d.rshift
	if kc.letter && d.caps {
		shift = !shift
	}
	r, dead := kc.plain, kc.dead
	switch {
	case d.altgr:
		r, dead = kc.altgr, false
	case shift:
		r = kc.shift
	}
	if r == 0 {
		d.unknown++
		return dst
	}
	if d.dead != 0 {
		acc := d.dead
		d.dead = 0
		switch {
		case r == ' ':
			return d.emit(dst, acc) // the accent alone: how scanners type ^ and `
		case dead && r == acc:
			return d.emit(dst, acc)
		}
		if c, ok := compose(acc, r); ok {
			d.combined++
			return d.emit(dst, c)
		}
		dst = d.emit(dst, acc)
	}
	if dead {
		d.dead = r
		return dst
	}
	return d.emit(dst, r)
}

// flushDead types a pending dead accent on its own.
func (d *Decoder) flushDead(dst []byte) []byte {
	if d.dead == 0 {
		return dst
	}
	acc := d.dead
	d.dead = 0
	return d.emit(dst, acc)
}

// Reset forgets the modifier state (the device was reopened).
func (d *Decoder) Reset() {
	*d = Decoder{l: d.l, unknown: d.unknown, combined: d.combined}
}

// Unknown counts key presses the layout has no character for.
func (d *Decoder) Unknown() uint64 { return d.unknown }

func (d *Decoder) emit(dst []byte, r rune) []byte { return utf8.AppendRune(dst, r) }

// compose combines a dead accent with a vowel, as the console and X do.
func compose(acc, r rune) (rune, bool) {
	const vowels = "aeiouAEIOU"
	var table string
	switch acc {
	case '^':
		table = "âêîôûÂÊÎÔÛ"
	case '`':
		table = "àèìòùÀÈÌÒÙ"
	case '´':
		table = "áéíóúÁÉÍÓÚ"
	case '¨':
		table = "äëïöüÄËÏÖÜ"
	default:
		return 0, false
	}
	for i, v := range vowels {
		if v == r {
			return []rune(table)[i], true
		}
	}
	return 0, false
}
