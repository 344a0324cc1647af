package provision

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
)

// File names in the state directory.
const (
	KeyFile  = "kiosk.key"
	RootFile = "root.json"
	// ErrorFile holds why the last provisioning attempt was refused, for
	// kioskd to show; it is removed by a successful one.
	ErrorFile = "provision.error"
)

// Settings are what provisioning sets. Empty fields keep the base
// configuration's value.
type Settings struct {
	Venue   Venue    `json:"venue"`
	Panel   *Panel   `json:"panel,omitempty"`
	Scanner *Scanner `json:"scanner,omitempty"`
	Sync    *Sync    `json:"sync,omitempty"`
	Profile string   `json:"profile,omitempty"` // one of config.Profiles()
	// SetupVenues, when set, are the only LeaveHomeSafe venue ids a
	// technician may set from a poster at the kiosk (staff.setup_venues).
	SetupVenues []string `json:"setup_venues,omitempty"`

	// A signed file's binding (binding.go): the kiosks it is for, when it
	// expires, and its counter. Required in signed files; unused by
	// provisioning with flags.
	Kiosks  []string  `json:"kiosks,omitempty"`
	Expires time.Time `json:"expires,omitzero"`
	Counter int64     `json:"counter,omitempty"`
}

// Venue is the venue identity.
type Venue struct {
	ID       string `json:"id" toml:"id"`
	NameEN   string `json:"name_en" toml:"name_en"`
	NameZH   string `json:"name_zh" toml:"name_zh"`
	Category string `json:"category,omitempty" toml:"category"`
	// HKEN is the venue's LeaveHomeSafe code, kept when the venue was set
	// from its poster (for the optional compatibility display).
	HKEN string `json:"hken,omitempty" toml:"hken"`
}

// Panel is the board's panel.
type Panel struct {
	Model string `json:"model" toml:"model"`
	DC    string `json:"dc,omitempty" toml:"dc"`
	Reset string `json:"reset,omitempty" toml:"reset"`
	Busy  string `json:"busy,omitempty" toml:"busy"`
	Power string `json:"power,omitempty" toml:"power"`
}

// Scanner is the board's scanner.
type Scanner struct {
	Device string `json:"device"`
	Baud   int    `json:"baud,omitempty"`
}

// Sync is the update source and the initial TUF root (its JSON).
type Sync struct {
	Source string          `json:"source"`
	Root   json.RawMessage `json:"root,omitempty"`
}

// MaxRoot bounds an initial root document.
const MaxRoot = 256 << 10

// TOML returns the provision.toml text for s.
func (s *Settings) TOML(stateDir string) string {
	var b strings.Builder
	q := strconv.Quote
	kv := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s = %s\n", k, q(v))
		}
	}
	b.WriteString("# Written by kioskctl provision. Edit with kioskctl provision, not by hand.\n")
	if s.Profile != "" {
		b.WriteString("[kiosk]\n")
		kv("profile", s.Profile)
	}
	b.WriteString("[venue]\n")
	kv("id", s.Venue.ID)
	kv("name_en", s.Venue.NameEN)
	kv("name_zh", s.Venue.NameZH)
	kv("category", s.Venue.Category)
	kv("hken", s.Venue.HKEN)
	if p := s.Panel; p != nil {
		b.WriteString("[panel]\n")
		kv("model", p.Model)
		kv("dc", p.DC)
		kv("reset", p.Reset)
		kv("busy", p.Busy)
		kv("power", p.Power)
	}
	if sc := s.Scanner; sc != nil {
		b.WriteString("[scanner]\n")
		kv("device", sc.Device)
		if sc.Baud != 0 {
			fmt.Fprintf(&b, "baud = %d\n", sc.Baud)
		}
	}
	if len(s.SetupVenues) > 0 {
		b.WriteString("[staff]\nsetup_venues = [")
		for i, v := range s.SetupVenues {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(q(v))
		}
		b.WriteString("]\n")
	}
	if sy := s.Sync; sy != nil {
		b.WriteString("[sync]\n")
		kv("source", sy.Source)
		if len(sy.Root) > 0 {
			kv("root", filepath.Join(stateDir, RootFile))
		}
	}
	return b.String()
}

// Validate checks s against the configuration's own rules, by building the
// configuration it would give.
func (s *Settings) Validate() error {
	if s.Venue.ID == "" {
		return errors.New("provision: a venue id is required")
	}
	if s.Venue.NameEN == "" && s.Venue.NameZH == "" {
		return errors.New("provision: a venue name (English or Chinese) is required")
	}
	if s.Sync != nil && len(s.Sync.Root) > 0 {
		if len(s.Sync.Root) > MaxRoot {
			return fmt.Errorf("provision: root is larger than %d bytes", MaxRoot)
		}
		if !json.Valid(s.Sync.Root) {
			return errors.New("provision: root is not JSON")
		}
	}
	c := config.Default()
	c.Kiosk.StateDir = "/provision-check"
	if err := c.ApplyText(s.TOML(c.Kiosk.StateDir)); err != nil {
		return fmt.Errorf("provision: %w", err)
	}
	if err := c.Validate(); err != nil {
		return fmt.Errorf("provision: %w", err)
	}
	return nil
}

