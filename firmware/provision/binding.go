package provision

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// A signed provisioning file is bound: it names the kiosks it is for
// (Kiosks: fleet.kiosk_id values or key fingerprints, with * and ?
// wildcards; "*" for any kiosk, e.g. a batch of new ones), it expires, and
// it carries a counter that only grows. A kiosk applies a file only if it
// names the kiosk, has not expired by the kiosk's trusted time, and its
// counter is not lower than the last one applied (the same file again
// changes nothing); an old file found on a stick cannot be replayed, and
// one made for another kiosk does nothing here.

// CounterFile, in the state directory, holds the counter and the SHA-256
// of the last signed file applied.
const CounterFile = "provision.counter"

// Bounds of a signed file's binding.
const (
	MaxKiosks = 256
	// MaxLife bounds how long a signed file may be applied.
	MaxLife = 366 * 24 * time.Hour
)

// Errors of a signed file's binding.
var (
	ErrUnbound     = errors.New("provision: the signed file names no kiosks, expiry or counter: sign it again with kioskctl provision sign")
	ErrNotThisOne  = errors.New("provision: the signed file is not for this kiosk")
	ErrExpired     = errors.New("provision: the signed file has expired")
	ErrReplayed    = errors.New("provision: an older signed file than the one applied (its counter is lower)")
	ErrSameCounter = errors.New("provision: another signed file with the counter of the one applied")
)

var kioskPattern = regexp.MustCompile(`^[A-Za-z0-9_:*?-]{1,64}$`)

// validateBinding checks a signed file's binding.
func (s *Settings) validateBinding() error {
	switch {
	case len(s.Kiosks) == 0 || s.Expires.IsZero() || s.Counter < 1:
		return ErrUnbound
	case len(s.Kiosks) > MaxKiosks:
		return fmt.Errorf("provision: %d kiosks; at most %d", len(s.Kiosks), MaxKiosks)
	}
	for _, k := range s.Kiosks {
		if !kioskPattern.MatchString(k) {
			return fmt.Errorf("provision: kiosk %q: want a kiosk id or key fingerprint, with * and ? wildcards", k)
		}
		if _, err := path.Match(k, ""); err != nil {
			return fmt.Errorf("provision: kiosk pattern %q: %v", k, err)
		}
	}
	return nil
}

// For reports whether the file names a kiosk with one of ids (its
// fleet.kiosk_id, its key's fingerprint; empty ones are skipped).
func (s *Settings) For(ids ...string) bool {
	for _, p := range s.Kiosks {
		if p == "*" {
			return true
		}
		for _, id := range ids {
			if id == "" {
				continue
			}
			if ok, err := path.Match(p, id); err == nil && ok {
				return true
			}
		}
	}
	return false
}

// Admit checks a signed file's binding at the kiosk in stateDir whose
// identities are ids, at the kiosk's trusted time now. It reports whether
// this very file was the last one applied (nothing to do).
func Admit(stateDir string, s *Settings, signed []byte, now time.Time, ids ...string) (same bool, err error) {
	if err := s.validateBinding(); err != nil {
		return false, err
	}
	if !s.For(ids...) {
		return false, fmt.Errorf("%w (it names %s; this kiosk is %s)", ErrNotThisOne, strings.Join(s.Kiosks, ", "), strings.Join(nonEmpty(ids), ", "))
	}
	if !now.Before(s.Expires) {
		return false, fmt.Errorf("%w at %s (kiosk time %s)", ErrExpired, s.Expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	last, sum, err := lastApplied(stateDir)
	if err != nil {
		return false, err
	}
	switch h := digest(signed); {
	case s.Counter < last:
		return false, fmt.Errorf("%w: counter %d, the applied file's %d", ErrReplayed, s.Counter, last)
	case s.Counter == last && h == sum:
		return true, nil
	case s.Counter == last:
		return false, fmt.Errorf("%w (%d)", ErrSameCounter, last)
	}
	return false, nil
}

// Remember records signed as the last file applied.
func Remember(stateDir string, s *Settings, signed []byte) error {
	return WriteFile(filepath.Join(stateDir, CounterFile), []byte(fmt.Sprintf("%d %s\n", s.Counter, digest(signed))), 0o600)
}

func digest(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// lastApplied reads CounterFile (0 and "" when none).
func lastApplied(stateDir string) (int64, string, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, CounterFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 || len(b) > 128 {
		return 0, "", fmt.Errorf("provision: %s is damaged", CounterFile)
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || n < 0 {
		return 0, "", fmt.Errorf("provision: %s is damaged", CounterFile)
	}
	return n, f[1], nil
}

func nonEmpty(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id != "" {
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		out = []string{"(no id)"}
	}
	return out
}

// trustedRootVersion is the version of the root the kiosk's sync trusts
// now (after rotations), 0 when it has none.
func trustedRootVersion(stateDir string) int64 {
	b, err := os.ReadFile(filepath.Join(stateDir, "tuf", "root.json"))
	if err != nil || len(b) > repo.MaxRootSize {
		return 0
	}
	m, err := repo.Parse[*repo.Root](b, repo.RoleRoot)
	if err != nil {
		return 0
	}
	return m.Signed.Version
}

// rootVersion is a root document's version (0 when it is not one).
func rootVersion(b []byte) int64 {
	m, err := repo.Parse[*repo.Root](b, repo.RoleRoot)
	if err != nil {
		return 0
	}
	return m.Signed.Version
}
