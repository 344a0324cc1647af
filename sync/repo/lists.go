package repo

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// Binary list files. Pass IDs are SHA-256 hashes and do not compress, so
// the revocation list is raw: 32 bytes an entry. Every count is checked
// against the file's length and every list must be strictly ascending,
// which rules out repeats and makes a damaged file fail early.
//
//	full revocation list   "VKREVF1\n" count:u64  count × id[32]
//	revocation delta       "VKREVD1\n" adds:u64 removes:u64  adds × id[32]  removes × id[32]
//	code list              "VKCODE1\n" count:u64  count × (id[32] code:u8 from:i64 until:i64)
//
// Integers are big-endian. A code is 1 (red) or 2 (amber); from and until
// are unix seconds, 0 for "since always" and "open-ended".
const (
	magicFull  = "VKREVF1\n"
	magicDelta = "VKREVD1\n"
	magicCodes = "VKCODE1\n"

	revHeader  = 24 // the larger of the two revocation headers
	codeHeader = 16
	codeRecord = 32 + 1 + 8 + 8
)

// FormatError says a data file is not what its name claims.
type FormatError struct {
	What, Why string
}

func (e *FormatError) Error() string { return e.What + ": " + e.Why }

func formatErr(what, format string, a ...any) error {
	return &FormatError{What: what, Why: fmt.Sprintf(format, a...)}
}

// WriteRevocations writes a full revocation list; ids must be strictly
// ascending.
func WriteRevocations(w io.Writer, ids []pass.ID) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(magicFull)
	binary.Write(bw, binary.BigEndian, uint64(len(ids)))
	if err := writeIDs(bw, ids); err != nil {
		return err
	}
	return bw.Flush()
}

// WriteDelta writes a revocation delta; adds and removes must each be
// strictly ascending.
func WriteDelta(w io.Writer, adds, removes []pass.ID) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(magicDelta)
	binary.Write(bw, binary.BigEndian, uint64(len(adds)))
	binary.Write(bw, binary.BigEndian, uint64(len(removes)))
	if err := writeIDs(bw, adds); err != nil {
		return err
	}
	if err := writeIDs(bw, removes); err != nil {
		return err
	}
	return bw.Flush()
}

func writeIDs(w io.Writer, ids []pass.ID) error {
	for i, id := range ids {
		if i > 0 && bytes.Compare(ids[i-1][:], id[:]) >= 0 {
			return fmt.Errorf("revocations: IDs not strictly ascending at %d", i)
		}
		if _, err := w.Write(id[:]); err != nil {
			return err
		}
	}
	return nil
}

// RevocationFile is the header of a revocation file.
type RevocationFile struct {
	Kind          string // KindFull or KindDelta
	Adds, Removes int64  // a full list's entries are its Adds
	header        int64
}

// ReadRevocationHeader reads and checks the header of a revocation file of
// size bytes against that size.
func ReadRevocationHeader(r io.ReaderAt, size int64) (*RevocationFile, error) {
	const what = "revocation file"
	var h [revHeader]byte
	n, err := r.ReadAt(h[:], 0)
	if n < 16 {
		return nil, formatErr(what, "%d bytes: too short for a header (%v)", size, err)
	}
	f := &RevocationFile{}
	switch string(h[:8]) {
	case magicFull:
		a := binary.BigEndian.Uint64(h[8:16])
		if a > store.MaxRevocations {
			return nil, formatErr(what, "%d entries; at most %d", a, store.MaxRevocations)
		}
		f.Kind, f.header, f.Adds = KindFull, 16, int64(a)
	case magicDelta:
		if n < 24 {
			return nil, formatErr(what, "%d bytes: too short for a delta header", size)
		}
		a, rm := binary.BigEndian.Uint64(h[8:16]), binary.BigEndian.Uint64(h[16:24])
		if a > store.MaxRevocations || rm > store.MaxRevocations {
			return nil, formatErr(what, "delta of %d adds and %d removes; at most %d each", a, rm, store.MaxRevocations)
		}
		f.Kind, f.header, f.Adds, f.Removes = KindDelta, 24, int64(a), int64(rm)
	default:
		return nil, formatErr(what, "bad magic %q", h[:8])
	}
	if want := f.header + 32*(f.Adds+f.Removes); size != want {
		return nil, formatErr(what, "%d bytes, but its header promises %d", size, want)
	}
	return f, nil
}

// AddIDs yields the file's added (for a full list: all) IDs, checking their
// order. r must be the whole file.
func (f *RevocationFile) AddIDs(r io.ReaderAt) iter.Seq2[pass.ID, error] {
	return readIDs(io.NewSectionReader(r, f.header, 32*f.Adds), f.Adds, "revocation file: added IDs")
}

// RemoveIDs yields a delta's removed IDs.
func (f *RevocationFile) RemoveIDs(r io.ReaderAt) iter.Seq2[pass.ID, error] {
	return readIDs(io.NewSectionReader(r, f.header+32*f.Adds, 32*f.Removes), f.Removes, "revocation file: removed IDs")
}

func readIDs(r io.Reader, n int64, what string) iter.Seq2[pass.ID, error] {
	return func(yield func(pass.ID, error) bool) {
		br := bufio.NewReaderSize(r, 64<<10)
		var prev, id pass.ID
		for i := range n {
			if _, err := io.ReadFull(br, id[:]); err != nil {
				yield(id, formatErr(what, "entry %d: %v", i, err))
				return
			}
			if i > 0 && bytes.Compare(prev[:], id[:]) >= 0 {
				yield(id, formatErr(what, "entry %d is not after entry %d (the list must be strictly ascending)", i, i-1))
				return
			}
			if id.IsZero() {
				yield(id, formatErr(what, "entry %d is the zero ID", i))
				return
			}
			prev = id
			if !yield(id, nil) {
				return
			}
		}
	}
}

