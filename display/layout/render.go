package layout

import (
	"image"
	"image/color"
	"image/draw"

	"github.com/venuekiosk/venuekiosk/display/font"
	"github.com/venuekiosk/venuekiosk/display/i18n"
)

// Part selects parts of the panel to draw.
type Part uint8

// Parts.
const (
	Header Part = 1 << iota
	QR
	StatusArea
	Footer
	All = Header | QR | StatusArea | Footer
)

// NewFrame returns a white frame of the panel's size.
func (l *Layout) NewFrame() *image.Gray {
	img := image.NewGray(l.Bounds())
	fill(img, img.Bounds(), 255)
	return img
}

func fill(img *image.Gray, r image.Rectangle, v uint8) {
	r = r.Intersect(img.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		o := img.PixOffset(r.Min.X, y)
		row := img.Pix[o : o+r.Dx()]
		for i := range row {
			row[i] = v
		}
	}
}

// Render draws the whole panel for st.
func (l *Layout) Render(st *State) (*image.Gray, error) {
	img := l.NewFrame()
	return img, l.Draw(img, st, All)
}

// Draw redraws the given parts of st into frame (which has the panel's
// bounds), clearing each part's window first. The only error is a venue
// code that does not fit the panel's QR spec; the window then shows
// nothing.
func (l *Layout) Draw(frame *image.Gray, st *State, parts Part) error {
	var err error
	if parts&Header != 0 {
		fill(frame, l.header, 255)
		l.drawHeader(frame, st)
	}
	if parts&QR != 0 {
		fill(frame, l.qr, 255)
		err = l.drawQR(frame, st)
	}
	if parts&StatusArea != 0 {
		fill(frame, l.status, 255)
		l.drawStatus(frame, st)
	}
	if parts&Footer != 0 {
		fill(frame, l.footer, 255)
		l.drawFooter(frame, st)
	}
	return err
}

func (l *Layout) drawHeader(dst *image.Gray, st *State) {
	box := l.header.Inset(l.pad)
	var names []string
	for _, n := range []string{st.VenueEN, st.VenueZH} {
		if n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return
	}
	b, _ := fit(box.Dx(), box.Dy(), 4*l.textScale, true, names, names[:1])
	b.draw(dst, box, center, true)
}

func (l *Layout) drawQR(dst *image.Gray, st *State) error {
	if st.HKENMode == HKENAlternate && st.ShowHKEN && st.HKEN != "" {
		return l.drawHKEN(dst, l.qr, st.HKEN)
	}
	if st.Payload == "" {
		l.drawPaused(dst, st)
		return nil
	}
	sym, err := l.spec.Encode(st.Payload)
	if err != nil {
		return err
	}
	side := sym.Size() * l.modulePx
	at := l.qr.Min.Add(image.Pt((l.qr.Dx()-side)/2, (l.qr.Dy()-side)/2))
	sym.Draw(dst, at, l.modulePx)
	return nil
}

// drawPaused shows why there is no venue code, in a dashed frame the size
// of the symbol.
func (l *Layout) drawPaused(dst *image.Gray, st *State) {
	side := l.spec.Modules() * l.modulePx
	frame := image.Rect(0, 0, side, side).Add(l.qr.Min.Add(image.Pt((l.qr.Dx()-side)/2, (l.qr.Dy()-side)/2)))
	dash := 3 * l.modulePx
	t := max(1, l.modulePx/2)
	for i := 0; i < side; i++ {
		if (i/dash)%2 != 0 {
			continue
		}
		for k := 0; k < t; k++ {
			dst.SetGray(frame.Min.X+i, frame.Min.Y+k, color.Gray{})
			dst.SetGray(frame.Min.X+i, frame.Max.Y-1-k, color.Gray{})
			dst.SetGray(frame.Min.X+k, frame.Min.Y+i, color.Gray{})
			dst.SetGray(frame.Max.X-1-k, frame.Min.Y+i, color.Gray{})
		}
	}
	key := st.Paused
	if key == "" {
		key = i18n.TimeUntrusted
	}
	var msgs []string
	for _, lg := range st.langs() {
		msgs = append(msgs, i18n.Get(lg).T(key))
	}
	box := frame.Inset(t + l.pad)
	b, _ := fit(box.Dx(), box.Dy(), 2*l.textScale, false, msgs, msgs[:1])
	b.draw(dst, box, center, true)
}

