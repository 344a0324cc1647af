package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestCodes(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	a, b, c, d, e := id(5, 1), id(5, 2), id(5, 3), id(5, 4), id(5, 5)
	h := time.Hour
	entries := []CodeEntry{
		{ID: a, Code: pass.AmberCode, ValidFrom: t0, ValidUntil: t0.Add(2 * h)},
		{ID: a, Code: pass.RedCode, ValidFrom: t0.Add(h), ValidUntil: t0.Add(3 * h)},
		{ID: b, Code: pass.RedCode}, // always
		{ID: c, Code: pass.AmberCode, ValidFrom: t0},
		{ID: c, Code: pass.AmberCode, ValidFrom: t0.Add(-48 * h), ValidUntil: t0.Add(-24 * h)},
		{ID: d, Code: pass.AmberCode, ValidUntil: t0},
		{ID: e, Code: pass.RedCode, ValidFrom: t0, ValidUntil: t0.Add(h)},
		{ID: e, Code: pass.AmberCode, ValidFrom: t0, ValidUntil: t0.Add(h)},
	}
	var n int64
	apply(t, s, func(tx *Tx) (err error) { n, err = tx.ReplaceCodes(SliceSeq(entries)); return err })
	if n != int64(len(entries)) {
		t.Errorf("ReplaceCodes: got %d, want %d", n, len(entries))
	}
	for _, tc := range []struct {
		name string
		id   pass.ID
		at   time.Time
		want pass.Code
	}{
		{"before amber", a, t0.Add(-time.Second), ""},
		{"amber starts (inclusive)", a, t0, pass.AmberCode},
		{"red beats amber", a, t0.Add(h), pass.RedCode},
		{"red alone", a, t0.Add(2 * h), pass.RedCode},
		{"red ends (exclusive)", a, t0.Add(3 * h), ""},
		{"just before red ends", a, t0.Add(3*h - time.Millisecond), pass.RedCode},
		{"always red", b, time.Unix(1, 0), pass.RedCode},
		{"open-ended amber", c, t0.AddDate(10, 0, 0), pass.AmberCode},
		{"between windows", c, t0.Add(-12 * h), ""},
		{"old window", c, t0.Add(-30 * h), pass.AmberCode},
		{"until only, before", d, t0.Add(-h), pass.AmberCode},
		{"until only, after", d, t0, ""},
		{"red and amber at once", e, t0, pass.RedCode},
		{"not listed", id(6, 0), t0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Code(tc.id, tc.at)
			if got != tc.want || err != nil {
				t.Errorf("%s: Code at %s: got %q, %v; want %q", tc.name, tc.at.Format(time.RFC3339Nano), got, err, tc.want)
			}
		})
	}
	apply(t, s, func(tx *Tx) (err error) {
		n, err = tx.ReplaceCodes(SliceSeq([]CodeEntry{{ID: d, Code: pass.RedCode}}))
		return err
	})
	if got, _ := s.Code(b, t0); got != "" {
		t.Errorf("after replace, an old entry: got %q", got)
	}
	if got, _ := s.Code(d, t0); got != pass.RedCode {
		t.Errorf("after replace, the new entry: got %q", got)
	}
}

func TestCodesReject(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		e    CodeEntry
		want string
	}{
		{"zero id", CodeEntry{Code: pass.RedCode}, "zero pass ID"},
		{"other code", CodeEntry{ID: id(1, 1), Code: pass.Revoked}, "want"},
		{"empty code", CodeEntry{ID: id(1, 1)}, "want"},
		{"until before from", CodeEntry{ID: id(1, 1), Code: pass.RedCode, ValidFrom: t0, ValidUntil: t0.Add(-time.Hour)}, "not after"},
		{"until equals from", CodeEntry{ID: id(1, 1), Code: pass.RedCode, ValidFrom: t0, ValidUntil: t0}, "not after"},
		{"before 1970", CodeEntry{ID: id(1, 1), Code: pass.RedCode, ValidFrom: time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC)}, "before 1970"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			keep := CodeEntry{ID: id(2, 2), Code: pass.AmberCode}
			apply(t, s, func(tx *Tx) error { _, err := tx.ReplaceCodes(SliceSeq([]CodeEntry{keep})); return err })
			err := s.Apply(context.Background(), func(tx *Tx) error {
				_, err := tx.ReplaceCodes(SliceSeq([]CodeEntry{{ID: id(3, 3), Code: pass.RedCode}, tc.e}))
				return err
			})
			var ie *InvalidError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an InvalidError about %q", err, tc.want)
			}
			if got, _ := s.Code(id(2, 2), t0); got != pass.AmberCode {
				t.Errorf("the old list after a rejected replace: got %q, want amber", got)
			}
		})
	}
	t.Run("duplicate", func(t *testing.T) {
		s := newStore(t)
		e := CodeEntry{ID: id(1, 1), Code: pass.RedCode, ValidFrom: t0}
		err := s.Apply(context.Background(), func(tx *Tx) error {
			_, err := tx.ReplaceCodes(SliceSeq([]CodeEntry{e, e}))
			return err
		})
		if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
			t.Errorf("got %v, want a duplicate-entry error", err)
		}
	})
}
