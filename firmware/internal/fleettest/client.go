package fleettest

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/eclipse/paho.golang/packets"
	"github.com/eclipse/paho.golang/paho"
)

// Msg is one message a Client received.
type Msg struct {
	Topic   string
	Payload []byte
	Retain  bool
}

// DialOpts configures a Client.
type DialOpts struct {
	ClientID           string
	Username, Password string
	// Keep asks for a session the broker keeps for an hour after the
	// client goes (clean start false): QoS 1 messages wait for it.
	Keep bool
	// Subscribe lists topic filters subscribed at QoS 1.
	Subscribe []string
	Will      *paho.WillMessage
	TLS       *tls.Config // nil: plain TCP
}

// Client is a plain MQTT 5 client (paho, no reconnection) that records
// what it receives.
type Client struct {
	*paho.Client
	conn net.Conn

	mu   sync.Mutex
	msgs []Msg
	news chan struct{}
}

// Dial connects to addr and subscribes; it returns the CONNACK's error.
func Dial(addr string, o DialOpts) (*Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var conn net.Conn
	var err error
	if o.TLS != nil {
		d := tls.Dialer{Config: o.TLS}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, err
	}
	c := &Client{conn: conn, news: make(chan struct{}, 1)}
	c.Client = paho.NewClient(paho.ClientConfig{
		ClientID: o.ClientID,
		Conn:     packets.NewThreadSafeConn(conn),
		OnPublishReceived: []func(paho.PublishReceived) (bool, error){func(r paho.PublishReceived) (bool, error) {
			c.mu.Lock()
			c.msgs = append(c.msgs, Msg{Topic: r.Packet.Topic, Payload: append([]byte(nil), r.Packet.Payload...), Retain: r.Packet.Retain})
			c.mu.Unlock()
			select {
			case c.news <- struct{}{}:
			default:
			}
			return true, nil
		}},
	})
	cp := &paho.Connect{ClientID: o.ClientID, KeepAlive: 30, CleanStart: !o.Keep, WillMessage: o.Will}
	if o.Will != nil {
		cp.WillProperties = &paho.WillProperties{}
	}
	if o.Username != "" {
		cp.Username, cp.UsernameFlag = o.Username, true
	}
	if o.Password != "" {
		cp.Password, cp.PasswordFlag = []byte(o.Password), true
	}
	if o.Keep {
		hour := uint32(3600)
		cp.Properties = &paho.ConnectProperties{SessionExpiryInterval: &hour}
	}
	ca, err := c.Connect(ctx, cp)
	if err != nil {
		conn.Close()
		if ca != nil {
			return nil, fmt.Errorf("connect refused: reason %#x: %w", ca.ReasonCode, err)
		}
		return nil, err
	}
	if len(o.Subscribe) > 0 {
		s := &paho.Subscribe{}
		for _, f := range o.Subscribe {
			s.Subscriptions = append(s.Subscriptions, paho.SubscribeOptions{Topic: f, QoS: 1})
		}
		sa, err := c.Client.Subscribe(ctx, s)
		if err != nil {
			c.Kill()
			return nil, fmt.Errorf("subscribe: %w", err)
		}
		for i, r := range sa.Reasons {
			if r >= 0x80 {
				c.Kill()
				return nil, fmt.Errorf("subscribe %s: reason %#x", o.Subscribe[i], r)
			}
		}
	}
	return c, nil
}

// MustDial is Dial that fails t; the client is closed when t ends.
func MustDial(t testing.TB, addr string, o DialOpts) *Client {
	t.Helper()
	c, err := Dial(addr, o)
	if err != nil {
		t.Fatalf("dial %s as %q: %v", addr, o.ClientID, err)
	}
	t.Cleanup(c.Close)
	return c
}

// Publish sends one QoS 1 message and waits for the PUBACK; a reason code
// of 0x80 or more is an error.
func (c *Client) Publish(topic string, payload []byte, retain bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := c.Client.Publish(ctx, &paho.Publish{QoS: 1, Topic: topic, Payload: payload, Retain: retain})
	return err
}

// Msgs returns what arrived so far.
func (c *Client) Msgs() []Msg {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Msg(nil), c.msgs...)
}

// Wait waits up to timeout until done(messages so far) is true and returns
// the messages; it fails t on timeout with what arrived.
func (c *Client) Wait(t testing.TB, timeout time.Duration, what string, done func([]Msg) bool) []Msg {
	t.Helper()
	deadline := time.After(timeout)
	for {
		ms := c.Msgs()
		if done(ms) {
			return ms
		}
		select {
		case <-c.news:
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatalf("waited %v for %s; got %d messages:\n%s", timeout, what, len(ms), Dump(ms))
		}
	}
}

// Dump lists messages, one a line.
func Dump(ms []Msg) string {
	var s string
	for _, m := range ms {
		s += fmt.Sprintf("  %s retain=%v %s\n", m.Topic, m.Retain, m.Payload)
	}
	return s
}

// Close disconnects cleanly (no last will).
func (c *Client) Close() {
	c.Client.Disconnect(&paho.Disconnect{ReasonCode: 0})
	c.conn.Close()
}

// Kill closes the connection without a DISCONNECT, as a crash or a cut
// cable would: the broker sends the last will.
func (c *Client) Kill() { c.conn.Close() }
