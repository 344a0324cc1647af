package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
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
		return code
	}
	bad := fs.Usagef
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
	cfg := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{u},
		KeepAlive:                     30,
		CleanStartOnInitialConnection: true,
		ConnectTimeout:                *timeout,
		ReconnectBackoff:              autopaho.NewExponentialBackoff(500*time.Millisecond, 30*time.Second, 2*time.Second, 2),
		ConnectUsername:               *user,
		ConnectPassword:               password,
	}
	if secure {
		if cfg.TlsCfg, err = fleet.TLSConfig(*caFile, *certFile, *keyFile); err != nil {
			return bad("%v", err)
		}
	} else if *caFile != "" || *certFile != "" {
		return bad("certificates need an mqtts:// broker")
	}
	if *clientID == "" {
		var b [4]byte
		rand.Read(b[:])
		*clientID = "kioskctl-" + hex.EncodeToString(b[:])
	}

	msgs := make(chan watchMsg, 4096)
	subscribed := make(chan error, 1)
	lastErr := make(chan error, 1)
	cfg.ClientConfig = paho.ClientConfig{
		ClientID: *clientID,
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(r paho.PublishReceived) (bool, error) {
			msgs <- watchMsg{topic: r.Packet.Topic, payload: r.Packet.Payload}
			return true, nil
		}},
	}
	cfg.OnConnectError = func(err error) {
		select {
		case lastErr <- err:
		default:
		}
	}
	cfg.OnConnectionUp = func(cm *autopaho.ConnectionManager, _ *paho.Connack) {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), *timeout)
			defer cancel()
			sa, err := cm.Subscribe(ctx, &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: *topic, QoS: 1}}})
			if err == nil && len(sa.Reasons) > 0 && sa.Reasons[0] >= 0x80 {
				err = fmt.Errorf("the broker refused the subscription to %s (reason %#x)", *topic, sa.Reasons[0])
			}
			select {
			case subscribed <- err:
			default:
			}
		}()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cm, err := autopaho.NewConnection(ctx, cfg)
	if err != nil {
		return fs.Fail(err)
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		cm.Disconnect(dctx)
	}()
	select {
	case err := <-subscribed:
		if err != nil {
			return fs.Fail(err)
		}
	case <-time.After(*timeout):
		why := "no answer"
		select {
		case err := <-lastErr:
			why = err.Error()
		default:
		}
		return fs.Failf("no connection to %s within %v: %s", u.Redacted(), *timeout, why)
	case <-ctx.Done():
		return command.ExitFail
	}

	board := fleet.NewBoard(*maxKiosks)
	refusedShown := 0
	take := func(m watchMsg) {
		if err := board.Apply(m.topic, m.payload, time.Now()); err != nil && refusedShown < 10 {
			refusedShown++
			fmt.Fprintf(stderr, "kioskctl fleet watch: refused: %v\n", err)
		}
	}
	show := func() { printBoard(stdout, board, *topic, *limit, time.Now()) }

	if *once {
		// Retained messages come right after the SUBACK; wait until the
		// broker has been quiet for a second (at most --timeout).
		deadline := time.After(*timeout)
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
	if *forD > 0 {
		end = time.After(*forD)
	}
	tick := time.NewTicker(*every)
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
