package shc

import (
	"bytes"
	"compress/flate"
	"io"
	"sync"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// inflaters recycles DEFLATE decoders, whose windows are 32 KiB each.
var inflaters sync.Pool

// inflate decodes the base64url payload segment and inflates it, reading at
// most MaxInflated bytes.
func inflate(p64 string) ([]byte, error) {
	compressed, err := b64.DecodeString(p64)
	if err != nil {
		return nil, pass.Errorf(pass.Encoding, "JWS payload is not base64url: %v", err)
	}
	src := bytes.NewReader(compressed)
	var fr io.ReadCloser
	if v, ok := inflaters.Get().(io.ReadCloser); ok {
		fr = v
		if err := fr.(flate.Resetter).Reset(src, nil); err != nil {
			return nil, pass.Errorf(pass.Internal, "inflater reset: %v", err)
		}
	} else {
		fr = flate.NewReader(src)
	}
	defer inflaters.Put(fr)

	var out bytes.Buffer
	out.Grow(min(4*len(compressed)+512, MaxInflated+1))
	n, err := out.ReadFrom(io.LimitReader(fr, MaxInflated+1))
	if err != nil {
		return nil, pass.Errorf(pass.Decompress, "payload is not a raw DEFLATE stream: %v", err)
	}
	if n > MaxInflated {
		return nil, pass.Errorf(pass.TooLarge, "payload inflates past %d bytes", MaxInflated)
	}
	// flate reads a bytes.Reader byte by byte, so what is left was never
	// part of the stream.
	if src.Len() != 0 {
		return nil, pass.Errorf(pass.Decompress, "%d bytes follow the end of the DEFLATE stream", src.Len())
	}
	return out.Bytes(), nil
}

// checkDepth reports whether the JSON text b nests objects and arrays at
// most max deep. It does not validate b; the JSON decoder does that.
func checkDepth(b []byte, max int) error {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			if depth > max {
				return pass.Errorf(pass.TooLarge, "payload JSON nests deeper than %d levels", max)
			}
		case '}', ']':
			depth--
		}
	}
	return nil
}
