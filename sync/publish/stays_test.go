package publish

import (
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/store"
)

// TestReadExposuresAssumedStay: the optional assumed_stay column, in CSV
// and JSON, and files without it (the format before it) as they were.
func TestReadExposuresAssumedStay(t *testing.T) {
	for _, tc := range []struct {
		name, file, content string
		want                []time.Duration
	}{
		{"old CSV, no column", "e.csv", "venue,start,end,notice_en,notice_zh,notice_until\n" +
			"V1,2026-02-27T18:00:00+08:00,2026-02-27T20:00:00+08:00,A case visited.,確診者曾到訪。,2026-03-13\n", []time.Duration{0}},
		{"old JSON, no field", "e.json", `[{"venue":"V1","start":"2026-02-27T18:00:00+08:00","end":"2026-02-27T20:00:00+08:00",` +
			`"notice_en":"A case visited.","notice_zh":"確診者曾到訪。","notice_until":"2026-03-13"}]`, []time.Duration{0}},
		{"CSV with the column", "e.csv", "venue,start,end,notice_until,assumed_stay\n" +
			"V1,2026-02-27T18:00:00+08:00,2026-02-27T20:00:00+08:00,2026-03-13,90m\n" +
			"V2,2026-02-27,2026-02-28,2026-03-13,\n" +
			"V3,2026-02-27,2026-02-28,2026-03-13,1h30m\n" +
			"V4,2026-02-27,2026-02-28,2026-03-13,15m\n" +
			"V5,2026-02-27,2026-02-28,2026-03-13,8h\n",
			[]time.Duration{90 * time.Minute, 0, 90 * time.Minute, 15 * time.Minute, 8 * time.Hour}},
		{"JSON with the field", "e.json", `[{"venue":"V1","start":"2026-02-27","end":"2026-02-28","notice_until":"2026-03-13","assumed_stay":"2h"},` +
			`{"venue":"V2","start":"2026-02-27","end":"2026-02-28","notice_until":"2026-03-13","assumed_stay":null}]`,
			[]time.Duration{2 * time.Hour, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadExposures(write(t, tc.file, tc.content))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d exposures, want %d", len(got), len(tc.want))
			}
			for i, e := range got {
				if e.AssumedStay != tc.want[i] {
					t.Errorf("exposure %d: assumed stay %v, want %v", i, e.AssumedStay, tc.want[i])
				}
			}
		})
	}
	row := "venue,start,end,notice_until,assumed_stay\nV1,2026-02-27,2026-02-28,2026-03-13,"
	for _, tc := range []struct{ name, content, want string }{
		{"no unit", row + "90\n", `e.csv:2: assumed_stay "90": want a duration with its unit`},
		{"too short", row + "14m\n", `assumed_stay "14m": want whole minutes from 15m to 8h`},
		{"too long", row + "8h1m\n", `assumed_stay "8h1m"`},
		{"not whole minutes", row + "30m30s\n", `assumed_stay "30m30s"`},
		{"negative", row + "-1h\n", `assumed_stay "-1h"`},
		{"words", row + "two hours\n", `assumed_stay "two hours"`},
		{"JSON number", "", "assumed_stay must be a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file, content := "e.csv", tc.content
			if content == "" {
				file, content = "e.json", `[{"venue":"V1","start":"2026-02-27","end":"2026-02-28","notice_until":"2026-03-13","assumed_stay":90}]`
			}
			if _, err := ReadExposures(write(t, file, content)); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v; want an error containing %q", tc.name, err, tc.want)
			}
		})
	}
}

// TestPublishRefusesBadAssumedStay: an exposure given to Publish directly
// is checked as the input file's would be.
func TestPublishRefusesBadAssumedStay(t *testing.T) {
	for d, ok := range map[time.Duration]bool{0: true, 15 * time.Minute: true, 14 * time.Minute: false, 9 * time.Hour: false, 20*time.Minute + time.Second: false} {
		e := exposureAt(d)
		if err := checkExposure(&e); (err == nil) != ok {
			t.Errorf("%v: got %v, want ok %v", d, err, ok)
		}
	}
}

func exposureAt(stay time.Duration) store.Exposure {
	start := time.Date(2026, 2, 27, 10, 0, 0, 0, time.UTC)
	return store.Exposure{Venue: "V1", Start: start, End: start.Add(time.Hour), NoticeUntil: start.AddDate(0, 0, 14), AssumedStay: stay}
}
