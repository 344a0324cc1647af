package fleet

import (
	"crypto/tls"
	"net/url"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// ClientOpts describes a connection to the broker.
type ClientOpts struct {
	Broker *url.URL // from ParseBroker
	// TLS is used for mqtts:// (TLSConfig); nil: the system's roots.
	TLS      *tls.Config
	Username string
	Password []byte
	ClientID string
	// KeepAlive is the MQTT keep-alive, in whole seconds.
	KeepAlive time.Duration
	// ConnectTimeout bounds one connection attempt.
	ConnectTimeout time.Duration
	// RetryMin and RetryMax bound the wait between connection
	// attempts; it grows exponentially from at most RetryFirst.
	RetryMin, RetryMax, RetryFirst time.Duration
}

// ClientOptions is the autopaho configuration of a connection to the
// broker, for a kiosk's publisher and for kioskctl fleet watch alike: a
// clean start on the first connection, a backoff that doubles between
// attempts, packets answered within 10s. The caller adds its handlers
// (and a kiosk its last will).
func ClientOptions(o ClientOpts) autopaho.ClientConfig {
	return autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{o.Broker},
		TlsCfg:                        o.TLS,
		KeepAlive:                     uint16(o.KeepAlive / time.Second),
		CleanStartOnInitialConnection: true,
		ReconnectBackoff:              autopaho.NewExponentialBackoff(o.RetryMin, o.RetryMax, o.RetryFirst, 2),
		ConnectTimeout:                o.ConnectTimeout,
		ConnectUsername:               o.Username,
		ConnectPassword:               o.Password,
		ClientConfig:                  paho.ClientConfig{ClientID: o.ClientID, PacketTimeout: 10 * time.Second},
	}
}
