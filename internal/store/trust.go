package store

import (
	"bytes"
	"context"
	"crypto/x509"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Bounds on trust keys.
const (
	MaxTrustKeys = 1 << 16 // per ReplaceTrust call
	maxKeyDER    = 4096
	maxFormatLen = 32
	maxKIDLen    = 256
	maxIssuerLen = 256
	maxSourceLen = 64
	// allUsage is every bit pass defines.
	allUsage = pass.UseTest | pass.UseVaccination | pass.UseRecovery | pass.UseExemption
)

const qKeys = "SELECT issuer, public_key, usage, not_before, not_after FROM trust_keys WHERE format = ? AND kid = ? ORDER BY id LIMIT 64"

// Keys implements pass.Trust. It takes no context; see
// the package documentation on contexts.
func (s *Store) Keys(format, kid string) ([]*pass.Key, error) {
	return s.keysContext(context.Background(), format, kid)
}

// keysContext returns the trusted keys of format with identifier kid, or
// none. Parsed keys are cached until the next ReplaceTrust commits; the
// returned keys are shared and must not be modified.
func (s *Store) keysContext(ctx context.Context, format, kid string) ([]*pass.Key, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	if format == "" || kid == "" || len(format) > maxFormatLen || len(kid) > maxKIDLen {
		return nil, nil // no key can have such a name
	}
	ref := keyRef{format, kid}
	ks, gen, ok := s.keys.get(ref)
	if ok {
		return ks, nil
	}
	ks, err := s.loadKeys(ctx, format, kid)
	if err != nil {
		return nil, err
	}
	if len(ks) > 0 {
		s.keys.put(ref, ks, gen)
	}
	return ks, nil
}

func (s *Store) loadKeys(ctx context.Context, format, kid string) ([]*pass.Key, error) {
	st, err := s.stmtKeys.get(s.r)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, format, kid)
	if err != nil {
		return nil, fmt.Errorf("store: key lookup: %w", err)
	}
	defer rows.Close()
	var ks []*pass.Key
	var ders [][]byte
next:
	for rows.Next() {
		var (
			issuer string
			der    []byte
			usage  int64
			nb, na sql.NullInt64
		)
		if err := rows.Scan(&issuer, &der, &usage, &nb, &na); err != nil {
			return nil, err
		}
		for _, d := range ders {
			if bytes.Equal(d, der) {
				continue next // the same key from two sources
			}
		}
		pub, err := x509.ParsePKIXPublicKey(der)
		if err != nil {
			return nil, fmt.Errorf("store: trust key %s/%s: %w", format, kid, err)
		}
		k := &pass.Key{Format: format, KID: kid, Issuer: issuer, Public: pub, Usage: pass.Usage(usage)}
		if nb.Valid {
			k.NotBefore = time.Unix(nb.Int64, 0).UTC()
		}
		if na.Valid {
			k.NotAfter = time.Unix(na.Int64, 0).UTC()
		}
		ks = append(ks, k)
		ders = append(ders, der)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: key lookup: %w", err)
	}
	return ks, nil
}

// ReplaceTrust makes keys the whole set of trust keys from source (a data
// set name such as "dcc-trust", or "technician"). Keys from other sources
// stay. Each key is checked before anything is written.
func (tx *Tx) ReplaceTrust(source string, keys []*pass.Key) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if source == "" || len(source) > maxSourceLen {
		return invalid("trust source", "%d bytes; want 1 to %d", len(source), maxSourceLen)
	}
	if len(keys) > MaxTrustKeys {
		return invalid("trust keys", "%d keys; at most %d", len(keys), MaxTrustKeys)
	}
	type row struct {
		k      *pass.Key
		der    []byte
		nb, na any
	}
	rows := make([]row, len(keys))
	for i, k := range keys {
		what := fmt.Sprintf("trust key %d", i)
		if k == nil {
			return invalid(what, "nil")
		}
		switch {
		case k.Format == "" || len(k.Format) > maxFormatLen:
			return invalid(what, "format %q: want 1 to %d bytes", k.Format, maxFormatLen)
		case k.KID == "" || len(k.KID) > maxKIDLen:
			return invalid(what, "kid: %d bytes; want 1 to %d", len(k.KID), maxKIDLen)
		case len(k.Issuer) > maxIssuerLen:
			return invalid(what, "issuer: %d bytes; at most %d", len(k.Issuer), maxIssuerLen)
		case k.Usage&^allUsage != 0:
			return invalid(what, "usage %#x has unknown bits", uint8(k.Usage))
		case k.Public == nil:
			return invalid(what, "no public key")
		case !k.NotBefore.IsZero() && !k.NotAfter.IsZero() && k.NotAfter.Before(k.NotBefore):
			return invalid(what, "not after is before not before")
		}
		der, err := x509.MarshalPKIXPublicKey(k.Public)
		if err != nil {
			return invalid(what, "public key: %v", err)
		}
		if len(der) > maxKeyDER {
			return invalid(what, "public key is %d bytes; at most %d", len(der), maxKeyDER)
		}
		r := row{k: k, der: der}
		if !k.NotBefore.IsZero() {
			r.nb = k.NotBefore.Unix()
		}
		if !k.NotAfter.IsZero() {
			r.na = k.NotAfter.Unix()
		}
		rows[i] = r
	}
	if _, err := tx.exec("DELETE FROM trust_keys WHERE source = ?", source); err != nil {
		return fmt.Errorf("store: clearing trust keys: %w", err)
	}
	st, err := tx.tx.PrepareContext(tx.ctx, `INSERT OR IGNORE INTO trust_keys
		(format, kid, issuer, public_key, usage, not_before, not_after, source) VALUES (?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i, r := range rows {
		if _, err := st.ExecContext(tx.ctx, r.k.Format, r.k.KID, r.k.Issuer, r.der, int64(r.k.Usage), r.nb, r.na, source); err != nil {
			return fmt.Errorf("store: writing trust key %d: %w", i, err)
		}
	}
	tx.trustChanged = true
	return nil
}

type keyRef struct{ format, kid string }

// keyCache holds parsed keys by (format, kid). gen changes on every
// invalidation so a lookup that read the old table cannot store its
// result after a newer ReplaceTrust committed.
type keyCache struct {
	mu  sync.Mutex
	gen uint64
	m   map[keyRef][]*pass.Key
}

// maxCachedKIDs bounds the cache; when full it starts over.
const maxCachedKIDs = 4096

func (c *keyCache) get(r keyRef) ([]*pass.Key, uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ks, ok := c.m[r]
	return ks, c.gen, ok
}

func (c *keyCache) put(r keyRef, ks []*pass.Key, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCachedKIDs {
		c.m = make(map[keyRef][]*pass.Key)
	}
	c.m[r] = ks
}

func (c *keyCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.m = nil
}
