package store

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
)

// Bounds on exposure notices.
const (
	MaxExposures   = 10000 // per ReplaceExposures call, and per venue read back
	maxVenueLen    = 128
	maxNoticeBytes = 2048
)

// Exposure says a case was at Venue between Start and End; the kiosk shows
// the notice (in English and Chinese) until NoticeUntil. Times are kept
// to the second. AssumedStay, when set, is how long a visit without a
// check-out is taken to have lasted when matched against this window
// (whole minutes, policy.MinAssumedStay to policy.MaxAssumedStay); zero:
// the entry policy's for the venue's category.
type Exposure struct {
	Venue       string
	Start, End  time.Time
	NoticeEN    string
	NoticeZH    string
	NoticeUntil time.Time
	AssumedStay time.Duration
}

// ReplaceExposures makes ex the whole list of exposure notices.
func (tx *Tx) ReplaceExposures(ex []Exposure) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if len(ex) > MaxExposures {
		return invalid("exposures", "%d notices; at most %d", len(ex), MaxExposures)
	}
	for i, e := range ex {
		if err := e.validate(); err != nil {
			return invalid(fmt.Sprintf("exposure %d", i), "%v", err)
		}
	}
	if _, err := tx.exec("DELETE FROM exposures"); err != nil {
		return fmt.Errorf("store: clearing exposures: %w", err)
	}
	st, err := tx.tx.PrepareContext(tx.ctx, `INSERT INTO exposures
		(venue, window_start, window_end, notice_en, notice_zh, notice_until, assumed_stay) VALUES (?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, e := range ex {
		var stay any
		if e.AssumedStay != 0 {
			stay = int64(e.AssumedStay / time.Second)
		}
		if _, err := st.ExecContext(tx.ctx, e.Venue, e.Start.Unix(), e.End.Unix(), e.NoticeEN, e.NoticeZH, e.NoticeUntil.Unix(), stay); err != nil {
			return fmt.Errorf("store: writing exposure %d: %w", i, err)
		}
	}
	return nil
}

func (e *Exposure) validate() error {
	switch {
	case e.Venue == "" || len(e.Venue) > maxVenueLen || !utf8.ValidString(e.Venue):
		return fmt.Errorf("venue: want 1 to %d bytes of UTF-8", maxVenueLen)
	case e.Start.IsZero() || e.Start.Unix() < 0:
		return fmt.Errorf("no window start (or before 1970)")
	case e.End.Unix() <= e.Start.Unix():
		return fmt.Errorf("window end is not after its start")
	case e.NoticeUntil.IsZero() || e.NoticeUntil.Unix() < 0:
		return fmt.Errorf("no notice end")
	}
	if e.AssumedStay != 0 {
		if err := policy.CheckAssumedStay(e.AssumedStay); err != nil {
			return err
		}
	}
	for lang, n := range map[string]string{"en": e.NoticeEN, "zh": e.NoticeZH} {
		if len(n) > maxNoticeBytes || !utf8.ValidString(n) {
			return fmt.Errorf("notice %s: want at most %d bytes of UTF-8", lang, maxNoticeBytes)
		}
	}
	return nil
}

// Exposures returns the exposure notices of venue, by window start.
func (s *Store) Exposures(ctx context.Context, venue string) ([]Exposure, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT venue, window_start, window_end, notice_en, notice_zh, notice_until, assumed_stay
		FROM exposures WHERE venue = ? ORDER BY window_start, id LIMIT ?`, venue, MaxExposures)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exposure
	for rows.Next() {
		var e Exposure
		var start, end, until int64
		var stay *int64
		if err := rows.Scan(&e.Venue, &start, &end, &e.NoticeEN, &e.NoticeZH, &until, &stay); err != nil {
			return nil, err
		}
		if stay != nil {
			e.AssumedStay = time.Duration(*stay) * time.Second
		}
		e.Start, e.End, e.NoticeUntil = time.Unix(start, 0).UTC(), time.Unix(end, 0).UTC(), time.Unix(until, 0).UTC()
		out = append(out, e)
	}
	return out, rows.Err()
}
