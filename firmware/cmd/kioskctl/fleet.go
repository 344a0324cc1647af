package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"

	"github.com/venuekiosk/venuekiosk/firmware/fleet"
	"github.com/venuekiosk/venuekiosk/internal/command"
)

func fleetCommands() *command.Set {
	return &command.Set{
		Name:  "kioskctl fleet",
		Usage: "usage: kioskctl fleet watch --broker URL [--topic venuekiosk/#] [--once | --for DURATION]",
		Commands: []command.Command{
			{Name: "watch", Summary: "print the fleet's kiosks, offline, stale and faulty first", Run: runFleetWatch},
		},
	}
}

// watchMsg is one message from the broker.
type watchMsg struct {
	topic   string
	payload []byte
}

func runFleetWatch(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := command.NewFlags("kioskctl fleet watch", `usage: kioskctl fleet watch --broker URL [--topic venuekiosk/#] [--once | --for DURATION] [flags]

Subscribes to the kiosks' status, online and counters messages and prints a table
of kiosks: offline first, then stale (no status for two periods, or data older
than the entry policy allows), then faults (scanner, panel, lights, clock, errors).`, stdout, stderr)
	c, code, done := parseWatch(fs, args)
	if done {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	conn, err := connectWatch(ctx, c)
	if err != nil {
		return fs.Fail(err)
	}
	defer conn.close()
	if err := conn.waitSubscribed(ctx, c); err == errInterrupted {
		return command.ExitFail
	} else if err != nil {
		return fs.Fail(err)
	}
	return watchLoop(ctx, c, conn.msgs, stdout, stderr)
}

// watchConfig is what fleet watch's flags ask for.
type watchConfig struct {
	client           fleet.ClientOpts
	topic            string
	once             bool
	forD, every      time.Duration
	timeout          time.Duration
	limit, maxKiosks int
}

// parseWatch reads fleet watch's flags; done is true when the command ends
// here, with code.
func parseWatch(fs *command.Flags, args []string) (c *watchConfig, code int, done bool) {
	broker := fs.String("broker", "", "the fleet broker: mqtts://host:8883 (or mqtt://host:1883) — required")
	topic := fs.String("topic", fleet.AllTopics, "topic filter to subscribe to")
	user := fs.String("username", "", "username at the broker (an operator's read-only credential)")
	pwFile := fs.String("password-file", "", "file holding the password")
	caFile := fs.String("ca-file", "", "CA certificates of the broker (PEM); default: the system's")
	certFile := fs.String("cert-file", "", "client certificate (PEM), with --key-file")
	keyFile := fs.String("key-file", "", "client key (PEM)")
	clientID := fs.String("client-id", "", "MQTT client ID; default kioskctl-<random>")
	once := fs.Bool("once", false, "print the table once the retained state has arrived, then exit")
	forD := fs.Duration("for", 0, "watch this long, reprinting the table, then exit; 0: until interrupted")
	every := fs.Duration("every", 5*time.Second, "reprint the table this often")
	limit := fs.Int("limit", 50, "rows to print, worst first; 0: every kiosk")
	maxKiosks := fs.Int("max-kiosks", 1_000_000, "most kiosks kept in the table")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for the broker")
	if code, done := fs.Parse(args); done {
		return nil, code, true
	}
	bad := func(format string, a ...any) (*watchConfig, int, bool) { return nil, fs.Usagef(format, a...), true }
	switch {
	case *broker == "":
		return bad("--broker is required")
	case *once && *forD != 0:
		return bad("--once and --for exclude each other")
	case *forD < 0 || *every < 100*time.Millisecond || *timeout <= 0:
		return bad("--for, --every and --timeout must be positive (--every at least 100ms)")
	case *limit < 0 || *maxKiosks < 1:
		return bad("--limit and --max-kiosks must be positive")
	case *topic == "" || len(*topic) > 256:
		return bad("--topic %q", *topic)
	}
	u, secure, err := fleet.ParseBroker(*broker)
	if err != nil {
		return bad("--broker: %v", err)
	}
	var password []byte
	if *pwFile != "" {
		b, err := fleet.ReadFile(*pwFile)
		if err != nil {
			return bad("--password-file: %v", err)
		}
		password = bytes.TrimSpace(b)
	}
	if !secure && len(password) > 0 && !loopback(u.Hostname()) {
		return bad("--broker %s: a password over mqtt:// would travel in the clear; use mqtts://", *broker)
	}
	c = &watchConfig{
		client: fleet.ClientOpts{
			Broker:         u,
			Username:       *user,
			Password:       password,
			ClientID:       *clientID,
			KeepAlive:      30 * time.Second,
			ConnectTimeout: *timeout,
			RetryMin:       500 * time.Millisecond,
			RetryMax:       30 * time.Second,
			RetryFirst:     2 * time.Second,
		},
		topic: *topic, once: *once, forD: *forD, every: *every, timeout: *timeout,
		limit: *limit, maxKiosks: *maxKiosks,
	}
	if secure {
		if c.client.TLS, err = fleet.TLSConfig(*caFile, *certFile, *keyFile); err != nil {
			return bad("%v", err)
		}
	} else if *caFile != "" || *certFile != "" {
		return bad("certificates need an mqtts:// broker")
	}
	if c.client.ClientID == "" {
		var b [4]byte
		rand.Read(b[:])
		c.client.ClientID = "kioskctl-" + hex.EncodeToString(b[:])
	}
	return c, 0, false
}

// watchConn is fleet watch's connection to the broker.
type watchConn struct {
	cm         *autopaho.ConnectionManager
	msgs       chan watchMsg
	subscribed chan error // the subscription's outcome
	lastErr    chan error // the last connection error
}

// connectWatch starts connecting to the broker and subscribes to c.topic
// once connected.
func connectWatch(ctx context.Context, c *watchConfig) (*watchConn, error) {
	w := &watchConn{msgs: make(chan watchMsg, 4096), subscribed: make(chan error, 1), lastErr: make(chan error, 1)}
	cfg := fleet.ClientOptions(c.client)
	cfg.OnPublishReceived = []func(paho.PublishReceived) (bool, error){func(r paho.PublishReceived) (bool, error) {
		w.msgs <- watchMsg{topic: r.Packet.Topic, payload: r.Packet.Payload}
		return true, nil
	}}
	cfg.OnConnectError = func(err error) {
		select {
		case w.lastErr <- err:
		default:
		}
	}
	cfg.OnConnectionUp = func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
			defer cancel()
			sa, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: c.topic, QoS: 1}}})
			if err == nil && len(sa.Reasons) > 0 && sa.Reasons[0] >= 0x80 {
				err = fmt.Errorf("the broker refused the subscription to %s (reason %#x)", c.topic, sa.Reasons[0])
			}
			select {
			case w.subscribed <- err:
			default:
			}
		}()
	}
	var err error
	if w.cm, err = autopaho.NewConnection(ctx, cfg); err != nil {
		return nil, err
	}
	return w, nil
}

