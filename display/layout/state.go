package layout

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
)

// Symbol is the large mark of the status area.
type Symbol int

// Symbols.
const (
	Tick  Symbol = iota + 1 // green: a tick in a circle
	Bang                    // amber: an exclamation mark in a triangle
	Cross                   // red: a cross in an octagon
	Info                    // a message: an "i" in a square
	Leave                   // a pass leaving (a check-out): an arrow out of an open door frame
)

// SymbolOf returns the symbol of a verdict status.
func SymbolOf(s verify.Status) Symbol {
	switch s {
	case verify.Green:
		return Tick
	case verify.Amber:
		return Bang
	}
	return Cross
}

// Status is what the status area shows instead of the instruction.
type Status struct {
	Symbol   Symbol    // 0: none (the words take its place)
	Headline i18n.Key  // the words: verdict.green, staff.accepted, …
	Short    i18n.Key  // a shorter headline for small panels; "" = none
	Reason   pass.Code // "" = none
	Initials string    // the holder's initials, shown, never stored; "" = none
	Year     string    // the holder's birth year; "" = none
	Verdict  bool      // whether this is a pass verdict
	Status   verify.Status

	// Args fill the headline's placeholders: name, value pairs. ArgsZH,
	// when set, fill them in the Chinese languages instead (a venue's
	// Chinese name).
	Args   []string
	ArgsZH []string
	// Name is the holder's full name, for a kiosk set to show it instead
	// of the initials; shown, never stored; "" = none.
	Name string
	// Exposure, when set, tells the holder they were here during an
	// exposure window: the offline exposure match.
	Exposure Window
	// Group is a group's progress or result (companions); nil = none.
	Group *GroupLine
	// Note is a message shown in every language under the headline, as a
	// reason is (a staff action's detail: the exempt category, what to
	// do next); "" = none. NoteArgs fill its placeholders.
	Note     i18n.Key
	NoteArgs []string
}

// VerdictStatus returns the status of a verdict. Holder details are
// reduced to initials and birth year when showHolder is true; the name
// and full date of birth never reach the panel.
func VerdictStatus(v *verify.Verdict, showHolder bool) *Status {
	st := &Status{Symbol: SymbolOf(v.Status), Verdict: true, Status: v.Status}
	switch v.Status {
	case verify.Green:
		st.Headline, st.Short = i18n.VerdictGreen, i18n.VerdictGreenShort
	case verify.Amber:
		st.Headline, st.Short = i18n.VerdictAmber, i18n.VerdictAmberShort
	default:
		st.Headline, st.Short = i18n.VerdictRed, i18n.VerdictRedShort
	}
	if v.Status != verify.Green && len(v.Reasons) > 0 {
		st.Reason = v.Reasons[0].Code
	}
	// An amber verdict for the policy's reason on a pass that states an
	// exemption is the exemption outcome: it says so, not that the entry
	// rules were not met.
	if v.Status == verify.Amber && st.Reason == pass.Policy && slices.Contains(v.Kinds, pass.Exemption) {
		st.Reason, st.Note = "", i18n.VerdictExemption
	}
	if showHolder {
		st.Initials = Initials(v.Holder.Name)
		st.Year = BirthYear(v.Holder.DOB)
	}
	return st
}

// MessageStatus returns a status showing one message with a symbol.
func MessageStatus(sym Symbol, k i18n.Key) *Status {
	return &Status{Symbol: sym, Headline: k}
}

// maxInitials bounds the initials shown.
const maxInitials = 4

// Initials returns the initials of a name: the first letter of each word
// (upper case), at most four. A word of Chinese characters gives its first
// character (the family name). What follows an opening parenthesis is not
// the name: Hong Kong records show the masked document number there.
// "CHAN, Tai Man" → "C.T.M."; "陳大文" → "陳"; "CHEUNG K** W** (Z123****)"
// → "C.K.W."; "(HKIC A123****)" → "".
func Initials(name string) string {
	if i := strings.IndexAny(name, "(（"); i >= 0 {
		name = name[:i]
	}
	var out []string
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == '.' || r == '-' || r == '<'
	}) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				out = append(out, string(unicode.ToUpper(r)))
				break
			}
		}
		if len(out) == maxInitials {
			break
		}
	}
	if len(out) == 0 {
		return ""
	}
	if len(out) == 1 && unicode.Is(unicode.Han, []rune(out[0])[0]) {
		return out[0]
	}
	return strings.Join(out, ".") + "."
}

// BirthYear returns the year of a date of birth (YYYY, YYYY-MM or
// YYYY-MM-DD), or "" when it has none.
func BirthYear(dob string) string {
	if len(dob) < 4 {
		return ""
	}
	y, err := strconv.Atoi(dob[:4])
	if err != nil || y < 1850 || y > 2200 || (len(dob) > 4 && dob[4] != '-') {
		return ""
	}
	return dob[:4]
}

// State is everything the panel shows.
type State struct {
	Langs   []i18n.Lang // one to MaxLangs; the first is the main language
	VenueEN string
	VenueZH string

	Payload string   // the venue code; "" when none is shown
	Paused  i18n.Key // why no code is shown (TimeUntrusted, VenueUnset)

	Status    *Status   // nil: the instruction
	Open      bool      // entry open: no pass checks
	OpenUntil time.Time // when entry open ends by itself; zero: not said
	NoScanner bool      // no scanner fitted or it failed

	// HKEN is the venue's LeaveHomeSafe code (unsigned) for the
	// compatibility display, shown as HKENMode says; ShowHKEN says it is
	// the alternate code's turn in the QR window. See hken.go.
	HKEN     string
	HKENMode HKENMode
	ShowHKEN bool

	Now        time.Time      // the footer's clock; zero: no time shown
	Loc        *time.Location // nil: UTC
	DataAt     time.Time      // when the data was last updated; zero: never
	StaleSince time.Time      // non-zero: the data is out of date since then
	Exposure   time.Time      // non-zero: the date of an exposure at this venue
}

// MaxLangs is how many languages the panel shows at once (State.Langs).
const MaxLangs = 2

func (s *State) langs() []i18n.Lang {
	if len(s.Langs) == 0 {
		return []i18n.Lang{i18n.EN}
	}
	if len(s.Langs) > MaxLangs {
		return s.Langs[:MaxLangs]
	}
	return s.Langs
}

func (s *State) loc() *time.Location {
	if s.Loc == nil {
		return time.UTC
	}
	return s.Loc
}
