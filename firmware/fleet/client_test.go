package fleet

import (
	"crypto/tls"
	"testing"
	"time"
)

func TestClientOptions(t *testing.T) {
	u, _, err := ParseBroker("mqtts://fleet.example.org:8883")
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	for _, o := range []ClientOpts{
		{Broker: u, TLS: tc, Username: "k1", Password: []byte("pw"), ClientID: "k1", KeepAlive: time.Minute,
			ConnectTimeout: 10 * time.Second, RetryMin: 250 * time.Millisecond, RetryMax: 2 * time.Minute, RetryFirst: 2 * time.Second},
		{Broker: u, ClientID: "kioskctl-00", KeepAlive: 30 * time.Second,
			ConnectTimeout: 3 * time.Second, RetryMin: 500 * time.Millisecond, RetryMax: 30 * time.Second, RetryFirst: 2 * time.Second},
	} {
		t.Run(o.ClientID, func(t *testing.T) {
			c := ClientOptions(o)
			if len(c.ServerUrls) != 1 || c.ServerUrls[0] != o.Broker {
				t.Errorf("ServerUrls: got %v, want [%v]", c.ServerUrls, o.Broker)
			}
			if c.TlsCfg != o.TLS {
				t.Errorf("TlsCfg: got %p, want %p", c.TlsCfg, o.TLS)
			}
			if got, want := time.Duration(c.KeepAlive)*time.Second, o.KeepAlive; got != want {
				t.Errorf("KeepAlive: got %v, want %v", got, want)
			}
			if !c.CleanStartOnInitialConnection {
				t.Error("CleanStartOnInitialConnection: got false, want true")
			}
			if c.ConnectTimeout != o.ConnectTimeout {
				t.Errorf("ConnectTimeout: got %v, want %v", c.ConnectTimeout, o.ConnectTimeout)
			}
			if c.ConnectUsername != o.Username || string(c.ConnectPassword) != string(o.Password) {
				t.Errorf("credentials: got %q, %q; want %q, %q", c.ConnectUsername, c.ConnectPassword, o.Username, o.Password)
			}
			if c.ClientID != o.ClientID || c.PacketTimeout != 10*time.Second {
				t.Errorf("client: got ID %q, packet timeout %v; want %q, 10s", c.ClientID, c.PacketTimeout, o.ClientID)
			}
			for attempt := 1; attempt < 20; attempt++ {
				d := c.ReconnectBackoff(attempt)
				if d < o.RetryMin || d > o.RetryMax || attempt == 1 && d > o.RetryFirst {
					t.Errorf("backoff before attempt %d: got %v, want %v to %v (%v at first)", attempt, d, o.RetryMin, o.RetryMax, o.RetryFirst)
				}
			}
		})
	}
}
