package sim

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"periph.io/x/conn/v3/gpio/gpiotest"
	"periph.io/x/conn/v3/physic"

	"github.com/venuekiosk/venuekiosk/display/venueqr"
	"github.com/venuekiosk/venuekiosk/drivers/epdemu"
	"github.com/venuekiosk/venuekiosk/drivers/indicator"
	"github.com/venuekiosk/venuekiosk/drivers/scanner/ptysim"
	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/web"
	"github.com/venuekiosk/venuekiosk/internal/epd"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// ScannerLink is the name, in the state directory, of the stable link to
// the simulated scanner's pseudo-terminal.
const ScannerLink = "scanner"

// Defaults for a simulated kiosk's venue when the configuration has none.
const (
	VenueID = "SIM-CENTRAL-01"
	VenueEN = "Central Market"
	VenueZH = "中環街市"
	Model   = "waveshare_4in2_v2"
	// GroupCode is the simulated kiosk's staff group code when the
	// configuration has none: scan it to start group mode.
	GroupCode = "VKGROUP:SIM-STAFF"
)

// Sim is a running simulation's handles, for tests.
type Sim struct {
	Scanner  *ptysim.Sim
	Keyboard *ptysim.Sim // the keyboard-mode scanner's stand-in: input events, not text
	Panel    *epdemu.Emu
	Samples  *samples.Set
}

// New prepares the simulated hardware for cfg (which it completes with a
// venue and a panel model when they are unset) and the sample data.
func New(cfg *config.Config) (daemon.Hardware, *Sim, error) {
	var hw daemon.Hardware
	s := &Sim{}
	dir, err := filepath.Abs(cfg.Kiosk.StateDir)
	if err != nil {
		return hw, nil, err
	}
	cfg.Kiosk.StateDir = dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return hw, nil, err
	}
	// One simulated kiosk a state directory: a second one refuses here,
	// before it touches the scanner links, the keys or the repository.
	unlock, err := lockDir(dir)
	if err != nil {
		return hw, nil, err
	}
	if cfg.Venue.ID == "" {
		cfg.Venue.ID, cfg.Venue.NameEN, cfg.Venue.NameZH, cfg.Venue.Category = VenueID, VenueEN, VenueZH, "market"
	}
	if cfg.Panel.Model == "none" {
		cfg.Panel.Model = Model
	}
	if cfg.Group.Code == "" {
		cfg.Group.Code = GroupCode
	}
	if err := ensureKey(filepath.Join(dir, daemon.KeyFile)); err != nil {
		unlock()
		return hw, nil, err
	}

	closers := []func() error{unlock}
	fail := func(err error) (daemon.Hardware, *Sim, error) {
		for _, c := range slices.Backward(closers) {
			c()
		}
		return hw, nil, err
	}
	sc, err := ptysim.New(filepath.Join(dir, ScannerLink))
	if err != nil {
		return fail(fmt.Errorf("simulated scanner: %w", err))
	}
	closers = append(closers, sc.Close)
	s.Scanner = sc
	hw.ScannerPath = sc.Path()
	in, err := newInput(filepath.Join(dir, InputLink), sc)
	if err != nil {
		return fail(fmt.Errorf("simulated scanner input: %w", err))
	}
	closers = append(closers, in.Close)
	kb, err := ptysim.New(filepath.Join(dir, KeyboardLink))
	if err != nil {
		return fail(fmt.Errorf("simulated keyboard-mode scanner: %w", err))
	}
	closers = append(closers, kb.Close)
	s.Keyboard = kb
	hw.KeyboardPath = "evdev:" + kb.Path()
	via := s.scanVia()
	hw.SimScan = &via

	opts, err := daemon.IndicatorOpts(cfg)
	if err != nil {
		return fail(err)
	}
	pin := func(name string) *gpiotest.Pin { return &gpiotest.Pin{N: name} }
	ind, err := indicator.New(indicator.Pins{Green: pin("SIM_GREEN"), Amber: pin("SIM_AMBER"), Red: pin("SIM_RED"), Buzzer: pin("SIM_BUZZER")}, opts)
	if err != nil {
		return fail(fmt.Errorf("simulated lights: %w", err))
	}
	hw.Indicator = ind

	m, err := epd.Lookup(cfg.Panel.Model)
	if err != nil {
		return fail(fmt.Errorf("panel.model: %w", err))
	}
	panel, emu, err := daemon.OpenEmulatedPanel(m, physic.Frequency(cfg.Panel.SPIHz)*physic.Hertz, cfg.Panel.Power)
	if err != nil {
		return fail(fmt.Errorf("simulated panel: %w", err))
	}
	s.Panel = emu
	hw.Panel, hw.PanelName, hw.PanelPNG = panel, m.Name+" (emulated)", emu.PNG

	iss, err := loadIssuers(dir)
	if err != nil {
		return fail(fmt.Errorf("sample issuers: %w", err))
	}
	set, err := samples.MakeWith(time.Now(), iss)
	if err != nil {
		return fail(err)
	}
	s.Samples = set
	for _, sm := range set.Samples {
		hw.Samples = append(hw.Samples, web.Sample{Name: sm.Name, Payload: sm.Payload, Expect: sm.Expect})
	}
	if err := staffSamples(cfg, dir, &hw, set); err != nil {
		return fail(fmt.Errorf("staff card samples: %w", err))
	}
	if cfg.Sync.Source == "" {
		// The sample data goes the way real data goes: signed into a
		// repository by the authority's publisher, synced and verified by
		// the daemon's sync client.
		repoDir, err := Publish(dir, set)
		if err != nil {
			return fail(fmt.Errorf("publishing the sample data: %w", err))
		}
		cfg.Sync.Source, cfg.Sync.Root = repoDir, filepath.Join(repoDir, "1.root.json")
	}
	hw.Close = func() error {
		var errs []error
		for _, c := range slices.Backward(closers) {
			errs = append(errs, c())
		}
		return errors.Join(errs...)
	}
	slog.Info("simulated scanner: write a payload and a newline into " + filepath.Join(dir, InputLink) +
		" (e.g. echo 'HC1:…' > " + filepath.Join(dir, InputLink) + "); the bytes reach the daemon untouched, through the serial driver at " +
		filepath.Join(dir, ScannerLink) + "; the page's profile picker sends the samples as other scanners do (CRLF, no suffix, AIM, GB18030, keyboard mode)")
	return hw, s, nil
}

