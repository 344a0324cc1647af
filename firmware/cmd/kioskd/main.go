// Command kioskd is the venuekiosk daemon: it reads passes from the serial
// scanner, shows green, amber or red at once, drives the e-ink panel and
// keeps its data in SQLite. Run under systemd (Type=notify) on the kiosk, or
// with -simulate on any Linux machine (`make run`).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/version"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

// DefaultConfig is read when -config is not given; its absence is not an
// error (every key has a default).
const DefaultConfig = "/etc/venuekiosk/kioskd.toml"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fl := command.NewFlags("kioskd", `usage: kioskd [-config FILE] [-set section.key=value]... [-simulate] [-state-dir DIR] [-listen ADDR]

The venuekiosk daemon. Configuration keys and defaults: kioskd -print-config.
Exits non-zero when it cannot start; stops cleanly on SIGTERM or SIGINT.`, stdout, stderr)
	cfgPath := fl.String("config", "", "configuration `FILE` (default "+DefaultConfig+" when it exists)")
	var sets command.Multi
	fl.Var(&sets, "set", "override one key: `section.key=value` (repeatable), e.g. -set scanner.baud=115200")
	simulate := fl.Bool("simulate", false, "run a simulated kiosk: pty scanner, emulated panel and lights, sample data (same as -set kiosk.simulate=true)")
	stateDir := fl.String("state-dir", "", "state directory (same as -set kiosk.state_dir=DIR)")
	listen := fl.String("listen", "", "address of the local page (same as -set kiosk.listen=ADDR)")
	printConfig := fl.Bool("print-config", false, "print the documented default configuration and exit")
	showVersion := fl.Bool("version", false, "print the version and exit")
	if code, done := fl.Parse(args); done {
		return code
	}
	if *showVersion {
		fmt.Fprintln(stdout, version.Version)
		return command.ExitOK
	}
	if *printConfig {
		stdout.Write(config.Example())
		return command.ExitOK
	}

	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return fl.Usagef("%v", err)
	}
	if *simulate {
		sets = append(sets, "kiosk.simulate=true")
	}
	if *stateDir != "" {
		sets = append(sets, "kiosk.state_dir="+*stateDir)
	}
	if *listen != "" {
		sets = append(sets, "kiosk.listen="+*listen)
	}
	applySets := func() bool {
		for _, kv := range sets {
			if err := cfg.Set(kv); err != nil {
				fl.Usagef("%v", err)
				return false
			}
		}
		return true
	}
	// The state directory may come from the command line; provisioning's
	// file there applies over the base configuration, and the command line
	// over both.
	if !applySets() {
		return command.ExitUsage
	}
	if _, err := cfg.ApplyProvision(); err != nil {
		return fl.Usagef("%v", err)
	}
	if !applySets() {
		return command.ExitUsage
	}
	if err := cfg.Validate(); err != nil {
		return fl.Usagef("%v", err)
	}

	var level slog.Level
	level.UnmarshalText([]byte(cfg.Kiosk.LogLevel))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(log) // for the drivers the hardware opens

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	var hw daemon.Hardware
	if cfg.Kiosk.Simulate {
		hw, _, err = sim.New(cfg)
	} else {
		hw, err = daemon.NewHardware(cfg)
	}
	if err != nil {
		log.Error("kioskd cannot start", "err", err)
		return command.ExitFail
	}
	hw.Logger = log
	log.Info("kioskd starting", "version", version.Version, "simulate", cfg.Kiosk.Simulate, "state_dir", cfg.Kiosk.StateDir)
	var ready daemon.Ready
	if cfg.Kiosk.Simulate {
		ready = func(addr net.Addr) { simBanner(stdout, cfg.Kiosk.StateDir, addr) }
	}
	if err := daemon.Run(ctx, cfg, hw, ready); err != nil {
		log.Error("kioskd cannot run", "err", err)
		return command.ExitFail
	}
	log.Info("kioskd stopped")
	return command.ExitOK
}

// simBanner tells the person who ran `make run` where the simulated
// kiosk's page really is (the address it listens on, whatever the flags
// said) and how to scan.
func simBanner(w io.Writer, stateDir string, addr net.Addr) {
	page := "no local page (kiosk.listen is empty)"
	if addr != nil {
		a := addr.String()
		if t, ok := addr.(*net.TCPAddr); ok && t.IP.IsUnspecified() {
			a = net.JoinHostPort("127.0.0.1", strconv.Itoa(t.Port)) // listening on every address
		}
		page = "open http://" + a + "/"
	}
	input := filepath.Join(stateDir, sim.InputLink)
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, input); err == nil && !strings.HasPrefix(rel, "..") {
			input = rel
		}
	}
	fmt.Fprintf(w, "Simulated kiosk ready: %s\nScan with: echo 'PAYLOAD' > %s (or: cat > %s, then paste)\nStop with Ctrl-C\n", page, input, input)
}

func loadConfig(path string) (*config.Config, error) {
	if path != "" {
		return config.Load(path)
	}
	c, err := config.Load(DefaultConfig)
	if errors.Is(err, fs.ErrNotExist) {
		return config.Default(), nil
	}
	return c, err
}
