package cose

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"fmt"
	"math/big"
	"testing"

	"github.com/fxamacker/cbor/v2"
)

func TestRawToDER(t *testing.T) {
	tests := []struct {
		name string
		r, s []byte
	}{
		{"high bits set", bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0x80}, 32)},
		{"high bits clear", bytes.Repeat([]byte{0x7f}, 32), bytes.Repeat([]byte{0x01}, 32)},
		{"leading zeros", append(make([]byte, 31), 0x05), append([]byte{0, 0, 0x80}, bytes.Repeat([]byte{1}, 29)...)},
		{"zero", make([]byte, 32), make([]byte, 32)},
		{"P-384", bytes.Repeat([]byte{0xa5}, 48), bytes.Repeat([]byte{0x5a}, 48)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			der := RawToDER(nil, append(append([]byte{}, tt.r...), tt.s...))
			var got struct{ R, S *big.Int }
			rest, err := asn1.Unmarshal(der, &got)
			if err != nil || len(rest) != 0 {
				t.Fatalf("asn1.Unmarshal(%x): %v, %d bytes left", der, err, len(rest))
			}
			if want := new(big.Int).SetBytes(tt.r); got.R.Cmp(want) != 0 {
				t.Errorf("r: got %x, want %x", got.R, want)
			}
			if want := new(big.Int).SetBytes(tt.s); got.S.Cmp(want) != 0 {
				t.Errorf("s: got %x, want %x", got.S, want)
			}
			// encoding/asn1 accepts what it would also produce: compare bytes.
			want, err := asn1.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(der, want) {
				t.Errorf("DER: got %x, want %x", der, want)
			}
		})
	}
}

func TestDERToRawRoundTrip(t *testing.T) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		h := sha256.Sum256([]byte("x"))
		der, err := ecdsa.SignASN1(rand.Reader, k, h[:])
		if err != nil {
			t.Fatal(err)
		}
		raw, err := DERToRaw(der, 32)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != 64 {
			t.Fatalf("raw signature is %d bytes, want 64", len(raw))
		}
		if got := RawToDER(nil, raw); !bytes.Equal(got, der) {
			t.Fatalf("round trip: got %x, want %x", got, der)
		}
	}
	for _, bad := range [][]byte{nil, {0x30, 0x00}, {0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01}} {
		if _, err := DERToRaw(bad, 32); err == nil {
			t.Errorf("DERToRaw(%x): got no error", bad)
		}
	}
}

func TestSigStructure(t *testing.T) {
	// RFC 9052 4.4: ["Signature1", h'A10126', h'', payload], hashed.
	protected, payload := []byte{0xa1, 0x01, 0x26}, bytes.Repeat([]byte{'p'}, 300)
	want, err := cbor.Marshal([]any{"Signature1", protected, []byte{}, payload})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(want)
	if got := Digest(protected, payload); got != sum {
		t.Errorf("digest: got %x, want %x", got, sum)
	}
	for _, n := range []int{0, 23, 24, 255, 256, 65535, 65536} {
		got := BStrHead(nil, n)
		want, err := cbor.Marshal(make([]byte, n))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[:len(got)]) {
			t.Errorf("BStrHead(%d): got %x, want %x", n, got, want[:len(got)])
		}
	}
}

func TestHead(t *testing.T) {
	for _, tt := range []struct {
		in    []byte
		major byte
		arg   uint64
		n     int
		ok    bool
	}{
		{[]byte{0x17}, 0, 23, 1, true},
		{[]byte{0x18, 0x18}, 0, 24, 2, true},
		{[]byte{0x39, 0x01, 0x03}, 1, 259, 3, true},
		{[]byte{0x7a, 0, 0, 1, 0}, 3, 256, 5, true},
		{[]byte{0x1b, 1, 2, 3, 4, 5, 6, 7, 8}, 0, 0x0102030405060708, 9, true},
		{[]byte{0x1b, 1, 2}, 0, 0, 0, false},
		{[]byte{0x1c}, 0, 0, 0, false},
		{[]byte{0x5f}, 0, 0, 0, false},
		{nil, 0, 0, 0, false},
	} {
		t.Run(fmt.Sprintf("%x", tt.in), func(t *testing.T) {
			major, arg, n, ok := Head(tt.in)
			if ok != tt.ok || (ok && (major != tt.major || arg != tt.arg || n != tt.n)) {
				t.Errorf("head(%x): got %d %d %d %v, want %d %d %d %v", tt.in, major, arg, n, ok, tt.major, tt.arg, tt.n, tt.ok)
			}
		})
	}
}
