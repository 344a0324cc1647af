package fleet

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// Source gives the kiosk's state. It must not block for long and must
// return nothing personal.
type Source interface {
	Snapshot(ctx context.Context) Snapshot
}

// Opts configures a Publisher.
type Opts struct {
	// Broker is mqtt://host:port or mqtts://host:port (see ParseBroker).
	Broker string
	// Venue and Kiosk place the kiosk in the topic tree; Kiosk is also
	// the MQTT client identifier.
	Venue, Kiosk string
	// Username defaults to Kiosk; Password may be empty (client
	// certificate). A password is never sent over plain TCP to another
	// machine.
	Username string
	Password []byte
	// TLS is used for mqtts:// (TLSConfig); nil: the system's roots.
	TLS *tls.Config

	Source Source // the kiosk's state
	Tally  Tally  // the daily counters
	Queue  Queue  // the outbox

	// Location is the time zone of the kiosk's daily counters; default
	// time.Local.
	Location *time.Location
	// StatusEvery: a status at least this often; default and at most 15m.
	StatusEvery time.Duration
	// CheckEvery: how often the state is compared with the last status;
	// default 10s (or StatusEvery when shorter).
	CheckEvery time.Duration
	// CountersEvery: the counters period; default 1h.
	CountersEvery time.Duration
	// QueueMax bounds the outbox; default DefaultQueue, at least MinQueue.
	QueueMax int
	// KeepAlive is the MQTT keep-alive; default 60s. The broker sends the
	// last will after 1.5 times this without a packet.
	KeepAlive time.Duration
	// RetryMax is the longest wait between connection attempts; default
	// 2m.
	RetryMax time.Duration
	// Logger defaults to slog.Default(); Now to time.Now.
	Logger *slog.Logger
	Now    func() time.Time
}

// Publisher sends one kiosk's status and counters to the broker.
type Publisher struct {
	o      Opts
	url    *url.URL
	topics Topics
	boot   string
	out    *outbox
	log    *slog.Logger

	connected  atomic.Bool
	published  atomic.Int64
	lastWarn   atomic.Int64 // unix nanoseconds of the last "no broker" warning
	countNow   chan struct{}
	lastKey    string
	lastStatus time.Time
}

// New checks o and returns a Publisher; Run starts it.
func New(o Opts) (*Publisher, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&o.StatusEvery, 15*time.Minute)
	def(&o.CheckEvery, min(10*time.Second, o.StatusEvery))
	def(&o.CountersEvery, time.Hour)
	def(&o.KeepAlive, time.Minute)
	def(&o.RetryMax, 2*time.Minute)
	if o.QueueMax == 0 {
		o.QueueMax = DefaultQueue
	}
	if o.Username == "" {
		o.Username = o.Kiosk
	}
	topics, err := NewTopics(o.Venue, o.Kiosk)
	if err != nil {
		return nil, err
	}
	u, secure, err := ParseBroker(o.Broker)
	if err != nil {
		return nil, err
	}
	if !secure && len(o.Password) > 0 && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("fleet: broker %s: a password over plain mqtt:// would travel in the clear; use mqtts://", o.Broker)
	}
	switch {
	case o.Source == nil || o.Tally == nil || o.Queue == nil:
		return nil, errors.New("fleet: Source, Tally and Queue are required")
	case o.StatusEvery < time.Second || o.StatusEvery > 15*time.Minute:
		return nil, fmt.Errorf("fleet: status every %v: want 1s to 15m", o.StatusEvery)
	case o.CheckEvery < 10*time.Millisecond || o.CheckEvery > o.StatusEvery:
		return nil, fmt.Errorf("fleet: check every %v: want 10ms to the status period", o.CheckEvery)
	case o.CountersEvery < time.Second || o.CountersEvery > 24*time.Hour:
		return nil, fmt.Errorf("fleet: counters every %v: want 1s to 24h", o.CountersEvery)
	case o.QueueMax < MinQueue || o.QueueMax > 50_000:
		return nil, fmt.Errorf("fleet: queue of %d: want %d to 50000", o.QueueMax, MinQueue)
	case o.KeepAlive < time.Second || o.KeepAlive > 18*time.Hour:
		return nil, fmt.Errorf("fleet: keep-alive %v: want 1s to 18h", o.KeepAlive)
	case o.RetryMax < time.Second || o.RetryMax > time.Hour:
		return nil, fmt.Errorf("fleet: retry %v: want 1s to 1h", o.RetryMax)
	case len(o.Username) > 256 || len(o.Password) > 1024:
		return nil, errors.New("fleet: username or password too long")
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	log := o.Logger.With("broker", u.Redacted(), "kiosk", o.Kiosk)
	return &Publisher{o: o, url: u, topics: topics, boot: hex.EncodeToString(b[:]), log: log,
		out: &outbox{q: o.Queue, max: o.QueueMax, log: log}, countNow: make(chan struct{}, 1)}, nil
}

