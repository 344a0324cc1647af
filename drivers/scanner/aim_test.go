package scanner

import "testing"

func TestSplitAIM(t *testing.T) {
	for _, tt := range []struct {
		in, id, rest string
		ok           bool
	}{
		{"]Q1HC1:X", "]Q1", "HC1:X", true},
		{"]Q3shc:/56", "]Q3", "shc:/56", true},
		{"]d2010", "]d2", "010", true},
		{"]C1", "]C1", "", true},
		{"]eA12", "]eA", "12", true},
		{"]Q", "", "]Q", false},
		{"]", "", "]", false},
		{"", "", "", false},
		{"Q1]X", "", "Q1]X", false},
		{"]1Q1", "", "]1Q1", false},
		{"]Q-1", "", "]Q-1", false},
		{"]\xffQ1", "", "]\xffQ1", false},
		{"[Q1X", "", "[Q1X", false},
	} {
		t.Run(tt.id, func(t *testing.T) {
			id, rest, ok := SplitAIM([]byte(tt.in))
			if id != tt.id || string(rest) != tt.rest || ok != tt.ok {
				t.Errorf("SplitAIM(%q): got %q, %q, %v; want %q, %q, %v", tt.in, id, rest, ok, tt.id, tt.rest, tt.ok)
			}
		})
	}
}

func TestSymbologyName(t *testing.T) {
	for _, tt := range []struct{ id, want string }{
		{"]Q1", "QR Code"},
		{"]d2", "Data Matrix"},
		{"]z0", "Aztec"},
		{"]L0", "PDF417"},
		{"]C0", "Code 128"},
		{"]E0", "EAN/UPC"},
		{"]Y0", ""},
		{"]Q", ""},
		{"]Q12", ""},
		{"Q1", ""},
		{"", ""},
	} {
		t.Run(tt.id, func(t *testing.T) {
			if got := SymbologyName(tt.id); got != tt.want {
				t.Errorf("SymbologyName(%q): got %q, want %q", tt.id, got, tt.want)
			}
		})
	}
}
