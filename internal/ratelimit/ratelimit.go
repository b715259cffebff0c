// Package ratelimit budgets what each caller may ask of the server: a token
// bucket per key (an account, a client address) that refills continuously
// at a number of points per minute, in the style of GitHub's API where a
// request costs what its query costs.
package ratelimit

import (
	"context"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limiter holds one bucket per key. Buckets that have refilled completely
// are forgotten, so memory follows the callers of the last minute.
type Limiter struct {
	perMinute int
	now       func() time.Time
	refused   func()

	mu        sync.Mutex
	buckets   map[string]*rate.Limiter
	nextSweep time.Time
}

// New returns a limiter that lets each key spend perMinute points a minute,
// all of them at once if it has been quiet.
func New(perMinute int, opts ...Option) *Limiter {
	return NewAt(perMinute, time.Now, opts...)
}

// NewAt is New with a clock, for tests.
func NewAt(perMinute int, now func() time.Time, opts ...Option) *Limiter {
	l := &Limiter{perMinute: perMinute, now: now, buckets: map[string]*rate.Limiter{}}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Option changes how New builds a limiter.
type Option func(*Limiter)

// OnRefuse calls f (nil: nothing) each time the limiter refuses: a Take
// that is not allowed, or a Spent that answers yes. It is how refusals
// are counted for monitoring; f must be cheap and safe for concurrent use.
func OnRefuse(f func()) Option {
	return func(l *Limiter) { l.refused = f }
}

func (l *Limiter) refuse() {
	if l.refused != nil {
		l.refused()
	}
}

// Decision is the answer for one request, with what the caller needs to
// pace itself.
type Decision struct {
	Allowed bool
	// Limit is the bucket's size (points per minute); Remaining what is
	// left after this request; Cost what it was charged (0 when refused).
	Limit, Remaining, Cost int
	// Reset is when the bucket will be full again.
	Reset time.Time
	// RetryAfter, when refused, is how long until the request would fit;
	// zero with Allowed false means it never will (it costs more than Limit).
	RetryAfter time.Duration
}

// Take charges cost points (at least 1) to key's bucket, or refuses and
// charges nothing when the bucket does not hold enough.
func (l *Limiter) Take(key string, cost int) Decision {
	cost = max(cost, 1)
	now := l.now()
	b := l.bucket(key, now)
	d := Decision{Limit: l.perMinute}
	if cost > l.perMinute {
		d.Remaining = int(b.TokensAt(now))
		d.Reset = l.resetAt(b, now)
		l.refuse()
		return d
	}
	r := b.ReserveN(now, cost)
	if delay := r.DelayFrom(now); delay > 0 {
		r.CancelAt(now)
		d.RetryAfter = delay
		l.refuse()
	} else {
		d.Allowed, d.Cost = true, cost
	}
	d.Remaining = max(int(math.Floor(b.TokensAt(now))), 0)
	d.Reset = l.resetAt(b, now)
	return d
}

// Spent reports whether key's bucket holds less than one point, so its
// next request would be refused, and how long until it holds one. It
// charges nothing: a caller can refuse work before doing it.
func (l *Limiter) Spent(key string) (bool, time.Duration) {
	now := l.now()
	b := l.bucket(key, now)
	if tokens := b.TokensAt(now); tokens < 1 {
		l.refuse()
		return true, time.Duration((1 - tokens) / (float64(l.perMinute) / 60) * float64(time.Second))
	}
	return false, 0
}

func (l *Limiter) bucket(key string, now time.Time) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.nextSweep) {
		for k, b := range l.buckets {
			if b.TokensAt(now) >= float64(l.perMinute) {
				delete(l.buckets, k)
			}
		}
		l.nextSweep = now.Add(time.Minute)
	}
	b, ok := l.buckets[key]
	if !ok {
		b = rate.NewLimiter(rate.Limit(float64(l.perMinute)/60), l.perMinute)
		b.SetBurstAt(now, l.perMinute) // start full at the limiter's clock, not the wall clock
		l.buckets[key] = b
	}
	return b
}

func (l *Limiter) resetAt(b *rate.Limiter, now time.Time) time.Time {
	missing := float64(l.perMinute) - b.TokensAt(now)
	if missing <= 0 {
		return now
	}
	return now.Add(time.Duration(missing / (float64(l.perMinute) / 60) * float64(time.Second)))
}

// AddressKey is the budget key of a client address. An IPv6 client usually
// holds a whole /64 and could pick a fresh address per request, so IPv6
// addresses share their /64's budget; IPv4 (also written as IPv6) is kept.
func AddressKey(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return "address:" + ip
	}
	if a = a.Unmap(); a.Is6() {
		p, _ := a.Prefix(64)
		return "address:" + p.String()
	}
	return "address:" + a.String()
}

// Outcome carries a request's decision from where it is made (inside the
// GraphQL executor) to the HTTP response's status and headers.
type Outcome struct {
	mu  sync.Mutex
	set bool
	d   Decision
}

type outcomeKey struct{}

// WithOutcome returns ctx carrying a fresh Outcome for one request.
func WithOutcome(ctx context.Context) (context.Context, *Outcome) {
	o := &Outcome{}
	return context.WithValue(ctx, outcomeKey{}, o), o
}

// Record stores d as the request's outcome; a refusal is never overwritten
// by a later allowance.
func Record(ctx context.Context, d Decision) {
	o, _ := ctx.Value(outcomeKey{}).(*Outcome)
	if o == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.set && !o.d.Allowed {
		return
	}
	o.set, o.d = true, d
}

// Recorded returns the decision recorded in ctx for this request, if any.
func Recorded(ctx context.Context) (Decision, bool) {
	o, _ := ctx.Value(outcomeKey{}).(*Outcome)
	if o == nil {
		return Decision{}, false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.d, o.set
}

// Apply writes the rate-limit headers for the recorded decision and returns
// the status to answer with: 429 when refused, else status unchanged.
func (o *Outcome) Apply(h http.Header, status int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.set {
		return status
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(o.d.Limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(o.d.Remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(o.d.Cost))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(o.d.Reset.Unix(), 10))
	if o.d.Allowed {
		return status
	}
	if o.d.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(RetrySeconds(o.d.RetryAfter)))
	}
	return http.StatusTooManyRequests
}

// RetrySeconds rounds a wait up to whole seconds, as Retry-After needs.
func RetrySeconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
