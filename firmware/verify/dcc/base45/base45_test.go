package base45

import (
	"bytes"
	"errors"
	"testing"
)

func TestRFC9285Examples(t *testing.T) {
	// Section 4.3 and 4.4 of RFC 9285.
	tests := []struct {
		raw, enc string
	}{
		{"AB", "BB8"},
		{"Hello!!", "%69 VD92EX0"},
		{"base-45", "UJCLQE7W581"},
		{"ietf!", "QED8WEX0"},
		{"", ""},
		{"\x00", "00"},
		{"\xff", "U5"},
		{"\xff\xff", "FGW"},
		{"\x00\x00", "000"},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			if got := EncodeToString([]byte(tt.raw)); got != tt.enc {
				t.Errorf("EncodeToString(%q): got %q, want %q", tt.raw, got, tt.enc)
			}
			got, err := DecodeString(tt.enc)
			if err != nil {
				t.Errorf("DecodeString(%q): %v", tt.enc, err)
				return
			}
			if string(got) != tt.raw {
				t.Errorf("DecodeString(%q): got %q, want %q", tt.enc, got, tt.raw)
			}
			if n := DecodedLen(len(tt.enc)); n != len(tt.raw) {
				t.Errorf("DecodedLen(%d): got %d, want %d", len(tt.enc), n, len(tt.raw))
			}
			if n := EncodedLen(len(tt.raw)); n != len(tt.enc) {
				t.Errorf("EncodedLen(%d): got %d, want %d", len(tt.raw), n, len(tt.enc))
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		offset int
	}{
		{"one character", "A", 0},
		{"four characters", "BB8A", 3},
		{"group above 65535", "GGW", 0},
		{"largest group", ":::", 0},
		{"second group above 65535", "BB8GGW", 3},
		{"final pair above 255", "BB8:U", 3},
		{"final pair above 255 minimal", "V5", 0},
		{"lower case", "bb8", 0},
		{"padding character", "BB=", 2},
		{"non-ASCII", "BB\xc3", 2},
		{"NUL", "B\x008", 1},
		{"bad char in final pair", "BB8A#", 4},
		{"newline", "BB8\n0", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeString(tt.in)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("DecodeString(%q): got %x, %v; want an *Error", tt.in, got, err)
			}
			if e.Offset != tt.offset {
				t.Errorf("offset: got %d, want %d (%v)", e.Offset, tt.offset, e)
			}
			if got != nil {
				t.Errorf("got %x on error, want nil", got)
			}
		})
	}
}

func TestAppendDecodeKeepsPrefix(t *testing.T) {
	dst := []byte("xy")
	got, err := AppendDecode(dst, []byte("BB8"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "xyAB" {
		t.Errorf("got %q, want %q", got, "xyAB")
	}
	// On error the length of dst is unchanged.
	got, err = AppendDecode([]byte("xy"), "BB8GGW")
	if err == nil || string(got) != "xy" {
		t.Errorf("got %q, %v; want %q and an error", got, err, "xy")
	}
	// With room in dst there is no allocation.
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(10, func() { buf, _ = AppendDecode(buf[:0], "%69 VD92EX0") }); n != 0 {
		t.Errorf("AppendDecode allocated %v times, want 0", n)
	}
}

func TestRoundTripAllPairs(t *testing.T) {
	var raw []byte
	for i := 0; i < 1<<16; i += 7 {
		raw = append(raw, byte(i>>8), byte(i))
	}
	raw = append(raw, 0xab)
	enc := EncodeToString(raw)
	for i := 0; i < len(enc); i++ {
		if bytes.IndexByte([]byte(Alphabet), enc[i]) < 0 {
			t.Fatalf("encoding holds %q, outside the alphabet", enc[i])
		}
	}
	got, err := DecodeString(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, raw) {
		t.Error("round trip changed the data")
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"BB8", "%69 VD92EX0", "GGW", "A", "U5", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeString(s)
		if err != nil {
			return
		}
		if len(b) != DecodedLen(len(s)) {
			t.Fatalf("decoded %d bytes, DecodedLen says %d", len(b), DecodedLen(len(s)))
		}
		// Valid encodings are canonical: re-encoding gives the input back.
		if enc := EncodeToString(b); enc != s {
			t.Fatalf("re-encoding %q gave %q", s, enc)
		}
	})
}
