package layout

import (
	"fmt"
	"image"

	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
)

// The kiosk's panels, as their controllers address them.
var (
	Panel213 = image.Pt(122, 250) // 2.13", portrait
	Panel29  = image.Pt(128, 296) // 2.9", portrait
	Panel42  = image.Pt(400, 300) // 4.2", landscape
	Panel75  = image.Pt(800, 480) // 7.5", landscape
)

// Panels lists the panel sizes the kiosk drives.
var Panels = []image.Point{Panel213, Panel29, Panel42, Panel75}

// Bounds of the panel sizes Layout accepts.
const (
	MinSide = 100
	MaxSide = 2000
	// MinModulePx is the least pixels a QR module gets.
	MinModulePx = 3
	// minColumn is the narrowest column beside the QR window.
	minColumn = 200
)

// Layout is the arrangement of one panel size.
type Layout struct {
	size   image.Point
	spec   venueqr.Spec
	header image.Rectangle
	qr     image.Rectangle
	status image.Rectangle
	footer image.Rectangle

	modulePx  int // pixels a QR module
	pad       int // inner margin
	textScale int // the base text scale
	footScale int // the footer's text scale
	footLines int // the footer's lines
}

// New returns the layout of a panel of the given size (width × height, as
// the panel is mounted). Every rectangle below follows from these rules:
//
//   - text scale: 1 per 200 pixels of the short side (at least 1); the
//     footer's: 1 per 240;
//   - footer: across the bottom, three lines (the time and data age, and
//     the exposure notice in up to two languages), two on panels with a
//     short side under 200 pixels;
//   - portrait (height ≥ width): header of two lines, then the QR window
//     as wide as the panel, then the status area down to the footer;
//   - landscape: the QR window on the left, as tall as the space above the
//     footer but at most 62% of the width; header (30%) and status (70%)
//     share the column to its right, unless that column would be narrower
//     than 200 pixels: then the header (two lines) goes across the top and
//     the QR window and the status area share the space below it;
//   - the QR symbol: version 5-L on panels with a short side under 200
//     pixels, else 6-M, at the largest whole number of pixels a module
//     that leaves the standard quiet zone, and at least MinModulePx;
//   - every window's left and right edges fall on multiples of 8 pixels
//     (or the panel's edge), as e-paper controllers address RAM in bytes.
func New(size image.Point) (*Layout, error) {
	if size.X < MinSide || size.Y < MinSide || size.X > MaxSide || size.Y > MaxSide {
		return nil, fmt.Errorf("layout: panel %v: want sides between %d and %d pixels", size, MinSide, MaxSide)
	}
	short := min(size.X, size.Y)
	l := &Layout{
		size:      size,
		pad:       max(2, short/60),
		textScale: max(1, short/200),
		footScale: max(1, short/240),
		spec:      venueqr.Robust,
	}
	if short < 200 {
		l.spec = venueqr.Compact
	}
	l.footLines = 3
	if short < 200 {
		l.footLines = 2
	}
	footH := l.footLines*font.Height*l.footScale + l.pad
	l.footer = image.Rect(0, size.Y-footH, size.X, size.Y)
	above := size.Y - footH

	var qrSide int
	if size.Y >= size.X {
		headH := 2*font.Height*l.textScale + 2*l.pad
		l.header = image.Rect(0, 0, size.X, headH)
		qrSide = size.X
		l.qr = image.Rect(0, headH, size.X, headH+qrSide)
		l.status = image.Rect(0, l.qr.Max.Y, size.X, above)
	} else {
		top := 0
		qrSide = min(above, size.X*62/100) &^ 7
		if size.X-qrSide < minColumn {
			// Too narrow a column: the header goes across the top.
			top = 2*font.Height*l.textScale + 2*l.pad
			l.header = image.Rect(0, 0, size.X, top)
			qrSide = min(above-top, size.X*62/100) &^ 7
		}
		l.qr = image.Rect(0, top, qrSide, top+qrSide)
		if qrSide < above-top {
			l.qr = l.qr.Add(image.Pt(0, (above-top-qrSide)/2))
		}
		if top == 0 {
			headH := above * 30 / 100
			l.header = image.Rect(qrSide, 0, size.X, headH)
			top = headH
		}
		l.status = image.Rect(qrSide, top, size.X, above)
	}
	n := l.spec.Modules()
	l.modulePx = venueqr.Scale(qrSide, n, venueqr.QuietZone)
	if l.modulePx < MinModulePx {
		l.modulePx = MinModulePx
	}
	if n*l.modulePx > qrSide {
		return nil, fmt.Errorf("layout: panel %v: a %d-module QR symbol does not fit %d pixels at %d pixels a module", size, n, qrSide, MinModulePx)
	}
	if l.status.Dy() < 2*font.Height {
		return nil, fmt.Errorf("layout: panel %v: %d pixels left for the status area", size, l.status.Dy())
	}
	return l, nil
}

// Size returns the panel size.
func (l *Layout) Size() image.Point { return l.size }

// Bounds returns the panel's rectangle.
func (l *Layout) Bounds() image.Rectangle { return image.Rectangle{Max: l.size} }

// QRWindow returns the rectangle of the venue code, quiet zone included.
func (l *Layout) QRWindow() image.Rectangle { return l.qr }

// StatusWindow returns the rectangle of the status area.
func (l *Layout) StatusWindow() image.Rectangle { return l.status }

// FooterWindow returns the rectangle of the footer.
func (l *Layout) FooterWindow() image.Rectangle { return l.footer }

// HeaderWindow returns the rectangle of the venue name.
func (l *Layout) HeaderWindow() image.Rectangle { return l.header }

// QRSpec returns the QR symbol spec of this panel.
func (l *Layout) QRSpec() venueqr.Spec { return l.spec }

// ModulePixels returns the pixels a QR module.
func (l *Layout) ModulePixels() int { return l.modulePx }
