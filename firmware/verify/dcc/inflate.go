package dcc

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"strconv"
	"sync"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// work holds the reusable buffers and the zlib reader of one Decode.
// Nothing decoded from them outlives Decode: the CBOR decoder copies the
// byte and text strings it returns.
type work struct {
	raw []byte // the Base45-decoded, compressed message
	out []byte // the inflated COSE message
	br  bytes.Reader
	zr  io.ReadCloser // a zlib reader, created on first use
}

var works = sync.Pool{New: func() any {
	return &work{
		raw: make([]byte, 0, 1024),
		out: make([]byte, 0, 2048),
	}
}}

func getWork() *work { return works.Get().(*work) }

func putWork(w *work) {
	w.br.Reset(nil)
	works.Put(w)
}

// inflate decompresses the zlib stream in, which must end exactly at the end
// of in, checking its Adler-32 checksum and bounding the output to
// MaxInflated bytes.
func (w *work) inflate(in []byte) ([]byte, error) {
	w.br.Reset(in)
	if w.zr == nil {
		zr, err := zlib.NewReader(&w.br)
		if err != nil {
			return nil, zlibFail(err)
		}
		w.zr = zr
	} else if err := w.zr.(zlib.Resetter).Reset(&w.br, nil); err != nil {
		return nil, zlibFail(err)
	}
	out := w.out[:0]
	for {
		if len(out) == cap(out) {
			if len(out) > MaxInflated {
				return nil, fail(pass.Decompress, "inflates to more than "+strconv.Itoa(MaxInflated)+" bytes", nil)
			}
			out = append(out, 0)[:len(out)]
			if cap(out) > MaxInflated+1 {
				out = out[: len(out) : MaxInflated+1]
			}
		}
		n, err := w.zr.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, zlibFail(err)
		}
	}
	w.out = out
	if len(out) > MaxInflated {
		return nil, fail(pass.Decompress, "inflates to more than "+strconv.Itoa(MaxInflated)+" bytes", nil)
	}
	if w.br.Len() != 0 {
		return nil, fail(pass.Decompress, strconv.Itoa(w.br.Len())+" bytes after the end of the zlib stream", nil)
	}
	return out, nil
}

func zlibFail(err error) *pass.Error {
	switch {
	case errors.Is(err, zlib.ErrHeader):
		return fail(pass.Decompress, "not a zlib stream (RFC 1950 header missing)", err)
	case errors.Is(err, zlib.ErrChecksum):
		return fail(pass.Decompress, "zlib checksum mismatch", err)
	case errors.Is(err, zlib.ErrDictionary):
		return fail(pass.Decompress, "zlib stream needs a preset dictionary", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fail(pass.Decompress, "zlib stream truncated", err)
	}
	return fail(pass.Decompress, "DEFLATE data corrupt", err)
}
