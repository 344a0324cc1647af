package fleet

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

const boot = "0123456789abcdef"

func goodStatus() Status {
	return Status{
		Header: Header{V: Version, Seq: 7, Boot: boot, At: t0, Venue: "V1", Kiosk: "K1"},
		Every:  900,
		Snapshot: Snapshot{Firmware: "0.3.0", Slot: "A", Uptime: 3600,
			Data:    []DataSet{{Name: "revocations", Version: 12, Signed: t0.Add(-time.Hour), Age: 3600}},
			Clock:   Clock{Trusted: true, Floor: t0},
			Scanner: Device{OK: true, State: "connected"}, Panel: Device{OK: true, State: "waveshare_4in2_v2"}, Lights: Device{OK: true, State: "idle"}},
	}
}

func goodCounters() Counters {
	return Counters{Header: Header{V: Version, Seq: 8, Boot: boot, At: t0, Venue: "V1", Kiosk: "K1"},
		From: t0.Add(-time.Hour), To: t0, Periods: 1, Counts: Counts{Green: 3, Amber: 1, Red: 2, Entries: 3}}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeRoundTrip(t *testing.T) {
	st := goodStatus()
	m, err := Decode("venuekiosk/V1/K1/status", mustJSON(t, &st))
	if err != nil {
		t.Fatal(err)
	}
	if m.Status == nil || m.Status.Seq != 7 || m.Status.Scanner.State != "connected" || m.Status.Data[0].Age != 3600 || m.Venue != "V1" || m.Kiosk != "K1" {
		t.Errorf("status: got %+v", m.Status)
	}
	c := goodCounters()
	m, err = Decode("venuekiosk/V1/K1/counters", mustJSON(t, &c))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Counters.Counts, c.Counts; got.Green != want.Green || got.Red != want.Red || got.Amber != want.Amber || got.Entries != want.Entries {
		t.Errorf("counters: got %+v, want %+v", got, want)
	}
	on := Online{V: Version, Online: false, Boot: boot, Venue: "V1", Kiosk: "K1"}
	m, err = Decode("venuekiosk/V1/K1/online", mustJSON(t, &on))
	if err != nil || m.Online == nil || m.Online.Online {
		t.Errorf("online: got %+v, %v", m.Online, err)
	}
	// The wire form flattens the header and the snapshot, and leaves out
	// counts not made yet.
	b := string(mustJSON(t, &c))
	for _, want := range []string{`"seq":8`, `"green":3`, `"periods":1`, `"from":"2026-11-23T08:00:00Z"`} {
		if !strings.Contains(b, want) {
			t.Errorf("counters JSON %s lacks %s", b, want)
		}
	}
	for _, absent := range []string{"exempt", "overrides", "Header", "Counts"} {
		if strings.Contains(b, absent) {
			t.Errorf("counters JSON %s holds %s", b, absent)
		}
	}
}

func TestDecodeRejects(t *testing.T) {
	status := func(edit func(*Status)) []byte {
		s := goodStatus()
		edit(&s)
		b, _ := json.Marshal(&s)
		return b
	}
	counters := func(edit func(*Counters)) []byte {
		c := goodCounters()
		edit(&c)
		b, _ := json.Marshal(&c)
		return b
	}
	const st, ct, on = "venuekiosk/V1/K1/status", "venuekiosk/V1/K1/counters", "venuekiosk/V1/K1/online"
	for _, tc := range []struct {
		name, topic string
		payload     []byte
		want        string
	}{
		{"empty", st, nil, "payload of 0 bytes"},
		{"too large", st, make([]byte, MaxPayload+1), "payload of 16385 bytes"},
		{"not JSON", st, []byte("hello"), "invalid character"},
		{"two objects", st, append(status(func(*Status) {}), []byte("{}")...), "data after"},
		{"array", st, []byte("[1]"), "cannot unmarshal array"},
		{"version 2", st, status(func(s *Status) { s.V = 2 }), "version 2"},
		{"no version", st, []byte(`{"seq":1}`), "version 0"},
		{"bad boot", st, status(func(s *Status) { s.Boot = "xyz" }), "boot"},
		{"no time", st, status(func(s *Status) { s.At = time.Time{} }), "no time"},
		{"other kiosk in payload", st, status(func(s *Status) { s.Kiosk = "K2" }), "payload is from V1/K2"},
		{"other venue in payload", st, status(func(s *Status) { s.Venue = "V2" }), "payload is from V2/K1"},
		{"no period", st, status(func(s *Status) { s.Every = 0 }), "every_s 0"},
		{"negative uptime", st, status(func(s *Status) { s.Uptime = -1 }), "uptime_s -1"},
		{"control character", st, status(func(s *Status) { s.LastError = "a\x00b" }), "printable ASCII"},
		{"non-ASCII", st, status(func(s *Status) { s.LastError = "Müller" }), "printable ASCII"},
		{"long text", st, status(func(s *Status) { s.Scanner.State = strings.Repeat("x", MaxText+1) }), "at most 160"},
		{"too many data sets", st, status(func(s *Status) { s.Data = make([]DataSet, MaxDataSets+1) }), "data sets"},
		{"unnamed data set", st, status(func(s *Status) { s.Data[0].Name = "" }), "name of 0 bytes"},
		{"negative queue", st, status(func(s *Status) { s.Queue.Waiting = -1 }), "queue"},
		{"negative count", ct, counters(func(c *Counters) { c.Red = -1 }), "red -1"},
		{"huge count", ct, counters(func(c *Counters) { c.Green = 1 << 50 }), "green"},
		{"backwards period", ct, counters(func(c *Counters) { c.To = c.From.Add(-time.Second) }), "period"},
		{"no periods", ct, counters(func(c *Counters) { c.Periods = 0 }), "periods 0"},
		{"bad exemption category", ct, counters(func(c *Counters) { c.Exempt = map[string]int64{"Medical Cert": 1} }), "exempt"},
		{"online from another kiosk", on, []byte(`{"v":1,"online":true,"boot":"0123456789abcdef","venue":"V1","kiosk":"K9"}`), "payload is from V1/K9"},
		{"online without boot", on, []byte(`{"v":1,"online":true,"venue":"V1","kiosk":"K1"}`), "boot"},
		{"unknown leaf", "venuekiosk/V1/K1/visits", []byte("{}"), `unknown last level "visits"`},
		{"short topic", "venuekiosk/V1/status", []byte("{}"), "want venuekiosk/<venue>/<kiosk>"},
		{"other root", "other/V1/K1/status", []byte("{}"), "want venuekiosk"},
		{"wildcard kiosk", "venuekiosk/V1/+/status", []byte("{}"), `kiosk "+"`},
		{"empty venue", "venuekiosk//K1/status", []byte("{}"), `venue ""`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Decode(tc.topic, tc.payload)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %+v, %v; want an error containing %q", m, err, tc.want)
			}
		})
	}
}

