package account

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"
)

// strangers keeps, for login names that have no account, the failure count
// and lock an account would have, so that trying such a name slows down
// and locks exactly as trying a real one does and the answers do not tell
// which names exist. It lives in this process's memory and holds the most
// recent names only (the per-address sign-in limit bounds how fast new
// ones arrive).
type strangers struct {
	mu  sync.Mutex
	lru *expirable.LRU[string, stranger]
}

type stranger struct {
	failures int
	locked   *time.Time
}

func newStrangers() *strangers {
	return &strangers{lru: expirable.NewLRU[string, stranger](10_000, nil, 24*time.Hour)}
}

// reserve counts an attempt on login as reserveAttempt does for an
// account: while login is locked it counts nothing and returns 0 and the
// end of the lock; otherwise the count, and the lock it started, if any.
func (s *strangers) reserve(login string, now time.Time, p Policy) (int, *time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := s.lru.Get(login)
	if st.locked != nil && now.Before(*st.locked) {
		return 0, st.locked
	}
	st.failures++
	var started *time.Time
	if st.failures >= p.MaxFailures {
		t := now.Add(p.LockFor)
		st.locked, started = &t, &t
	}
	s.lru.Add(login, st)
	return st.failures, started
}
