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
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"github.com/venuekiosk/venuekiosk/internal/bounded"
)

// DefaultConfig is kioskd's configuration file; kioskctl reads it to find
// the state directory and the daemon's local address.
const DefaultConfig = "/etc/venuekiosk/kioskd.toml"

// kioskFlags are the flags of the commands that look at an installed kiosk.
type kioskFlags struct {
	config   *string
	stateDir *string
	listen   *string // nil: the command does not ask kioskd
}

func addKioskFlags(fs *flag.FlagSet) kioskFlags {
	return kioskFlags{
		config:   fs.String("config", "", "kioskd's configuration `FILE` (default "+DefaultConfig+" when it exists)"),
		stateDir: fs.String("state-dir", "", "the kiosk's state `DIR` (default: the configuration's kiosk.state_dir)"),
	}
}

// addListen adds --listen, for the commands that ask the running kioskd.
func (k *kioskFlags) addListen(fs *flag.FlagSet) {
	k.listen = fs.String("listen", "", "kioskd's local page `ADDR` (host:port; default: the configuration's kiosk.listen)")
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
	// As kioskd does: the state directory may come from the command
	// line; provisioning's file there (venue, panel, scanner, sync)
	// applies over the configuration file, and the command line over both.
	if *k.stateDir != "" {
		cfg.Kiosk.StateDir = *k.stateDir
	}
	if _, err := cfg.ApplyProvision(); err != nil {
		return nil, err
	}
	if *k.stateDir != "" {
		cfg.Kiosk.StateDir = *k.stateDir
	}
	if k.listen != nil && *k.listen != "" {
		cfg.Kiosk.Listen = *k.listen
	}
	// Paths written from it (provision.toml's sync.root) must hold from
	// any working directory: kioskd and later commands run elsewhere.
	if cfg.Kiosk.StateDir, err = filepath.Abs(cfg.Kiosk.StateDir); err != nil {
		return nil, err
	}
	return cfg, nil
}

func dbPath(cfg *config.Config) string { return filepath.Join(cfg.Kiosk.StateDir, daemon.DBFile) }

// daemonURL returns the running kioskd's local address, or "" when it
// serves none. It reads the daemon's per-boot API token from the state
// directory, for daemonCall to send.
func daemonURL(cfg *config.Config) string {
	if cfg.Kiosk.Listen == "" {
		return ""
	}
	base := "http://" + cfg.Kiosk.Listen
	if tok, err := web.ReadToken(cfg.Kiosk.StateDir); err == nil {
		daemonTokens.Store(base, tok)
	}
	return base
}

// daemonTokens holds the API token read for each daemon address.
var daemonTokens sync.Map

// daemonJSON calls the running daemon; ok is false when it is not there.
func daemonJSON(ctx context.Context, base, method, path string, timeout time.Duration, v any) (ok bool, err error) {
	ok, b, err := daemonCall(ctx, base, method, path, timeout, 1<<20)
	if !ok {
		return false, nil // not running (or not reachable): not an error here
	}
	if err != nil {
		return true, err
	}
	return true, json.Unmarshal(b, v)
}

// daemonStatusError is the daemon's answer when it is not 200 OK.
type daemonStatusError struct {
	Method, Path, Status string
	Code                 int
	Body                 string // its first 512 bytes
}

func (e *daemonStatusError) Error() string {
	return fmt.Sprintf("kioskd %s %s: %s: %s", e.Method, e.Path, e.Status, e.Body)
}

// daemonCall calls the running daemon and returns the body of its 200
// answer, at most max bytes. ok is false when the daemon is not there
// (err then says why); another status is a *daemonStatusError.
func daemonCall(ctx context.Context, base, method, path string, timeout time.Duration, max int64) (ok bool, body []byte, err error) {
	if base == "" {
		return false, nil, errors.New("kiosk.listen is empty: kioskd serves no page to ask")
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
	if err != nil {
		return false, nil, err
	}
	if tok, ok := daemonTokens.Load(base); ok {
		req.Header.Set(web.TokenHeader, tok.(string))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 512))
		return true, nil, &daemonStatusError{Method: method, Path: path, Status: res.Status, Code: res.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	b, err := bounded.ReadAll(res.Body, max, "kioskd "+method+" "+path)
	return true, b, err
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
