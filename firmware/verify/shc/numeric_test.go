package shc_test

import (
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

func TestDecodeQR(t *testing.T) {
	tests := []struct {
		in   string
		want string
		code pass.Code
	}{
		// The spec's worked example: 'X' is 88, 88-45 = 43.
		{in: "shc:/43", want: "X"},
		{in: "shc:/0077", want: "-z"},
		{in: "shc:/5676", want: "ey"},
		{in: "shc:/011", code: pass.Encoding},
		{in: "shc:/78", code: pass.Encoding},
		{in: "shc:/99", code: pass.Encoding},
		{in: "shc:/5 76", code: pass.Encoding},
		{in: "shc:/56+6", code: pass.Encoding},
		{in: "shc:/", code: pass.Encoding},
		{in: "shc:/1/2/5676", code: pass.UnsupportedFormat},
		{in: "shc:/01/02/5676", code: pass.UnsupportedFormat},
		{in: "shc:/0/2/5676", code: pass.Encoding},
		{in: "shc:/2/1/5676", code: pass.Encoding},
		{in: "shc:/1//5676", code: pass.Encoding},
		{in: "shc:/5676/", code: pass.Encoding},
		{in: "shc:56", code: pass.Prefix},
		{in: "shc:/" + strings.Repeat("00", shc.MaxJWS+1), code: pass.TooLarge},
	}
	for _, tt := range tests {
		name := tt.in
		if len(name) > 24 {
			name = name[:24]
		}
		t.Run(name, func(t *testing.T) {
			got, err := shc.DecodeQR(tt.in)
			if tt.code != "" {
				if pass.CodeOf(err) != tt.code {
					t.Fatalf("got %q, %v; want code %s", got, err, tt.code)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestEncodeQR(t *testing.T) {
	// Every character of a compact JWS round-trips, and the digits are those
	// of the test-side encoder.
	jwsChars := "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
	got, err := shc.EncodeQR(jwsChars)
	if err != nil {
		t.Fatal(err)
	}
	if want := qr(jwsChars); got != want {
		t.Errorf("EncodeQR: got %q, want %q", got, want)
	}
	back, err := shc.DecodeQR(got)
	if err != nil || back != jwsChars {
		t.Errorf("round trip: got %q, %v", back, err)
	}
	for _, bad := range []string{"a+b", "a b", "é", "{"} {
		if _, err := shc.EncodeQR(bad); err == nil {
			t.Errorf("EncodeQR(%q): want an error", bad)
		}
	}
	if _, err := shc.EncodeQR(strings.Repeat("a", shc.MaxJWS+1)); err == nil {
		t.Error("EncodeQR of an oversized JWS: want an error")
	}
}
