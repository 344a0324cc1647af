package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/store"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
)

// needle is something personal that must not be found.
type needle struct {
	what string // for messages: never the value itself
	b    []byte
	text bool // searched in text outputs (logs, state, page) too
}

// privacyRounds is how often each sample is scanned through each path.
const privacyRounds = 3

// TestPrivacy scans every sample pass many times through the simulated
// kiosk — the serial pty and POST /api/scan, with exposure data that
// makes returning passes match, the holder check set to full names, a
// group round — then searches every file in the state directory (the
// database, its -wal and -shm among them), the log, GET /api/state and
// the page, once the status hold has passed and again after a clean stop,
// for each holder's name and date of birth, each pass identifier (hex,
// and raw in the files), the raw certificate identifiers and the payloads:
// none may be there. Only the replies to the scan requests carry the
// holder, and the test checks that they do (so the data did flow).
func TestPrivacy(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kioskd")
	}
	dir := t.TempDir()
	seedExposure(t, dir)

	const hold = 5 * time.Second
	k := startKiosk(t, dir, "-set", "scan.repeat_window=0s", "-set", "panel.status_hold="+hold.String(), "-set", "panel.holder=name")
	ss := k.samples(t)
	holders := 0
	for round := range privacyRounds {
		for _, s := range ss {
			seq := k.lastSeq(t)
			if got, _ := k.scanSerial(t, s.Payload, seq); got != s.Expect {
				t.Errorf("serial %s: got %s, want %s", s.Name, got, s.Expect)
			}
			v := k.scanWeb(t, s.Payload)
			if v["verdict"] != s.Expect {
				t.Errorf("web %s: got %v, want %s", s.Name, v["verdict"], s.Expect)
			}
			if _, ok := v["holder"]; ok && round == 0 {
				holders++
			}
		}
	}
	if holders == 0 {
		t.Fatal("no scan reply carried a holder: the test would prove nothing")
	}
	// A group of three, by the simulator's staff code.
	k.scanWeb(t, sim.GroupCode)
	for _, s := range ss[:3] {
		k.scanSerial(t, s.Payload, k.lastSeq(t))
	}
	k.scanWeb(t, sim.GroupCode)

	// Staff at the door: an exempt entry of each category, then entry
	// opened by a supervisor, every sample scanned while it is open, and
	// closed again. Counts, times and staff card ids only may be kept.
	staff := k.staffSamples(t)
	guard, super := staffSample(t, staff, "Staff card: guard ("), staffSample(t, staff, "Staff card: supervisor (")
	for _, c := range []string{"UNDER12", "65PLUS", "DISABILITY", "OTHER"} {
		k.scanDoor(t, guard, "exempt_armed")
		k.scanDoor(t, "VKEXEMPT:"+c, "exempt_recorded")
	}
	k.scanDoor(t, super, "open_started")
	for _, s := range ss {
		if got, _ := k.scanSerial(t, s.Payload, k.lastSeq(t)); got != s.Expect {
			t.Errorf("serial %s while open: got %s, want %s", s.Name, got, s.Expect)
		}
	}
	k.scanDoor(t, super, "open_ended")
	if d := k.door(t).Door; d.Exempt.Under12+d.Exempt.Over65+d.Exempt.Disability+d.Exempt.Other != 4 || d.Overrides.Started != 1 {
		t.Errorf("door %+v: want 4 exempt entries and one opening (else the test proves little)", d)
	}

	time.Sleep(hold + 1500*time.Millisecond)
	stateBody := k.get(t, "/api/state")
	var state daemon.State
	if err := json.Unmarshal(stateBody, &state); err != nil {
		t.Fatal(err)
	}
	if state.Visits == nil || state.Visits.Logged < int64(privacyRounds*len(ss)) || state.Visits.Notices == 0 {
		t.Errorf("visit log %+v: want the scans logged and notices shown (else the test proves little)", state.Visits)
	}
	if state.Group == nil || len(state.Group.Members) != 3 || state.Group.Closed != "ended" {
		t.Errorf("group %+v: want the group of three, ended", state.Group)
	}
	if state.Notice != nil {
		t.Errorf("the holder's exposure notice outlived the status hold: %+v", state.Notice)
	}

	needles := privacyNeedles(t, dir, ss)
	texts := map[string][]byte{"GET /api/state": stateBody, "GET /": k.get(t, "/"), "log (running)": []byte(k.logs())}
	searchAll(t, "running", dir, needles, texts)

	if err := k.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	searchAll(t, "stopped", dir, needles, map[string][]byte{"log": []byte(k.logs())})
}

