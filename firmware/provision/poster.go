package provision

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
)

// Setting the venue from its LeaveHomeSafe poster: a technician
// scans the venue's existing poster with the kiosk's own scanner, after
// their staff card, and the venue's id and names are taken from it, never
// retyped. The poster is unsigned: the technician vouches for it by
// scanning it in place with a valid technician card; only its hash is
// checked (a damaged or made-up code with a wrong hash is refused).

// ErrPoster says a payload is not a usable LeaveHomeSafe poster.
var ErrPoster = errors.New("provision: not a LeaveHomeSafe venue poster with a matching hash")

// VenueFromPoster returns the venue identity a poster's code carries: its
// 8-character venue id, its English and Chinese names and the code itself.
func VenueFromPoster(code string) (Venue, error) {
	v, err := hken.Decode(code)
	if err != nil {
		return Venue{}, fmt.Errorf("%w: %v", ErrPoster, err)
	}
	if !v.HashOK {
		return Venue{}, fmt.Errorf("%w: the hash does not match venue %s", ErrPoster, v.ID)
	}
	return venueOf(v, code), nil
}

func venueOf(v *hken.Venue, code string) Venue {
	return Venue{ID: v.ID, NameEN: v.NameEn, NameZH: v.NameZh, HKEN: code}
}

// fileTOML is provision.toml as Settings.TOML writes it.
type fileTOML struct {
	Kiosk struct {
		Profile string `toml:"profile"`
	} `toml:"kiosk"`
	Venue   Venue `toml:"venue"`
	Panel   Panel `toml:"panel"`
	Scanner struct {
		Device string `toml:"device"`
		Baud   int    `toml:"baud"`
	} `toml:"scanner"`
	Sync struct {
		Source string `toml:"source"`
		Root   string `toml:"root"`
	} `toml:"sync"`
	Staff struct {
		SetupVenues []string `toml:"setup_venues"`
	} `toml:"staff"`
}

// Current reads the provisioning in stateDir back (nil, nil when the kiosk
// was never provisioned).
func Current(stateDir string) (*Settings, error) {
	path := filepath.Join(stateDir, config.ProvisionFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(b) > config.MaxFile {
		return nil, fmt.Errorf("provision: %s: larger than %d bytes", path, config.MaxFile)
	}
	var f fileTOML
	md, err := toml.Decode(string(b), &f)
	if err != nil {
		return nil, fmt.Errorf("provision: %s: %v", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("provision: %s: unknown key %s", path, und[0])
	}
	s := &Settings{Venue: f.Venue, Profile: f.Kiosk.Profile, SetupVenues: f.Staff.SetupVenues}
	if f.Panel != (Panel{}) {
		p := f.Panel
		s.Panel = &p
	}
	if f.Scanner.Device != "" || f.Scanner.Baud != 0 {
		s.Scanner = &Scanner{Device: f.Scanner.Device, Baud: f.Scanner.Baud}
	}
	if f.Sync.Source != "" || f.Sync.Root != "" {
		s.Sync = &Sync{Source: f.Sync.Source}
		if f.Sync.Root != "" {
			if f.Sync.Root != filepath.Join(stateDir, RootFile) {
				return nil, fmt.Errorf("provision: %s: sync.root %q is not this kiosk's %s", path, f.Sync.Root, RootFile)
			}
			root, err := os.ReadFile(f.Sync.Root)
			if err != nil {
				return nil, fmt.Errorf("provision: %w", err)
			}
			if len(root) > MaxRoot {
				return nil, fmt.Errorf("provision: %s is larger than %d bytes", f.Sync.Root, MaxRoot)
			}
			s.Sync.Root = root
		}
	}
	return s, nil
}

// SetVenue replaces the venue identity in stateDir's provisioning and
// keeps everything else (board, scanner, sync, profile, the category when
// v has none), as Apply writes it: whole files, the kiosk key made if it
// is missing, never replaced.
func SetVenue(stateDir string, v Venue) (*Result, error) {
	s, err := Current(stateDir)
	if err != nil {
		return nil, err
	}
	if s == nil {
		s = &Settings{}
	}
	if v.Category == "" {
		v.Category = s.Venue.Category
	}
	s.Venue = v
	return Apply(stateDir, s, Opts{})
}