func TestMerge(t *testing.T) {
	a := goodCounters()
	a.Exempt = map[string]int64{"medical": 2}
	b := goodCounters()
	b.Seq, b.Boot = 20, "fedcba9876543210"
	b.From, b.To = t0, t0.Add(time.Hour)
	b.Green, b.Exempt, b.Overrides, b.Periods = 10, map[string]int64{"medical": 1, "age": 4}, 1, 3
	m := Merge(a, b)
	if m.Seq != 20 || m.Boot != b.Boot {
		t.Errorf("header: got seq %d boot %s, want the newer message's", m.Seq, m.Boot)
	}
	if !m.From.Equal(a.From) || !m.To.Equal(b.To) || m.Periods != 4 {
		t.Errorf("period: got %v to %v over %d, want %v to %v over 4", m.From, m.To, m.Periods, a.From, b.To)
	}
	if m.Green != 13 || m.Red != 4 || m.Amber != 2 || m.Entries != 6 || m.Overrides != 1 || m.Exempt["medical"] != 3 || m.Exempt["age"] != 4 {
		t.Errorf("counts: got %+v", m.Counts)
	}
	if a.Exempt["medical"] != 2 {
		t.Errorf("Merge changed its argument's map: %v", a.Exempt)
	}
}

func TestTopics(t *testing.T) {
	tp, err := NewTopics("CM-01", "kiosk_7")
	if err != nil {
		t.Fatal(err)
	}
	for got, want := range map[string]string{tp.Status(): "venuekiosk/CM-01/kiosk_7/status", tp.Online(): "venuekiosk/CM-01/kiosk_7/online", tp.Counters(): "venuekiosk/CM-01/kiosk_7/counters"} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	v, k, l, err := ParseTopic(tp.Counters())
	if err != nil || v != "CM-01" || k != "kiosk_7" || l != LeafCounters {
		t.Errorf("ParseTopic: got %q %q %q %v", v, k, l, err)
	}
	for _, bad := range [][2]string{{"", "k"}, {"v", ""}, {"v/x", "k"}, {"v", "k#"}, {"v", "+"}, {"v", strings.Repeat("k", 65)}, {"v v", "k"}, {"中環", "k"}} {
		if _, err := NewTopics(bad[0], bad[1]); err == nil {
			t.Errorf("NewTopics(%q, %q): want an error", bad[0], bad[1])
		}
	}
}
