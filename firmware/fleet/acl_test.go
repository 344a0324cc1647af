package fleet

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/internal/fleettest"
)

// testPKI is a throw-away CA with a certificate for 127.0.0.1 and one for a
// client, as PEM files in dir.
type testPKI struct {
	CA, ServerCert, ServerKey, ClientCert, ClientKey string
}

func makePKI(t *testing.T, dir string) testPKI {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	now := time.Now()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "venuekiosk test fleet CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	p := testPKI{CA: filepath.Join(dir, "ca.crt"), ServerCert: filepath.Join(dir, "broker.crt"), ServerKey: filepath.Join(dir, "broker.key"),
		ClientCert: filepath.Join(dir, "kiosk.crt"), ClientKey: filepath.Join(dir, "kiosk.key")}
	write := func(path, typ string, der []byte) {
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(p.CA, "CERTIFICATE", caDER)
	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, certPath, keyPath string) {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kb, _ := x509.MarshalECPrivateKey(k)
		write(certPath, "CERTIFICATE", der)
		write(keyPath, "EC PRIVATE KEY", kb)
	}
	leaf(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, p.ServerCert, p.ServerKey)
	leaf(3, "K1", x509.ExtKeyUsageClientAuth, p.ClientCert, p.ClientKey)
	return p
}

func statusPayload(t *testing.T, venue, kiosk string) []byte {
	t.Helper()
	s := goodStatus()
	s.Venue, s.Kiosk = venue, kiosk
	return mustJSON(t, &s)
}

