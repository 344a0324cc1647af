package fleet

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"

	"github.com/venuekiosk/venuekiosk/firmware/internal/fleettest"
)

// countingConn counts the bytes a simulated kiosk sends and receives.
type countingConn struct {
	net.Conn
	in, out *atomic.Int64
}

func (c countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.in.Add(int64(n))
	return n, err
}

func (c countingConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.out.Add(int64(n))
	return n, err
}

// simKiosk is a light simulated kiosk: one paho client on one TCP
// connection, publishing the payloads a real kiosk makes.
type simKiosk struct {
	cli     *paho.Client
	conn    net.Conn
	topics  Topics
	in, out atomic.Int64
	seq     int64
}

func benchStatus(venue, kiosk string, seq int64, now time.Time) []byte {
	st := Status{Header: Header{V: Version, Seq: seq, Boot: "0123456789abcdef", At: now.UTC(), Venue: venue, Kiosk: kiosk}, Every: 900,
		Snapshot: Snapshot{Firmware: "0.3.0", Slot: "A", Uptime: 86400,
			Clock:   Clock{Trusted: true, Floor: now.UTC()},
			Scanner: Device{OK: true, State: "scanner connected at /dev/ttyACM0"}, Panel: Device{OK: true, State: "waveshare_4in2_v2"}, Lights: Device{OK: true, State: "ok"}}}
	for _, n := range []string{"trust", "revocations", "codes", "policy", "exposures"} {
		st.Data = append(st.Data, DataSet{Name: n, Version: 1764000000, Signed: now.Add(-time.Hour).UTC(), Age: 3600})
	}
	last := now.Add(-time.Hour).UTC()
	st.LastSync = &last
	b, err := encode(&st, venue, kiosk)
	if err != nil {
		panic(err)
	}
	return b
}

func benchCounters(venue, kiosk string, seq int64, now time.Time) []byte {
	c := Counters{Header: Header{V: Version, Seq: seq, Boot: "0123456789abcdef", At: now.UTC(), Venue: venue, Kiosk: kiosk},
		From: now.Add(-time.Hour).UTC(), To: now.UTC(), Periods: 1, Counts: Counts{Green: 137, Amber: 4, Red: 2, Entries: 137}}
	b, err := encode(&c, venue, kiosk)
	if err != nil {
		panic(err)
	}
	return b
}

func dialSim(ctx context.Context, addr string, venue, kiosk string) (*simKiosk, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	k := &simKiosk{conn: conn}
	k.topics, _ = NewTopics(venue, kiosk)
	k.cli = paho.NewClient(paho.ClientConfig{ClientID: kiosk, Conn: packets.NewThreadSafeConn(countingConn{Conn: conn, in: &k.in, out: &k.out})})
	will, _ := json.Marshal(Online{V: Version, Online: false, Boot: "0123456789abcdef", Venue: venue, Kiosk: kiosk})
	if _, err := k.cli.Connect(ctx, &paho.Connect{ClientID: kiosk, KeepAlive: 60, CleanStart: true,
		WillMessage: &paho.WillMessage{Retain: true, QoS: 1, Topic: k.topics.Online(), Payload: will}, WillProperties: &paho.WillProperties{}}); err != nil {
		conn.Close()
		return nil, err
	}
	birth, _ := json.Marshal(Online{V: Version, Online: true, Boot: "0123456789abcdef", Venue: venue, Kiosk: kiosk})
	if _, err := k.cli.Publish(ctx, &paho.Publish{QoS: 1, Retain: true, Topic: k.topics.Online(), Payload: birth}); err != nil {
		conn.Close()
		return nil, err
	}
	return k, nil
}

