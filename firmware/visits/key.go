package visits

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// KeyFile is the visit secret's file name in the state directory.
const KeyFile = "visits.key"

// KeySize is the secret's length in bytes: the file holds exactly these,
// raw.
const KeySize = 32

// hashDomain separates visit hashes from any other use of the secret.
const hashDomain = "venuekiosk/visits/v1\x00"

// Key is the per-device secret the visit log hashes pass IDs with. It
// never leaves the device: no method returns it, and it prints as
// "[redacted]" in logs and formatted output.
type Key struct {
	k [KeySize]byte
}

// Hash returns the keyed hash of id: HMAC-SHA256(key, domain ‖ id).
func (k *Key) Hash(id pass.ID) store.VisitHash {
	m := hmac.New(sha256.New, k.k[:])
	m.Write([]byte(hashDomain))
	m.Write(id[:])
	var h store.VisitHash
	m.Sum(h[:0])
	return h
}

// String implements fmt.Stringer without revealing the key.
func (Key) String() string { return "[redacted]" }

// GoString implements fmt.GoStringer without revealing the key.
func (Key) GoString() string { return "visits.Key{[redacted]}" }

// Format keeps every fmt verb (%x, %v, %+v …) from printing the key.
func (Key) Format(f fmt.State, verb rune) { io.WriteString(f, "[redacted]") }

// LogValue implements slog.LogValuer without revealing the key.
func (Key) LogValue() slog.Value { return slog.StringValue("[redacted]") }

// Errors of the key file.
var (
	ErrKeyExists = errors.New("visits: key file already exists")
)

// LoadKey reads the key file at path. It must be a regular file of exactly
// KeySize bytes that only its owner can read or write (mode 0600 or
// stricter); anything else is refused rather than guessed at.
func LoadKey(path string) (*Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("visits: key %s is not a regular file", path)
	case fi.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("visits: key %s has mode %04o: want 0600 (only its owner may read it)", path, fi.Mode().Perm())
	case fi.Size() != KeySize:
		return nil, fmt.Errorf("visits: key %s is %d bytes: want %d", path, fi.Size(), KeySize)
	}
	k := &Key{}
	if _, err := io.ReadFull(f, k.k[:]); err != nil {
		return nil, fmt.Errorf("visits: reading key %s: %w", path, err)
	}
	if k.k == [KeySize]byte{} {
		return nil, fmt.Errorf("visits: key %s is all zeros", path)
	}
	return k, nil
}

// CreateKey makes a new random key at path, mode 0600, and returns it. It
// never replaces an existing file (ErrKeyExists): a new key makes every
// visit logged under the old one unmatchable. The file appears complete or
// not at all (written aside, synced, then linked into place).
func CreateKey(path string) (*Key, error) {
	k := &Key{}
	if _, err := rand.Read(k.k[:]); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	// CreateTemp makes the file 0600; say so in case a umask or a future
	// Go version thinks otherwise.
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, err
	}
	if _, err := tmp.Write(k.k[:]); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	// Link fails when path exists: two processes creating at once end
	// with one key.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("%w: %s", ErrKeyExists, path)
		}
		return nil, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return k, nil
}

// LoadOrCreateKey loads the key at path, creating it when there is none
// (kioskctl provision does this on a real kiosk; kioskd on first start
// otherwise). created says which.
func LoadOrCreateKey(path string) (k *Key, created bool, err error) {
	k, err = LoadKey(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, false, err
	}
	k, err = CreateKey(path)
	if errors.Is(err, ErrKeyExists) {
		// Another process made it between our look and our link.
		k, err = LoadKey(path)
		return k, false, err
	}
	return k, err == nil, err
}