// drawStatus draws the status area and returns the texts it chose (none
// for the instruction).
func (l *Layout) drawStatus(dst *image.Gray, st *State) choice {
	box := l.status.Inset(l.pad)
	s := st.Status
	if s == nil && st.Open {
		s = openStatus(st, box.Dx() < minColumn)
	}
	if s == nil {
		l.drawInstruction(dst, st, box)
		return choice{}
	}
	symBox, text, a := l.statusBoxes(box, s.Symbol)
	drawSymbol(dst, symBox, s.Symbol)
	langs := st.langs()
	w := statusWordsOf(s, langs)
	choices := statusCandidates(s, w, langs, text.Dx(), text.Dy(), font.Face{Scale: l.textScale}, st.loc())
	return l.fitStatus(dst, text, a, l.statusAttempts(s, w, langs, choices))
}

type choice struct{ head, detail []string }

// statusChoice draws the first choice that fits text, with a headline at
// a scale from maxHead down to minHead, and returns it, or false when none
// did; with final true the last choice is drawn even if it does not fit.
func (l *Layout) statusChoice(dst *image.Gray, text image.Rectangle, a align, choices []choice, final, wrap bool, detailFace font.Face, maxHead, minHead int) (choice, bool) {
	for i, ch := range choices {
		last := final && i == len(choices)-1
		dl := wrapAll(detailFace, ch.detail, text.Dx())
		dh := len(dl) * detailFace.Height()
		if widest(detailFace, dl) > text.Dx() || (dh > text.Dy()/2+detailFace.Height() && !last) || (!wrap && len(dl) != nonEmpty(ch.detail)) {
			continue
		}
		gap := 0
		if dh > 0 {
			gap = l.pad
		}
		hb, ok := fitModeMin(text.Dx(), text.Dy()-dh-gap, maxHead, minHead, true, wrap, ch.head)
		if !ok && last {
			hb, ok = fit(text.Dx(), text.Dy()-dh-gap, maxHead, true, ch.head)
		}
		if !ok && !last {
			continue
		}
		total := hb.height() + gap + dh
		y := text.Min.Y + (text.Dy()-total)/2
		hb.draw(dst, image.Rect(text.Min.X, y, text.Max.X, y+hb.height()), a, false)
		y += hb.height() + gap
		block{face: detailFace, lines: dl}.draw(dst, image.Rect(text.Min.X, y, text.Max.X, y+dh), a, false)
		return ch, true
	}
	return choice{}, false
}

func (l *Layout) drawInstruction(dst *image.Gray, st *State, box image.Rectangle) {
	var head, short, sub []string
	subKey := i18n.InstructionPass
	switch {
	case st.NoScanner:
		subKey = i18n.NoScanner
	case st.Open:
		subKey = i18n.OpenMode
	case st.HKEN != "" && st.ShowHKEN && st.HKENMode == HKENAlternate:
		subKey = i18n.HKENCaption
	}
	if st.HKENMode == HKENBeside && st.HKEN != "" {
		box = l.drawBeside(dst, st, box)
	}
	for _, lg := range st.langs() {
		c := i18n.Get(lg)
		head = append(head, c.T(i18n.Instruction))
		short = append(short, c.T(i18n.InstructionShort))
		sub = append(sub, c.T(subKey))
	}
	// Every language first: the line under the instruction at the text
	// scale, then (on a large panel) smaller under an instruction larger
	// than it, before it is shown in the first language only or not at
	// all.
	type subOpt struct {
		lines            []string
		scale, headerMin int
	}
	opts := []subOpt{{sub, l.textScale, 1}}
	if l.textScale > 1 {
		opts = append(opts, subOpt{sub, 1, 2})
	}
	opts = append(opts, subOpt{sub[:1], l.textScale, 1}, subOpt{nil, 1, 1})
	for i, o := range opts {
		subFace := font.Face{Scale: o.scale}
		sl := wrapAll(subFace, o.lines, box.Dx())
		sh := len(sl) * subFace.Height()
		if len(o.lines) > 0 && sh > box.Dy()/2 {
			continue
		}
		gap := 0
		if sh > 0 {
			gap = l.pad * 2
		}
		var hb block
		ok := false
		for _, wrap := range []bool{false, true} {
			if hb, ok = fitModeMin(box.Dx(), box.Dy()-sh-gap, 3*l.textScale, o.headerMin, true, wrap, head, short, head[:1], short[:1]); ok {
				break
			}
		}
		if !ok && i < len(opts)-1 {
			continue
		}
		if !ok {
			hb, _ = fit(box.Dx(), box.Dy()-sh-gap, 3*l.textScale, true, head, short, head[:1], short[:1])
		}
		total := hb.height() + gap + sh
		y := box.Min.Y + (box.Dy()-total)/2
		hb.draw(dst, image.Rect(box.Min.X, y, box.Max.X, y+hb.height()), center, false)
		y += hb.height() + gap
		block{face: subFace, lines: sl}.draw(dst, image.Rect(box.Min.X, y, box.Max.X, y+sh), center, false)
		return
	}
}

