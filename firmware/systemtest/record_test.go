package systemtest

import (
	"fmt"
	"testing"
)

// record is what the summary at the end of the run repeats: the checks'
// findings and their failures. A failure's own message scrolls by above
// the guest's journal dump that follows it, and a CI log shows its tail;
// the summary names every failure again, last.
type record struct {
	lines    []string
	failures []string
}

func (r *record) logf(t *testing.T, format string, a ...any) {
	t.Helper()
	line := fmt.Sprintf(format, a...)
	r.lines = append(r.lines, line)
	t.Log(line)
}

// errorf is t.Errorf, remembered for the summary.
func (r *record) errorf(t *testing.T, format string, a ...any) {
	t.Helper()
	t.Error(r.failed(t, format, a...))
}

// fatalf is t.Fatalf, remembered for the summary.
func (r *record) fatalf(t *testing.T, format string, a ...any) {
	t.Helper()
	t.Fatal(r.failed(t, format, a...))
}

func (r *record) failed(t *testing.T, format string, a ...any) string {
	msg := fmt.Sprintf(format, a...)
	short := msg
	if len(short) > 2000 {
		short = short[:2000] + " […]"
	}
	r.failures = append(r.failures, t.Name()+": "+short)
	return msg
}

// summary logs the findings, then the failures.
func (r *record) summary(t *testing.T, header string) {
	t.Helper()
	t.Log(header)
	for _, line := range r.lines {
		t.Log("  " + line)
	}
	for _, f := range r.failures {
		t.Log("  FAILED " + f)
	}
}
