package ratelimit

import (
	"context"
	"net/http"
	"testing"
	"time"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time                   { return c.t }
func (c *clock) advance(d time.Duration)          { c.t = c.t.Add(d) }
func newClock() *clock                            { return &clock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)} }
func take(l *Limiter, key string, n int) Decision { return l.Take(key, n) }

func TestBucketSpendsRefillsAndRefuses(t *testing.T) {
	c := newClock()
	l := NewAt(600, c.now) // 10 points a second
	steps := []struct {
		name      string
		wait      time.Duration
		key       string
		cost      int
		allowed   bool
		remaining int
		retry     time.Duration
	}{
		{"a full bucket pays", 0, "a", 500, true, 100, 0},
		{"too little left", 0, "a", 150, false, 100, 5 * time.Second},
		{"another key has its own bucket", 0, "b", 600, true, 0, 0},
		{"refilled after waiting", 5 * time.Second, "a", 150, true, 0, 0},
		{"a zero cost still costs one", 0, "a", 0, false, 0, 100 * time.Millisecond},
		{"more than the whole budget never fits", time.Hour, "a", 601, false, 600, 0},
	}
	for _, s := range steps {
		c.advance(s.wait)
		d := take(l, s.key, s.cost)
		if d.Allowed != s.allowed || d.Remaining != s.remaining || d.RetryAfter != s.retry || d.Limit != 600 {
			t.Errorf("%s: got %+v; want allowed %v, remaining %d, retry %s", s.name, d, s.allowed, s.remaining, s.retry)
		}
		if !d.Allowed && d.Cost != 0 {
			t.Errorf("%s: a refusal charged %d", s.name, d.Cost)
		}
	}
}

func TestFullBucketsAreForgotten(t *testing.T) {
	c := newClock()
	l := NewAt(60, c.now)
	for _, k := range []string{"x", "y", "z"} {
		l.Take(k, 30)
	}
	c.advance(2 * time.Minute)
	l.Take("v", 50) // spent just before the sweep: must be kept, with its debt
	c.advance(time.Second)
	l.Take("w", 1) // the sweep runs here
	if len(l.buckets) != 2 {
		t.Errorf("after refilling, %d buckets kept; want v and w", len(l.buckets))
	}
	if d := l.Take("v", 20); d.Allowed {
		t.Errorf("v's spent points came back with the sweep: %+v", d)
	}
}

// A refusal recorded for a request is not overwritten by a later allowance
// (the login check after the operation's budget, say).
func TestRecordKeepsRefusal(t *testing.T) {
	ctx, o := WithOutcome(context.Background())
	Record(ctx, Decision{Allowed: false, Limit: 10, RetryAfter: time.Second})
	Record(ctx, Decision{Allowed: true, Limit: 10, Remaining: 9, Cost: 1})
	if got := o.Apply(http.Header{}, http.StatusOK); got != http.StatusTooManyRequests {
		t.Errorf("status %d, want 429", got)
	}
}

func TestOutcomeHeaders(t *testing.T) {
	c := newClock()
	l := NewAt(60, c.now)
	o := &Outcome{}
	h := http.Header{}
	if got := o.Apply(h, http.StatusOK); got != http.StatusOK || len(h) != 0 {
		t.Fatalf("no decision: status %d, headers %v", got, h)
	}
	o.set, o.d = true, l.Take("k", 60)
	if got := o.Apply(h, http.StatusOK); got != http.StatusOK || h.Get("X-RateLimit-Remaining") != "0" || h.Get("X-RateLimit-Used") != "60" {
		t.Errorf("allowed: status %d, headers %v", got, h)
	}
	o.d = l.Take("k", 3)
	h = http.Header{}
	if got := o.Apply(h, http.StatusOK); got != http.StatusTooManyRequests || h.Get("Retry-After") != "3" ||
		h.Get("X-RateLimit-Reset") != "1795766460" {
		t.Errorf("refused: status %d, headers %v", got, h)
	}
}

func TestSpentChargesNothing(t *testing.T) {
	c := newClock()
	l := NewAt(60, c.now) // one point a second
	if spent, _ := l.Spent("k"); spent {
		t.Fatal("a fresh bucket is not spent")
	}
	l.Take("k", 60)
	spent, wait := l.Spent("k")
	if !spent || wait != time.Second {
		t.Errorf("after spending all: spent %v, wait %s", spent, wait)
	}
	c.advance(time.Second)
	if spent, _ := l.Spent("k"); spent {
		t.Error("a point has come back")
	}
	if d := l.Take("k", 1); !d.Allowed {
		t.Error("Spent must not have charged the point")
	}
}

func TestAddressKey(t *testing.T) {
	for ip, want := range map[string]string{
		"203.0.113.5":             "address:203.0.113.5",
		"::ffff:203.0.113.5":      "address:203.0.113.5",
		"2001:db8:1:2:aaaa::1":    "address:2001:db8:1:2::/64",
		"2001:db8:1:2:bbbb::ff":   "address:2001:db8:1:2::/64",
		"2001:db8:1:3::1":         "address:2001:db8:1:3::/64",
		"not an address (a pipe)": "address:not an address (a pipe)",
	} {
		if got := AddressKey(ip); got != want {
			t.Errorf("AddressKey(%q) = %q, want %q", ip, got, want)
		}
	}
}

// OnRefuse hears every refusal, and nothing else, for monitoring.
func TestOnRefuseCountsRefusals(t *testing.T) {
	c := newClock()
	refusals := 0
	l := NewAt(2, c.now, OnRefuse(func() { refusals++ }))
	steps := []struct {
		name  string
		do    func()
		total int
	}{
		{"allowed", func() { l.Take("a", 1) }, 0},
		{"allowed again", func() { l.Take("a", 1) }, 0},
		{"spent bucket asked", func() { l.Spent("a") }, 1},
		{"refused take", func() { l.Take("a", 1) }, 2},
		{"over the whole budget", func() { l.Take("b", 3) }, 3},
		{"full bucket asked", func() { l.Spent("b") }, 3},
	}
	for _, s := range steps {
		s.do()
		if refusals != s.total {
			t.Errorf("%s: %d refusals heard, want %d", s.name, refusals, s.total)
		}
	}
}