func (l *Layout) drawFooter(dst *image.Gray, st *State) {
	// A rule across the top of the footer.
	fill(dst, image.Rect(l.footer.Min.X, l.footer.Min.Y, l.footer.Max.X, l.footer.Min.Y+1), 0)
	box := image.Rect(l.footer.Min.X+l.pad, l.footer.Min.Y+l.pad, l.footer.Max.X-l.pad, l.footer.Max.Y)
	f := font.Face{Scale: l.footScale}
	lh := f.Height()
	langs := st.langs()
	c := i18n.Get(langs[0])

	clock := ""
	if !st.Now.IsZero() {
		clock = st.Now.In(st.loc()).Format("15:04") + " "
	}
	var long, short string
	switch {
	case !st.StaleSince.IsZero():
		long = c.T(i18n.DataStale, "time", st.StaleSince.In(st.loc()).Format("2006-01-02 15:04"))
		short = c.T(i18n.DataStaleShort)
	case st.DataAt.IsZero():
		long, short = c.T(i18n.DataNever), c.T(i18n.DataNever)
	case st.Now.IsZero():
		// No trusted time: no age to tell.
	default:
		age := c.Age(st.Now.Sub(st.DataAt))
		long, short = c.T(i18n.DataAge, "age", age), c.T(i18n.DataAgeShort, "age", age)
	}
	lines := l.footLines
	if !st.Exposure.IsZero() {
		lines = 1
	}
	// The time and the data's state on one line if they fit, else on two
	// when the exposure notice leaves room.
	dataBox := image.Rect(box.Min.X, box.Min.Y, box.Max.X, box.Min.Y+lines*lh)
	b, ok := fitMode(dataBox.Dx(), dataBox.Dy(), l.footScale, false, false,
		[]string{clock + long}, []string{clock + short}, []string{clock, long}, []string{clock, short}, []string{short})
	if !ok {
		b, _ = fit(dataBox.Dx(), lh, 1, false, []string{clock + short})
	}
	b.draw(dst, dataBox, left, false)
	if st.Exposure.IsZero() {
		return
	}
	date := st.Exposure.In(st.loc()).Format("2006-01-02")
	var notices, shorts []string
	for _, lg := range langs {
		cl := i18n.Get(lg)
		notices = append(notices, cl.T(i18n.ExposureNotice, "date", date))
		shorts = append(shorts, cl.T(i18n.ExposureShort))
	}
	ebox := image.Rect(box.Min.X, box.Min.Y+lh, box.Max.X, box.Min.Y+l.footLines*lh)
	cands := [][]string{notices}
	for i := range notices {
		// Each language gets the long notice if it fits, else the short.
		mixed := append([]string{}, shorts...)
		mixed[i] = notices[i]
		cands = append(cands, mixed)
	}
	cands = append(cands, shorts, shorts[:1])
	// The footer's own scale first, then the smallest.
	b, ok = fitAt(ebox.Dx(), ebox.Dy(), l.footScale, cands...)
	if !ok {
		b, _ = fit(ebox.Dx(), ebox.Dy(), 1, false, cands...)
	}
	b.draw(dst, ebox, left, false)
}

// Paletted returns img as a two-colour paletted image (black, white), the
// form PNG stores in one bit a pixel. Pixels darker than mid-grey are black.
func Paletted(img image.Image) *image.Paletted {
	b := img.Bounds()
	p := image.NewPaletted(b, color.Palette{color.Black, color.White})
	draw.Draw(p, b, img, b.Min, draw.Src)
	return p
}
