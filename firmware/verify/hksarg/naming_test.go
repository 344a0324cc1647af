package hksarg_test

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/verify/hksarg"
)

func TestNaming(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	rk, _ := rsa.GenerateKey(rand.Reader, 1024)
	for _, tt := range []struct {
		kid  string
		pub  any
		want string // "" for a good key
	}{
		{"HKSARG:VAC3", &ec.PublicKey, ""},
		{"HKSARG:MEC1:2024.1", &ec.PublicKey, ""},
		{"HKSARG:EVT12", &ec.PublicKey, ""},
		{"HKSARG:VAC", &ec.PublicKey, "no major"},
		{"HKSARG:VAC03", &ec.PublicKey, "no major"},
		{"HKSARG:XXX3", &ec.PublicKey, "record type"},
		{"HKSARG:VAC3:", &ec.PublicKey, "key version"},
		{"HKSARG:VAC3:a b", &ec.PublicKey, "key version"},
		{"VAC3", &ec.PublicKey, "HKSARG:"},
		{"HKSARG:VAC3", &p384.PublicKey, "P-256"},
		{"HKSARG:VAC3", &rk.PublicKey, "P-256"},
	} {
		t.Run(cmp.Or(tt.want, "good key"), func(t *testing.T) {
			err := hksarg.CheckKey(&pass.Key{KID: tt.kid, Public: tt.pub})
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckKey(%q): got %v, want %q", tt.kid, err, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		id string
		ok bool
	}{{"VAC:C19-1", true}, {"MEC:X", true}, {"EVT:X:Y", true}, {"VAC:", false}, {"VAC", false}, {"XYZ:1", false}, {"", false}} {
		t.Run(tt.id, func(t *testing.T) {
			id, err := hksarg.PassID(tt.id)
			if (err == nil) != tt.ok {
				t.Errorf("PassID(%q): got %v", tt.id, err)
			}
			if err == nil && id != pass.NewID(hksarg.Name, tt.id) {
				t.Errorf("PassID(%q): not the decoder's ID", tt.id)
			}
		})
	}
}