// The simulator's update repository and its signing keys, in the state
// directory.
const (
	RepoDir = "sim-repo"
	KeysDir = "sim-keys"
)

// Publish signs set's trust list, revocations, codes and staff-card
// revocations, and the default entry policy, into the simulator's
// repository in dir (made, with fresh keys, on first use) and returns the
// repository's path. Each start publishes anew: data sets that changed
// (the code dates do on a new day) get new versions, the
// revocations a delta, and the timestamp is signed now. Exposure notices
// are not published (tests seed their own).
func Publish(dir string, set *samples.Set) (string, error) {
	repoDir, keys := filepath.Join(dir, RepoDir), filepath.Join(dir, KeysDir)
	opts := &publish.Opts{Expiry: publish.Expiry{Timestamp: 7 * 24 * time.Hour}}
	var r *publish.Repo
	_, err := os.Stat(filepath.Join(repoDir, "1.root.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, err := os.Stat(filepath.Join(dir, daemon.DBFile)); err == nil {
			slog.Warn("simulator: this state directory's store was filled without sync by an older release; " +
				"if sync reports a rollback, delete " + filepath.Join(dir, daemon.DBFile))
		}
		r, err = publish.Init(repoDir, keys, 1, 1, opts)
	case err == nil:
		r, err = publish.Open(repoDir, opts, keys)
	}
	if err != nil {
		return "", err
	}
	sum, err := r.Publish(publish.Inputs{Trust: set.Trust, Policy: policy.DefaultJSON(), Revocations: set.Revocations, Codes: set.Codes,
		StaffRevocations: set.StaffRevocations})
	if err != nil {
		return "", err
	}
	for _, c := range sum.Changed {
		slog.Info("simulator: published sample data", "data", c.Dataset, "version", c.To, "entries", c.Entries)
	}
	return repoDir, nil
}

// Seed replaces the store's sample trust, revocations, codes and staff-card
// revocations with set's, as one transaction, signed at set.At, without a
// repository (for tests that want a filled store and no sync).
func Seed(ctx context.Context, st *store.Store, set *samples.Set) error {
	const source = "simulator"
	return st.Apply(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceTrust(source, set.Trust); err != nil {
			return err
		}
		if _, err := tx.ReplaceRevocations(store.SliceSeq(set.Revocations)); err != nil {
			return err
		}
		if _, err := tx.ReplaceCodes(store.SliceSeq(set.Codes)); err != nil {
			return err
		}
		if _, err := tx.ReplaceStaffRevocations(store.SliceSeq(set.StaffRevocations)); err != nil {
			return err
		}
		v := set.At.Unix()
		for _, name := range []string{store.DataRevocations, store.DataCodes, store.DataTrust, store.DataStaffRevocations} {
			cur, ok, err := st.DataVersion(ctx, name)
			if err != nil {
				return err
			}
			if ok && cur.Version > v {
				v = cur.Version
			}
			if err := tx.SetDataVersion(name, v, source, set.At); err != nil {
				return err
			}
		}
		return nil
	})
}

// ensureKey creates the kiosk's ed25519 key when it is missing (provisioning
// does this on a real kiosk).
func ensureKey(path string) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return err
	}
	b, err := venueqr.MarshalPrivateKey(priv)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o600)
}
