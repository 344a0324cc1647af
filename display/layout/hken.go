package layout

import (
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// The LeaveHomeSafe compatibility display: for phones that only
// have that app, the venue's HKEN: code — unsigned, so anyone can make
// one that passes — is shown beside the signed rotating code or in turn
// with it. The signed code stays the default; the LeaveHomeSafe code is
// never shown unless configured.

// HKENMode says where the LeaveHomeSafe code is shown.
type HKENMode int

// HKEN modes.
const (
	HKENOff       HKENMode = iota
	HKENAlternate          // in the QR window, in turn with the signed code
	HKENBeside             // in the idle status area, beside the signed code
)

var hkenNames = [...]string{HKENOff: "off", HKENAlternate: "alternate", HKENBeside: "beside"}

// HKENModes returns the LeaveHomeSafe modes' configuration names, in the
// order of the constants: what ParseHKENMode reads, and the one list that
// configuration, help and documentation are checked against.
func HKENModes() []string { return slices.Clone(hkenNames[:]) }

// ParseHKENMode reads the configuration's spelling, one of HKENModes.
func ParseHKENMode(s string) (HKENMode, error) {
	for i, n := range hkenNames {
		if s == n {
			return HKENMode(i), nil
		}
	}
	return 0, fmt.Errorf("layout: LeaveHomeSafe mode %q: want one of %s", s, strings.Join(HKENModes(), ", "))
}

// hkenSymbol encodes a LeaveHomeSafe code at error correction level L in
// the smallest version that holds it (the app's own posters vary too).
func hkenSymbol(code string) ([][]bool, error) {
	q, err := qrcode.New(code, qrcode.Low)
	if err != nil {
		return nil, fmt.Errorf("layout: LeaveHomeSafe code: %v", err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// hkenWindow returns the square the LeaveHomeSafe code gets in mode, its
// quiet zone included.
func (l *Layout) hkenWindow(mode HKENMode) image.Rectangle {
	if mode == HKENAlternate {
		return l.qr
	}
	// Beside: a square on the left of the status area, over a caption of
	// two lines that says what it is.
	box := l.status.Inset(l.pad)
	side := max(0, min(box.Dy()-captionLines*font.Height-l.pad, box.Dx()*2/3))
	return image.Rect(box.Min.X, box.Min.Y, box.Min.X+side, box.Min.Y+side)
}

// captionLines is the caption's height under a code shown beside, in
// lines of the smallest text.
const captionLines = 2

// HKENError says the LeaveHomeSafe code does not fit this panel.
type HKENError struct {
	Size    image.Point
	Mode    HKENMode
	Modules int // the code's width in modules, without the quiet zone
	Side    int // the window's side in pixels
}

func (e *HKENError) Error() string {
	where := "QR window"
	if e.Mode == HKENBeside {
		where = "status area"
	}
	return fmt.Sprintf("the LeaveHomeSafe code needs %d modules and a quiet zone; the %dx%d panel's %s has %d pixels: %d a module, under the least of %d",
		e.Modules, e.Size.X, e.Size.Y, where, e.Side, e.Side/(e.Modules+8), MinModulePx)
}

// CheckHKEN reports whether code can be shown in mode on this panel at
// MinModulePx pixels a module or more (an *HKENError when not).
func (l *Layout) CheckHKEN(code string, mode HKENMode) error {
	if mode == HKENOff {
		return nil
	}
	bm, err := hkenSymbol(code)
	if err != nil {
		return err
	}
	w := l.hkenWindow(mode)
	side := min(w.Dx(), w.Dy())
	if side/(len(bm)+8) < MinModulePx {
		return &HKENError{Size: l.size, Mode: mode, Modules: len(bm), Side: side}
	}
	return nil
}

// drawHKEN draws code centred in window, as large as whole pixels a
// module allow with the quiet zone.
func (l *Layout) drawHKEN(dst *image.Gray, window image.Rectangle, code string) error {
	bm, err := hkenSymbol(code)
	if err != nil {
		return err
	}
	n := len(bm)
	side := min(window.Dx(), window.Dy())
	px := side / (n + 8)
	if px < MinModulePx {
		return &HKENError{Size: l.size, Modules: n, Side: side}
	}
	at := window.Min.Add(image.Pt((window.Dx()-n*px)/2, (window.Dy()-n*px)/2))
	for y, row := range bm {
		for x, dark := range row {
			if dark {
				fill(dst, image.Rect(at.X+x*px, at.Y+y*px, at.X+(x+1)*px, at.Y+(y+1)*px), 0)
			}
		}
	}
	return nil
}

// drawBeside draws the LeaveHomeSafe code on the left of the idle status
// area, with its caption in every language under it, and returns the box
// left for the instruction.
func (l *Layout) drawBeside(dst *image.Gray, st *State, box image.Rectangle) image.Rectangle {
	w := l.hkenWindow(HKENBeside)
	if err := l.drawHKEN(dst, w, st.HKEN); err != nil {
		return box
	}
	var caps []string
	for _, lg := range st.langs() {
		caps = append(caps, i18n.Get(lg).T(i18n.HKENCaption))
	}
	capBox := image.Rect(w.Min.X, w.Max.Y, w.Max.X, w.Max.Y+captionLines*font.Height+l.pad)
	b, _ := fit(capBox.Dx(), capBox.Dy(), 1, false, caps, caps[:1])
	b.draw(dst, capBox, center, false)
	return image.Rect(w.Max.X+l.pad, box.Min.Y, box.Max.X, box.Max.Y)
}

// openStatus is the idle status area while entry is open: every
// configured language says so, with the time it ends. On a narrow area
// the words take the symbol's place, so that every language fits.
func openStatus(st *State, narrow bool) *Status {
	// The short headline says both that entry is open and that no check
	// is needed, large; the long one would be small on every panel.
	s := &Status{Symbol: Info, Headline: i18n.OpenModeShort}
	if narrow {
		s.Symbol = 0
	}
	if !st.OpenUntil.IsZero() {
		s.Note, s.NoteArgs = i18n.OpenUntil, []string{"time", st.OpenUntil.In(st.loc()).Format("15:04")}
	}
	return s
}

// OpenScanStatus is a pass scanned while entry is open: shown, never as a
// refusal. A green verdict keeps its tick and words; any other gets the
// neutral symbol, "entry open" and its first reason. The holder is shown
// as mode says, for green and amber verdicts only.
func OpenScanStatus(v *verify.Verdict, mode HolderMode) *Status {
	st := VerdictStatusMode(v, mode)
	if v.Status == verify.Green {
		return st
	}
	st.Symbol, st.Headline, st.Short, st.Verdict = Info, i18n.OpenMode, i18n.OpenModeShort, false
	return st
}

// UntilArgs formats t for a message's {time} placeholder.
func UntilArgs(t time.Time, loc *time.Location) []string {
	if loc == nil {
		loc = time.UTC
	}
	return []string{"time", t.In(loc).Format("15:04")}
}
