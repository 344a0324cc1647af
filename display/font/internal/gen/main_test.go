package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := "0041:0000000018242442427E424242420000\n" +
		"# comment\n\n" +
		"4E00:0000000000000000000000000000FFFE00000000000000000000000000000000\n" +
		"AC00:0000000018242442427E424242420000\n" // Hangul: outside the ranges
	gs, err := parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) != 2 || gs[0].r != 'A' || gs[1].r != 0x4E00 || len(gs[1].bits) != 32 {
		t.Fatalf("got %d glyphs %+v, want A (16 bytes) and U+4E00 (32 bytes)", len(gs), gs)
	}
	enc := encode(gs)
	if !bytes.HasPrefix(enc, []byte("VKFONT1\n")) || len(enc) != 8+4+2*9+16+32 {
		t.Errorf("encoded %d bytes, want %d", len(enc), 8+4+2*9+16+32)
	}
}

func TestParseRejects(t *testing.T) {
	for _, in := range []string{
		"0041 0000000018242442427E424242420000\n",                                        // no colon
		"ZZ41:0000000018242442427E424242420000\n",                                        // bad code point
		"0041:0000000018242442427E4242424200\n",                                          // 30 digits
		"0041:0000000018242442427E42424242000G\n",                                        // not hex
		"0041:0000000018242442427E424242420000\n0041:0000000018242442427E424242420000\n", // twice
		"0041:" + strings.Repeat("0", 300) + "\n",                                        // line too long
	} {
		if _, err := parse(strings.NewReader(in)); err == nil {
			t.Errorf("parse(%.40q): no error", in)
		}
	}
}
