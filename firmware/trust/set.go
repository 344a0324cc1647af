package trust

import (
	"sync"

	"github.com/venuekiosk/venuekiosk/firmware/pass"
)

// Set is an in-memory trust store, safe for concurrent use.
type Set struct {
	mu   sync.RWMutex
	keys map[setKey][]*pass.Key
}

type setKey struct{ format, kid string }

var _ pass.Trust = (*Set)(nil)

// NewSet returns a set holding keys.
func NewSet(keys ...*pass.Key) *Set {
	s := &Set{keys: make(map[setKey][]*pass.Key)}
	s.Add(keys...)
	return s
}

// Add adds keys; a key with the same format and kid as another is kept beside
// it (formats try each, as key ids can collide).
func (s *Set) Add(keys ...*pass.Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = make(map[setKey][]*pass.Key)
	}
	for _, k := range keys {
		sk := setKey{k.Format, k.KID}
		s.keys[sk] = append(s.keys[sk], k)
	}
}

// Keys implements pass.Trust.
func (s *Set) Keys(format, kid string) ([]*pass.Key, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.keys[setKey{format, kid}], nil
}

// All returns every key in the set, in no particular order.
func (s *Set) All() []*pass.Key {
	s.mu.RLock()
	defer s.mu.RUnlock()
	var all []*pass.Key
	for _, ks := range s.keys {
		all = append(all, ks...)
	}
	return all
}

// Len returns the number of keys.
func (s *Set) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, ks := range s.keys {
		n += len(ks)
	}
	return n
}
