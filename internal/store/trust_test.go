package store

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

var (
	keyOnce       sync.Once
	ecKey, ecKey2 *ecdsa.PrivateKey
	rsaKey        *rsa.PrivateKey
	edPub         ed25519.PublicKey
)

func testKeys(t testing.TB) {
	keyOnce.Do(func() {
		var err error
		if ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if ecKey2, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			panic(err)
		}
		if rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if edPub, _, err = ed25519.GenerateKey(rand.Reader); err != nil {
			panic(err)
		}
	})
}

func TestTrustRoundTrip(t *testing.T) {
	t.Parallel()
	testKeys(t)
	s := newStore(t)
	nb, na := t0.AddDate(-1, 0, 0), t0.AddDate(1, 0, 0)
	keys := []*pass.Key{
		{Format: "dcc", KID: "AAECAwQFBgc=", Issuer: "HK", Public: &ecKey.PublicKey, Usage: pass.UseVaccination | pass.UseTest, NotBefore: nb, NotAfter: na},
		{Format: "dcc", KID: "AAECAwQFBgc=", Issuer: "DE", Public: &rsaKey.PublicKey}, // a colliding kid
		{Format: "shc", KID: "kid-1", Issuer: "https://issuer.example", Public: edPub},
		{Format: "hksarg", KID: "HKSARG:VAC3", Issuer: "HK", Public: &ecKey2.PublicKey, Usage: pass.UseVaccination},
	}
	apply(t, s, func(tx *Tx) error { return tx.ReplaceTrust("sync", keys) })

	for _, tc := range []struct {
		format, kid string
		want        []*pass.Key
	}{
		{"dcc", "AAECAwQFBgc=", keys[:2]},
		{"shc", "kid-1", keys[2:3]},
		{"hksarg", "HKSARG:VAC3", keys[3:4]},
		{"shc", "AAECAwQFBgc=", nil}, // kid of another format
		{"dcc", "nope", nil},
		{"", "kid-1", nil},
		{"dcc", strings.Repeat("k", 300), nil},
	} {
		t.Run(tc.format+" "+tc.kid, func(t *testing.T) {
			got, err := s.Keys(tc.format, tc.kid)
			if err != nil {
				t.Fatalf("Keys(%q, %q): %v", tc.format, tc.kid, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Keys(%q, %q): got %d keys, want %d", tc.format, tc.kid, len(got), len(tc.want))
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Format != w.Format || g.KID != w.KID || g.Issuer != w.Issuer || g.Usage != w.Usage ||
					!g.NotBefore.Equal(w.NotBefore) || !g.NotAfter.Equal(w.NotAfter) {
					t.Errorf("Keys(%q, %q)[%d]: got %+v, want %+v", tc.format, tc.kid, i, g, w)
				}
				type equaler interface{ Equal(crypto.PublicKey) bool }
				if !g.Public.(equaler).Equal(w.Public) {
					t.Errorf("Keys(%q, %q)[%d]: public key differs", tc.format, tc.kid, i)
				}
			}
		})
	}
}

func TestTrustCacheInvalidated(t *testing.T) {
	t.Parallel()
	testKeys(t)
	s := newStore(t)
	k1 := &pass.Key{Format: "dcc", KID: "a", Issuer: "HK", Public: &ecKey.PublicKey}
	k2 := &pass.Key{Format: "dcc", KID: "a", Issuer: "HK", Public: &ecKey2.PublicKey}
	tech := &pass.Key{Format: "dcc", KID: "t", Issuer: "XX", Public: &rsaKey.PublicKey}
	apply(t, s, func(tx *Tx) error {
		if err := tx.ReplaceTrust("technician", []*pass.Key{tech}); err != nil {
			return err
		}
		return tx.ReplaceTrust("sync", []*pass.Key{k1})
	})
	first, _ := s.Keys("dcc", "a")
	again, _ := s.Keys("dcc", "a")
	if len(first) != 1 || len(again) != 1 || first[0] != again[0] {
		t.Fatalf("second lookup was not served from the cache: %v, %v", first, again)
	}
	apply(t, s, func(tx *Tx) error { return tx.ReplaceTrust("sync", []*pass.Key{k2}) })
	got, _ := s.Keys("dcc", "a")
	if len(got) != 1 || !got[0].Public.(*ecdsa.PublicKey).Equal(&ecKey2.PublicKey) {
		t.Errorf("after ReplaceTrust: got %v, want the new key", got)
	}
	if got, _ := s.Keys("dcc", "t"); len(got) != 1 {
		t.Errorf("another source's key: got %d keys, want it kept", len(got))
	}
	// A rolled-back replace changes nothing, cache included.
	boom := errors.New("boom")
	err := s.Apply(context.Background(), func(tx *Tx) error {
		if err := tx.ReplaceTrust("sync", nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Apply: got %v, want boom", err)
	}
	if got, _ := s.Keys("dcc", "a"); len(got) != 1 {
		t.Errorf("after a rolled-back replace: got %d keys, want 1", len(got))
	}
	// The same key from two sources is returned once.
	apply(t, s, func(tx *Tx) error { return tx.ReplaceTrust("usb", []*pass.Key{k2}) })
	if got, _ := s.Keys("dcc", "a"); len(got) != 1 {
		t.Errorf("a key from two sources: got %d, want 1", len(got))
	}
}

func TestTrustRejects(t *testing.T) {
	t.Parallel()
	testKeys(t)
	good := func() *pass.Key {
		return &pass.Key{Format: "dcc", KID: "a", Issuer: "HK", Public: &ecKey.PublicKey}
	}
	for _, tc := range []struct {
		name   string
		source string
		mod    func(k *pass.Key) *pass.Key
		want   string
	}{
		{"nil key", "sync", func(*pass.Key) *pass.Key { return nil }, "nil"},
		{"no format", "sync", func(k *pass.Key) *pass.Key { k.Format = ""; return k }, "format"},
		{"long format", "sync", func(k *pass.Key) *pass.Key { k.Format = strings.Repeat("f", 33); return k }, "format"},
		{"no kid", "sync", func(k *pass.Key) *pass.Key { k.KID = ""; return k }, "kid"},
		{"long kid", "sync", func(k *pass.Key) *pass.Key { k.KID = strings.Repeat("k", 257); return k }, "kid"},
		{"long issuer", "sync", func(k *pass.Key) *pass.Key { k.Issuer = strings.Repeat("i", 257); return k }, "issuer"},
		{"unknown usage", "sync", func(k *pass.Key) *pass.Key { k.Usage = 0x80; return k }, "usage"},
		{"no public key", "sync", func(k *pass.Key) *pass.Key { k.Public = nil; return k }, "no public key"},
		{"unsupported key type", "sync", func(k *pass.Key) *pass.Key { k.Public = "not a key"; return k }, "public key"},
		{"ends before it starts", "sync", func(k *pass.Key) *pass.Key { k.NotBefore, k.NotAfter = t0, t0.Add(-time.Hour); return k }, "not after"},
		{"no source", "", func(k *pass.Key) *pass.Key { return k }, "trust source"},
		{"long source", strings.Repeat("s", 65), func(k *pass.Key) *pass.Key { return k }, "trust source"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			apply(t, s, func(tx *Tx) error { return tx.ReplaceTrust("sync", []*pass.Key{good()}) })
			err := s.Apply(context.Background(), func(tx *Tx) error {
				return tx.ReplaceTrust(tc.source, []*pass.Key{good(), tc.mod(good())})
			})
			var ie *InvalidError
			if !errors.As(err, &ie) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an InvalidError about %q", err, tc.want)
			}
			if got, _ := s.Keys("dcc", "a"); len(got) != 1 {
				t.Errorf("after a rejected replace: %d keys, want the old one", len(got))
			}
		})
	}
}

func TestTrustTooMany(t *testing.T) {
	t.Parallel()
	testKeys(t)
	s := newStore(t)
	keys := make([]*pass.Key, MaxTrustKeys+1)
	err := s.Apply(context.Background(), func(tx *Tx) error { return tx.ReplaceTrust("sync", keys) })
	var ie *InvalidError
	if !errors.As(err, &ie) {
		t.Errorf("%d keys: got %v, want InvalidError", len(keys), err)
	}
}
