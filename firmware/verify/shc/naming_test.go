package shc_test

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/shc"
)

func TestNaming(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for _, tt := range []struct {
		kid, iss string
		pub      any
		want     string
	}{
		{"3Kfdg-XwP-7gXyywtUfUADwBumDOPKMQx-iELL11W9s", "https://spec.smarthealth.cards/examples/issuer", &ec.PublicKey, ""},
		{"k1", "", &ec.PublicKey, ""},
		{"", "", &ec.PublicKey, "kid"},
		{"k 1", "", &ec.PublicKey, "visible"},
		{strings.Repeat("k", 129), "", &ec.PublicKey, "kid"},
		{"k1", "http://issuer.example.invalid", &ec.PublicKey, "https"},
		{"k1", "https://issuer.example.invalid/", &ec.PublicKey, "trailing"},
		{"k1", "", &p384.PublicKey, "P-256"},
	} {
		t.Run(cmp.Or(tt.want, "good key"), func(t *testing.T) {
			err := shc.CheckKey(&pass.Key{KID: tt.kid, Issuer: tt.iss, Public: tt.pub})
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckKey(%q, %q): got %v, want %q", tt.kid, tt.iss, err, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		id string
		ok bool
	}{{"https://issuer.example.invalid#rid1", true}, {"https://issuer.example.invalid#", false}, {"issuer#rid", false},
		{"https://issuer.example.invalid", false}, {"https://issuer.example.invalid#a.b", false}} {
		t.Run(tt.id, func(t *testing.T) {
			id, err := shc.PassID(tt.id)
			if (err == nil) != tt.ok {
				t.Errorf("PassID(%q): got %v", tt.id, err)
			}
			if err == nil && id != pass.NewID(shc.Name, tt.id) {
				t.Errorf("PassID(%q): not the decoder's ID", tt.id)
			}
		})
	}
}