// TestShippedBrokerConfig runs mosquitto with the example configuration and
// ACL in mosquitto/ (only the port and the file paths changed): a kiosk
// publishes over TLS with its own credential; no credential may write
// under another kiosk's topic, nor read the fleet.
func TestShippedBrokerConfig(t *testing.T) {
	t.Parallel()
	fleettest.Skip(t)
	conf, err := os.ReadFile("mosquitto/mosquitto.conf")
	if err != nil {
		t.Fatal(err)
	}
	acl, err := os.ReadFile("mosquitto/acl")
	if err != nil {
		t.Fatal(err)
	}
	pki := makePKI(t, t.TempDir())
	b := fleettest.Start(t, fleettest.Opts{
		Conf:  string(conf),
		ACL:   string(acl),
		Users: map[string]string{"K1": "pw-k1", "K2": "pw-k2", "K3": "pw-k3", "fleetwatch": "pw-watch"},
		Paths: map[string]string{"certfile": pki.ServerCert, "keyfile": pki.ServerKey},
	})
	tlsc, err := TLSConfig(pki.CA, "", "")
	if err != nil {
		t.Fatal(err)
	}
	dial := func(user, pw string, subscribe ...string) (*fleettest.Client, error) {
		return fleettest.Dial(b.Addr, fleettest.DialOpts{ClientID: user, Username: user, Password: pw, TLS: tlsc, Subscribe: subscribe})
	}
	watch, err := dial("fleetwatch", "pw-watch", AllTopics)
	if err != nil {
		t.Fatal(err)
	}
	defer watch.Close()

	// The real publisher, over TLS with its own password.
	k := startKiosk(t, func(o *Opts) {
		o.Broker = "mqtts://" + b.Addr
		o.Password = []byte("pw-k1")
		o.TLS = tlsc
	})
	watch.Wait(t, 10*time.Second, "K1's status over TLS", has(func(m *Message) bool { return m.Status != nil && m.Kiosk == "K1" }))

	// K3 writes its own status, then tries K2's topics and a topic outside
	// its three: only its own arrives.
	k3, err := dial("K3", "pw-k3")
	if err != nil {
		t.Fatal(err)
	}
	defer k3.Close()
	for _, topic := range []string{"venuekiosk/V1/K2/status", "venuekiosk/V2/K2/online", "venuekiosk/V1/K1/counters", "venuekiosk/V1/K3/visits"} {
		if err := k3.Publish(topic, statusPayload(t, "V1", "K2"), true); err == nil || !strings.Contains(err.Error(), "not authorized") {
			t.Errorf("K3 publishing to %s: got %v, want the broker's PUBACK \"not authorized\"", topic, err)
		}
	}
	// The ACL allows K3 under any venue level, its own kiosk level only.
	if err := k3.Publish("venuekiosk/V1/K3/status", statusPayload(t, "V1", "K3"), true); err != nil {
		t.Fatalf("K3's own status: %v", err)
	}
	// fleetwatch reads and never writes.
	if err := watch.Publish("venuekiosk/V1/K2/status", statusPayload(t, "V1", "K2"), true); err == nil || !strings.Contains(err.Error(), "not authorized") {
		t.Errorf("fleetwatch publishing: got %v, want \"not authorized\"", err)
	}
	if err := k3.Publish("venuekiosk/V1/K3/counters", mustJSON(t, &Counters{Header: Header{V: 1, Boot: boot, At: t0, Venue: "V1", Kiosk: "K3"}, From: t0, To: t0, Periods: 1}), false); err != nil {
		t.Fatalf("K3's own counters: %v", err)
	}
	ms := watch.Wait(t, 5*time.Second, "K3's own counters", func(ms []fleettest.Msg) bool {
		return len(ms) > 0 && ms[len(ms)-1].Topic == "venuekiosk/V1/K3/counters"
	})
	for _, m := range ms {
		if v, kiosk, _, err := ParseTopic(m.Topic); err != nil || (kiosk != "K1" && kiosk != "K3") || (kiosk == "K3" && v != "V1") {
			t.Errorf("a refused write arrived: %s %s", m.Topic, m.Payload)
		}
	}

	// A kiosk reads nothing of the fleet.
	k2, err := dial("K2", "pw-k2", AllTopics)
	if err == nil {
		defer k2.Close()
		k3.Publish("venuekiosk/V1/K3/status", statusPayload(t, "V1", "K3"), true)
		time.Sleep(300 * time.Millisecond)
		if got := k2.Msgs(); len(got) > 0 {
			t.Errorf("K2 read the fleet:\n%s", fleettest.Dump(got))
		}
	} else if !strings.Contains(err.Error(), "0x87") {
		t.Errorf("K2 subscribing to the fleet: %v", err)
	}

	// Another credential cannot take K1's client ID (and drop its link).
	hijack, err := fleettest.Dial(b.Addr, fleettest.DialOpts{ClientID: "K1", Username: "K3", Password: "pw-k3", TLS: tlsc})
	if err == nil {
		defer hijack.Close()
	}
	time.Sleep(300 * time.Millisecond)
	if !k.p.Connected() {
		t.Errorf("K1 lost its connection when K3 connected with client ID K1")
	}
	for _, m := range decoded(t, watch.Msgs()) {
		if m.Online != nil && m.Kiosk == "K1" && !m.Online.Online {
			t.Errorf("K1 marked offline when K3 connected with client ID K1")
		}
	}

	// Refused: a wrong password, no credential, and plain TCP (the
	// example listens with TLS only).
	for _, tc := range []struct {
		name string
		o    fleettest.DialOpts
	}{
		{"wrong password", fleettest.DialOpts{ClientID: "K1", Username: "K1", Password: "guess", TLS: tlsc}},
		{"anonymous", fleettest.DialOpts{ClientID: "anon", TLS: tlsc}},
		{"plain TCP", fleettest.DialOpts{ClientID: "K1", Username: "K1", Password: "pw-k1"}},
		{"unknown CA", fleettest.DialOpts{ClientID: "K1", Username: "K1", Password: "pw-k1", TLS: &tls.Config{MinVersion: tls.VersionTLS12}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := fleettest.Dial(b.Addr, tc.o); err == nil {
				c.Close()
				t.Errorf("%s: connected; want a refusal", tc.name)
			}
		})
	}
}

func TestTLSConfigFiles(t *testing.T) {
	dir := t.TempDir()
	pki := makePKI(t, dir)
	c, err := TLSConfig(pki.CA, pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}
	if c.RootCAs == nil || len(c.Certificates) != 1 || c.MinVersion != tls.VersionTLS12 {
		t.Errorf("got %+v", c)
	}
	notPEM := filepath.Join(dir, "x")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	for _, tc := range []struct {
		name          string
		ca, cert, key string
		want          string
	}{
		{"missing CA", filepath.Join(dir, "none"), "", "", "no such file"},
		{"CA not PEM", notPEM, "", "", "no PEM certificate"},
		{"cert without key", "", pki.ClientCert, "", "both cert_file and key_file"},
		{"key without cert", "", "", pki.ClientKey, "both cert_file and key_file"},
		{"key of another certificate", "", pki.ClientCert, pki.ServerKey, "private key does not match"},
		{"key not PEM", "", pki.ClientCert, notPEM, "client certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := TLSConfig(tc.ca, tc.cert, tc.key); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, maxCredFile+1), 0o600)
	if _, err := ReadFile(big); err == nil {
		t.Errorf("ReadFile of %d bytes: want an error", maxCredFile+1)
	}
}
