package ratelimit

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

// However many calls arrive at once, one key's run one at a time and no
// more than the gate's width run together; every call runs, none refused.
func TestGateBoundsWithoutRefusing(t *testing.T) {
	g := NewGate(3)
	const keys, perKey = 5, 40
	var running atomic.Int64
	var perKeyRunning [keys]atomic.Int64
	var overKey, overAll atomic.Bool
	var ran atomic.Int64
	var wg sync.WaitGroup
	for k := range keys {
		for range perKey {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := g.Do(context.Background(), string(rune('a'+k)), func() error {
					if perKeyRunning[k].Add(1) > 1 {
						overKey.Store(true)
					}
					if running.Add(1) > 3 {
						overAll.Store(true)
					}
					for range 100 { // stay a moment so that calls overlap
						if running.Load() < 0 {
							break
						}
					}
					running.Add(-1)
					perKeyRunning[k].Add(-1)
					ran.Add(1)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if overKey.Load() || overAll.Load() || g.Peak() > 3 {
		t.Errorf("bounds broken: per key %v, overall %v, peak %d", overKey.Load(), overAll.Load(), g.Peak())
	}
	if ran.Load() != keys*perKey || g.Passed() != keys*perKey {
		t.Errorf("ran %d (gate says %d), want %d", ran.Load(), g.Passed(), keys*perKey)
	}
	if len(g.keys) != 0 {
		t.Errorf("%d keys still held", len(g.keys))
	}
}

// A caller whose context ends while waiting gives up without running.
func TestGateWaiterGivesUp(t *testing.T) {
	g := NewGate(1)
	inside, release := make(chan struct{}), make(chan struct{})
	go func() {
		_ = g.Do(context.Background(), "a", func() error { close(inside); <-release; return nil })
	}()
	<-inside
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := g.Do(ctx, "a", func() error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) || ran {
		t.Errorf("err %v, ran %v", err, ran)
	}
	close(release)
}
