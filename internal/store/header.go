package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// The first 100 bytes of an SQLite database file are its header
// (https://www.sqlite.org/fileformat2.html#the_database_header). Open reads
// it with plain file I/O before SQLite sees the file, so a database it must
// not touch is left byte for byte as it was.
const headerSize = 100

var sqliteMagic = []byte("SQLite format 3\x00")

// header is what Open needs from the database header.
type header struct {
	exists      bool // the file exists
	empty       bool // the file exists and has no bytes (SQLite treats it as a new database)
	valid       bool // the file starts with the SQLite magic
	wal         bool // the read/write version bytes say WAL
	userVersion int  // PRAGMA user_version as of the last checkpoint
}

func readHeader(path string) (header, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return header{}, nil
	}
	if err != nil {
		return header{}, err
	}
	defer f.Close()
	h := header{exists: true}
	var b [headerSize]byte
	n, err := io.ReadFull(f, b[:])
	switch {
	case n == 0 && (err == io.EOF):
		h.empty = true
		return h, nil
	case errors.Is(err, io.ErrUnexpectedEOF):
		return h, nil // shorter than a header: not a database
	case err != nil:
		return h, fmt.Errorf("store: reading the header of %s: %w", path, err)
	}
	if !bytes.Equal(b[:len(sqliteMagic)], sqliteMagic) {
		return h, nil
	}
	h.valid = true
	h.wal = b[18] == 2 && b[19] == 2
	// A 4-byte big-endian integer; SQLite treats it as signed.
	h.userVersion = int(int32(binary.BigEndian.Uint32(b[60:64])))
	return h, nil
}

// exists reports whether path names an existing file.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
