package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
	"github.com/venuekiosk/venuekiosk/firmware/policy"
	"github.com/venuekiosk/venuekiosk/internal/store"
	"github.com/venuekiosk/venuekiosk/sync/publish"
)

// BenchmarkFleetSync is the fleet load benchmark (make bench-fleet; it is
// skipped unless VENUEKIOSK_BENCH_FLEET=1): N simulated kiosks — each the
// real sync client with its own real store (internal/store, SQLite, on
// tmpfs), its own HTTP connections and a simulated clock — poll a
// vkpublish repository served by Debian's nginx on loopback with the
// example site (sync/publish/nginx/venuekiosk.conf), while the publisher
// issues a day: a timestamp every hour, a revocation delta every 15
// minutes, a code list change and an exposure notice. Then nginx stops
// for 3 hours (an outage) and comes back, then every kiosk loses power at
// once and starts again. It writes a table (FLEET_OUT, default
// build/bench-fleet.txt) of requests and bytes per kiosk-day by file kind,
// 304s, nginx CPU per 1,000 requests, the extrapolation to 140,000
// kiosks, and the herds after the outage and the power cut.
//
// Parameters (environment): FLEET_KIOSKS (1000), FLEET_REVOCATIONS a day
// (10000), FLEET_BASE revocations already listed (20000), FLEET_HOUR: the
// real time of a simulated hour during the day (24 ms a kiosk, at least
// 2 s: slower than the machine can serve the fleet, or the simulation
// lags; the table reports how far).
func BenchmarkFleetSync(b *testing.B) {
	if os.Getenv(benchFleet) != "1" {
		b.Skip("the fleet benchmark runs with make bench-fleet (" + benchFleet + "=1)")
	}
	p := fleetParams{
		Kiosks:      envInt(b, "FLEET_KIOSKS", 1000),
		PerDay:      envInt(b, "FLEET_REVOCATIONS", 10000),
		Base:        envInt(b, "FLEET_BASE", 20000),
		Interval:    time.Hour,
		First:       time.Minute, // as kioskd: min(sync.interval, 1 min)
		Out:         os.Getenv("FLEET_OUT"),
		FleetTarget: 140_000,
	}
	p.HourReal = max(time.Duration(p.Kiosks)*24*time.Millisecond, 2*time.Second)
	if v := os.Getenv("FLEET_HOUR"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatalf("FLEET_HOUR: %v", err)
		}
		p.HourReal = d
	}
	if p.Out == "" {
		p.Out = filepath.Join("..", "..", "build", "bench-fleet.txt")
	}
	for range b.N {
		f := runFleet(b, p)
		report := f.report()
		b.Log("\n" + report)
		if err := os.MkdirAll(filepath.Dir(p.Out), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p.Out, []byte(report), 0o644); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(f.day.bytes())/float64(p.Kiosks), "B/kiosk-day")
		b.ReportMetric(float64(f.day.requests())/float64(p.Kiosks), "req/kiosk-day")
		b.ReportMetric(f.day.share304()*100, "%304")
		b.ReportMetric(f.day.cpuPerK(), "nginx-ms/1000req")
		break // one simulated day is the measurement, whatever b.N
	}
}

const benchFleet = "VENUEKIOSK_BENCH_FLEET"

func envInt(b *testing.B, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, v)
	}
	return n
}

type fleetParams struct {
	Kiosks      int
	PerDay      int // revocations added a day
	Base        int // revocations listed before the day
	Interval    time.Duration
	First       time.Duration
	HourReal    time.Duration
	Out         string
	FleetTarget int
}

// The simulated day starts at fleetT0; kiosks start an hour before, spread
// over the hour (a fleet in its steady state).
var fleetT0 = time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)

const (
	outageAt  = 24 * time.Hour
	outageFor = 3 * time.Hour
	recovery  = time.Hour        // watched after the outage
	cutAt     = 28 * time.Hour   // the power cut
	cutWatch  = 10 * time.Minute // watched after it
)

// fleetKiosk is one simulated kiosk.
type fleetKiosk struct {
	dir    string
	st     *store.Store
	cl     *Client
	tr     *http.Transport
	cancel context.CancelFunc
	done   chan struct{}

	mu        sync.Mutex
	syncs     int // successful, in the day
	failures  int // in the day
	backAt    time.Time
	watchFrom time.Time // first success at or after it goes in backAt
}

