package daemon

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/venuekiosk/venuekiosk/display/i18n"
	"github.com/venuekiosk/venuekiosk/display/layout"
	"github.com/venuekiosk/venuekiosk/display/screen"
	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/keymap"
	"github.com/venuekiosk/venuekiosk/firmware/clock"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/provision"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"github.com/venuekiosk/venuekiosk/internal/store"
)

// File names in the state directory.
const (
	DBFile  = "kiosk.db"
	KeyFile = "kiosk.key" // the kiosk's ed25519 key (provisioning), mode 0600
)

// Daemon is a running kiosk.
type Daemon struct {
	cfg *config.Config
	hw  Hardware
	log *slog.Logger

	st       *store.Store
	clk      *clock.Trusted
	eng      *engines
	flow     *scan.Flow
	ind      indicator.Indicator
	scr      *screen.Controller
	scn      *scanner.Dev
	recent   *recent
	counters *counters
	visits   *visits.Log // the visit log and exposure match (visits.go)
	page     *pageState  // exposure notice and group for the page (status.go)
	syncer   *syncer     // signed sync; nil when no source is configured (sync.go)
	door     *doorLog    // staff cards: exempt counts, open-entry log (door.go)
	// posterVenue is the venue the last LeaveHomeSafe poster set (door.go).
	posterVenue atomic.Pointer[provision.Venue]
	notify      notifier

	started time.Time

	mu          sync.Mutex
	scannerOK   bool
	scannerWhy  string
	policyName  string
	lastProblem string
	panelFault  string // the start-up (or last self-test) probe's failure (panelfault.go)

	trace func(event string) // told of each stage's start and stop (tests)
}

// Ready is called (for tests and benchmarks) when the daemon reported
// READY=1; addr is the web server's address or nil.
type Ready func(addr net.Addr)

// Run runs the kiosk until ctx ends. It returns an error when the kiosk
// cannot start (the caller exits non-zero, and systemd restarts it).
func Run(ctx context.Context, cfg *config.Config, hw Hardware, ready Ready) error {
	d := newDaemon(cfg, hw)
	defer func() {
		if hw.Close != nil {
			if err := hw.Close(); err != nil {
				d.log.Warn("closing hardware", "err", err)
			}
		}
	}()
	return d.run(ctx, ready)
}

func newDaemon(cfg *config.Config, hw Hardware) *Daemon {
	log := hw.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Daemon{cfg: cfg, hw: hw, log: log, started: time.Now(), recent: &recent{max: 20}, notify: notifier{log: log}}
}

func (d *Daemon) run(ctx context.Context, ready Ready) error {
	stop, err := startStages(ctx, d.stages(ready), d.trace)
	if err != nil {
		return err
	}
	<-ctx.Done()
	d.notify.stopping()
	d.log.Info("stopping: finishing the current scan")
	stop()
	return nil
}

// stages are the daemon's parts in the order they start; they stop in
// reverse. The loops (display, buttons, scanner, sync, local page, fleet,
// watchdog) stop first, together; then the flow, so that a scan in
// progress is finished; then the counters, the door log and the visit
// writer it feeds, so that the scan is counted and its events and visit
// written; the lights, the clock and the store stop last.
func (d *Daemon) stages(ready Ready) []stage {
	l := &loops{log: d.log}
	var addr net.Addr
	return []stage{
		setup("state directory", d.stateDir),
		{"store", d.startStore},
		{"clock", d.startClock},
		setup("policy", d.loadPolicy),
		{"lights", d.startLights},
		setup("panel", func(context.Context) error { return d.startPanel() }),
		setup("visit log", func(context.Context) error { return d.openVisits() }),
		setup("scan flow", d.newFlow),
		background("visit writer", func(ctx context.Context) { d.visits.Run(ctx) }),
		background("door writer", func(ctx context.Context) { d.door.run(ctx) }),
		background("counters", func(ctx context.Context) { d.counters.run(ctx) }),
		background("scan loop", func(ctx context.Context) { d.flow.Run(ctx) }),
		{"loops", l.start},
		setup("display", func(context.Context) error { d.startDisplay(l.goRun); return nil }),
		setup("buttons", func(context.Context) error {
			d.startGroupButton(l.goRun)
			d.startDoorButtons(l.goRun)
			d.startExitButton(l.goRun)
			return nil
		}),
		setup("scanner", func(context.Context) error { return d.startScanner(l.ctx, l.goRun) }),
		setup("sync", func(context.Context) error { d.startSync(l.ctx, l.goRun); return nil }),
		setup("local page", func(ctx context.Context) (err error) { addr, err = d.startWeb(ctx, l.goRun); return err }),
		setup("fleet", func(context.Context) error { d.startFleet(l.goRun); return nil }), // off unless [fleet] enabled; never waits for the broker
		setup("ready", func(context.Context) error { d.ready(ready, addr); return nil }),
		setup("watchdog", func(context.Context) error {
			l.goRun("watchdog", func(ctx context.Context) error { d.notify.watchdog(ctx, d.alive); return nil })
			l.goRun("status", d.statusLoop)
			return nil
		}),
	}
}

