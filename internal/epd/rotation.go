package epd

import (
	"fmt"
	"image"
)

// Rotation turns the caller's image onto the panel's native frame, in
// degrees clockwise: with Rotate90 the caller's top row runs down the
// panel's rightmost native column (turn the panel a quarter anticlockwise
// to read it). Rotate90 and Rotate270 swap width and height.
type Rotation int

// Rotations.
const (
	Rotate0   Rotation = 0
	Rotate90  Rotation = 90
	Rotate180 Rotation = 180
	Rotate270 Rotation = 270
)

// Valid returns an error unless r is 0, 90, 180 or 270.
func (r Rotation) Valid() error {
	switch r {
	case Rotate0, Rotate90, Rotate180, Rotate270:
		return nil
	}
	return fmt.Errorf("epd: rotation %d: want 0, 90, 180 or 270", int(r))
}

// Bounds returns the caller's bounds for a native w×h panel.
func (r Rotation) Bounds(w, h int) image.Rectangle {
	if r == Rotate90 || r == Rotate270 {
		w, h = h, w
	}
	return image.Rect(0, 0, w, h)
}

// toNative maps the caller's point (x, y) on a native w×h panel.
func (r Rotation) toNative(x, y, w, h int) (nx, ny int) {
	switch r {
	case Rotate90:
		return w - 1 - y, x
	case Rotate180:
		return w - 1 - x, h - 1 - y
	case Rotate270:
		return y, h - 1 - x
	}
	return x, y
}

// rectToNative maps the caller's rectangle q on a native w×h panel.
func (r Rotation) rectToNative(q image.Rectangle, w, h int) image.Rectangle {
	switch r {
	case Rotate90:
		return image.Rect(w-q.Max.Y, q.Min.X, w-q.Min.Y, q.Max.X)
	case Rotate180:
		return image.Rect(w-q.Max.X, h-q.Max.Y, w-q.Min.X, h-q.Min.Y)
	case Rotate270:
		return image.Rect(q.Min.Y, h-q.Max.X, q.Max.Y, h-q.Min.X)
	}
	return q
}

// rectFromNative maps the native rectangle n on a w×h panel back to the
// caller's coordinates; it undoes rectToNative.
func (r Rotation) rectFromNative(n image.Rectangle, w, h int) image.Rectangle {
	switch r {
	case Rotate90:
		return image.Rect(n.Min.Y, w-n.Max.X, n.Max.Y, w-n.Min.X)
	case Rotate180:
		return image.Rect(w-n.Max.X, h-n.Max.Y, w-n.Min.X, h-n.Min.Y)
	case Rotate270:
		return image.Rect(h-n.Max.Y, n.Min.X, h-n.Min.Y, n.Max.X)
	}
	return n
}
