package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ProvisionFile is the name, in the state directory, of the configuration
// that provisioning writes: venue, board profile and sync source. The root
// filesystem (and /etc) is read-only on the kiosk, so what is particular to
// one kiosk lives beside its data.
const ProvisionFile = "provision.toml"

// ApplyProvision decodes the state directory's provision.toml, when there
// is one, over c: the base file gives defaults, provisioning gives this
// kiosk's values, and command-line -set overrides both. It reports whether
// a file was applied.
func (c *Config) ApplyProvision() (bool, error) {
	path := filepath.Join(c.Kiosk.StateDir, ProvisionFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if len(b) > MaxFile {
		return false, fmt.Errorf("%s: larger than %d bytes", path, MaxFile)
	}
	if err := c.decode(string(b)); err != nil {
		return false, fmt.Errorf("%s: %w", path, err)
	}
	return true, nil
}

// ApplyText decodes TOML text over c (provisioning checks its settings
// through it).
func (c *Config) ApplyText(text string) error { return c.decode(text) }