type recorder struct {
	mu   sync.Mutex
	reqs []time.Time
}

func (r *recorder) add(at time.Time) {
	r.mu.Lock()
	r.reqs = append(r.reqs, at)
	r.mu.Unlock()
}

// countingRT records the simulated time of every request.
type countingRT struct {
	rt  http.RoundTripper
	clk *simClock
	rec *recorder
}

func (c *countingRT) RoundTrip(req *http.Request) (*http.Response, error) {
	c.rec.add(c.clk.Now())
	return c.rt.RoundTrip(req)
}

// phaseStats are nginx's view of one phase: its access log lines between
// two real times, and its worker's CPU.
type phaseStats struct {
	name          string
	from, to      time.Time // real
	simFrom       time.Time
	simFor        time.Duration
	byKind        map[string]*kindStats
	cpuTicks      int64 // nginx worker utime+stime, 1/100 s
	herd          []int // requests a simulated second (kiosks' side)
	back          []time.Duration
	syncs, errors int
}

type kindStats struct {
	requests, bytes int64
	status          map[int]int64
}

func (p *phaseStats) requests() (n int64) {
	for _, k := range p.byKind {
		n += k.requests
	}
	return n
}

func (p *phaseStats) bytes() (n int64) {
	for _, k := range p.byKind {
		n += k.bytes
	}
	return n
}

func (p *phaseStats) status(code int) (n int64) {
	for _, k := range p.byKind {
		n += k.status[code]
	}
	return n
}

func (p *phaseStats) share304() float64 {
	if r := p.requests(); r > 0 {
		return float64(p.status(304)) / float64(r)
	}
	return 0
}

// cpuPerK is nginx's CPU in milliseconds per 1,000 requests.
func (p *phaseStats) cpuPerK() float64 {
	if r := p.requests(); r > 0 {
		return float64(p.cpuTicks*10) / float64(r) * 1000
	}
	return 0
}

type fleet struct {
	p        fleetParams
	clk      *simClock
	ngx      *nginxServer
	logPath  string
	rec      *recorder
	kiosks   []*fleetKiosk
	day      *phaseStats
	outage   *phaseStats
	after    *phaseStats
	cut      *phaseStats
	dbBytes  int64
	setup    time.Duration
	real     time.Duration
	syncSim  []time.Duration // simulated duration of the day's syncs
	syncReal []time.Duration // and real
	pubLag   time.Duration   // the publisher's longest delay (simulated)
	pubs     int
	pubErr   error
	perDelta int

	rateDay, rateAfter, rateCut float64
}

// fileKind names what a repository path is.
func fileKind(uri string) string {
	base := uri[strings.LastIndex(uri, "/")+1:]
	switch {
	case base == "timestamp.json":
		return "timestamp.json"
	case strings.HasSuffix(base, ".root.json") || base == "root.json":
		return "N.root.json"
	case strings.HasSuffix(base, ".snapshot.json"):
		return "N.snapshot.json"
	case strings.HasSuffix(base, ".targets.json"):
		return "N.targets.json"
	case strings.Contains(base, ".delta-"):
		return "revocation deltas"
	case strings.HasSuffix(base, ".full.bin"):
		return "revocation full list"
	case strings.HasSuffix(base, ".codes.bin"):
		return "codes.bin"
	case strings.HasSuffix(base, ".exposures.json"):
		return "exposures.json"
	}
	return "other"
}

var kindOrder = []string{"timestamp.json", "N.root.json", "N.snapshot.json", "N.targets.json", "revocation deltas",
	"revocation full list", "codes.bin", "exposures.json", "other"}

