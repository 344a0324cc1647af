package dcc

import "github.com/fxamacker/cbor/v2"

// encMode encodes what Sign issues: core deterministic encoding (RFC 8949
// section 4.2.1), so equal certificates encode to equal bytes. Decoding
// walks the bytes in place (firmware/verify/cose).
var encMode = mustEncMode(cbor.CoreDetEncOptions())

func mustEncMode(o cbor.EncOptions) cbor.EncMode {
	em, err := o.EncMode()
	if err != nil {
		panic("dcc: CBOR encoding options: " + err.Error())
	}
	return em
}