// errInterrupted: the watch was interrupted before it began.
var errInterrupted = errors.New("interrupted")

// waitSubscribed waits until the subscription is made, at most
// c.timeout; it returns errInterrupted when ctx ends first.
func (w *watchConn) waitSubscribed(ctx context.Context, c *watchConfig) error {
	select {
	case err := <-w.subscribed:
		return err
	case <-time.After(c.timeout):
		why := "no answer"
		select {
		case err := <-w.lastErr:
			why = err.Error()
		default:
		}
		return fmt.Errorf("no connection to %s within %v: %s", c.client.Broker.Redacted(), c.timeout, why)
	case <-ctx.Done():
		return errInterrupted
	}
}

func (w *watchConn) close() {
	dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	w.cm.Disconnect(dctx)
}

// watchLoop takes the broker's messages into the table and prints it:
// with c.once when the retained state has arrived, else every c.every
// until c.forD has passed or ctx ends.
func watchLoop(ctx context.Context, c *watchConfig, msgs <-chan watchMsg, stdout, stderr io.Writer) int {
	board := fleet.NewBoard(c.maxKiosks)
	refusedShown := 0
	take := func(m watchMsg) {
		if err := board.Apply(m.topic, m.payload, time.Now()); err != nil && refusedShown < 10 {
			refusedShown++
			fmt.Fprintf(stderr, "kioskctl fleet watch: refused: %v\n", err)
		}
	}
	show := func() { printBoard(stdout, board, c.topic, c.limit, time.Now()) }

	if c.once {
		// Retained messages come right after the SUBACK; wait until the
		// broker has been quiet for a second (at most --timeout).
		deadline := time.After(c.timeout)
		for {
			select {
			case m := <-msgs:
				take(m)
				continue
			case <-time.After(time.Second):
			case <-deadline:
			case <-ctx.Done():
			}
			break
		}
		show()
		return command.ExitOK
	}
	var end <-chan time.Time
	if c.forD > 0 {
		end = time.After(c.forD)
	}
	tick := time.NewTicker(c.every)
	defer tick.Stop()
	for {
		select {
		case m := <-msgs:
			take(m)
		case <-tick.C:
			show()
		case <-end:
			show()
			return command.ExitOK
		case <-ctx.Done():
			show()
			return command.ExitOK
		}
	}
}

// printBoard prints the table: a summary line, then the worst rows.
func printBoard(w io.Writer, b *fleet.Board, topic string, limit int, now time.Time) {
	rows := b.Judge(now)
	var n [4]int
	for _, r := range rows {
		n[r.Health]++
	}
	fmt.Fprintf(w, "%s %s: %d kiosks: %d offline, %d stale, %d fault, %d ok", now.UTC().Format("2006-01-02 15:04:05Z"), topic,
		len(rows), n[fleet.Offline], n[fleet.Stale], n[fleet.Fault], n[fleet.OK])
	if b.Refused > 0 {
		fmt.Fprintf(w, "; %d messages refused", b.Refused)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATE\tVENUE\tKIOSK\tSTATUS AGE\tFIRMWARE\tLAST PERIOD G/A/R\tPROBLEMS")
	for i, r := range rows {
		if limit > 0 && i == limit {
			fmt.Fprintf(tw, "…\t%d more\t\t\t\t\t\n", len(rows)-limit)
			break
		}
		age, fw := "-", "-"
		if s := r.Status; s != nil {
			age = now.Sub(s.At).Round(time.Second).String()
			fw = s.Firmware
		}
		counts := "-"
		if c := r.Counters; c != nil {
			counts = fmt.Sprintf("%d/%d/%d", c.Green, c.Amber, c.Red)
		}
		problems := strings.Join(r.Problems, "; ")
		if len(problems) > 100 {
			problems = problems[:97] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Health, r.Venue, r.Kiosk.Kiosk, age, fw, counts, problems)
	}
	tw.Flush()
}

// loopback reports whether host names this machine.
func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1" || strings.HasPrefix(host, "127.")
}
