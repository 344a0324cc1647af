package policy

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestAssumedStay(t *testing.T) {
	const h = time.Hour
	for _, tc := range []struct {
		name, json, category string
		want                 time.Duration
	}{
		{"default policy, restaurant", "", "restaurant", 2 * h},
		{"default policy, market", "", "market", h},
		{"default policy, government", "", "government", h},
		{"default policy, unlisted", "", "clinic", 2 * h},
		{"default policy, no category", "", "", 2 * h},
		{"default policy, case and spaces", "", "  Market ", h},
		{"no stays: built-in values", `{}`, "market", h},
		{"no stays: built-in default", `{}`, "clinic", 2 * h},
		{"category override", `{"stays": {"categories": {"market": 45}}}`, "market", 45 * time.Minute},
		{"listed categories replace the built-in ones", `{"stays": {"categories": {"market": 45}}}`, "government", 2 * h},
		{"default override", `{"stays": {"default_minutes": 90}}`, "clinic", 90 * time.Minute},
		{"default override, no categories", `{"stays": {"default_minutes": 90}}`, "restaurant", 90 * time.Minute},
		{"lower bound", `{"stays": {"categories": {"kiosk": 15}}}`, "kiosk", 15 * time.Minute},
		{"upper bound", `{"stays": {"categories": {"hospital": 480}}}`, "HOSPITAL", 8 * h},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Default()
			if tc.json != "" {
				var err error
				if p, err = Parse(strings.NewReader(tc.json)); err != nil {
					t.Fatal(err)
				}
			}
			if got := p.AssumedStay(tc.category); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	// The shipped policy says what the built-in values are.
	if got, want := Default().Stays, DefaultStays(); !reflect.DeepEqual(got, want) {
		t.Errorf("default.json stays %+v; want the built-in %+v", got, want)
	}
}

func TestStaysRejected(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"stays": {"default_minutes": 14}}`, "stays.default_minutes: 14 minutes; want 15 to 480"},
		{`{"stays": {"default_minutes": 481}}`, "stays.default_minutes: 481"},
		{`{"stays": {"default_minutes": -60}}`, "stays.default_minutes: -60"},
		{`{"stays": {"categories": {"market": 0}}}`, "stays.categories.market: 0 minutes"},
		{`{"stays": {"categories": {"market": 600}}}`, "stays.categories.market: 600 minutes"},
		{`{"stays": {"categories": {"Market": 60}}}`, `"Market": want 1 to 32 of a-z`},
		{`{"stays": {"categories": {"": 60}}}`, `"": want 1 to 32`},
		{`{"stays": {"categories": {"market": "60"}}}`, "stays.categories"},
		{`{"stays": {"categories": {"market": 60.5}}}`, "stays.categories"},
		{`{"stays": {"minutes": 60}}`, `unknown field "minutes"`},
		{`{"stays": {"categories": {` + manyCategories(65) + `}}}`, "65 categories; at most 64"},
	} {
		t.Run(tc.json, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%.60s: got %v, want an error containing %q", tc.json, err, tc.want)
			}
		})
	}
	if _, err := Parse(strings.NewReader(`{"stays": {"categories": {` + manyCategories(64) + `}}}`)); err != nil {
		t.Errorf("64 categories: %v", err)
	}
}

func manyCategories(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"c` + strings.Repeat("x", i%20) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `": 60`)
	}
	return b.String()
}

func TestCheckAssumedStay(t *testing.T) {
	for d, ok := range map[time.Duration]bool{
		15 * time.Minute: true, 8 * time.Hour: true, 90 * time.Minute: true,
		14 * time.Minute: false, 8*time.Hour + time.Minute: false, 0: false,
		30*time.Minute + time.Second: false, -time.Hour: false,
	} {
		if err := CheckAssumedStay(d); (err == nil) != ok {
			t.Errorf("%v: got %v, want ok %v", d, err, ok)
		}
	}
}
