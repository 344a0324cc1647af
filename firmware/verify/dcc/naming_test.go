package dcc

import (
	"cmp"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

func TestNaming(t *testing.T) {
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	for _, tt := range []struct {
		kid  string
		pub  any
		want string
	}{
		{KID(ecKID), ecKey().Public(), ""},
		{KID(rsaKID), rsaKey().Public(), ""},
		{"not base64!", ecKey().Public(), "base64"},
		{"", ecKey().Public(), "1 to 64"},
		{KID(make([]byte, 65)), ecKey().Public(), "1 to 64"},
		{KID(ecKID), &p224.PublicKey, "P-224"},
	} {
		t.Run(cmp.Or(tt.want, "good key"), func(t *testing.T) {
			err := CheckKey(&pass.Key{KID: tt.kid, Public: tt.pub})
			if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckKey(%q): got %v, want %q", tt.kid, err, tt.want)
			}
		})
	}
	n := New().Naming()
	if id, err := n.PassID("urn:uvci:01:AT:X#1"); err != nil || id != pass.NewID(Name, "01:AT:X#1") {
		t.Errorf("PassID: got %v, %v", id, err)
	}
	if _, err := n.PassID("URN:UVCI:"); err == nil {
		t.Error("PassID of a bare prefix: no error")
	}
	if _, err := CertKey([]byte{1, 2, 3}); err == nil {
		t.Error("CertKey of garbage: no error")
	}
}