// Result says what Apply did.
type Result struct {
	Changed bool // provision.toml or root.json changed
	// RootKept says the settings' root was older than the root the kiosk
	// already trusts (after rotations): the kiosk's was kept.
	RootKept    bool
	KeyCreated  bool   // a new kiosk key was made
	PublicKey   string // the kiosk's public key, base64
	Fingerprint string
}

// Opts tunes Apply.
type Opts struct {
	// Force replaces an existing kiosk key (a new key: the operator must
	// register it again).
	Force bool
}

// Apply writes s into stateDir. Each file is written whole (a temporary
// file, fsync, rename), so a power cut leaves the old file or the new.
func Apply(stateDir string, s *Settings, opts Opts) (*Result, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, err
	}
	res := &Result{}
	key, created, err := ensureKey(filepath.Join(stateDir, KeyFile), opts.Force)
	if err != nil {
		return nil, err
	}
	res.KeyCreated = created
	// The visit log's secret: made once, never replaced (not even with
	// Force: a new one would make every logged visit unmatchable).
	if _, _, err := visits.LoadOrCreateKey(filepath.Join(stateDir, visits.KeyFile)); err != nil {
		return nil, fmt.Errorf("provision: visit key: %w", err)
	}
	pub := key.Public().(ed25519.PublicKey)
	res.PublicKey, res.Fingerprint = publicText(pub), Fingerprint(pub)

	if s.Sync != nil && len(s.Sync.Root) > 0 {
		ch, err := writeRoot(stateDir, s.Sync.Root, res)
		if err != nil {
			return nil, err
		}
		res.Changed = res.Changed || ch
	}
	ch, err := writeIfChanged(filepath.Join(stateDir, config.ProvisionFile), []byte(s.TOML(stateDir)), 0o644)
	if err != nil {
		return nil, err
	}
	res.Changed = res.Changed || ch
	os.Remove(filepath.Join(stateDir, ErrorFile))
	return res, nil
}

// writeRoot writes the initial sync root, unless the kiosk already trusts
// a newer root: a rotated root is never replaced with an older one (the
// kiosk would start over from it and forget the rotations, and the keys
// they retired).
func writeRoot(stateDir string, root []byte, res *Result) (bool, error) {
	if tv := trustedRootVersion(stateDir); tv > 0 && rootVersion(root) < tv {
		res.RootKept = true
		return false, nil
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, root, "", "  "); err != nil {
		return false, err
	}
	buf.WriteByte('\n')
	return writeIfChanged(filepath.Join(stateDir, RootFile), buf.Bytes(), 0o644)
}

// ensureKey loads the kiosk key at path, or makes one. An existing key is
// replaced only with force.
func ensureKey(path string, force bool) (ed25519.PrivateKey, bool, error) {
	b, err := os.ReadFile(path)
	switch {
	case err == nil && !force:
		k, err := venueqr.ParsePrivateKey(b)
		if err != nil {
			return nil, false, fmt.Errorf("provision: the existing key %s is unreadable (%v); replace it with --force", path, err)
		}
		return k, false, nil
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, false, err
	}
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, err
	}
	text, err := venueqr.MarshalPrivateKey(k)
	if err != nil {
		return nil, false, err
	}
	if err := WriteFile(path, text, 0o600); err != nil {
		return nil, false, err
	}
	return k, true, nil
}

// Fingerprint is the SHA-256 of a public key, in groups of four hex digits
// (the first 16 bytes): what the operator compares when registering a kiosk.
func Fingerprint(pub ed25519.PublicKey) string {
	h := sha256.Sum256(pub)
	x := hex.EncodeToString(h[:16])
	var parts []string
	for i := 0; i < len(x); i += 4 {
		parts = append(parts, x[i:i+4])
	}
	return strings.Join(parts, ":")
}

func publicText(pub ed25519.PublicKey) string {
	b, _ := venueqr.MarshalPublicKey(pub)
	return strings.TrimSpace(string(b))
}

// writeIfChanged writes data to path unless it already holds exactly that.
func writeIfChanged(path string, data []byte, mode os.FileMode) (bool, error) {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return false, nil
	}
	return true, WriteFile(path, data, mode)
}

// WriteFile replaces path with data, mode mode, atomically and durably: a
// reader (or a power cut) sees the old file or the new one, whole.
func WriteFile(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// RecordRefusal writes why a provisioning file was refused, for kioskd.
func RecordRefusal(stateDir string, why error) error {
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return err
	}
	return WriteFile(filepath.Join(stateDir, ErrorFile), []byte(why.Error()+"\n"), 0o644)
}
