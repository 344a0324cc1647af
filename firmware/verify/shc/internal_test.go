package shc

import (
	"bytes"
	"compress/flate"
	"crypto/elliptic"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestCheckDepth(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		fail bool
	}{
		{`{}`, 1, false},
		{`{"a":[1]}`, 1, true},
		{`{"a":[1]}`, 2, false},
		{`{"a":"[[[[[["}`, 1, false},
		{`{"a":"\"[[[["}`, 1, false},
		{`{"a":"\\","b":[[1]]}`, 2, true},
		{`[[],[],[]]`, 2, false},
		{strings.Repeat("[", 33) + strings.Repeat("]", 33), 32, true},
		{strings.Repeat("[", 32) + strings.Repeat("]", 32), 32, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			err := checkDepth([]byte(tt.in), tt.max)
			if (err != nil) != tt.fail {
				t.Errorf("checkDepth(%q, %d): got %v, want failure %v", tt.in, tt.max, err, tt.fail)
			}
			if err != nil && pass.CodeOf(err) != pass.TooLarge {
				t.Errorf("checkDepth(%q): code %s, want too_large", tt.in, pass.CodeOf(err))
			}
		})
	}
}

func TestUnixTime(t *testing.T) {
	tests := []struct {
		in   float64
		want time.Time
		fail bool
	}{
		{in: 0, want: time.Unix(0, 0).UTC()},
		{in: 1687450764.656, want: time.Unix(1687450764, 656e6).UTC()},
		{in: 1591037940, want: time.Date(2020, 6, 1, 18, 59, 0, 0, time.UTC)},
		{in: -1, fail: true},
		{in: 1e300, fail: true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.in), func(t *testing.T) {
			got, err := unixTime("nbf", tt.in)
			if tt.fail {
				if pass.CodeOf(err) != pass.Schema {
					t.Errorf("unixTime(%v): got %v, %v; want schema error", tt.in, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) {
				t.Errorf("unixTime(%v): got %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDates(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{"1951", true}, {"1951-01", true}, {"1951-01-20", true}, {"2020-02-29", true},
		{"2021-02-29", false}, {"1951-1-20", false}, {"51", false}, {"1951-13", false},
		{"0000", false}, {"1951-01-20T00:00:00Z", false}, {"", false}, {"19510120", false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			if got := validDate(tt.in); got != tt.want {
				t.Errorf("validDate(%q): got %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	jan5 := time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2022-01-05", jan5, true},
		{"2022-01-05T23:30:00-10:00", jan5, true}, // the day as written, not the UTC day
		{"2022-01-05T01:00:00.123+14:00", jan5, true},
		{"2022-01-05T01:00:00Z", jan5, true},
		{"2022-01-05T01:00:00", time.Time{}, false},
		{"2022-01-05T01:00Z", time.Time{}, false},
		{"2022-01", time.Time{}, false},
		{"2022-01-05 01:00:00Z", time.Time{}, false},
		{"2022-02-30", time.Time{}, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseDay(tt.in)
			if ok != tt.ok || (ok && !got.Equal(tt.want)) {
				t.Errorf("parseDay(%q): got %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
	for _, tt := range []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2022-01-05", jan5.Add(-14 * time.Hour), true},
		{"2022-01-05T23:30:00-10:00", time.Date(2022, 1, 6, 9, 30, 0, 0, time.UTC), true},
		{"2022-01", time.Time{}, false},
		{"2022-01-05T25:00:00Z", time.Time{}, false},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseInstant(tt.in)
			if ok != tt.ok || (ok && !got.Equal(tt.want)) {
				t.Errorf("parseInstant(%q): got %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestInflateReuse(t *testing.T) {
	// Decoders come from a pool: a second, different payload must not see
	// anything of the first, nor of one that failed half-way.
	enc := func(s string) string {
		var z bytes.Buffer
		w, _ := flate.NewWriter(&z, flate.DefaultCompression)
		w.Write([]byte(s))
		w.Close()
		return base64.RawURLEncoding.EncodeToString(z.Bytes())
	}
	a, b := strings.Repeat("first ", 100), "second"
	broken := enc(a)
	broken = broken[:len(broken)/2]
	for i, tt := range []struct {
		in, want string
		code     pass.Code
	}{
		{enc(a), a, ""},
		{broken, "", pass.Decompress},
		{enc(b), b, ""},
		{enc(strings.Repeat("x", MaxInflated+1)), "", pass.TooLarge},
		{enc(strings.Repeat("y", MaxInflated)), strings.Repeat("y", MaxInflated), ""},
		{enc(a), a, ""},
		{"ab+c", "", pass.Encoding},
	} {
		t.Run(tt.in, func(t *testing.T) {
			got, err := inflate(tt.in)
			if tt.code != "" {
				if pass.CodeOf(err) != tt.code {
					t.Errorf("%d: got %d bytes, %v; want %s", i, len(got), err, tt.code)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("%d: got %d bytes, %v; want %d bytes", i, len(got), err, len(tt.want))
			}
		})
	}
}

func TestLowS(t *testing.T) {
	n := make([]byte, 32)
	curveN := elliptic.P256().Params().N
	curveN.FillBytes(n)
	sig := make([]byte, 64)
	sig[31] = 1
	// s = n-1 is high; its low form is 1.
	copy(sig[32:], n)
	sig[63]--
	got := lowS(sig)
	want := make([]byte, 64)
	want[31], want[63] = 1, 1
	if !bytes.Equal(got, want) {
		t.Errorf("lowS(n-1): got %x, want %x", got, want)
	}
	if !bytes.Equal(lowS(want), want) {
		t.Error("lowS of a low signature must not change it")
	}
	if got := lowS(sig[:10]); len(got) != 10 {
		t.Error("lowS of a short slice must return it")
	}
}