// privacyNeedles returns what must not be found: from the samples (names,
// dates of birth), from verifying each payload against the kiosk's own
// trust (pass IDs and the holder as the verifier sees it), the raw
// certificate identifiers, the payloads, and the visit-log key.
func privacyNeedles(t *testing.T, dir string, ss []sample) []needle {
	t.Helper()
	set, err := samples.Make(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ro, err := store.OpenReadOnly(context.Background(), filepath.Join(dir, daemon.DBFile), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	eng := &verify.Engine{Formats: verify.Formats(), Trust: ro}
	var hs []pass.Holder
	for _, s := range set.Samples {
		hs = append(hs, s.Holder)
	}
	listed := map[pass.ID]bool{} // on the synced revocation and code lists
	for _, id := range set.Revocations {
		listed[id] = true
	}
	for _, c := range set.Codes {
		listed[c.ID] = true
	}
	var ns []needle
	ids := 0
	for _, s := range ss {
		v := eng.Verify(s.Payload, time.Now())
		hs = append(hs, v.Holder)
		if len(s.Payload) > 48 {
			ns = append(ns, needle{what: "payload of " + s.Name, b: []byte(s.Payload[8:48]), text: true})
		}
		if v.PassID.IsZero() {
			continue
		}
		ids++
		h := v.PassID.String()
		ns = append(ns, needle{what: "pass ID (hex) of " + s.Name, b: []byte(h), text: true},
			needle{what: "pass ID (HEX) of " + s.Name, b: []byte(strings.ToUpper(h)), text: true})
		if !listed[v.PassID] {
			// Passes on the synced lists are in the store by design.
			ns = append(ns, needle{what: "pass ID (raw) of " + s.Name, b: append([]byte(nil), v.PassID[:]...)})
		}
	}
	if ids < 5 {
		t.Fatalf("only %d samples authenticated against the kiosk's trust: the ID search would prove little", ids)
	}
	for _, h := range hs {
		if h.Name != "" {
			ns = append(ns, needle{what: "a holder's name", b: []byte(h.Name), text: true})
		}
		for _, w := range strings.FieldsFunc(h.Name, func(r rune) bool { return r == ' ' || r == ',' }) {
			// Single words: long enough not to occur by chance, and not
			// the masked parts of a Hong Kong name ("K**").
			if len(w) >= 5 && !strings.Contains(w, "*") {
				ns = append(ns, needle{what: "a holder's name (one word)", b: []byte(w), text: true})
			}
		}
		if h.DOB != "" {
			ns = append(ns, needle{what: "a date of birth", b: []byte(h.DOB), text: true})
			if len(h.DOB) == 10 {
				ns = append(ns, needle{what: "a date of birth (digits)", b: []byte(strings.ReplaceAll(h.DOB, "-", "")), text: true})
			}
		}
	}
	// Staff payloads are never kept either: the store has category names
	// and card ids, not the scanned text.
	for _, raw := range []string{"URN:UVCI", "SAMPLE000", "VK-SAMPLE-HK", "Z123****", "Y456****", "X789****", "VKSTAFF1:", "VKEXEMPT:"} {
		ns = append(ns, needle{what: "a raw certificate identifier", b: []byte(raw), text: true})
	}
	key, err := os.ReadFile(filepath.Join(dir, visits.KeyFile))
	if err != nil || len(key) != visits.KeySize {
		t.Fatalf("visit key: %d bytes, %v", len(key), err)
	}
	ns = append(ns, needle{what: "the visit key (hex)", b: []byte(hex.EncodeToString(key)), text: true},
		needle{what: "the visit key (raw)", b: key})
	return ns
}

// searchAll searches every regular file of dir (but the visit key itself)
// for every needle, and the texts for the text needles.
func searchAll(t *testing.T, when, dir string, ns []needle, texts map[string][]byte) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || d.Name() == visits.KeyFile {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files++
		rel, _ := filepath.Rel(dir, p)
		// The simulator's signed repository (the health authority's
		// public data: hex hashes, base64 signatures) is searched too,
		// but not for needles as short as a bare birth year ("1978"),
		// which its digits contain by chance.
		public := strings.HasPrefix(rel, "sim-repo"+string(filepath.Separator)) || strings.HasPrefix(rel, "sim-keys"+string(filepath.Separator)) || strings.HasPrefix(rel, "tuf"+string(filepath.Separator))
		for _, n := range ns {
			if public && len(n.b) < 6 {
				continue
			}
			if bytes.Contains(b, n.b) {
				t.Errorf("%s: %s found in %s", when, n.what, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, daemon.DBFile)); err != nil || files == 0 {
		t.Fatalf("%s: no database to search (%v)", when, err)
	}
	for name, b := range texts {
		for _, n := range ns {
			if n.text && bytes.Contains(b, n.b) {
				t.Errorf("%s: %s found in %s", when, n.what, name)
			}
		}
	}
}

// lastSeq returns the newest verdict's sequence number (0: none).
func (k *kiosk) lastSeq(t testing.TB) uint64 {
	t.Helper()
	if r := k.state(t).Recent; len(r) > 0 {
		return r[0].Seq
	}
	return 0
}

// get returns the body of GET path.
func (k *kiosk) get(t testing.TB, path string) []byte {
	t.Helper()
	res, err := http.Get(k.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("GET %s: %d, %v", path, res.StatusCode, err)
	}
	return b
}

// seedExposure writes exposure data for the simulator's venue covering
// now into a new store in dir, before kioskd starts: a pass scanned twice
// gets the notice.
func seedExposure(t testing.TB, dir string) {
	t.Helper()
	now := time.Now()
	st, err := store.Open(context.Background(), filepath.Join(dir, daemon.DBFile), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Apply(context.Background(), func(tx *store.Tx) error {
		return tx.ReplaceExposures([]store.Exposure{{Venue: sim.VenueID, Start: now.Add(-time.Hour), End: now.Add(time.Hour), NoticeUntil: now.Add(14 * 24 * time.Hour)}})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
}
