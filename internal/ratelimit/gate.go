package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// Gate bounds work without refusing it: calls with the same key run one at
// a time, and at most a fixed number run at once across all keys. Callers
// wait their turn, first come first served, until their context ends. It
// is for work that must not be refused to an honest caller but must not be
// multiplied by a hostile one (looking up sign-in tokens from an address
// that sent many bad ones).
type Gate struct {
	all *semaphore.Weighted

	mu   sync.Mutex
	keys map[string]*keyTurn

	running, peak, passed atomic.Int64
}

type keyTurn struct {
	sem   *semaphore.Weighted
	users int // holders and waiters; the entry goes when none are left
}

// NewGate returns a gate letting at most concurrent calls (at least 1) run
// at once across all keys.
func NewGate(concurrent int) *Gate {
	return &Gate{all: semaphore.NewWeighted(int64(max(concurrent, 1))), keys: map[string]*keyTurn{}}
}

// Do runs fn when it is key's turn and a slot is free, and returns fn's
// error, or ctx's if it ends while waiting (fn then does not run).
func (g *Gate) Do(ctx context.Context, key string, fn func() error) error {
	turn := g.join(key)
	defer g.leave(key, turn)
	if err := turn.sem.Acquire(ctx, 1); err != nil {
		return err
	}
	defer turn.sem.Release(1)
	if err := g.all.Acquire(ctx, 1); err != nil {
		return err
	}
	defer g.all.Release(1)

	n := g.running.Add(1)
	defer g.running.Add(-1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	g.passed.Add(1)
	return fn()
}

func (g *Gate) join(key string) *keyTurn {
	g.mu.Lock()
	defer g.mu.Unlock()
	t, ok := g.keys[key]
	if !ok {
		t = &keyTurn{sem: semaphore.NewWeighted(1)}
		g.keys[key] = t
	}
	t.users++
	return t
}

func (g *Gate) leave(key string, t *keyTurn) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t.users--; t.users == 0 {
		delete(g.keys, key)
	}
}

// Passed returns how many calls the gate has run.
func (g *Gate) Passed() int64 { return g.passed.Load() }

// Peak returns the most calls that have run at once.
func (g *Gate) Peak() int64 { return g.peak.Load() }