// loops runs the daemon's loops, each in its own goroutine, until the
// daemon's context ends or stop is called; stop waits for them all.
type loops struct {
	log *slog.Logger
	ctx context.Context
	wg  sync.WaitGroup
}

func (l *loops) start(ctx context.Context) (stop func(), err error) {
	var cancel context.CancelFunc
	l.ctx, cancel = context.WithCancel(ctx)
	return func() { cancel(); l.wg.Wait() }, nil
}

// goRun runs f until the loops stop; an error other than the context's
// end is logged.
func (l *loops) goRun(name string, f func(context.Context) error) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if err := f(l.ctx); err != nil && !errors.Is(err, context.Canceled) {
			l.log.Error(name+" stopped", "err", err)
		}
	}()
}

func (d *Daemon) stateDir(context.Context) error {
	if err := os.MkdirAll(d.cfg.Kiosk.StateDir, 0o700); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	for _, p := range d.hw.Problems {
		d.problem(p)
	}
	return nil
}

func (d *Daemon) startStore(ctx context.Context) (stop func(), err error) {
	if err := d.openStore(ctx); err != nil {
		return nil, err
	}
	return func() {
		if err := d.st.Close(); err != nil {
			d.log.Error("closing the store", "err", err)
		}
	}, nil
}

func (d *Daemon) startClock(context.Context) (stop func(), err error) {
	if d.clk, err = clock.NewTrusted(clock.System{}, d.st); err != nil {
		return nil, err
	}
	d.clk.SetLogger(d.log)
	return func() { d.clk.Persist() }, nil
}

func (d *Daemon) loadPolicy(ctx context.Context) (err error) {
	d.eng = &engines{st: d.st, policyFrom: d.cfg.Scan.Policy, log: d.log}
	if d.policyName, err = d.eng.reload(ctx); err != nil {
		return fmt.Errorf("entry policy: %w", err)
	}
	return nil
}

func (d *Daemon) startLights(context.Context) (stop func(), err error) {
	d.ind = d.hw.Indicator
	if d.ind == nil {
		d.ind = indicator.NewLog(&indicator.LogOpts{Hold: d.cfg.Lights.Hold.D, Logger: d.log})
	}
	return func() { d.ind.Close() }, nil
}

// startPanel probes the panel and makes its screen, if one is fitted, and
// says why the last provisioning file was refused (on the panel if any).
func (d *Daemon) startPanel() error {
	if d.hw.Panel != nil {
		d.probePanel()
		if err := d.newScreen(); err != nil {
			return err
		}
	}
	d.provisionRefusal()
	return nil
}

// newFlow makes the scan flow and the counters, door log and sinks it
// feeds; the stages after it run them.
func (d *Daemon) newFlow(ctx context.Context) error {
	loc := time.Local
	d.counters = newCounters(d.st, loc, d.log)
	d.door = newDoorLog(d.st, loc, d.log)
	d.door.venue = d.cfg.Venue.ID
	sinks, err := d.sinks()
	if err != nil {
		return err
	}
	d.flow = scan.New(scan.Opts{
		Logger:       d.log,
		Verifier:     d.eng,
		Time:         d.clk,
		Sinks:        sinks,
		RepeatWindow: d.cfg.Scan.RepeatWindow.D,
		Annotators:   []scan.Annotator{d.visits},
		Group:        d.groupOpts(),
		Door:         d.doorOpts(ctx),
		Exit:         d.exitOpts(),
		Now:          d.hw.Now,
	})
	return nil
}

