package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestMigrateVisitsToStays: a v6 visit log (times to the second, a
// verdict per visit) becomes stays — the same ids and hashes, check-ins
// rounded down to the minute, no check-out, no verdict — and exposure
// data from before gets no assumed stay of its own.
func TestMigrateVisitsToStays(t *testing.T) {
	t.Parallel()
	const v7 = 7
	path := dbPath(t)
	s := openT(t, path, migrations[:v7-1])
	s.Close()
	db := rawDB(t, path)
	h1, h2 := vhash(1), vhash(2)
	at := t0.Add(10*time.Minute + 59*time.Second)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"INSERT INTO visits (id, hash, at, verdict) VALUES (?, ?, ?, 'green')", []any{3, h1[:], at.Unix()}},
		{"INSERT INTO visits (id, hash, at, verdict) VALUES (?, ?, ?, 'red')", []any{7, h2[:], t0.Unix()}},
		{"INSERT INTO visits (id, hash, at, verdict) VALUES (?, ?, ?, 'amber')", []any{9, h1[:], at.Add(time.Hour).Unix()}},
		{`INSERT INTO exposures (venue, window_start, window_end, notice_en, notice_zh, notice_until)
			VALUES ('V1', ?, ?, 'en', 'zh', ?)`, []any{t0.Unix(), t0.Add(time.Hour).Unix(), t0.Add(14 * day).Unix()}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s = openT(t, path, migrations[:v7])
	if st := s.Status(); st.Version != v7 || st.MigratedFrom != v7-1 {
		t.Fatalf("status %+v: want v7 from v6", st)
	}
	type row struct {
		id, at int64
		hash   VisitHash
		out    *int64
	}
	rows, err := s.r.Query("SELECT id, hash, at, checkout FROM visits ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	var got []row
	for rows.Next() {
		var r row
		var h []byte
		if err := rows.Scan(&r.id, &h, &r.at, &r.out); err != nil {
			t.Fatal(err)
		}
		copy(r.hash[:], h)
		got = append(got, r)
	}
	rows.Close()
	want := []row{
		{id: 3, hash: h1, at: t0.Add(10 * time.Minute).Unix()},
		{id: 7, hash: h2, at: t0.Unix()},
		{id: 9, hash: h1, at: t0.Add(70 * time.Minute).Unix()},
	}
	if !slices.EqualFunc(got, want, func(a, b row) bool { return a.id == b.id && a.hash == b.hash && a.at == b.at && a.out == nil }) {
		t.Errorf("visits after the migration:\n got %+v\nwant %+v", got, want)
	}
	ex, err := s.Exposures(context.Background(), "V1")
	if err != nil || len(ex) != 1 || ex[0].AssumedStay != 0 || !ex[0].Start.Equal(t0) {
		t.Errorf("exposures after the migration: %+v, %v; want the one, without an assumed stay", ex, err)
	}
	// The migrated log is in use: an exit scan closes a migrated visit.
	var ok bool
	apply(t, s, func(tx *Tx) (err error) { ok, err = tx.CheckOut(h2, t0.Truncate(day), t0.Add(time.Hour)); return err })
	if got := stays(t, s, h2); !ok || len(got) != 1 || !got[0].Out.Equal(t0.Add(time.Hour)) {
		t.Errorf("check-out of a migrated visit: %v, %v", ok, got)
	}
}

// TestExposureAssumedStay: an exposure's own assumed stay is kept, and
// refused outside the policy's bounds, by the store and by the table.
func TestExposureAssumedStay(t *testing.T) {
	t.Parallel()
	s := newStore(t)
	e := Exposure{Venue: "V1", Start: t0, End: t0.Add(time.Hour), NoticeUntil: t0.Add(day)}
	for _, d := range []time.Duration{0, 15 * time.Minute, 90 * time.Minute, 8 * time.Hour} {
		e.AssumedStay = d
		apply(t, s, func(tx *Tx) error { return tx.ReplaceExposures([]Exposure{e}) })
		got, err := s.Exposures(context.Background(), "V1")
		if err != nil || len(got) != 1 || got[0].AssumedStay != d {
			t.Errorf("assumed stay %v: got %+v, %v", d, got, err)
		}
	}
	for _, d := range []time.Duration{14 * time.Minute, 8*time.Hour + time.Minute, 30*time.Minute + time.Second, -time.Hour} {
		e.AssumedStay = d
		err := s.Apply(context.Background(), func(tx *Tx) error { return tx.ReplaceExposures([]Exposure{e}) })
		if err == nil {
			t.Errorf("assumed stay %v: accepted", d)
		}
	}
	for _, secs := range []int64{899, 28801, 1801} {
		if _, err := s.w.Exec(`INSERT INTO exposures (venue, window_start, window_end, notice_en, notice_zh, notice_until, assumed_stay)
			VALUES ('V9', 0, 60, '', '', 60, ?)`, secs); err == nil {
			t.Errorf("the table took an assumed stay of %d s", secs)
		}
	}
}
