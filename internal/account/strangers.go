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

// credentials is the stand-in record for login.
func (s *strangers) credentials(login string) credentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := s.lru.Get(login)
	return credentials{locked: st.locked}
}

// fail counts a failed attempt on login as recordFailure does for an
// account, and returns the count.
func (s *strangers) fail(login string, now time.Time, p Policy) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, _ := s.lru.Get(login)
	st.failures++
	if st.failures >= p.MaxFailures {
		t := now.Add(p.LockFor)
		st.locked = &t
	}
	s.lru.Add(login, st)
	return st.failures
}
