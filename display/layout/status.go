package layout

import (
	"image"
	"slices"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/display/i18n"
)

// The status area is drawn in two steps: the candidates, every way of
// putting the status into words best first (statusCandidates), tried at
// the scales and wrappings of statusAttempts; then the fit, which draws
// the first that fits (fitStatus).

// statusBoxes places the symbol and the words in box. A wide area: the
// symbol left of the words; a tall one (at least 9/10 as tall as wide):
// the symbol above them, both centred. With no symbol the words get the
// whole area.
func (l *Layout) statusBoxes(box image.Rectangle, sym Symbol) (symBox, text image.Rectangle, a align) {
	a = left
	if box.Dy()*10 >= box.Dx()*9 {
		side := min(box.Dx()/2, box.Dy()*2/5)
		symBox = image.Rect(0, 0, side, side).Add(image.Pt(box.Min.X+(box.Dx()-side)/2, box.Min.Y))
		text = image.Rect(box.Min.X, symBox.Max.Y+l.pad*2, box.Max.X, box.Max.Y)
		a = center
	} else {
		side := min(box.Dy(), box.Dx()/3)
		if box.Dx() >= 200 {
			side = min(box.Dy(), box.Dx()*2/5)
		}
		symBox = image.Rect(box.Min.X, box.Min.Y+(box.Dy()-side)/2, box.Min.X+side, box.Min.Y+(box.Dy()+side)/2)
		text = image.Rect(symBox.Max.X+l.pad*2, box.Min.Y, box.Max.X, box.Max.Y)
	}
	if sym == 0 {
		text, a = box, center
	}
	return symBox, text, a
}

// statusWords are a status's texts in the configured languages.
type statusWords struct {
	long, short []string // the headline and its short form, in every language
	holder      []string // the holder check: initials or name, and birth year; nil: none
	compact     []string // the holder check at its shortest; nil: none
	reasons     []string // the reason, then the note, in every language
}

func statusWordsOf(s *Status, langs []i18n.Lang) statusWords {
	var w statusWords
	for _, lg := range langs {
		c := i18n.Get(lg)
		args := s.Args
		if lg.Chinese() && s.ArgsZH != nil {
			args = s.ArgsZH
		}
		w.long = append(w.long, c.T(s.Headline, args...))
		if s.Short != "" {
			w.short = append(w.short, c.T(s.Short, args...))
		} else {
			w.short = append(w.short, c.T(s.Headline, args...))
		}
	}
	// The holder: initials, or the full name where the kiosk is set so.
	who, whoKey, whoArg, short1 := s.Initials, i18n.Holder, "initials", s.Initials
	if s.Name != "" {
		who, whoKey, whoArg, short1 = s.Name, i18n.HolderName, "name", Initials(s.Name)
	}
	if who != "" || s.Year != "" {
		c := i18n.Get(langs[0])
		switch {
		case who != "" && s.Year != "":
			w.holder = []string{c.T(whoKey, whoArg, who, "year", s.Year)}
		case who != "":
			w.holder = []string{who}
		default:
			w.holder = []string{s.Year}
		}
		w.compact = []string{strings.TrimSpace(strings.ReplaceAll(short1, ".", "") + " " + s.Year)}
	}
	if s.Reason != "" {
		for _, lg := range langs {
			w.reasons = append(w.reasons, i18n.Get(lg).Reason(s.Reason))
		}
	}
	if s.Note != "" {
		for _, lg := range langs {
			w.reasons = append(w.reasons, i18n.Get(lg).T(s.Note, s.NoteArgs...))
		}
	}
	return w
}

func cat(a, b []string) []string { return append(append([]string{}, a...), b...) }

// statusCandidates are the (headline, detail) pairs to try in a text area
// of width by height, best first.
func statusCandidates(s *Status, w statusWords, langs []i18n.Lang, width, height int, detailFace font.Face, loc *time.Location) []choice {
	long, short := w.long, w.short
	firstLong, firstShort := long[:1], short[:1]
	reasons := w.reasons
	// The full name, where the kiosk is set to show it, may take up to
	// three lines (half the text area) before it gives way to the
	// compact initials.
	holders := [][]string{w.holder}
	if s.Name != "" {
		if wr := wrapAll(detailFace, w.holder, width); len(wr) > 1 && len(wr) <= 3 && len(wr)*detailFace.Height() <= height/2 {
			holders = append(holders, wr)
		}
	}
	// The holder's initials and year outrank the second language (the
	// guard checks them against an identity document; the symbol speaks
	// every language), the second language outranks the reason.
	var choices []choice
	for _, hd := range holders {
		for _, d := range [][]string{cat(reasons, hd), cat(reasons[:min(1, len(reasons))], hd)} {
			for _, h := range [][]string{long, short} {
				choices = append(choices, choice{h, d})
			}
		}
	}
	for _, hs := range [][][]string{{long, short}, {firstLong, firstShort}} {
		for _, d := range append(slices.Clone(holders), w.compact) {
			for _, h := range hs {
				choices = append(choices, choice{h, d})
			}
		}
	}
	for _, h := range [][]string{long, short, firstLong, firstShort} {
		choices = append(choices, choice{h, nil})
	}
	return withExtras(choices, detailExtras(s, langs, loc), w.holder, holders, w.compact)
}

