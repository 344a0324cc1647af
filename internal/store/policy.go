package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/venuekiosk/venuekiosk/firmware/policy"
)

// SetPolicy makes doc the current entry policy. It must parse and validate
// as a policy.Policy; the text is stored as given.
func (tx *Tx) SetPolicy(doc []byte) error {
	if err := tx.begin(); err != nil {
		return err
	}
	if _, err := policy.Parse(bytes.NewReader(doc)); err != nil {
		return invalid("policy", "%v", err)
	}
	_, err := tx.exec(`INSERT INTO policy(id, json, updated_at) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET json = excluded.json, updated_at = excluded.updated_at`,
		string(doc), tx.s.opts.Now().Unix())
	if err != nil {
		return fmt.Errorf("store: writing the policy: %w", err)
	}
	return nil
}

// PolicyJSON returns the stored policy text; ok is false when none is stored.
func (s *Store) PolicyJSON(ctx context.Context) (doc []byte, ok bool, err error) {
	if err := s.check(); err != nil {
		return nil, false, err
	}
	var text string
	err = s.r.QueryRowContext(ctx, "SELECT json FROM policy WHERE id = 1").Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return []byte(text), true, nil
}

// Policy returns the stored policy, parsed; ok is false when none is
// stored (the daemon then uses policy.Default).
func (s *Store) Policy(ctx context.Context) (p *policy.Policy, ok bool, err error) {
	doc, ok, err := s.PolicyJSON(ctx)
	if err != nil || !ok {
		return nil, ok, err
	}
	p, err = policy.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, false, fmt.Errorf("store: stored policy: %w", err)
	}
	return p, true, nil
}