// Boot is this run's boot identifier (in every message).
func (p *Publisher) Boot() string { return p.boot }

// Connected reports whether the broker link is up.
func (p *Publisher) Connected() bool { return p.connected.Load() }

// Published counts the messages the broker acknowledged (birth included).
func (p *Publisher) Published() int64 { return p.published.Load() }

// Topics returns the kiosk's topics.
func (p *Publisher) Topics() Topics { return p.topics }

func (p *Publisher) online(on bool, at time.Time) []byte {
	o := Online{V: Version, Online: on, Boot: p.boot, Venue: p.o.Venue, Kiosk: p.o.Kiosk}
	if !at.IsZero() {
		at = at.UTC()
		o.At = &at
	}
	b, _ := json.Marshal(o)
	return b
}

// clientConfig is the autopaho configuration; up and down receive a
// signal when the link comes up or goes.
func (p *Publisher) clientConfig(up, down chan<- struct{}) autopaho.ClientConfig {
	signal := func(c chan<- struct{}) {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	c := ClientOptions(ClientOpts{
		Broker:         p.url,
		TLS:            p.o.TLS,
		Username:       p.o.Username,
		Password:       p.o.Password,
		ClientID:       p.o.Kiosk,
		KeepAlive:      p.o.KeepAlive,
		ConnectTimeout: 10 * time.Second,
		RetryMin:       250 * time.Millisecond,
		RetryMax:       p.o.RetryMax,
		RetryFirst:     min(2*time.Second, p.o.RetryMax),
	})
	c.WillMessage = &paho.WillMessage{Retain: true, QoS: 1, Topic: p.topics.Online(), Payload: p.online(false, time.Time{})}
	c.WillProperties = &paho.WillProperties{ContentType: contentType}
	c.OnConnectionUp = func(*autopaho.ConnectionManager, *paho.Connack) { signal(up) }
	c.OnConnectionDown = func() bool { signal(down); return true }
	c.OnConnectError = func(err error) {
		// At most one warning every 10 minutes; the rest at debug.
		if now := time.Now().UnixNano(); now-p.lastWarn.Load() > int64(10*time.Minute) {
			p.lastWarn.Store(now)
			p.log.Warn("fleet: no broker; messages wait in the store", "err", err)
			return
		}
		p.log.Debug("fleet: connecting", "err", err)
	}
	return c
}

// Run publishes until ctx ends: a status at start, on change and at least
// every StatusEvery; counters every CountersEvery; whatever waits in the
// outbox whenever the link is up. At the end it says the kiosk is offline
// and disconnects. It returns an error only when it cannot start.
func (p *Publisher) Run(ctx context.Context) error {
	linkCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	up, down := make(chan struct{}, 1), make(chan struct{}, 1)
	cm, err := autopaho.NewConnection(linkCtx, p.clientConfig(up, down))
	if err != nil {
		return fmt.Errorf("fleet: %w", err)
	}
	pub := func(ctx context.Context, topic string, retain bool, payload []byte) error {
		_, err := cm.Publish(ctx, &paho.Publish{QoS: 1, Retain: retain, Topic: topic, Payload: payload,
			Properties: &paho.PublishProperties{ContentType: contentType}})
		if err == nil {
			p.published.Add(1)
		}
		return err
	}

	check := time.NewTicker(p.o.CheckEvery)
	defer check.Stop()
	period := time.NewTimer(p.untilNextPeriod())
	defer period.Stop()
	retry := time.NewTimer(time.Hour)
	retry.Stop()
	defer retry.Stop()
	retryAfter := min(30*time.Second, p.o.RetryMax)

	p.queueStatus(ctx, true)
	flush := func() {
		if !p.connected.Load() {
			return
		}
		if n, err := p.out.flush(ctx, pub); err != nil && ctx.Err() == nil {
			p.log.Warn("fleet: publishing; will retry", "sent", n, "err", err)
			retry.Reset(retryAfter)
		}
	}
	for {
		select {
		case <-ctx.Done():
			p.stop(cm, pub)
			return nil
		case <-up:
			p.connected.Store(true)
			p.log.Info("fleet: connected")
			if err := pub(ctx, p.topics.Online(), true, p.online(true, p.o.Now())); err != nil {
				p.log.Warn("fleet: announcing the kiosk online", "err", err)
			}
			p.queueStatus(ctx, true)
			flush()
		case <-down:
			p.connected.Store(false)
			p.log.Info("fleet: link lost; messages wait in the store")
		case <-check.C:
			if p.queueStatus(ctx, false) {
				flush()
			}
		case <-period.C:
			p.queueCounters(ctx)
			period.Reset(p.untilNextPeriod())
			flush()
		case <-p.countNow:
			p.queueCounters(ctx)
			flush()
		case <-retry.C:
			flush()
		}
	}
}

// stop announces a clean stop and disconnects (a clean DISCONNECT
// suppresses the last will, so the kiosk says offline itself).
func (p *Publisher) stop(cm *autopaho.ConnectionManager, pub publishFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if p.connected.Load() {
		if err := pub(ctx, p.topics.Online(), true, p.online(false, p.o.Now())); err != nil {
			p.log.Warn("fleet: announcing the stop", "err", err)
		}
	}
	if err := cm.Disconnect(ctx); err != nil {
		p.log.Warn("fleet: disconnecting", "err", err)
	}
	p.connected.Store(false)
}

// untilNextPeriod is the time to the next CountersEvery boundary.
func (p *Publisher) untilNextPeriod() time.Duration {
	now := p.o.Now()
	return now.Truncate(p.o.CountersEvery).Add(p.o.CountersEvery).Sub(now)
}

// changeKey is what makes a status new: the snapshot without uptime.
func changeKey(s Snapshot) string {
	s.Uptime = 0
	b, _ := json.Marshal(s)
	return string(b)
}

// clean returns the snapshot with every text made fit (Clean) and at most
// MaxDataSets data sets.
func clean(s Snapshot) Snapshot {
	s.Firmware, s.Slot, s.LastError = Clean(s.Firmware), Clean(s.Slot), Clean(s.LastError)
	s.Scanner.State, s.Panel.State, s.Lights.State = Clean(s.Scanner.State), Clean(s.Panel.State), Clean(s.Lights.State)
	if len(s.Data) > MaxDataSets {
		s.Data = s.Data[:MaxDataSets]
	}
	data := make([]DataSet, len(s.Data))
	for i, d := range s.Data {
		name := Clean(d.Name)
		if len(name) > dataSetNameMaxSize {
			name = name[:dataSetNameMaxSize]
		}
		if name == "" {
			name = "?"
		}
		data[i] = DataSet{Name: name, Version: max(d.Version, 0), Signed: d.Signed.UTC()}
	}
	s.Data = data
	s.Uptime = min(max(s.Uptime, 0), maxUptime)
	if s.LastSync != nil {
		t := s.LastSync.UTC()
		s.LastSync = &t
	}
	s.Clock.Floor = s.Clock.Floor.UTC()
	return s
}

// queueStatus queues a status when the state changed, when StatusEvery
// passed, or when force is set, and reports whether it did.
func (p *Publisher) queueStatus(ctx context.Context, force bool) bool {
	now := p.o.Now()
	snap := clean(p.o.Source.Snapshot(ctx))
	key := changeKey(snap)
	if !force && key == p.lastKey && now.Sub(p.lastStatus) < p.o.StatusEvery {
		return false
	}
	st := Status{
		Header:   p.header(now),
		Every:    int64(p.o.StatusEvery / time.Second),
		Snapshot: snap,
	}
	for i, d := range st.Data {
		st.Data[i].Age = min(max(int64(now.Sub(d.Signed)/time.Second), -maxUptime), maxUptime)
	}
	n, err := p.o.Queue.OutboxLen(ctx)
	if err != nil {
		p.log.Warn("fleet: reading the outbox", "err", err)
	}
	st.Queue = QueueState{Waiting: n, Merged: p.out.merged.Load()}
	body, err := encode(&st, p.o.Venue, p.o.Kiosk)
	if err != nil {
		p.log.Error("fleet: status", "err", err)
		return false
	}
	if _, err := p.out.add(ctx, kindStatus, p.topics.Status(), true, body, now, nil); err != nil {
		p.log.Warn("fleet: queueing the status", "err", err)
		return false
	}
	p.lastKey, p.lastStatus = key, now
	return true
}

func (p *Publisher) header(now time.Time) Header {
	return Header{V: Version, Boot: p.boot, At: now.UTC(), Venue: p.o.Venue, Kiosk: p.o.Kiosk}
}

// queueCounters queues the counts since the last counters message, with
// the bookmark that says so.
func (p *Publisher) queueCounters(ctx context.Context) {
	now := p.o.Now()
	c, from, mk, err := nextPeriod(ctx, p.o.Tally, p.o.Queue, p.o.Location, now)
	if err != nil {
		p.log.Warn("fleet: counters", "err", err)
		return
	}
	msg := Counters{Header: p.header(now), From: from.UTC(), To: now.UTC(), Periods: 1, Counts: c}
	body, err := encode(&msg, p.o.Venue, p.o.Kiosk)
	if err != nil {
		p.log.Error("fleet: counters", "err", err)
		return
	}
	mb, err := json.Marshal(mk)
	if err != nil {
		p.log.Error("fleet: counters bookmark", "err", err)
		return
	}
	if _, err := p.out.add(ctx, kindCounters, p.topics.Counters(), false, body, now, &mark{name: countersMark, value: mb}); err != nil {
		// The bookmark did not move: these counts go in the next period.
		p.log.Warn("fleet: queueing counters; they follow with the next period", "err", err)
	}
}
