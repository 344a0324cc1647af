package epd

import (
	"fmt"
	"image"
)

// canvas is a driver's side of the glass: what the panel shows (Shown,
// native), whether that is known, and the next frame being composed.
type canvas struct {
	name  string
	Model Model
	rot   Rotation
	Shown *Frame
	Known bool // Shown is what the glass shows (after a full or fast refresh)
	Next  *Frame
}

// newCanvas returns a canvas for m turned by rot; name prefixes errors.
func newCanvas(name string, m Model, rot Rotation) *canvas {
	return &canvas{name: name, Model: m, rot: rot, Shown: NewFrame(m.Width, m.Height), Next: NewFrame(m.Width, m.Height)}
}

// Bounds returns the caller's bounds (rotated).
func (c *canvas) Bounds() image.Rectangle { return c.rot.Bounds(c.Model.Width, c.Model.Height) }

// composeFull renders img, whose bounds must equal Bounds, into Next.
func (c *canvas) composeFull(img image.Image) error {
	if img == nil {
		return fmt.Errorf("%s: nil image", c.name)
	}
	if b := img.Bounds(); b != c.Bounds() {
		return fmt.Errorf("%s: image bounds %v, want the panel's %v", c.name, b, c.Bounds())
	}
	c.Next.Render(c.rot, c.Bounds(), img, image.Point{})
	return nil
}

// composePartial makes Next a copy of Shown with the pixels under r (in
// the caller's coordinates) taken from img, read at p.Add(off) for each
// point p of r; r must be inside Bounds and r.Add(off) inside img. It
// returns the native window to send, widened to whole bytes, and the same
// window in the caller's coordinates.
func (c *canvas) composePartial(img image.Image, r image.Rectangle, off image.Point) (native, window image.Rectangle, err error) {
	switch {
	case img == nil:
		return native, window, fmt.Errorf("%s: nil image", c.name)
	case r.Empty():
		return native, window, fmt.Errorf("%s: empty window %v", c.name, r)
	case !r.In(c.Bounds()):
		return native, window, fmt.Errorf("%s: window %v is not inside the panel's %v", c.name, r, c.Bounds())
	case !r.Add(off).In(img.Bounds()):
		return native, window, fmt.Errorf("%s: window %v is not inside the image's %v", c.name, r.Add(off), img.Bounds())
	}
	c.Next.copyFrom(c.Shown)
	c.Next.Render(c.rot, r, img, off)
	native = c.Next.alignX(c.rot.rectToNative(r, c.Model.Width, c.Model.Height))
	window = c.rot.rectFromNative(native.Intersect(c.Next.Bounds()), c.Model.Width, c.Model.Height)
	return native, window, nil
}

// drawArea clips a display.Drawer Draw call: it returns the area r of the
// panel to change and the offset from panel to src coordinates; r is empty
// if nothing is to be drawn.
func (c *canvas) drawArea(dst image.Rectangle, src image.Image, sp image.Point) (r image.Rectangle, off image.Point) {
	off = sp.Sub(dst.Min)
	r = dst.Intersect(c.Bounds()).Intersect(src.Bounds().Sub(off))
	return r, off
}

// Commit records Next as shown.
func (c *canvas) Commit() {
	c.Shown.copyFrom(c.Next)
	c.Known = true
}
