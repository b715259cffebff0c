package account

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	"github.com/sodoan/sodoan/internal/access"
)

// principalCache remembers for a moment whom a session token signs in, so
// a dashboard that fires ten queries at once checks its session once, not
// ten times. Every change this store makes to accounts, roles or sessions
// empties it, and so does every change any server commits to those or to
// the tree, as the access watch hears it (Store.Connected, Store.Changed);
// a lookup that raced with such a change is not kept. While the watch is
// not connected, another server's change could go unheard, so the cache is
// not used at all: sessions are looked up every time.
type principalCache struct {
	mu      sync.Mutex
	gen     uint64 // bumped by every change, so a lookup begun before it is not kept
	watched bool   // the access watch is connected: changes elsewhere are heard
	lru     *expirable.LRU[string, *access.Principal]
}

func newPrincipalCache(ttl time.Duration) *principalCache {
	if ttl <= 0 {
		return nil
	}
	return &principalCache{lru: expirable.NewLRU[string, *access.Principal](10_000, nil, ttl)}
}

// get returns the principal cached for a token hash, and the generation to
// hand back to put after a lookup.
func (c *principalCache) get(key string) (*access.Principal, uint64) {
	if c == nil {
		return nil, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.watched {
		return nil, c.gen
	}
	p, _ := c.lru.Get(key)
	return p, c.gen
}

// put keeps p unless something changed since the lookup began (gen).
func (c *principalCache) put(key string, p *access.Principal, gen uint64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen == c.gen && c.watched {
		c.lru.Add(key, p)
	}
}

// watch says whether changes made elsewhere are heard from now on; either
// way what was remembered goes, since changes may have been missed.
func (c *principalCache) watch(on bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.watched = on
	c.gen++
	c.lru.Purge()
}

// forget empties the cache; called after every change that can alter who
// a token signs in, or whether it still does.
func (c *principalCache) forget() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.lru.Purge()
}
