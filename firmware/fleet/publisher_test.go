package fleet

import (
	"strings"
	"testing"
	"time"
)

func TestNewRejects(t *testing.T) {
	st := newStore(t)
	good := Opts{Broker: "mqtts://fleet.example.org:8883", Venue: "V1", Kiosk: "K1", Password: []byte("pw"),
		Source: &fakeSource{}, Tally: st, Queue: st, Logger: quiet()}
	if _, err := New(good); err != nil {
		t.Fatalf("good options: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Opts)
		want string
	}{
		{"no broker", func(o *Opts) { o.Broker = "" }, "want mqtt://host:port"},
		{"http", func(o *Opts) { o.Broker = "https://fleet.example.org" }, "want mqtt://host:port"},
		{"websocket", func(o *Opts) { o.Broker = "wss://fleet.example.org:443" }, "want mqtt://host:port"},
		{"no port", func(o *Opts) { o.Broker = "mqtts://fleet.example.org" }, "want host:port"},
		{"credentials in URL", func(o *Opts) { o.Broker = "mqtts://k1:pw@fleet.example.org:8883" }, "only a scheme, a host and a port"},
		{"path", func(o *Opts) { o.Broker = "mqtts://fleet.example.org:8883/x" }, "only a scheme"},
		{"password in the clear", func(o *Opts) { o.Broker = "mqtt://fleet.example.org:1883" }, "in the clear"},
		{"bad venue", func(o *Opts) { o.Venue = "V/1" }, "venue"},
		{"wildcard kiosk", func(o *Opts) { o.Kiosk = "+" }, "kiosk"},
		{"no source", func(o *Opts) { o.Source = nil }, "required"},
		{"no queue", func(o *Opts) { o.Queue = nil }, "required"},
		{"status too rare", func(o *Opts) { o.StatusEvery = time.Hour }, "status every"},
		{"check slower than status", func(o *Opts) { o.StatusEvery, o.CheckEvery = time.Minute, 2*time.Minute }, "check every"},
		{"counters too often", func(o *Opts) { o.CountersEvery = time.Millisecond }, "counters every"},
		{"tiny queue", func(o *Opts) { o.QueueMax = 10 }, "queue of 10"},
		{"huge queue", func(o *Opts) { o.QueueMax = 1 << 20 }, "queue of"},
		{"keep-alive", func(o *Opts) { o.KeepAlive = time.Millisecond }, "keep-alive"},
		{"retry", func(o *Opts) { o.RetryMax = 2 * time.Hour }, "retry"},
		{"long password", func(o *Opts) { o.Password = make([]byte, 2000) }, "too long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.edit(&o)
			if _, err := New(o); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// Plain TCP with a password is fine to this machine, and without one
	// anywhere; the username defaults to the kiosk ID.
	for _, broker := range []string{"mqtt://127.0.0.1:1883", "mqtt://localhost:1883", "tcp://[::1]:1883"} {
		o := good
		o.Broker = broker
		p, err := New(o)
		if err != nil {
			t.Errorf("%s: %v", broker, err)
			continue
		}
		if p.o.Username != "K1" || len(p.Boot()) != 16 {
			t.Errorf("%s: username %q, boot %q", broker, p.o.Username, p.Boot())
		}
	}
	o := good
	o.Broker, o.Password = "mqtt://fleet.example.org:1883", nil
	if _, err := New(o); err != nil {
		t.Errorf("plain TCP without a password: %v", err)
	}
	a, _ := New(good)
	b, _ := New(good)
	if a.Boot() == b.Boot() {
		t.Errorf("two publishers share boot %s", a.Boot())
	}
}

func TestChangeKeyIgnoresUptime(t *testing.T) {
	a := okSnapshot()
	b := a
	b.Uptime += 1000
	if changeKey(a) != changeKey(b) {
		t.Errorf("uptime changed the key")
	}
	for name, edit := range map[string]func(*Snapshot){
		"scanner":    func(s *Snapshot) { s.Scanner.OK = false },
		"clock":      func(s *Snapshot) { s.Clock.Trusted = false },
		"data":       func(s *Snapshot) { s.Data = []DataSet{{Name: "revocations", Version: 4}} },
		"last error": func(s *Snapshot) { s.LastError = "x" },
		"stale":      func(s *Snapshot) { s.DataStale = true },
	} {
		c := okSnapshot()
		c.Data = a.Data
		edit(&c)
		if changeKey(a) == changeKey(c) {
			t.Errorf("%s: no change seen", name)
		}
	}
}

func TestCleanSnapshot(t *testing.T) {
	s := okSnapshot()
	s.LastError = "revoked pass cae735431056b25b2142d7902db03a7d5fc9d0f4b288398212402dc1ec7aa109 of 1964-08-12"
	s.Uptime = -5
	for i := 0; i < MaxDataSets+3; i++ {
		s.Data = append(s.Data, DataSet{Name: "Müller", Version: -1})
	}
	c := clean(s)
	if strings.Contains(c.LastError, "cae735") || strings.Contains(c.LastError, "1964") {
		t.Errorf("last error not cleaned: %q", c.LastError)
	}
	if len(c.Data) != MaxDataSets || c.Data[1].Name != "M?ller" || c.Data[1].Version != 0 || c.Uptime != 0 {
		t.Errorf("got %d data sets, %+v, uptime %d", len(c.Data), c.Data[1], c.Uptime)
	}
	st := Status{Header: Header{V: Version, Boot: boot, At: t0, Venue: "V", Kiosk: "K"}, Every: 900, Snapshot: c}
	if err := st.Check("V", "K"); err != nil {
		t.Errorf("a cleaned snapshot fails the message check: %v", err)
	}
}
