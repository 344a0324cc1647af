package main

import (
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/internal/command"
)

func TestParseWatch(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want watchConfig // client.Broker, client.TLS and a default client ID are checked apart
		tls  bool
	}{
		{"defaults", []string{"--broker", "mqtt://127.0.0.1:1883"}, watchConfig{topic: "venuekiosk/#", every: 5 * time.Second, timeout: 10 * time.Second, limit: 50, maxKiosks: 1_000_000}, false},
		{"every flag", []string{"--broker", "mqtts://fleet.example.org:8883", "--topic", "venuekiosk/V1/#", "--username", "op", "--client-id", "me",
			"--once", "--every", "1s", "--timeout", "3s", "--limit", "0", "--max-kiosks", "10"},
			watchConfig{topic: "venuekiosk/V1/#", once: true, every: time.Second, timeout: 3 * time.Second, limit: 0, maxKiosks: 10}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := command.NewFlags("kioskctl fleet watch", "usage", io.Discard, io.Discard)
			c, code, done := parseWatch(fs, tc.args)
			if done {
				t.Fatalf("parseWatch: done with exit %d, want a configuration", code)
			}
			got := *c
			if got.client.Broker == nil || got.client.Broker.String() != tc.args[1] {
				t.Errorf("broker: got %v, want %s", got.client.Broker, tc.args[1])
			}
			if (got.client.TLS != nil) != tc.tls {
				t.Errorf("TLS: got %v, want set %v", got.client.TLS, tc.tls)
			}
			if got.client.KeepAlive != 30*time.Second || got.client.ConnectTimeout != tc.want.timeout ||
				got.client.RetryMin != 500*time.Millisecond || got.client.RetryMax != 30*time.Second || got.client.RetryFirst != 2*time.Second {
				t.Errorf("client: got %+v", got.client)
			}
			if id := got.client.ClientID; id != "me" && !(strings.HasPrefix(id, "kioskctl-") && len(id) == len("kioskctl-")+8) {
				t.Errorf("client ID: got %q, want me or kioskctl-<8 hex digits>", id)
			}
			got.client = tc.want.client
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}