// startDisplay runs the screen and the exposure notice, if a panel is
// fitted.
func (d *Daemon) startDisplay(goRun func(string, func(context.Context) error)) {
	if d.scr == nil {
		return
	}
	d.showDataAge() // the data the store has; each sync updates it
	goRun("display", d.scr.Run)
	goRun("exposure notice", d.venueNoticeLoop)
}

// startWeb serves the local page, if kiosk.listen is set, and returns its
// address (nil if not).
func (d *Daemon) startWeb(ctx context.Context, goRun func(string, func(context.Context) error)) (net.Addr, error) {
	if d.cfg.Kiosk.Listen == "" {
		return nil, nil
	}
	wo, err := d.webOpts()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", d.cfg.Kiosk.Listen)
	if err != nil {
		return nil, fmt.Errorf("local page: %w", err)
	}
	addr := ln.Addr()
	wo.Scanner, wo.State, wo.Panel, wo.Samples = d.flow, func() any { return d.State(ctx) }, d.panelPNG(), d.samples()
	wo.SimScan = d.hw.SimScan
	wo.SelfTest = func(ctx context.Context) any { return d.selfTest(ctx) }
	srv := web.New(wo)
	goRun("web", func(ctx context.Context) error { return srv.Serve(ctx, ln) })
	d.log.Info("local page", "url", "http://"+addr.String()+"/")
	return addr, nil
}

// ready tells systemd, the log and the caller that the kiosk is up.
func (d *Daemon) ready(ready Ready, addr net.Addr) {
	d.notify.ready(d.statusLine())
	d.log.Info("kiosk ready", "scanner", d.scannerState(), "panel", d.hw.PanelName, "policy", d.policyName)
	if ready != nil {
		ready(addr)
	}
}

func (d *Daemon) openStore(ctx context.Context) error {
	path := filepath.Join(d.cfg.Kiosk.StateDir, DBFile)
	st, err := store.Open(ctx, path, &store.Opts{Logger: d.log})
	if err != nil {
		var newer *store.NewerSchemaError
		if errors.As(err, &newer) {
			return fmt.Errorf("%w (the data is left untouched: boot the newer firmware, or restore with `kioskctl store restore`)", err)
		}
		return fmt.Errorf("opening the store: %w", err)
	}
	d.st = st
	s := st.Status()
	if s.Recovered != nil {
		d.problem(fmt.Sprintf("store was damaged and rebuilt; the old file is kept as %s", filepath.Base(s.Recovered.MovedTo)))
	}
	if s.MigratedFrom != s.Version && s.MigratedFrom != 0 {
		d.log.Info("store migrated", "from", s.MigratedFrom, "to", s.Version, "backup", s.Backup)
	}
	d.log.Info("store open", "path", path, "schema", s.Version, "quick_check", s.Checked.Round(time.Millisecond), "revocation_filter", s.FilterBuilt.Round(time.Millisecond))
	if d.hw.Seed != nil {
		if err := d.hw.Seed(st); err != nil {
			return fmt.Errorf("seeding the store: %w", err)
		}
	}
	return nil
}

func (d *Daemon) newScreen() error {
	cfg := d.cfg
	l, err := layout.New(d.hw.Panel.Bounds().Size())
	if err != nil {
		return fmt.Errorf("panel layout: %w", err)
	}
	var langs []i18n.Lang
	for _, s := range cfg.Panel.Languages {
		l, err := i18n.ParseLang(s)
		if err != nil {
			return fmt.Errorf("panel.languages: %w", err)
		}
		langs = append(langs, l)
	}
	opts := screen.Opts{
		Logger:     d.log,
		Layout:     l,
		Time:       d.clk,
		Langs:      langs,
		Venue:      [2]string{cfg.Venue.NameEN, cfg.Venue.NameZH},
		FullEvery:  cfg.Panel.FullEvery,
		StatusHold: cfg.Panel.StatusHold.D,
		ShowHolder: true,
		Alternate:  cfg.Panel.Alternate,
	}
	if err := d.hkenOpts(&opts); err != nil {
		return err
	}
	if key, err := readKey(filepath.Join(cfg.Kiosk.StateDir, KeyFile)); err == nil && cfg.Venue.ID != "" {
		if opts.Signer, err = venueqr.NewSigner(cfg.Venue.ID, key, cfg.Panel.RotationPeriod.D); err != nil {
			return fmt.Errorf("venue code: %w", err)
		}
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("kiosk key: %w", err)
	} else {
		d.problem("not provisioned: no venue code until a venue and key are set")
	}
	d.scr, err = screen.New(d.hw.Panel, opts)
	return err
}

