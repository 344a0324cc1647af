package policy

import (
	"fmt"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// A pass may state several entries of a kind: an early EU certificate
// with two vaccination entries, a SMART Health Card's immunization history,
// a Hong Kong record's doses. The policy decides on them. When it refuses,
// its finding names the entry it judged; when it admits a pass whose
// entries are certificates of their own (each with its identifier: the
// pass has OtherIDs), a finding names the entry that counted. A dose
// history (SHC, Hong Kong) is one statement and gets no such finding. An
// entry is named by its position in the pass ("vaccination entry 2 of 2"),
// never by its content.

// latestDose returns the index of the dose that counts for the days since
// vaccination: the latest by date, and of two on the same day the higher
// dose number.
func latestDose(doses []pass.Dose) int {
	last := 0
	for i, d := range doses {
		l := doses[last]
		if d.Date.After(l.Date) || (d.Date.Equal(l.Date) && d.Dose > l.Dose) {
			last = i
		}
	}
	return last
}

// entryName names entry i (from 0) of n of kind.
func entryName(kind string, i, n int) string {
	return fmt.Sprintf("%s entry %d of %d", kind, i+1, n)
}

// countedDose is the finding of a green verdict decided on several doses.
func countedDose(doses []pass.Dose, at time.Time) Finding {
	i := latestDose(doses)
	d := doses[i]
	return Finding{pass.Policy, fmt.Sprintf("counted %s (the latest: dose %s, %d days ago)",
		entryName("vaccination", i, len(doses)), doseOf(d), daysBetween(d.Date, at))}
}

// doseOf spells a dose number and series, "2/2"; an unknown number is "?".
func doseOf(d pass.Dose) string {
	n, s := "?", "?"
	if d.Dose > 0 {
		n = fmt.Sprint(d.Dose)
	}
	if d.Series > 0 {
		s = fmt.Sprint(d.Series)
	}
	return n + "/" + s
}

// judgedDoses prefixes the finding of a red verdict decided on several
// doses with the entry it was decided on.
func judgedDoses(doses []pass.Dose, detail string) string {
	if len(doses) < 2 {
		return detail
	}
	return "judged on " + entryName("vaccination", latestDose(doses), len(doses)) + " (the latest): " + detail
}

// countedEntry is the finding of a green verdict decided on entry i of n
// of kind, where n > 1 and the entries are certificates of their own.
func countedEntry(ps *pass.Pass, kind string, i, n int) []Finding {
	if n < 2 || len(ps.OtherIDs) == 0 {
		return nil
	}
	return []Finding{{pass.Policy, "counted " + entryName(kind, i, n)}}
}

// judgedEntry prefixes the finding on entry i of n of kind, where n > 1.
func judgedEntry(kind string, i, n int, detail string) string {
	if n < 2 {
		return detail
	}
	return entryName(kind, i, n) + ": " + detail
}
