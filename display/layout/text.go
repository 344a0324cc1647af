package layout

import (
	"image"
	"image/color"
	"strings"

	"github.com/venuekiosk/venuekiosk/display/font"
)

// block is wrapped text at one face.
type block struct {
	face  font.Face
	lines []string
}

func (b block) height() int { return len(b.lines) * b.face.Height() }

// fit returns the first candidate (a list of paragraphs) that fits a box
// of w×h pixels, at the largest scale from maxScale down to 1, and true.
// Candidates are tried in order, each at every scale, so an earlier (more
// complete) candidate at a small scale beats a later one at a large scale;
// and all of them first without wrapping any paragraph, then wrapped.
// When nothing fits, it returns the last candidate at scale 1, cut to the
// lines that fit with an ellipsis, and false.
func fit(w, h, maxScale int, bold bool, cands ...[]string) (block, bool) {
	for _, wrap := range []bool{false, true} {
		if b, ok := fitMode(w, h, maxScale, bold, wrap, cands...); ok {
			return b, true
		}
	}
	if len(cands) == 0 {
		return block{}, true
	}
	f := font.Face{Scale: 1}
	lines := wrapAll(f, cands[len(cands)-1], w)
	n := h / f.Height()
	if n < len(lines) {
		if n <= 0 {
			return block{face: f}, false
		}
		lines = append([]string(nil), lines[:n]...)
		last := lines[n-1] + font.Ellipsis
		lines[n-1] = f.Truncate(last, w)
		if f.Measure(last) <= w {
			lines[n-1] = last
		}
	}
	for i, l := range lines {
		lines[i] = f.Truncate(l, w)
	}
	return block{face: f, lines: lines}, false
}

// fitMode is fit without the fallback: with wrap false, only candidates
// whose every paragraph fits on one line qualify.
func fitMode(w, h, maxScale int, bold, wrap bool, cands ...[]string) (block, bool) {
	return fitModeMin(w, h, maxScale, 1, bold, wrap, cands...)
}

// fitModeMin is fitMode at scales from maxScale down to minScale only.
func fitModeMin(w, h, maxScale, minScale int, bold, wrap bool, cands ...[]string) (block, bool) {
	for _, c := range cands {
		for s := maxScale; s >= max(1, minScale); s-- {
			f := font.Face{Scale: s, Bold: bold && s > 1}
			lines := wrapAll(f, c, w)
			if !wrap && len(lines) != nonEmpty(c) {
				continue
			}
			if len(lines)*f.Height() <= h && widest(f, lines) <= w {
				return block{face: f, lines: lines}, true
			}
		}
	}
	return block{}, false
}

// fitAt returns the first candidate that fits a w×h box at exactly scale.
func fitAt(w, h, scale int, cands ...[]string) (block, bool) {
	f := font.Face{Scale: scale}
	for _, c := range cands {
		lines := wrapAll(f, c, w)
		if len(lines)*f.Height() <= h && widest(f, lines) <= w {
			return block{face: f, lines: lines}, true
		}
	}
	return block{face: f}, false
}

func nonEmpty(paras []string) int {
	n := 0
	for _, p := range paras {
		if strings.TrimSpace(p) != "" {
			n++
		}
	}
	return n
}

func wrapAll(f font.Face, paras []string, w int) []string {
	var out []string
	for _, p := range paras {
		if strings.TrimSpace(p) == "" {
			continue
		}
		out = append(out, f.Wrap(p, w)...)
	}
	return out
}

func widest(f font.Face, lines []string) int {
	m := 0
	for _, l := range lines {
		m = max(m, f.Measure(l))
	}
	return m
}

// align places text in a box.
type align int

const (
	left align = iota
	center
)

// draw draws b in box: horizontally by a, vertically centred when middle,
// else from the top. It returns the rectangle the text occupies.
func (b block) draw(dst *image.Gray, box image.Rectangle, a align, middle bool) image.Rectangle {
	y := box.Min.Y
	if middle {
		y += (box.Dy() - b.height()) / 2
	}
	used := image.Rectangle{Min: image.Pt(box.Max.X, y), Max: image.Pt(box.Min.X, y)}
	for _, l := range b.lines {
		w := b.face.Measure(l)
		x := box.Min.X
		if a == center {
			x += (box.Dx() - w) / 2
		}
		b.face.Draw(dst, image.Pt(x, y), l, color.Black)
		used.Min.X = min(used.Min.X, x)
		used.Max.X = max(used.Max.X, x+w)
		y += b.face.Height()
	}
	used.Max.Y = y
	return used
}
