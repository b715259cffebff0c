package metrics

import "sync"

// boundedSet admits the first max distinct values it is offered and no
// more, so label values taken from requests stay few.
type boundedSet struct {
	max  int
	mu   sync.RWMutex
	seen map[string]struct{}
}

func newBoundedSet(max int) *boundedSet {
	return &boundedSet{max: max, seen: make(map[string]struct{}, max)}
}

// admit returns v if it is in the set or there is room to add it, else
// other.
func (s *boundedSet) admit(v, other string) string {
	s.mu.RLock()
	_, ok := s.seen[v]
	full := len(s.seen) >= s.max
	s.mu.RUnlock()
	if ok {
		return v
	}
	if full {
		return other
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[v]; ok || len(s.seen) < s.max {
		s.seen[v] = struct{}{}
		return v
	}
	return other
}

// known returns v if it is already in the set, else other.
func (s *boundedSet) known(v, other string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.seen[v]; ok {
		return v
	}
	return other
}
