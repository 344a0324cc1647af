package layout

import (
	"image"
	"math"
)

// The symbols are drawn from geometry, pixel by pixel, in black on white:
// each pixel centre inside the shape is set. No anti-aliasing.

type pt struct{ x, y float64 }

// segDist returns the distance from p to the segment a–b.
func segDist(p, a, b pt) float64 {
	dx, dy := b.x-a.x, b.y-a.y
	t := ((p.x-a.x)*dx + (p.y-a.y)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	ex, ey := a.x+t*dx-p.x, a.y+t*dy-p.y
	return math.Sqrt(ex*ex + ey*ey)
}

// inPolygon reports whether p is inside the convex polygon poly (points in
// either winding order).
func inPolygon(p pt, poly []pt) bool {
	sign := 0.0
	for i := range poly {
		a, b := poly[i], poly[(i+1)%len(poly)]
		c := (b.x-a.x)*(p.y-a.y) - (b.y-a.y)*(p.x-a.x)
		if c == 0 {
			continue
		}
		if sign == 0 {
			sign = c
		} else if (c > 0) != (sign > 0) {
			return false
		}
	}
	return true
}

// regular returns the corners of a regular polygon of n sides around
// centre c with circumradius r, the first corner at angle a0.
func regular(c pt, r float64, n int, a0 float64) []pt {
	ps := make([]pt, n)
	for i := range ps {
		a := a0 + 2*math.Pi*float64(i)/float64(n)
		ps[i] = pt{c.x + r*math.Cos(a), c.y + r*math.Sin(a)}
	}
	return ps
}

// drawSymbol draws sym filling the square box.
func drawSymbol(dst *image.Gray, box image.Rectangle, sym Symbol) {
	s := float64(min(box.Dx(), box.Dy()))
	if s < 8 {
		return
	}
	c := pt{float64(box.Min.X) + float64(box.Dx())/2, float64(box.Min.Y) + float64(box.Dy())/2}
	r := s/2 - 0.5
	stroke := math.Max(2, math.Round(s/12)) // outline thickness
	mark := math.Max(3, math.Round(s/8))    // inner mark thickness
	P := func(fx, fy float64) pt { return pt{c.x + fx*r, c.y + fy*r} }

	var inside func(p pt) bool
	switch sym {
	case Tick:
		a, b, d := P(-0.45, 0.02), P(-0.12, 0.36), P(0.48, -0.34)
		inside = func(p pt) bool {
			dx, dy := p.x-c.x, p.y-c.y
			d2 := math.Sqrt(dx*dx + dy*dy)
			if d2 <= r && d2 >= r-stroke {
				return true
			}
			return segDist(p, a, b) <= mark/2+0.5 || segDist(p, b, d) <= mark/2+0.5
		}
	case Cross:
		outer := regular(c, r, 8, math.Pi/8)
		inner := regular(c, r-stroke/math.Cos(math.Pi/8), 8, math.Pi/8)
		a, b := P(-0.38, -0.38), P(0.38, 0.38)
		e, f := P(0.38, -0.38), P(-0.38, 0.38)
		inside = func(p pt) bool {
			if inPolygon(p, outer) && !inPolygon(p, inner) {
				return true
			}
			return segDist(p, a, b) <= mark/2+0.5 || segDist(p, e, f) <= mark/2+0.5
		}
	case Bang:
		// An equilateral-looking triangle standing on its base.
		outer := []pt{P(0, -0.98), P(0.98, 0.86), P(-0.98, 0.86)}
		in := stroke * 2 // the inset of a triangle's corners is twice its edge inset
		inner := []pt{P(0, -0.98+in/r), P(0.98-in*0.87/r, 0.86-stroke/r), P(-0.98+in*0.87/r, 0.86-stroke/r)}
		bar0, bar1 := P(0, -0.36), P(0, 0.30)
		dot := P(0, 0.56)
		inside = func(p pt) bool {
			if inPolygon(p, outer) && !inPolygon(p, inner) {
				return true
			}
			if segDist(p, bar0, bar1) <= mark/2+0.5 {
				return true
			}
			dx, dy := p.x-dot.x, p.y-dot.y
			return math.Sqrt(dx*dx+dy*dy) <= mark*0.65+0.5
		}
	case Info:
		outer := []pt{P(-0.9, -0.9), P(0.9, -0.9), P(0.9, 0.9), P(-0.9, 0.9)}
		k := 0.9 - stroke/r
		inner := []pt{P(-k, -k), P(k, -k), P(k, k), P(-k, k)}
		bar0, bar1 := P(0, -0.08), P(0, 0.52)
		dot := P(0, -0.42)
		inside = func(p pt) bool {
			if inPolygon(p, outer) && !inPolygon(p, inner) {
				return true
			}
			if segDist(p, bar0, bar1) <= mark/2+0.5 {
				return true
			}
			dx, dy := p.x-dot.x, p.y-dot.y
			return math.Sqrt(dx*dx+dy*dy) <= mark*0.65+0.5
		}
	case Leave:
		// A door frame open on the right (top, left and bottom edges) and
		// an arrow leaving through the opening: neither a verdict nor a
		// message.
		frame := [][2]pt{{P(-0.88, -0.88), P(0.15, -0.88)}, {P(-0.88, -0.88), P(-0.88, 0.88)}, {P(-0.88, 0.88), P(0.15, 0.88)}}
		tip := P(0.9, 0)
		arrow := [][2]pt{{P(-0.45, 0), tip}, {tip, P(0.5, -0.4)}, {tip, P(0.5, 0.4)}}
		inside = func(p pt) bool {
			for _, s := range frame {
				if segDist(p, s[0], s[1]) <= stroke/2+0.5 {
					return true
				}
			}
			for _, s := range arrow {
				if segDist(p, s[0], s[1]) <= mark/2+0.5 {
					return true
				}
			}
			return false
		}
	default:
		return
	}
	b := box.Intersect(dst.Bounds())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if inside(pt{float64(x) + 0.5, float64(y) + 0.5}) {
				dst.Pix[dst.PixOffset(x, y)] = 0
			}
		}
	}
}