func runFleet(b *testing.B, p fleetParams) *fleet {
	started := time.Now()
	f := &fleet{p: p, rec: &recorder{}}
	// Simulated seconds a real second: the day at HourReal; the herds
	// slower, so that a second of them is resolved.
	f.rateDay = float64(time.Hour) / float64(p.HourReal)
	f.rateAfter = min(60, 60*1000/float64(p.Kiosks))
	f.rateCut = min(5, 5*1000/float64(p.Kiosks))
	base := "/dev/shm"
	if fi, err := os.Stat(base); err != nil || !fi.IsDir() {
		base = ""
	}
	work, err := os.MkdirTemp(base, "vk-fleet-")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(work) })

	// The simulated clock stands still while things are set up.
	f.clk = newSimClock(fleetT0.Add(-2*time.Hour), 0)
	defer f.clk.Close()

	// The authority's repository: the base list, codes, exposures.
	repoDir := filepath.Join(work, "www", "repo")
	pub, err := publish.Init(repoDir, filepath.Join(work, "keys"), 1, 1, &publish.Opts{Now: f.clk.Now})
	if err != nil {
		b.Fatal(err)
	}
	rootRaw, err := os.ReadFile(filepath.Join(repoDir, "1.root.json"))
	if err != nil {
		b.Fatal(err)
	}
	revs := benchIDs(1, p.Base)
	codes := make([]store.CodeEntry, 0, 220)
	for i, id := range benchIDs(2, 200) {
		c := pass.AmberCode
		if i%3 == 0 {
			c = pass.RedCode
		}
		codes = append(codes, store.CodeEntry{ID: id, Code: c, ValidFrom: fleetT0.AddDate(0, 0, -7)})
	}
	exposures := []store.Exposure{}
	for i := range 5 {
		exposures = append(exposures, fleetExposure(i, fleetT0.AddDate(0, 0, -3)))
	}
	in := publish.Inputs{Trust: []*pass.Key{}, Policy: policy.DefaultJSON(), Revocations: revs, Codes: codes, Exposures: exposures, StaffRevocations: []string{"CM-LOST-1"}}
	if _, err := pub.Publish(in); err != nil {
		b.Fatal(err)
	}

	f.logPath = filepath.Join(work, "fleet.log")
	f.ngx = newNginx(b, filepath.Dir(repoDir), fmt.Sprintf("log_format fleet '$msec $status $bytes_sent $uri';\n\taccess_log %s fleet buffer=256k flush=1s;", f.logPath))
	url := f.ngx.url + "/repo"

	// One kiosk syncs the base data; the others start from a copy of its
	// state (what a fleet in service holds).
	seed := filepath.Join(work, "seed")
	if err := os.MkdirAll(seed, 0o700); err != nil {
		b.Fatal(err)
	}
	{
		st, err := store.Open(context.Background(), filepath.Join(seed, "kiosk.db"), &store.Opts{Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		cl, err := New(Opts{Source: url, Root: rootRaw, Dir: filepath.Join(seed, "tuf"), Store: st, Now: f.clk.Now, Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := cl.Sync(context.Background()); err != nil {
			b.Fatalf("seed sync: %v", err)
		}
		st.Close()
	}
	f.kiosks = make([]*fleetKiosk, p.Kiosks)
	for i := range f.kiosks {
		k := &fleetKiosk{dir: filepath.Join(work, "k", strconv.Itoa(i))}
		copyTree(b, seed, k.dir)
		f.openKiosk(b, k, url, rootRaw)
		f.kiosks[i] = k
	}
	f.setup = time.Since(started)

	// The publisher's day.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pubDone := make(chan struct{})
	f.perDelta = p.PerDay / 96
	go func() {
		defer close(pubDone)
		f.pubErr = f.publishDay(ctx, pub, in)
	}()

	// Kiosks start spread over the hour before the day (a fleet in its
	// steady state).
	run := func(k *fleetKiosk, first time.Duration) {
		kctx, kcancel := context.WithCancel(ctx)
		k.cancel, k.done = kcancel, make(chan struct{})
		go func() {
			defer close(k.done)
			var began time.Time
			var beganReal time.Time
			k.cl.Run(kctx, Schedule{Interval: p.Interval, First: first, Sleep: func(ctx context.Context, d time.Duration) error {
				err := f.clk.Sleep(ctx, d)
				began, beganReal = f.clk.Now(), time.Now()
				return err
			}}, func(r *Result, err error) {
				took := time.Since(beganReal)
				now := f.clk.Now()
				k.tr.CloseIdleConnections() // the next poll opens a new connection, as after a kiosk's idle timeout
				k.mu.Lock()
				defer k.mu.Unlock()
				inDay := !now.Before(fleetT0) && now.Before(fleetT0.Add(outageAt))
				if inDay {
					if err != nil {
						k.failures++
					} else {
						k.syncs++
					}
				}
				if err == nil && !k.watchFrom.IsZero() && k.backAt.IsZero() && !now.Before(k.watchFrom) {
					k.backAt = now
				}
				if inDay && err == nil {
					f.rec.mu.Lock()
					f.syncSim = append(f.syncSim, now.Sub(began))
					f.syncReal = append(f.syncReal, took)
					f.rec.mu.Unlock()
				}
			})
		}()
	}
	realStart := time.Now()
	f.clk.SetRate(f.rateDay)
	if err := f.clk.Until(ctx, fleetT0.Add(-time.Hour)); err != nil {
		b.Fatal(err)
	}
	for _, k := range f.kiosks {
		run(k, p.Interval)
	}

	// The day.
	f.clk.Until(ctx, fleetT0)
	f.day = f.mark("a day (24 h)", fleetT0, 24*time.Hour)
	f.clk.Until(ctx, fleetT0.Add(outageAt))
	f.endPhase(f.day)

	// The outage: nginx stops for three hours.
	f.outage = f.mark("outage (3 h, nginx down)", fleetT0.Add(outageAt), outageFor)
	f.endPhase(f.outage) // its CPU so far; the stopped server has none
	f.ngx.stop()
	for _, k := range f.kiosks {
		k.mu.Lock()
		k.watchFrom = fleetT0.Add(outageAt + outageFor)
		k.mu.Unlock()
	}
	f.clk.Until(ctx, fleetT0.Add(outageAt+outageFor-5*time.Minute))
	f.clk.SetRate(f.rateAfter)
	f.clk.Until(ctx, fleetT0.Add(outageAt+outageFor))
	if err := f.ngx.start(); err != nil {
		b.Fatal(err)
	}
	f.outage.to = time.Now()
	f.after = f.mark("after the outage (first hour)", fleetT0.Add(outageAt+outageFor), recovery)
	f.clk.Until(ctx, fleetT0.Add(cutAt))
	f.endPhase(f.after)

	// The power cut: every kiosk stops at once (state as it is on its
	// disk) and starts again together.
	f.clk.SetRate(0)
	for _, k := range f.kiosks {
		k.cancel()
	}
	for _, k := range f.kiosks {
		<-k.done
		k.st.Close()
	}
	for _, k := range f.kiosks {
		f.openKiosk(b, k, url, rootRaw)
		k.backAt, k.watchFrom = time.Time{}, fleetT0.Add(cutAt)
	}
	f.clk.SetRate(f.rateCut)
	f.cut = f.mark("after a power cut (first 10 min)", fleetT0.Add(cutAt), cutWatch)
	for _, k := range f.kiosks {
		run(k, p.First)
	}
	f.clk.Until(ctx, fleetT0.Add(cutAt+cutWatch))
	f.endPhase(f.cut)
	cancel()
	for _, k := range f.kiosks {
		<-k.done
	}
	<-pubDone
	if f.pubErr != nil && !errors.Is(f.pubErr, context.Canceled) {
		b.Fatalf("publisher: %v", f.pubErr)
	}
	f.real = time.Since(realStart)
	f.ngx.stop() // flushes the access log
	fi, err := os.Stat(filepath.Join(f.kiosks[0].dir, "kiosk.db"))
	if err == nil {
		f.dbBytes = fi.Size()
	}
	for _, k := range f.kiosks {
		k.st.Close()
	}
	f.readLog(b)
	f.herds()
	return f
}

func fleetExposure(i int, at time.Time) store.Exposure {
	return store.Exposure{Venue: fmt.Sprintf("V%05d", i), Start: at, End: at.Add(2 * time.Hour),
		NoticeEN: "A person with COVID-19 visited this venue.", NoticeZH: "確診者曾到訪此處。", NoticeUntil: at.AddDate(0, 0, 14)}
}

func (f *fleet) openKiosk(b *testing.B, k *fleetKiosk, url string, root []byte) {
	st, err := store.Open(context.Background(), filepath.Join(k.dir, "kiosk.db"), &store.Opts{Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	k.st = st
	k.tr = &http.Transport{
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConns:          2,
		IdleConnTimeout:       60 * time.Second,
	}
	k.cl, err = New(Opts{Source: url, Root: root, Dir: filepath.Join(k.dir, "tuf"), Store: st, Now: f.clk.Now, Logger: quiet,
		HTTPClient: &http.Client{Transport: &countingRT{rt: k.tr, clk: f.clk, rec: f.rec}}})
	if err != nil {
		b.Fatal(err)
	}
}

// publishDay runs the publisher: a timestamp on every hour, a revocation
// delta at 7, 22, 37 and 52 minutes past, a code list change at 10:00 and
// an exposure notice at 14:00.
func (f *fleet) publishDay(ctx context.Context, pub *publish.Repo, in publish.Inputs) error {
	type event struct {
		at time.Duration
		do func() error
	}
	var evs []event
	for h := time.Duration(-1); h <= 29; h++ {
		evs = append(evs, event{h * time.Hour, func() error { _, err := pub.RefreshTimestamp(); return err }})
	}
	batch := 100
	perDay := f.p.PerDay
	for q := -4; q < 29*4; q++ {
		at := time.Duration(q)*15*time.Minute + 7*time.Minute
		// 96 deltas a day; the day's remainder in the first ones.
		n := perDay / 96
		if ((q%96)+96)%96 < perDay%96 {
			n++
		}
		batch++
		ids := benchIDs(batch, n)
		evs = append(evs, event{at, func() error {
			in.Revocations = append(in.Revocations, ids...)
			_, err := pub.Publish(publish.Inputs{Revocations: in.Revocations})
			return err
		}})
	}
	evs = append(evs, event{10 * time.Hour, func() error {
		for i, id := range benchIDs(3, 20) {
			in.Codes = append(in.Codes, store.CodeEntry{ID: id, Code: pass.Code([]pass.Code{pass.RedCode, pass.AmberCode}[i%2]), ValidFrom: fleetT0.Add(10 * time.Hour)})
		}
		_, err := pub.Publish(publish.Inputs{Codes: in.Codes})
		return err
	}})
	evs = append(evs, event{14 * time.Hour, func() error {
		in.Exposures = append(in.Exposures, fleetExposure(99, fleetT0.Add(11*time.Hour)))
		_, err := pub.Publish(publish.Inputs{Exposures: in.Exposures})
		return err
	}})
	slices.SortStableFunc(evs, func(a, b event) int { return int(a.at - b.at) })
	for _, e := range evs {
		at := fleetT0.Add(e.at)
		if at.Before(f.clk.Now()) {
			continue
		}
		if err := f.clk.Until(ctx, at); err != nil {
			return err
		}
		if lag := f.clk.Now().Sub(at); lag > f.pubLag && at.Before(fleetT0.Add(outageAt)) {
			f.pubLag = lag
		}
		if err := e.do(); err != nil {
			return err
		}
		f.pubs++
	}
	<-ctx.Done()
	return ctx.Err()
}

func (f *fleet) mark(name string, simFrom time.Time, simFor time.Duration) *phaseStats {
	p := &phaseStats{name: name, from: time.Now(), simFrom: simFrom, simFor: simFor, byKind: map[string]*kindStats{}}
	p.cpuTicks = -f.ngx.workerTicks()
	return p
}

func (f *fleet) endPhase(p *phaseStats) {
	p.to = time.Now()
	p.cpuTicks += f.ngx.workerTicks()
	if p == f.day {
		for _, k := range f.kiosks {
			k.mu.Lock()
			p.syncs += k.syncs
			p.errors += k.failures
			k.mu.Unlock()
		}
	}
	if p == f.after || p == f.cut {
		for _, k := range f.kiosks {
			k.mu.Lock()
			if !k.backAt.IsZero() {
				p.back = append(p.back, k.backAt.Sub(p.simFrom))
			}
			k.mu.Unlock()
		}
		slices.Sort(p.back)
	}
}

// workerTicks is the CPU time of nginx's worker (its master's child) so
// far, from /proc/<pid>/stat (utime + stime, in 1/100 s).
func (n *nginxServer) workerTicks() int64 {
	if n.cmd == nil {
		return 0
	}
	master := n.cmd.Process.Pid
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", master, master))
	var total int64
	if err == nil {
		for _, pid := range strings.Fields(string(b)) {
			total += procTicks(pid)
		}
		return total
	}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		st, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(master) {
			total += procTicks(e.Name())
		}
	}
	return total
}

func procTicks(pid string) int64 {
	st, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
	if err != nil {
		return 0
	}
	// Fields after the command's closing parenthesis: state is 3rd overall,
	// utime 14th, stime 15th.
	f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// readLog sorts nginx's access log lines into the phases by their real
// time.
func (f *fleet) readLog(b *testing.B) {
	fh, err := os.Open(f.logPath)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	phases := []*phaseStats{f.day, f.outage, f.after, f.cut}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 4 {
			continue
		}
		sec, err := strconv.ParseFloat(fs[0], 64)
		if err != nil {
			continue
		}
		at := time.UnixMilli(int64(sec * 1000))
		status, _ := strconv.Atoi(fs[1])
		n, _ := strconv.ParseInt(fs[2], 10, 64)
		for _, p := range phases {
			if at.Before(p.from) || !at.Before(p.to) {
				continue
			}
			kind := fileKind(fs[3])
			ks := p.byKind[kind]
			if ks == nil {
				ks = &kindStats{status: map[int]int64{}}
				p.byKind[kind] = ks
			}
			ks.requests++
			ks.bytes += n
			ks.status[status]++
		}
	}
	if err := sc.Err(); err != nil && err != io.EOF {
		b.Fatal(err)
	}
}

// herds counts the kiosks' requests a simulated second in each phase.
func (f *fleet) herds() {
	for _, p := range []*phaseStats{f.day, f.after, f.cut} {
		p.herd = make([]int, int(p.simFor/time.Second))
	}
	for _, at := range f.rec.reqs {
		for _, p := range []*phaseStats{f.day, f.after, f.cut} {
			if d := at.Sub(p.simFrom); d >= 0 && d < p.simFor {
				p.herd[int(d/time.Second)]++
			}
		}
	}
}

// busiest returns the most requests in any window of w seconds.
func busiest(h []int, w int) int {
	best, sum := 0, 0
	for i, n := range h {
		sum += n
		if i >= w {
			sum -= h[i-w]
		}
		best = max(best, sum)
	}
	return best
}

func (f *fleet) report() string {
	p := f.p
	var w strings.Builder
	pf := func(format string, a ...any) { fmt.Fprintf(&w, format, a...) }
	N := float64(p.Kiosks)
	scale := float64(p.FleetTarget) / N
	host, _ := os.Hostname()
	pf("venuekiosk fleet sync benchmark (BenchmarkFleetSync, make bench-fleet), %s\n", time.Now().UTC().Format(time.RFC3339))
	pf("machine: %s, %d CPUs (shared), %s/%s, %s; nginx %s, 1 worker, on loopback, no TLS\n", cpuModel(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, host, nginxVersion(f.ngx.bin))
	pf("kiosks: %d, each the real sync client with its own SQLite store (internal/store, on tmpfs) and its own connections\n", p.Kiosks)
	pf("        (a new connection every poll), polling every %v ±20 %%, first poll after a start within %v, backoff 30 s doubling to %v\n", p.Interval, p.First, p.Interval)
	pf("clock:  simulated; an hour of the day ran in %v real (×%.0f), the outage's end at ×%.0f, the power cut at ×%.0f\n",
		p.HourReal, f.rateDay, f.rateAfter, f.rateCut)
	pf("day:    %d revocations already listed; %d added a day in 96 deltas (~%d each, 32 B an entry) at :07 :22 :37 :52;\n", p.Base, p.PerDay, f.perDelta)
	pf("        a timestamp every hour; 20 codes added at 10:00; an exposure notice at 14:00 (publisher: vkpublish's package, %d publishes)\n", f.pubs)
	pf("setup %v (seed sync, %d stores copied), simulation %v real; a kiosk's store after the day: %d KiB\n\n",
		f.setup.Round(time.Second), p.Kiosks, f.real.Round(time.Second), f.dbBytes>>10)

	d := f.day
	pf("Per kiosk-day (nginx access log, $bytes_sent: headers and body; %d successful syncs, %.1f a kiosk; %d failed)\n", d.syncs, float64(d.syncs)/N, d.errors)
	pf("%-22s %10s %12s %8s %8s %8s\n", "file kind", "requests", "bytes", "200", "304", "404")
	for _, kind := range kindOrder {
		ks := d.byKind[kind]
		if ks == nil {
			continue
		}
		pf("%-22s %10.2f %12.0f %8.2f %8.2f %8.2f\n", kind, float64(ks.requests)/N, float64(ks.bytes)/N,
			float64(ks.status[200])/N, float64(ks.status[304])/N, float64(ks.status[404])/N)
	}
	pf("%-22s %10.2f %12.0f %8.2f %8.2f %8.2f\n", "total", float64(d.requests())/N, float64(d.bytes())/N,
		float64(d.status(200))/N, float64(d.status(304))/N, float64(d.status(404))/N)
	perDay := float64(d.bytes()) / N
	pf("bytes per kiosk-day: %.0f (%.1f KiB); goal ≤ 50 KB: %s\n", perDay, perDay/1024, map[bool]string{true: "met", false: "NOT met"}[perDay <= 50_000])
	if ks := d.byKind["revocation deltas"]; ks != nil && perDay > 50_000 {
		pf("  the revocation deltas alone are %.0f B (%.1f B an entry with headers): a pass ID is a SHA-256, 32 B, which\n", float64(ks.bytes)/N, float64(ks.bytes)/N/float64(p.PerDay))
		pf("  does not compress; 50 KB a day at %d revocations would need at most %.0f B an entry in all\n", p.PerDay, 50_000/float64(p.PerDay))
	}
	pf("304 answers: %.1f %% of requests; nginx worker CPU: %.0f ms per 1,000 requests (%d ticks of 10 ms for %d requests)\n",
		d.share304()*100, d.cpuPerK(), d.cpuTicks, d.requests())
	if len(f.syncSim) > 0 {
		s := slices.Clone(f.syncSim)
		slices.Sort(s)
		r := slices.Clone(f.syncReal)
		slices.Sort(r)
		pf("fidelity: a sync took p50 %v, p99 %v real (%v, %v simulated); the publisher ran at most %v late\n",
			r[len(r)/2].Round(time.Millisecond), r[len(r)*99/100].Round(time.Millisecond),
			s[len(s)/2].Round(time.Second), s[len(s)*99/100].Round(time.Second), f.pubLag.Round(time.Second))
	}

	avg := float64(d.requests()) / N * float64(p.FleetTarget) / 86400
	peakMin := busiest(d.herd, 60)
	pf("\nAt %d kiosks (scaled from %d; same schedule)\n", p.FleetTarget, p.Kiosks)
	pf("  requests:  %.0f /s on average; busiest minute of the day %.0f /s\n", avg, float64(peakMin)/60*scale)
	pf("  egress:    %.1f GiB a day (%.1f Mbit/s on average)\n", perDay*float64(p.FleetTarget)/(1<<30), perDay*float64(p.FleetTarget)*8/86400/1e6)
	pf("  nginx CPU: %.2f cores on average (%.0f ms per 1,000 requests)\n", avg*d.cpuPerK()/1000/1000, d.cpuPerK())

	for _, h := range []*phaseStats{f.after, f.cut} {
		pf("\nHerd: %s (kiosks' requests by simulated time; nginx: %d requests, %.0f %% 304)\n", h.name, h.requests(), h.share304()*100)
		mins := min(10, len(h.herd)/60)
		pf("  requests/s in minute:")
		for m := range mins {
			pf(" %d:%.1f", m+1, float64(sum(h.herd[m*60:(m+1)*60]))/60)
		}
		pf("\n")
		b10 := busiest(h.herd, 10)
		pf("  busiest 10 s: %d requests (%.1f /s; %.0f /s at %d kiosks, %.2f cores of nginx)\n", b10, float64(b10)/10,
			float64(b10)/10*scale, p.FleetTarget, float64(b10)/10*scale*d.cpuPerK()/1e6)
		if n := len(h.back); n > 0 {
			pf("  kiosks synced again: %d of %d; half by %v, 90 %% by %v, all by %v\n", n, p.Kiosks,
				h.back[n/2].Round(time.Second), h.back[n*9/10].Round(time.Second), h.back[n-1].Round(time.Second))
		}
	}
	o := f.outage
	pf("\nDuring the outage (connection refused for 3 h): %d requests, %.1f a kiosk (backoff from 30 s to the %v ceiling)\n",
		countIn(f.rec.reqs, o.simFrom, o.simFor), float64(countIn(f.rec.reqs, o.simFrom, o.simFor))/N, p.Interval)
	return w.String()
}

func sum(h []int) (n int) {
	for _, x := range h {
		n += x
	}
	return n
}

func countIn(ts []time.Time, from time.Time, d time.Duration) (n int) {
	for _, t := range ts {
		if !t.Before(from) && t.Before(from.Add(d)) {
			n++
		}
	}
	return n
}

func cpuModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func nginxVersion(bin string) string {
	out, _ := execOutput(bin, "-v")
	_, v, _ := strings.Cut(strings.TrimSpace(out), "nginx/")
	return v
}

// copyTree copies a kiosk's state directory.
func copyTree(b *testing.B, src, dst string) {
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(out, 0o700)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, data, fi.Mode())
	})
	if err != nil {
		b.Fatal(err)
	}
}

func execOutput(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