// Code bytes in code files.
const (
	codeRed   = 1
	codeAmber = 2
)

// CompareCodes orders code entries as code files hold them: by ID, code,
// then start.
func CompareCodes(a, b store.CodeEntry) int {
	if c := bytes.Compare(a.ID[:], b.ID[:]); c != 0 {
		return c
	}
	ca, cb := codeByte(a.Code), codeByte(b.Code)
	if ca != cb {
		return int(ca) - int(cb)
	}
	fa, fb := unixOrZero(a.ValidFrom), unixOrZero(b.ValidFrom)
	switch {
	case fa < fb:
		return -1
	case fa > fb:
		return 1
	}
	return 0
}

func codeByte(c pass.Code) byte {
	switch c {
	case pass.RedCode:
		return codeRed
	case pass.AmberCode:
		return codeAmber
	}
	return 0
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// WriteCodes writes a code list; codes must be in CompareCodes order
// without repeats.
func WriteCodes(w io.Writer, codes []store.CodeEntry) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(magicCodes)
	binary.Write(bw, binary.BigEndian, uint64(len(codes)))
	var rec [codeRecord]byte
	for i, c := range codes {
		if i > 0 && CompareCodes(codes[i-1], c) >= 0 {
			return fmt.Errorf("codes: entries not strictly ascending at %d", i)
		}
		if err := encodeCode(rec[:], c); err != nil {
			return fmt.Errorf("codes: entry %d: %w", i, err)
		}
		bw.Write(rec[:])
	}
	return bw.Flush()
}

func encodeCode(rec []byte, c store.CodeEntry) error {
	b := codeByte(c.Code)
	if b == 0 {
		return fmt.Errorf("code %q: want %q or %q", c.Code, pass.RedCode, pass.AmberCode)
	}
	from, until := unixOrZero(c.ValidFrom), unixOrZero(c.ValidUntil)
	if from < 0 || until < 0 {
		return errors.New("time before 1970")
	}
	if until != 0 && until <= from {
		return errors.New("valid until is not after valid from")
	}
	copy(rec[:32], c.ID[:])
	rec[32] = b
	binary.BigEndian.PutUint64(rec[33:41], uint64(from))
	binary.BigEndian.PutUint64(rec[41:49], uint64(until))
	return nil
}

// CodeFile is the header of a code file.
type CodeFile struct {
	Entries int64
}

// ReadCodeHeader reads and checks a code file's header against its size.
func ReadCodeHeader(r io.ReaderAt, size int64) (*CodeFile, error) {
	const what = "code file"
	var h [codeHeader]byte
	if n, err := r.ReadAt(h[:], 0); n < codeHeader {
		return nil, formatErr(what, "%d bytes: too short for a header (%v)", size, err)
	}
	if string(h[:8]) != magicCodes {
		return nil, formatErr(what, "bad magic %q", h[:8])
	}
	n := binary.BigEndian.Uint64(h[8:])
	if n > store.MaxCodes {
		return nil, formatErr(what, "%d entries; at most %d", n, store.MaxCodes)
	}
	if want := codeHeader + codeRecord*int64(n); size != want {
		return nil, formatErr(what, "%d bytes, but its header promises %d", size, want)
	}
	return &CodeFile{Entries: int64(n)}, nil
}

// All yields the file's code entries, checking each and their order.
func (f *CodeFile) All(r io.ReaderAt) iter.Seq2[store.CodeEntry, error] {
	const what = "code file"
	return func(yield func(store.CodeEntry, error) bool) {
		br := bufio.NewReaderSize(io.NewSectionReader(r, codeHeader, codeRecord*f.Entries), 64<<10)
		var rec [codeRecord]byte
		var prev store.CodeEntry
		for i := range f.Entries {
			if _, err := io.ReadFull(br, rec[:]); err != nil {
				yield(store.CodeEntry{}, formatErr(what, "entry %d: %v", i, err))
				return
			}
			c, err := decodeCode(rec[:])
			if err != nil {
				yield(c, formatErr(what, "entry %d: %v", i, err))
				return
			}
			if i > 0 && CompareCodes(prev, c) >= 0 {
				yield(c, formatErr(what, "entry %d is not after entry %d (the list must be strictly ascending)", i, i-1))
				return
			}
			prev = c
			if !yield(c, nil) {
				return
			}
		}
	}
}

func decodeCode(rec []byte) (store.CodeEntry, error) {
	var c store.CodeEntry
	copy(c.ID[:], rec[:32])
	switch rec[32] {
	case codeRed:
		c.Code = pass.RedCode
	case codeAmber:
		c.Code = pass.AmberCode
	default:
		return c, fmt.Errorf("code byte %d: want 1 (red) or 2 (amber)", rec[32])
	}
	from, until := int64(binary.BigEndian.Uint64(rec[33:41])), int64(binary.BigEndian.Uint64(rec[41:49]))
	if c.ID.IsZero() {
		return c, errors.New("the zero pass ID")
	}
	if from < 0 || until < 0 || (until != 0 && until <= from) {
		return c, fmt.Errorf("validity %d to %d", from, until)
	}
	if from != 0 {
		c.ValidFrom = time.Unix(from, 0).UTC()
	}
	if until != 0 {
		c.ValidUntil = time.Unix(until, 0).UTC()
	}
	return c, nil
}