// readKey reads the kiosk's ed25519 key file.
func readKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return venueqr.ParsePrivateKey(b)
}

func (d *Daemon) startScanner(ctx context.Context, goRun func(string, func(context.Context) error)) error {
	cfg := d.cfg.Scanner
	path := d.hw.ScannerPath
	if path == "" {
		path = cfg.Device
	}
	if path == "" {
		d.setScanner(false, "no scanner configured")
		return nil
	}
	term, err := scanner.ParseTerminator(cfg.Terminator)
	if err != nil {
		return fmt.Errorf("scanner.terminator: %w", err)
	}
	cs, err := scanner.ParseCharset(cfg.Charset)
	if err != nil {
		return fmt.Errorf("scanner.charset: %w", err)
	}
	km, err := keymap.Lookup(cfg.Keymap)
	if err != nil {
		return fmt.Errorf("scanner.keymap: %w", err)
	}
	opts := scanner.Opts{Path: path, Baud: cfg.Baud, Keymap: km,
		FrameOpts: scanner.FrameOpts{Terminator: term, IdleGap: cfg.IdleGap.D, StripAIM: cfg.StripAIM, Charset: cs, Logger: d.log}}
	dev, err := scanner.New(opts)
	if err != nil {
		return fmt.Errorf("scanner: %w", err)
	}
	d.scn = dev
	d.setScanner(false, "scanner not found yet")
	goRun("scanner", dev.Run)
	submit := func(ctx context.Context, dev *scanner.Dev) error {
		for f := range dev.Frames() {
			d.flow.Submit(scan.Scan{Payload: string(f.Data), Source: scan.Serial, Read: f.At})
		}
		return nil
	}
	goRun("scanner frames", func(ctx context.Context) error { return submit(ctx, dev) })
	goRun("scanner events", func(ctx context.Context) error {
		for ev := range dev.Events() {
			d.setScanner(ev.Kind == scanner.Connected, ev.String())
		}
		return nil
	})
	if d.hw.KeyboardPath == "" {
		return nil
	}
	// A second scanner beside the first (the simulator's keyboard-mode
	// stand-in): its frames count the same; the state shown is the
	// first's.
	opts.Path = d.hw.KeyboardPath
	kbd, err := scanner.New(opts)
	if err != nil {
		return fmt.Errorf("second scanner: %w", err)
	}
	goRun("second scanner", kbd.Run)
	goRun("second scanner frames", func(ctx context.Context) error { return submit(ctx, kbd) })
	goRun("second scanner events", func(ctx context.Context) error {
		for ev := range kbd.Events() {
			d.log.Info("second scanner", "state", ev.String())
		}
		return nil
	})
	return nil
}

func (d *Daemon) setScanner(ok bool, why string) {
	d.mu.Lock()
	d.scannerOK, d.scannerWhy = ok, why
	d.mu.Unlock()
	if d.scr != nil {
		d.scr.SetNoScanner(!ok)
	}
	d.log.Info("scanner", "state", why)
}

func (d *Daemon) scannerState() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.scannerWhy
}

func (d *Daemon) problem(p string) {
	d.mu.Lock()
	d.lastProblem = p
	d.mu.Unlock()
	d.log.Warn(p)
}

// alive reports whether the scan loop and the display loop are turning.
func (d *Daemon) alive() (bool, string) {
	const stale = 3 * scan.HeartbeatEvery
	if t := d.flow.Heartbeat(); time.Since(t) > stale+time.Second {
		return false, "scan loop has not turned since " + t.Format(time.RFC3339)
	}
	if d.scr != nil {
		if t := d.scr.Heartbeat(); !t.IsZero() && time.Since(t) > 3*screen.HeartbeatEvery {
			return false, "display loop has not turned since " + t.Format(time.RFC3339)
		}
	}
	return true, ""
}