// withExtras puts an exposure notice for the holder and a group's line
// first in the details, in every choice; without them the choices stay
// as they are. The holder check outranks the longer forms of the notice:
// every choice that keeps the holder comes before any that drops it.
func withExtras(choices []choice, extras [][]string, holder []string, holders [][]string, compact []string) []choice {
	if extras[0] == nil {
		return choices
	}
	keeps := func(ch choice) bool {
		return len(holder) == 0 || slices.ContainsFunc(ch.detail, func(d string) bool {
			return slices.Contains(slices.Concat(holders...), d) || slices.Contains(compact, d)
		})
	}
	var out []choice
	for _, holderKept := range []bool{true, false} {
		for _, ex := range extras {
			for _, ch := range choices {
				if keeps(ch) == holderKept {
					out = append(out, choice{ch.head, cat(ex, ch.detail)})
				}
			}
		}
	}
	return out
}

// attempt is one pass over candidates: their detail in face, their
// headline at a scale from the largest down to minHead, wrapped or not;
// with final, the last candidate is drawn even if it does not fit.
type attempt struct {
	cands       []choice
	final, wrap bool
	face        font.Face
	minHead     int
}

// statusAttempts are the passes over the candidates, in order.
//
// Unwrapped headlines first, then wrapped ones; and first at no less than
// half the largest headline scale, so that a large panel does not shrink a
// headline to its smallest size rather than wrap it (legibility first: the
// guard reads it from a distance). That first pass takes only headlines
// in every language: a second language is worth more than a larger first
// one.
func (l *Layout) statusAttempts(s *Status, w statusWords, langs []i18n.Lang, choices []choice) []attempt {
	detailFace := font.Face{Scale: l.textScale}
	every := slices.DeleteFunc(slices.Clone(choices), func(ch choice) bool { return len(ch.head) < len(langs) })
	var minHeads []int
	for m := l.maxHead() / 2; m >= 2; m-- {
		minHeads = append(minHeads, m)
	}
	var out []attempt
	// A staff message's note is what to do next: in every language, at
	// the detail scale or one smaller, before it is shown in the first
	// language only.
	if s.Note != "" && !s.Verdict && len(langs) > 1 {
		last := w.reasons[len(w.reasons)-1] // the note in the last language
		all := slices.DeleteFunc(slices.Clone(every), func(ch choice) bool {
			return !slices.ContainsFunc(ch.detail, func(d string) bool { return d == last })
		})
		faces := []font.Face{detailFace}
		if l.textScale > 1 {
			faces = append(faces, font.Face{Scale: l.textScale - 1})
		}
		for _, f := range faces {
			for _, minHead := range minHeads {
				for _, wrap := range []bool{false, true} {
					out = append(out, attempt{all, false, wrap, f, max(minHead, f.Scale)})
				}
			}
		}
	}
	for _, minHead := range append(minHeads, 1) {
		cands := choices
		if minHead > 1 {
			cands = every
		}
		for _, wrap := range []bool{false, true} {
			out = append(out, attempt{cands, wrap && minHead == 1, wrap, detailFace, minHead})
		}
	}
	return out
}

// maxHead is the largest headline scale.
func (l *Layout) maxHead() int { return 3 * l.textScale }

// fitStatus draws the first candidate of the first attempt that fits text
// and returns it; none fits only when every attempt fails.
func (l *Layout) fitStatus(dst *image.Gray, text image.Rectangle, a align, attempts []attempt) choice {
	for _, at := range attempts {
		if ch, ok := l.statusChoice(dst, text, a, at.cands, at.final, at.wrap, at.face, l.maxHead(), at.minHead); ok {
			return ch
		}
	}
	return choice{}
}
