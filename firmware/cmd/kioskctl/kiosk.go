package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
)

// DefaultConfig is kioskd's configuration file; kioskctl reads it to find
// the state directory and the daemon's local address.
const DefaultConfig = "/etc/venuekiosk/kioskd.toml"

// kioskFlags are the flags of the commands that look at an installed kiosk.
type kioskFlags struct {
	config   *string
	stateDir *string
}

func addKioskFlags(fs *flag.FlagSet) kioskFlags {
	return kioskFlags{
		config:   fs.String("config", "", "kioskd's configuration `FILE` (default "+DefaultConfig+" when it exists)"),
		stateDir: fs.String("state-dir", "", "the kiosk's state `DIR` (default: the configuration's kiosk.state_dir)"),
	}
}

// load returns the kiosk's configuration with the flags applied.
func (k kioskFlags) load() (*config.Config, error) {
	var cfg *config.Config
	var err error
	if *k.config != "" {
		cfg, err = config.Load(*k.config)
	} else {
		cfg, err = config.Load(DefaultConfig)
		if errors.Is(err, fs.ErrNotExist) {
			cfg, err = config.Default(), nil
		}
	}
	if err != nil {
		return nil, err
	}
	if *k.stateDir != "" {
		cfg.Kiosk.StateDir = *k.stateDir
	}
	return cfg, nil
}

func dbPath(cfg *config.Config) string { return filepath.Join(cfg.Kiosk.StateDir, daemon.DBFile) }

// daemonURL returns the running kioskd's local address, or "" when it
// serves none.
func daemonURL(cfg *config.Config) string {
	if cfg.Kiosk.Listen == "" {
		return ""
	}
	return "http://" + cfg.Kiosk.Listen
}

var httpClient = &http.Client{Timeout: 3 * time.Second}

// daemonJSON calls the running daemon; ok is false when it is not there.
func daemonJSON(ctx context.Context, base, method, path string, timeout time.Duration, v any) (ok bool, err error) {
	if base == "" {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
	if err != nil {
		return false, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, nil // not running (or not reachable): not an error here
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return true, fmt.Errorf("kioskd %s %s: %s: %s", method, path, res.Status, strings.TrimSpace(string(b)))
	}
	return true, json.NewDecoder(io.LimitReader(res.Body, 1<<20)).Decode(v)
}

// cmdlinePath is read for the booted RAUC slot (tests point it elsewhere).
var cmdlinePath = "/proc/cmdline"

// bootedSlot returns the RAUC slot the bootloader booted (rauc.slot= on
// the kernel command line), or "".
func bootedSlot() string {
	b, err := os.ReadFile(cmdlinePath)
	if err != nil {
		return ""
	}
	for _, f := range strings.Fields(string(b)) {
		if v, ok := strings.CutPrefix(f, "rauc.slot="); ok {
			return v
		}
	}
	return ""
}

// usageError prints a usage error for command and returns exitUsage.
func usageError(w io.Writer, command, format string, a ...any) int {
	fmt.Fprintf(w, "kioskctl %s: %s\n", command, fmt.Sprintf(format, a...))
	return exitUsage
}

// parseFlags parses args; it returns a non-negative exit code when the
// command must stop (help printed, or a usage error).
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		return exitUsage
	}
	return -1
}
