package provision

import (
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/venuekiosk/venuekiosk/firmware/config"
	"github.com/venuekiosk/venuekiosk/firmware/hken"
)

func poster(t *testing.T, v *hken.Venue) string {
	t.Helper()
	p, err := hken.Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVenueFromPoster(t *testing.T) {
	p := poster(t, &hken.Venue{Code: "0", ID: "TPHM2020", NameEn: "Tai Po Hui Market", NameZh: "大埔墟街市", Type: "IMPORT"})
	v, err := VenueFromPoster(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Venue{ID: "TPHM2020", NameEN: "Tai Po Hui Market", NameZH: "大埔墟街市", HKEN: p}); v != want {
		t.Errorf("got %+v, want %+v", v, want)
	}
	wrong := strings.Replace(p, "TPHM2020", "TPHM2021", 1) // the hash is of the other id
	for _, bad := range []string{wrong, "HKEN:0TPHM2020!!!", "VK1:abc", ""} {
		if _, err := VenueFromPoster(bad); !errors.Is(err, ErrPoster) {
			t.Errorf("%.30q: got %v, want ErrPoster", bad, err)
		}
	}
}

// TestSetVenueKeepsTheRest: the poster changes the venue, nothing else of
// an earlier provisioning.
func TestSetVenueKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	root := []byte(`{"signed":{"_type":"root"},"signatures":[]}`)
	first := &Settings{
		Venue:   Venue{ID: "CM-01", NameEN: "Central Market", NameZH: "中環街市", Category: "market"},
		Panel:   &Panel{Model: "waveshare_2in9_v2", DC: "GPIO25", Busy: "GPIO24"},
		Scanner: &Scanner{Device: "/dev/ttyACM0", Baud: 115200},
		Sync:    &Sync{Source: "https://updates.example.org/kiosk", Root: root},
		Profile: "hk",
	}
	res, err := Apply(dir, first, Opts{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Current(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Venue != first.Venue || *got.Panel != *first.Panel || *got.Scanner != *first.Scanner || got.Sync.Source != first.Sync.Source || got.Profile != "hk" {
		t.Fatalf("Current: got %+v, want %+v", got, first)
	}
	p := poster(t, &hken.Venue{Code: "0", ID: "TPHM2020", NameEn: "Tai Po Hui Market", NameZh: "大埔墟街市", Type: "IMPORT"})
	v, err := VenueFromPoster(p)
	if err != nil {
		t.Fatal(err)
	}
	res2, err := SetVenue(dir, v)
	if err != nil {
		t.Fatal(err)
	}
	if !res2.Changed || res2.KeyCreated || res2.Fingerprint != res.Fingerprint {
		t.Errorf("SetVenue: %+v (the kiosk key must stay)", res2)
	}
	after, err := Current(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := *first
	want.Venue = Venue{ID: "TPHM2020", NameEN: "Tai Po Hui Market", NameZH: "大埔墟街市", Category: "market", HKEN: p}
	if after.Venue != want.Venue || !reflect.DeepEqual(after.Panel, want.Panel) || !reflect.DeepEqual(after.Scanner, want.Scanner) || after.Sync.Source != want.Sync.Source || after.Profile != want.Profile {
		t.Errorf("after SetVenue: got %+v, want %+v", after, want)
	}
	// The daemon's configuration reads it.
	c := config.Default()
	c.Kiosk.StateDir = dir
	if _, err := c.ApplyProvision(); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Venue.ID != "TPHM2020" || c.Venue.NameZH != "大埔墟街市" || c.Venue.HKEN != p || c.Panel.Model != "waveshare_2in9_v2" || c.Sync.Root != filepath.Join(dir, RootFile) {
		t.Errorf("config: %+v %+v %+v", c.Venue, c.Panel, c.Sync)
	}
}

func TestSetVenueUnprovisioned(t *testing.T) {
	dir := t.TempDir()
	if s, err := Current(dir); s != nil || err != nil {
		t.Fatalf("Current of nothing: %+v, %v", s, err)
	}
	res, err := SetVenue(dir, Venue{ID: "TPHM2020", NameEN: "Tai Po Hui Market"})
	if err != nil || !res.KeyCreated {
		t.Fatalf("got %+v, %v; want a new kiosk key", res, err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyFile)); err != nil {
		t.Error(err)
	}
}

func TestCurrentRefuses(t *testing.T) {
	for _, tc := range []struct{ name, text string }{
		{"not TOML", "[venue\n"},
		{"unknown key", "[venue]\nidd = \"x\"\n"},
		{"a root elsewhere", "[sync]\nroot = \"/etc/passwd\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, config.ProvisionFile), []byte(tc.text), 0o644)
			if _, err := Current(dir); err == nil {
				t.Errorf("%s: want an error", tc.name)
			}
			if _, err := SetVenue(dir, Venue{ID: "X1234567", NameEN: "X"}); err == nil {
				t.Errorf("%s: SetVenue over it: want an error", tc.name)
			}
		})
	}
}

// TestSetupVenuesAllowList: a signed provisioning file's allow-list of
// venue ids reaches the daemon's configuration (staff.setup_venues) and
// survives a venue set from a poster.
func TestSetupVenuesAllowList(t *testing.T) {
	dir := t.TempDir()
	op := ed25519.NewKeyFromSeed([]byte("venuekiosk provision allow list!"))
	s := bound(&Settings{Venue: Venue{ID: "CM-01", NameEN: "Central Market"}, SetupVenues: []string{"TPHM2020", "WHBvLDSa"}}, 1)
	signed, err := Sign(s, op)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Open(signed, op.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Apply(dir, got, Opts{}); err != nil {
		t.Fatal(err)
	}
	p := poster(t, &hken.Venue{Code: "0", ID: "TPHM2020", NameEn: "Tai Po Hui Market", NameZh: "大埔墟街市", Type: "IMPORT"})
	v, _ := VenueFromPoster(p)
	if _, err := SetVenue(dir, v); err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	c.Kiosk.StateDir = dir
	if _, err := c.ApplyProvision(); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.Staff.SetupVenues, []string{"TPHM2020", "WHBvLDSa"}) || c.Venue.ID != "TPHM2020" {
		t.Errorf("config: setup_venues %v, venue %s", c.Staff.SetupVenues, c.Venue.ID)
	}
	s.SetupVenues = []string{"not a venue"}
	if _, err := Sign(s, op); err == nil {
		t.Error("Sign with a bad venue id in setup_venues: want an error")
	}
}