// webOpts makes this boot's API token (the page embeds it; kioskctl reads
// it from the state directory) and names the hosts the page answers to:
// loopback, and a non-loopback kiosk.listen only when kiosk.listen_public
// allows it (with a warning).
func (d *Daemon) webOpts() (web.Opts, error) {
	o := web.Opts{Logger: d.log}
	tok, err := web.NewToken(d.cfg.Kiosk.StateDir)
	if err != nil {
		return o, fmt.Errorf("local page: %w", err)
	}
	o.Token = tok
	host, _, err := net.SplitHostPort(d.cfg.Kiosk.Listen)
	if err != nil {
		return o, fmt.Errorf("kiosk.listen: %w", err)
	}
	if !web.Loopback(host) {
		if !d.cfg.Kiosk.ListenPublic {
			return o, fmt.Errorf("kiosk.listen %s is not a loopback address: set kiosk.listen_public = true to serve the page and its API to the network", d.cfg.Kiosk.Listen)
		}
		d.log.Warn("the local page and its API are served to the network (kiosk.listen_public); anyone who reaches it sees the kiosk's state, and with the token can scan and run self-tests",
			"listen", d.cfg.Kiosk.Listen)
		if host != "" && host != "0.0.0.0" && host != "::" {
			o.Hosts = []string{host}
		}
	}
	return o, nil
}

// panelPNG writes what the panel shows; while it shows a holder's details
// (initials, birth year or name), the status area is left blank.
func (d *Daemon) panelPNG() func(io.Writer) error {
	var glass func(io.Writer) error
	switch {
	case d.hw.PanelPNG != nil:
		glass = d.hw.PanelPNG
	case d.scr != nil:
		glass = d.scr.WritePNG
	default:
		return nil
	}
	if d.scr == nil {
		return glass
	}
	return func(w io.Writer) error {
		if d.scr.HolderShown() {
			return d.scr.WritePNGWithoutStatus(w)
		}
		var buf bytes.Buffer
		if err := glass(&buf); err != nil {
			return err
		}
		if d.scr.HolderShown() { // it came while the image was read
			return d.scr.WritePNGWithoutStatus(w)
		}
		_, err := w.Write(buf.Bytes())
		return err
	}
}

func (d *Daemon) samples() func() []web.Sample {
	if len(d.hw.Samples) == 0 {
		return nil
	}
	return func() []web.Sample { return d.hw.Samples }
}

// statusLoop keeps systemd's STATUS= line current.
func (d *Daemon) statusLoop(ctx context.Context) error {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			d.notify.status(d.statusLine())
		}
	}
}

// statusLine is what a technician reads in `systemctl status kioskd`.
func (d *Daemon) statusLine() string {
	d.mu.Lock()
	sc, problem := d.scannerWhy, d.lastProblem
	d.mu.Unlock()
	line := fmt.Sprintf("%d scans; %s; panel %s", d.flow.Processed(), sc, orNone(d.hw.PanelName))
	switch cs := d.clk.State(); {
	case !cs.Trusted && cs.Jump != nil:
		line += "; time not trusted (the clock jumped ahead)"
	case !cs.Trusted:
		line += "; time not trusted"
	case cs.Ahead != nil:
		line += "; a signed time ahead of the clock was refused"
	}
	if t, ok := d.st.DataTime(); ok {
		line += "; data from " + t.UTC().Format("2006-01-02 15:04Z")
	} else {
		line += "; no synced data"
	}
	if problem != "" {
		line += "; " + problem
	}
	return line
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Flow returns the scan flow (for tests and the simulator).
func (d *Daemon) Flow() *scan.Flow { return d.flow }

// provisionRefusal shows why the last provisioning file was refused (kioskctl
// provision --from), on the panel and in the status line.
func (d *Daemon) provisionRefusal() {
	b, err := os.ReadFile(filepath.Join(d.cfg.Kiosk.StateDir, provision.ErrorFile))
	if err != nil {
		return
	}
	d.problem(strings.TrimSpace(string(b)))
	if d.scr != nil {
		d.scr.ShowMessage(layout.Cross, i18n.SetupRefused)
	}
}
