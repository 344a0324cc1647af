package dcc

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash"
	"hash/adler32"
	"io"
	"strconv"
	"sync"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// work holds the reusable buffers and the DEFLATE reader of one Decode.
// Nothing decoded from them outlives Decode: the pass's text is copied out
// of the payload once.
type work struct {
	raw []byte // the Base45-decoded, compressed message
	out []byte // the inflated COSE message
	br  bytes.Reader
	fr  io.ReadCloser // a DEFLATE reader, created on first use
	sum hash.Hash32   // Adler-32
}

var works = sync.Pool{New: func() any {
	return &work{
		raw: make([]byte, 0, 1024),
		out: make([]byte, 0, 2048),
		sum: adler32.New(),
	}
}}

func getWork() *work { return works.Get().(*work) }

func putWork(w *work) {
	w.br.Reset(nil)
	works.Put(w)
}

// zlib framing (RFC 1950): a two-byte header, the DEFLATE stream, and the
// Adler-32 of the output, big-endian. compress/zlib frames the same way,
// but allocates a checksum on every Reset; a scan allocates nothing here.
const (
	zlibDeflate   = 8 // CM: DEFLATE
	zlibMaxWindow = 7 // CINFO: a 32 KiB window at most
	zlibDict      = 0x20
)

// inflate decompresses the zlib stream in, which must end exactly at the end
// of in, checking its Adler-32 checksum and bounding the output to
// MaxInflated bytes.
func (w *work) inflate(in []byte) ([]byte, error) {
	if len(in) < 2 {
		return nil, fail(pass.Decompress, "zlib stream truncated", nil)
	}
	if in[0]&0x0f != zlibDeflate || in[0]>>4 > zlibMaxWindow || binary.BigEndian.Uint16(in)%31 != 0 {
		return nil, fail(pass.Decompress, "not a zlib stream (RFC 1950 header missing)", nil)
	}
	if in[1]&zlibDict != 0 {
		return nil, fail(pass.Decompress, "zlib stream needs a preset dictionary", nil)
	}
	w.br.Reset(in[2:])
	if w.fr == nil {
		w.fr = flate.NewReader(&w.br)
	} else if err := w.fr.(flate.Resetter).Reset(&w.br, nil); err != nil {
		return nil, deflateFail(err)
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
		n, err := w.fr.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, deflateFail(err)
		}
	}
	w.out = out
	if len(out) > MaxInflated {
		return nil, fail(pass.Decompress, "inflates to more than "+strconv.Itoa(MaxInflated)+" bytes", nil)
	}
	// The DEFLATE reader reads the bytes.Reader byte by byte and stops at
	// the end of the stream: the Adler-32 comes next.
	var trailer [4]byte
	if n, _ := w.br.Read(trailer[:]); n != len(trailer) {
		return nil, fail(pass.Decompress, "zlib stream truncated", nil)
	}
	w.sum.Reset()
	w.sum.Write(out)
	if binary.BigEndian.Uint32(trailer[:]) != w.sum.Sum32() {
		return nil, fail(pass.Decompress, "zlib checksum mismatch", nil)
	}
	if w.br.Len() != 0 {
		return nil, fail(pass.Decompress, strconv.Itoa(w.br.Len())+" bytes after the end of the zlib stream", nil)
	}
	return out, nil
}

func deflateFail(err error) *pass.Error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fail(pass.Decompress, "zlib stream truncated", err)
	}
	return fail(pass.Decompress, "DEFLATE data corrupt", err)
}
