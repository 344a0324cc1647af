package publish

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/venuekiosk/venuekiosk/sync/repo"
)

// Rotation changes one role's keys in a new root version.
type Rotation struct {
	Role string
	// Keys replace the role's keys; nil keeps them (a re-signed root with
	// a later expiry, or only a new threshold).
	Keys []*repo.Signer
	// Threshold is the role's new threshold; 0 keeps it (capped at the
	// number of keys).
	Threshold int
}

// Rotate writes root version N+1 with rot applied, signed by a threshold of
// version N's root keys and of its own (both must be in the key
// directories), then signs new targets, snapshot and timestamp metadata
// with the keys now in force, so that kiosks move to the new keys in one
// sync. Keys rotated out can no longer sign anything kiosks accept.
func (r *Repo) Rotate(rot Rotation) (*Summary, error) {
	if !slices.Contains(repo.Roles, rot.Role) {
		return nil, fmt.Errorf("role %q: want one of %v", rot.Role, repo.Roles)
	}
	now := r.o.Now().UTC().Truncate(time.Second)
	prev := r.root.Signed
	next := &repo.Root{
		Common:             repo.Common{Type: repo.RoleRoot, SpecVersion: repo.SpecVersion, Version: prev.Version + 1, Expires: now.Add(r.o.Expiry.Root)},
		ConsistentSnapshot: true,
		Keys:               map[string]*repo.Key{},
		Roles:              map[string]*repo.Role{},
	}
	for name, role := range prev.Roles {
		next.Roles[name] = &repo.Role{KeyIDs: slices.Clone(role.KeyIDs), Threshold: role.Threshold}
	}
	role := next.Roles[rot.Role]
	if rot.Keys != nil {
		if len(rot.Keys) == 0 {
			return nil, fmt.Errorf("%s: no keys", rot.Role)
		}
		role.KeyIDs = nil
		for _, s := range rot.Keys {
			if !slices.Contains(role.KeyIDs, s.ID) {
				role.KeyIDs = append(role.KeyIDs, s.ID)
			}
			r.keys[s.ID] = s
		}
	}
	if rot.Threshold > 0 {
		role.Threshold = rot.Threshold
	}
	if role.Threshold > len(role.KeyIDs) {
		return nil, fmt.Errorf("%s: threshold %d with %d keys", rot.Role, role.Threshold, len(role.KeyIDs))
	}
	// Keep only the keys some role still uses.
	for _, rl := range next.Roles {
		for _, id := range rl.KeyIDs {
			if k := prev.Keys[id]; k != nil {
				next.Keys[id] = k
			} else if s := r.keys[id]; s != nil {
				next.Keys[id] = s.Key
			}
		}
	}
	// Everything the new root needs signed must be signable before it is
	// written: a root without its targets, snapshot and timestamp would
	// stop every kiosk.
	for _, rl := range []string{repo.RoleTargets, repo.RoleSnapshot, repo.RoleTimestamp} {
		if _, err := r.keys.signers(next, rl); err != nil {
			return nil, err
		}
	}
	if err := r.writeRoot(next, prev); err != nil {
		return nil, err
	}
	t := &repo.Targets{Targets: maps.Clone(r.tgt.Signed.Targets)}
	if err := r.commit(t, now); err != nil {
		return nil, err
	}
	return &Summary{Timestamp: r.ts.Signed.Version, Targets: r.tgt.Signed.Version, Issued: r.ts.Signed.Issued}, nil
}
