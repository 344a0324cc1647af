package fleet

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/venuekiosk/venuekiosk/internal/bounded"
)

// maxCredFile bounds a CA, certificate, key or password file.
const maxCredFile = 1 << 20

// ReadFile reads a credential file of at most 1 MiB.
func ReadFile(path string) ([]byte, error) {
	return bounded.ReadFile(path, maxCredFile)
}

// TLSConfig builds the TLS settings for an mqtts:// broker: the CA
// certificates of caFile ("" for the system's), and the client certificate
// and key of certFile and keyFile (both or neither). TLS 1.2 at least.
func TLSConfig(caFile, certFile, keyFile string) (*tls.Config, error) {
	c := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile != "" {
		pem, err := ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("fleet: CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("fleet: CA file %s: no PEM certificate in it", caFile)
		}
		c.RootCAs = pool
	}
	switch {
	case certFile == "" && keyFile == "":
	case certFile == "" || keyFile == "":
		return nil, fmt.Errorf("fleet: a client certificate needs both cert_file and key_file")
	default:
		cb, err := ReadFile(certFile)
		if err != nil {
			return nil, fmt.Errorf("fleet: client certificate: %w", err)
		}
		kb, err := ReadFile(keyFile)
		if err != nil {
			return nil, fmt.Errorf("fleet: client key: %w", err)
		}
		pair, err := tls.X509KeyPair(cb, kb)
		if err != nil {
			return nil, fmt.Errorf("fleet: client certificate %s and key %s: %w", certFile, keyFile, err)
		}
		c.Certificates = []tls.Certificate{pair}
	}
	return c, nil
}

// ParseBroker checks a broker URL: mqtt:// (or tcp://) for plain TCP,
// mqtts:// (or tls://, ssl://) for TLS, a host and a port, nothing else.
// It reports whether the link is encrypted.
func ParseBroker(s string) (u *url.URL, secure bool, err error) {
	u, err = url.Parse(s)
	if err != nil {
		return nil, false, fmt.Errorf("fleet: broker %q: %w", s, err)
	}
	switch strings.ToLower(u.Scheme) {
	case "mqtt", "tcp":
	case "mqtts", "tls", "ssl":
		secure = true
	default:
		return nil, false, fmt.Errorf("fleet: broker %q: want mqtt://host:port or mqtts://host:port", s)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return nil, false, fmt.Errorf("fleet: broker %q: only a scheme, a host and a port (credentials go in their own settings)", s)
	}
	host, port, err := net.SplitHostPort(u.Host)
	if err != nil || host == "" || port == "" {
		return nil, false, fmt.Errorf("fleet: broker %q: want host:port", s)
	}
	return u, secure, nil
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
