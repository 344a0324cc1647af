package cose

import (
	"bytes"
	"fmt"
	"math"
	"testing"
	"unicode/utf8"

	"github.com/fxamacker/cbor/v2"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func enc(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSkip(t *testing.T) {
	for _, v := range []any{
		0, -500, uint64(1) << 40, "text", []byte("bytes"), []any{1, "a", []any{2}},
		map[string]any{"a": 1, "b": []any{map[int]any{1: 2}}}, cbor.Tag{Number: 1004, Content: "2021-01-01"},
		1.5, float32(2.5), true, nil,
	} {
		b := enc(t, v)
		trailing := append(bytes.Clone(b), 0x01)
		if got := Skip(trailing); got != len(b) {
			t.Errorf("Skip(%x): got %d, want %d", b, got, len(b))
		}
		if got := Skip(string(trailing)); got != len(b) {
			t.Errorf("Skip(string %x): got %d, want %d", b, got, len(b))
		}
	}
	for _, bad := range [][]byte{nil, {0x62, 'a'}, {0x82, 0x01}, {0xa1, 0x01}, {0xc1}, {0x5f}} {
		if got := Skip(bad); got != -1 {
			t.Errorf("Skip(%x): got %d, want -1", bad, got)
		}
	}
}

func TestEntries(t *testing.T) {
	var e Entries[[]byte]
	b := enc(t, map[any]any{1: "one", "two": 2, -3: []any{3}})
	if !ReadMap(b, &e) {
		t.Fatal("not a map")
	}
	n := 0
	for e.Next() {
		n++
	}
	if e.Err() != nil || n != 3 {
		t.Errorf("got %d entries, %v; want 3", n, e.Err())
	}
	// Duplicate keys, also in different widths.
	for _, dup := range [][]byte{
		{0xa2, 0x01, 0x00, 0x01, 0x00},
		{0xa2, 0x01, 0x00, 0x18, 0x01, 0x00},
		{0xa2, 0x61, 'a', 0x00, 0x61, 'a', 0x01},
		{0xa2, 0x78, 0x01, 'a', 0x00, 0x61, 'a', 0x01},
	} {
		if !ReadMap(dup, &e) {
			t.Fatalf("%x: not a map", dup)
		}
		for e.Next() {
		}
		if pass.CodeOf(e.Err()) != pass.CBOR {
			t.Errorf("%x: got %v, want a cbor error for the duplicate key", dup, e.Err())
		}
	}
	// A text key and a byte string key with the same bytes differ.
	if !ReadMap([]byte{0xa2, 0x61, 'a', 0x00, 0x41, 'a', 0x01}, &e) {
		t.Fatal("not a map")
	}
	for e.Next() {
	}
	if e.Err() != nil {
		t.Errorf("text and bytes keys: %v", e.Err())
	}
	if ReadMap(enc(t, []any{1}), &e) {
		t.Error("an array read as a map")
	}
}

func TestValidUTF8(t *testing.T) {
	cases := []string{"", "ascii", "Gößinger", "日本", "😀", "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80",
		"\xe0\x80\xaf", "\xf0\x8f\xbf\xbf", "ab\xe2\x82", "\xe2\x82\xac", "\xf0\x9f\x98", "\xc2"}
	for _, s := range cases {
		if got, want := validUTF8(s), utf8.ValidString(s); got != want {
			t.Errorf("validUTF8(%q): got %v, want %v", s, got, want)
		}
		if got, want := validUTF8([]byte(s)), utf8.ValidString(s); got != want {
			t.Errorf("validUTF8([]byte %q): got %v, want %v", s, got, want)
		}
	}
}

func FuzzValidUTF8(f *testing.F) {
	f.Add([]byte("Gößinger😀"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validUTF8(b), utf8.Valid(b); got != want {
			t.Fatalf("validUTF8(%x): got %v, want %v", b, got, want)
		}
	})
}

func TestNumbers(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want float64
	}{{1.5, 1.5}, {float32(-2.25), -2.25}, {1e300, 1e300}} {
		t.Run(fmt.Sprint(tt.v), func(t *testing.T) {
			got, ok := Float(enc(t, tt.v))
			if !ok || got != tt.want {
				t.Errorf("Float(%v): got %v, %v", tt.v, got, ok)
			}
		})
	}
	halves := map[uint16]float64{0x3c00: 1, 0xc000: -2, 0x0001: math.Ldexp(1, -24), 0x7bff: 65504, 0x0000: 0}
	for h, want := range halves {
		if got, ok := Float([]byte{0xf9, byte(h >> 8), byte(h)}); !ok || got != want {
			t.Errorf("half %04x: got %v, %v; want %v", h, got, ok, want)
		}
	}
	for _, bad := range [][]byte{{0xf9, 0x7e, 0x00}, {0xf9, 0x7c, 0x00}, {0xfa, 0x7f, 0xc0, 0, 0}, {0x01}} {
		if _, ok := Float(bad); ok {
			t.Errorf("Float(%x): ok", bad)
		}
	}
	for _, tt := range []struct {
		b    []byte
		want int64
		ok   bool
	}{
		{enc(t, 23), 23, true}, {enc(t, -1), -1, true}, {enc(t, int64(math.MinInt64)), math.MinInt64, true},
		{enc(t, uint64(math.MaxUint64)), 0, false}, {enc(t, "1"), 0, false}, {[]byte{0x18}, 0, false},
	} {
		t.Run(fmt.Sprintf("%x", tt.b), func(t *testing.T) {
			got, ok := Int(tt.b)
			if ok != tt.ok || got != tt.want {
				t.Errorf("Int(%x): got %d %v, want %d %v", tt.b, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestTextAndUntag(t *testing.T) {
	if s, ok := Text(enc(t, "Zürich")); !ok || string(s) != "Zürich" {
		t.Errorf("Text: got %q, %v", s, ok)
	}
	if _, ok := Text([]byte{0x61, 0xff}); ok {
		t.Error("Text accepted invalid UTF-8")
	}
	if _, ok := Text(enc(t, []byte("x"))); ok {
		t.Error("Text accepted a byte string")
	}
	tagged := enc(t, cbor.Tag{Number: 1004, Content: "2021-05-18"})
	if s, ok := Text(Untag(tagged, 0, 1004)); !ok || string(s) != "2021-05-18" {
		t.Errorf("Untag 1004: got %q, %v", s, ok)
	}
	if got := Untag(tagged, 0); !bytes.Equal(got, tagged) {
		t.Error("Untag removed a tag it was not given")
	}
}

func TestWellFormedCodes(t *testing.T) {
	deep := any(1)
	for range 20 {
		deep = []any{deep}
	}
	for _, tt := range []struct {
		name string
		b    []byte
		want pass.Code
	}{
		{"empty", nil, pass.CBOR},
		{"truncated", []byte{0x82, 0x01}, pass.CBOR},
		{"trailing", []byte{0x01, 0x01}, pass.CBOR},
		{"indefinite", []byte{0x9f, 0xff}, pass.CBOR},
		{"deep", enc(t, deep), pass.TooLarge},
		{"wide", enc(t, make([]int, MaxArray+1)), pass.TooLarge},
		{"many pairs", enc(t, func() map[int]int {
			m := map[int]int{}
			for i := range MaxPairs + 1 {
				m[i] = i
			}
			return m
		}()), pass.TooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := pass.CodeOf(WellFormed("x", tt.b)); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		})
	}
	if err := WellFormed("x", enc(t, map[string]any{"a": []any{1, 2}})); err != nil {
		t.Errorf("good item: %v", err)
	}
}