// parallel runs f(i) for i in [0, n) on workers goroutines; the first
// error stops it.
func parallel(n, workers int, f func(i int) error) error {
	var next atomic.Int64
	var first atomic.Pointer[error]
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for first.Load() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := f(i); err != nil {
					first.CompareAndSwap(nil, &err)
				}
			}
		}()
	}
	wg.Wait()
	if e := first.Load(); e != nil {
		return *e
	}
	return nil
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkFleetLoad connects N simulated kiosks (FLEET_BENCH_KIOSKS,
// default 5,000; at most 10,000) to a loopback mosquitto, each with a last
// will and a retained birth, then has every kiosk publish ROUNDS
// (FLEET_BENCH_ROUNDS, default 3, at most 20) rounds of one retained status
// and one counters message (QoS 1, real payloads), while one ingest
// subscriber reads venuekiosk/#. It reports messages per second, the
// broker's CPU (/proc/<pid>/stat) and memory, and bytes per kiosk per day
// at one status every 15 minutes and counters hourly. Bounded: 4 minutes.
func BenchmarkFleetLoad(b *testing.B) {
	n := min(envInt("FLEET_BENCH_KIOSKS", 5000), 10000)
	rounds := min(envInt("FLEET_BENCH_ROUNDS", 3), 20)
	br := fleettest.Start(b, fleettest.Opts{Anonymous: true, Extra: []string{"max_queued_messages 1000000"}})
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var delivered atomic.Int64
	ingestConn, err := net.Dial("tcp", br.Addr)
	if err != nil {
		b.Fatal(err)
	}
	ingest := paho.NewClient(paho.ClientConfig{ClientID: "ingest", Conn: packets.NewThreadSafeConn(ingestConn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(paho.PublishReceived) (bool, error) { delivered.Add(1); return true, nil }}})
	if _, err := ingest.Connect(ctx, &paho.Connect{ClientID: "ingest", KeepAlive: 60, CleanStart: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := ingest.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: AllTopics, QoS: 1}}}); err != nil {
		b.Fatal(err)
	}
	defer ingestConn.Close()

	kiosks := make([]*simKiosk, n)
	rss0, _ := br.RSS()
	t0 := time.Now()
	if err := parallel(n, 64, func(i int) error {
		k, err := dialSim(ctx, br.Addr, fmt.Sprintf("V%04d", i/4), fmt.Sprintf("K%05d", i))
		kiosks[i] = k
		return err
	}); err != nil {
		b.Fatalf("connecting: %v", err)
	}
	connectTime := time.Since(t0)
	defer func() {
		for _, k := range kiosks {
			if k != nil {
				k.cli.Disconnect(&paho.Disconnect{})
				k.conn.Close()
			}
		}
	}()
	rss1, _ := br.RSS()
	waitFor := func(want int64) {
		for delivered.Load() < want && ctx.Err() == nil {
			time.Sleep(5 * time.Millisecond)
		}
		if got := delivered.Load(); got < want {
			b.Fatalf("ingest received %d of %d messages", got, want)
		}
	}
	waitFor(int64(n)) // the births

	var in0, out0 int64
	for _, k := range kiosks {
		in0 += k.in.Load()
		out0 += k.out.Load()
	}
	cpu0, err := br.CPU()
	if err != nil {
		b.Fatal(err)
	}
	self0, _ := fleettest.ProcessCPU(os.Getpid())
	base := delivered.Load()
	b.ResetTimer()
	start := time.Now()
	for r := 0; r < rounds; r++ {
		now := time.Now()
		if err := parallel(n, 256, func(i int) error {
			k := kiosks[i]
			k.seq++
			if _, err := k.cli.Publish(ctx, &paho.Publish{QoS: 1, Retain: true, Topic: k.topics.Status(), Payload: benchStatus(k.topics.Venue, k.topics.Kiosk, k.seq, now)}); err != nil {
				return err
			}
			k.seq++
			_, err := k.cli.Publish(ctx, &paho.Publish{QoS: 1, Topic: k.topics.Counters(), Payload: benchCounters(k.topics.Venue, k.topics.Kiosk, k.seq, now)})
			return err
		}); err != nil {
			b.Fatalf("round %d: %v", r, err)
		}
	}
	acked := time.Since(start)
	msgs := int64(n * rounds * 2)
	waitFor(base + msgs)
	all := time.Since(start)
	b.StopTimer()
	cpu1, _ := br.CPU()
	self1, _ := fleettest.ProcessCPU(os.Getpid())
	var in1, out1 int64
	for _, k := range kiosks {
		in1 += k.in.Load()
		out1 += k.out.Load()
	}

	perPair := float64(in1-in0+out1-out0) / float64(n*rounds) // one status + one counters, with their PUBACKs
	statusLen, countersLen := len(benchStatus("V0000", "K00000", 1, start)), len(benchCounters("V0000", "K00000", 2, start))
	statusShare := float64(statusLen) / float64(statusLen+countersLen)
	pairNoPayload := perPair - float64(statusLen+countersLen)
	// A day: 96 statuses (every 15 min, no changes), 24 counters, keep-alive
	// PINGREQ/PINGRESP (2 + 2 bytes) every 60 s, one CONNECT, CONNACK and
	// birth.
	perStatus := float64(statusLen) + pairNoPayload*statusShare
	perCounters := float64(countersLen) + pairNoPayload*(1-statusShare)
	connectBytes := float64(out0+in0) / float64(n)
	perDay := 96*perStatus + 24*perCounters + 1440*4 + connectBytes
	brokerCPU := cpu1 - cpu0
	rate := float64(msgs) / all.Seconds()

	b.ReportMetric(float64(n), "kiosks")
	b.ReportMetric(float64(n)/connectTime.Seconds(), "connects/s")
	b.ReportMetric(float64(msgs)/acked.Seconds(), "msgs/s-acked")
	b.ReportMetric(rate, "msgs/s-delivered")
	b.ReportMetric(100*brokerCPU.Seconds()/all.Seconds(), "broker-cpu-%")
	b.ReportMetric(float64(brokerCPU.Microseconds())/float64(msgs), "broker-cpu-µs/msg")
	b.ReportMetric(float64(rss1-rss0)/float64(n)/1024, "broker-KiB/conn")
	b.ReportMetric(perDay, "bytes/kiosk/day")

	// 140,000 kiosks: 96 statuses and 24 counters each a day, 2 messages
	// each through the broker (in, and out to one ingest).
	const fleetSize = 140_000
	perSec := fleetSize * 120.0 / 86400
	cpuPerMsg := brokerCPU.Seconds() / float64(msgs)
	b.Logf("%d kiosks connected in %v (%.0f/s); %d messages in %v (%.0f/s acknowledged, %.0f/s delivered to the ingest); broker CPU %v (%.0f%% of one core, %.1f µs a message; this process %v); broker RSS %d KiB → %d KiB (%.1f KiB a connection)",
		n, connectTime.Round(time.Millisecond), float64(n)/connectTime.Seconds(), msgs, all.Round(time.Millisecond), float64(msgs)/acked.Seconds(), rate,
		brokerCPU, 100*brokerCPU.Seconds()/all.Seconds(), cpuPerMsg*1e6, self1-self0, rss0>>10, rss1>>10, float64(rss1-rss0)/float64(n)/1024)
	b.Logf("wire bytes (MQTT, no TCP/IP or TLS): status %d B payload, %.0f B with PUBLISH+PUBACK; counters %d B, %.0f B; connect+birth %.0f B; a day (96 statuses, 24 counters, 1,440 pings) %.0f B = %.1f KiB a kiosk",
		statusLen, perStatus, countersLen, perCounters, connectBytes, perDay, perDay/1024)
	b.Logf("140,000 kiosks: %.0f messages/s on average (%.1f M a day), broker CPU %.1f%% of one core at this rate, %.0f MiB of connection memory, %.1f GiB a day on the wire; a full reconnect (broker restart) at %.0f connects/s takes %v",
		perSec, perSec*86400/1e6, 100*perSec*cpuPerMsg, float64(rss1-rss0)/float64(n)*fleetSize/(1<<20), perDay*fleetSize/(1<<30),
		float64(n)/connectTime.Seconds(), (time.Duration(float64(fleetSize)/(float64(n)/connectTime.Seconds())) * time.Second).Round(time.Second))
}
