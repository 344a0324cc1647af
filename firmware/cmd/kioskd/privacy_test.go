package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/daemon"
	"github.com/venuekiosk/venuekiosk/firmware/internal/scan"
	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/samples"
	"github.com/venuekiosk/venuekiosk/firmware/sim"
	"github.com/venuekiosk/venuekiosk/firmware/verify"
	"github.com/venuekiosk/venuekiosk/firmware/visits"
	"github.com/venuekiosk/venuekiosk/internal/store"
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
// holder, and the test checks that they do (so the data did flow). Then
// the same kiosk is restarted as an exit kiosk (privacyOfExits).
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
	time.Sleep(scan.DoorRepeat) // the code again, not the scanner reading it twice: it ends the group
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

	privacyOfExits(t, dir, ss, needles, hold)
}

// privacyOfExits is TestPrivacy's second part: the same kiosk
// restarted at a way out (scan.mode = "exit") and every sample scanned
// leaving, through the pty and the page. An exit record holds no more
// than an entry record: no row is added, only the check-out minute of a
// visit that was there; the replies carry no holder; nothing personal is
// anywhere. Then retention, 32 days on, erases visits with and without a
// check-out, to the last byte of their keyed hashes.
func privacyOfExits(t *testing.T, dir string, ss []sample, needles []needle, hold time.Duration) {
	entry := visitRows(t, dir)
	checkIns := 0
	for _, r := range entry {
		if r.out != nil {
			t.Fatalf("a visit has a check-out before any exit scan: %+v", r)
		}
		checkIns++
	}
	k := startKiosk(t, dir, "-set", "scan.repeat_window=0s", "-set", "panel.status_hold="+hold.String(), "-set", "panel.holder=name", "-set", "scan.mode=exit")
	// The simulator signs its samples with new issuer keys at each start;
	// the passes (and so their IDs and keyed hashes) are the same.
	ss = k.samples(t)
	for _, s := range ss {
		k.scanSerial(t, s.Payload, k.lastSeq(t))
		v := k.scanWeb(t, s.Payload)
		if v["exit"] != true {
			t.Errorf("exit kiosk, web %s: %v; want exit", s.Name, v)
		}
		if _, ok := v["holder"]; ok {
			t.Errorf("exit kiosk, web %s: the reply carries the holder", s.Name)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	var st daemon.State
	for {
		if err := json.Unmarshal(k.get(t, "/api/state"), &st); err != nil {
			t.Fatal(err)
		}
		if st.Visits != nil && st.Visits.Exits+st.Visits.ExitsIgnored >= uint64(2*len(ss)) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if st.Visits == nil || st.Visits.Exits == 0 || st.Visits.CheckedOut == 0 {
		t.Fatalf("visit log %+v: want check-outs recorded (else the test proves little)", st.Visits)
	}
	time.Sleep(hold + 1500*time.Millisecond)
	searchAll(t, "exit kiosk running", dir, needles, map[string][]byte{"GET /api/state": k.get(t, "/api/state"), "GET /": k.get(t, "/"), "log (running)": []byte(k.logs())})
	if err := k.stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	searchAll(t, "exit kiosk stopped", dir, needles, map[string][]byte{"log": []byte(k.logs())})

	exit := visitRows(t, dir)
	if len(exit) != len(entry) {
		t.Errorf("the visit log has %d rows after the exit scans, %d before: an exit added a row", len(exit), len(entry))
	}
	closed := 0
	for i := range min(len(exit), len(entry)) {
		a, b := entry[i], exit[i]
		if a.id != b.id || !bytes.Equal(a.hash, b.hash) || a.at != b.at {
			t.Errorf("row %d: %+v became %+v: an exit changed more than the check-out", i, a, b)
		}
		if b.out != nil {
			closed++
			if *b.out%60 != 0 || *b.out <= b.at {
				t.Errorf("row %d: check-out %d: want a minute after the check-in %d", i, *b.out, b.at)
			}
		}
	}
	if closed == 0 || int64(closed) != st.Visits.CheckedOut {
		t.Errorf("%d visits closed by exit scans; the kiosk said %d", closed, st.Visits.CheckedOut)
	}

	// Retention, 32 days on, on the kiosk's own database and key: the
	// keyed hashes are there before (the search can find them) and
	// nowhere after, for visits closed by an exit scan or not.
	key, err := visits.LoadKey(filepath.Join(dir, visits.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	var hashes [][]byte
	for _, id := range samplePassIDs(t, dir, ss) {
		h := key.Hash(id)
		hashes = append(hashes, h[:])
	}
	dbFiles := func() []byte {
		var all []byte
		for _, suffix := range []string{"", "-wal", "-shm"} {
			b, err := os.ReadFile(filepath.Join(dir, daemon.DBFile+suffix))
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	found := func(b []byte) (n int) {
		for _, h := range hashes {
			if bytes.Contains(b, h) {
				n++
			}
		}
		return n
	}
	if n := found(dbFiles()); n == 0 {
		t.Fatal("no keyed hash of a sample found in the database before retention: the search proves nothing")
	}
	stor, err := store.Open(context.Background(), filepath.Join(dir, daemon.DBFile), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	later := fixedTime(time.Now().Add(32 * 24 * time.Hour))
	vl, err := visits.New(visits.Opts{Store: stor, Key: key, Time: later, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	e, err := vl.Expire(context.Background())
	if err != nil || e.Deleted != int64(len(exit)) {
		t.Errorf("retention: %+v, %v; want all %d visits erased", e, err, len(exit))
	}
	if err := stor.Close(); err != nil {
		t.Fatal(err)
	}
	if rows := visitRows(t, dir); len(rows) != 0 {
		t.Errorf("%d visits left after retention", len(rows))
	}
	if n := found(dbFiles()); n != 0 {
		t.Errorf("%d keyed hashes still readable in the database files after retention", n)
	}
}

// fixedTime is a trusted clock stopped at one time.
type fixedTime time.Time

func (f fixedTime) Judge() (time.Time, bool) { return time.Time(f), true }

// visitRow is one row of the visit log, read raw.
type visitRow struct {
	id, at int64
	hash   []byte
	out    *int64
}

// visitRows reads the visit log of the store in dir, every column there
// is, by id; the table must have exactly the columns it reads.
func visitRows(t *testing.T, dir string) []visitRow {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(dir, daemon.DBFile)+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cols []string
	rows, err := db.Query("SELECT name FROM pragma_table_info('visits') ORDER BY cid")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c string
		rows.Scan(&c)
		cols = append(cols, c)
	}
	rows.Close()
	if want := []string{"id", "hash", "at", "checkout"}; !slices.Equal(cols, want) {
		t.Fatalf("the visit log's columns are %q, want %q: something more is kept", cols, want)
	}
	rows, err = db.Query("SELECT id, hash, at, checkout FROM visits ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []visitRow
	for rows.Next() {
		var r visitRow
		if err := rows.Scan(&r.id, &r.hash, &r.at, &r.out); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// samplePassIDs returns the pass IDs of the samples that authenticate
// against the kiosk's trust in dir.
func samplePassIDs(t *testing.T, dir string, ss []sample) []pass.ID {
	t.Helper()
	ro, err := store.OpenReadOnly(context.Background(), filepath.Join(dir, daemon.DBFile), &store.Opts{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	eng := &verify.Engine{Formats: verify.Formats(), Trust: ro}
	var ids []pass.ID
	for _, s := range ss {
		if v := eng.Verify(s.Payload, time.Now()); !v.PassID.IsZero() {
			ids = append(ids, v.PassID)
		}
	}
	return ids
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
