package graph

import (
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/internal/ratelimit"
)

// Subtree aggregates (a unit's stats, a yearly report, a plan's progress)
// read the records of every unit below theirs, so their database time
// follows the size of the subtree, which the document does not show. They
// are priced in two parts: a fixed price in the document's (aggregatePrice,
// see pagedComplexity), and before each runs a point per unitsPerPoint
// units of its subtree, charged to the caller's budget. And each caller
// runs only a few operations with aggregates at a time (heavyLimit), so a
// budget cannot be spent on the database all at once.
const (
	aggregatePrice = 10
	unitsPerPoint  = 2
	// DefaultHeavyPerCaller operations with aggregates run at once per
	// caller; a dashboard's other tiles wait their turn (up to
	// heavyWaiting of them) instead of failing.
	DefaultHeavyPerCaller = 2
	heavyWaiting          = 8
)

// heavyLimit admits at most PerCaller operations with subtree aggregates
// at a time per caller (an account, or an address for anonymous callers);
// up to heavyWaiting more wait for a place, within their request's
// deadline, and beyond that they are refused. It also charges the
// aggregates by subtree size to the caller's budget.
type heavyLimit struct {
	RateLimits
	PerCaller int

	mu      sync.Mutex
	callers map[string]*heavyCaller
}

// heavyCaller is one caller's places: a token in slots for each running
// operation, and users counting those running and those waiting.
type heavyCaller struct {
	slots chan struct{}
	users int
}

func newHeavyLimit(l RateLimits, perCaller int) *heavyLimit {
	if perCaller < 1 {
		perCaller = DefaultHeavyPerCaller
	}
	return &heavyLimit{RateLimits: l, PerCaller: perCaller, callers: map[string]*heavyCaller{}}
}

type heavyKey struct{}

// heavyOperation is one operation's share of heavyLimit: its caller, and
// whether (and with what answer) it took a place among the caller's
// running operations.
type heavyOperation struct {
	l      *heavyLimit
	key    string
	once   sync.Once
	err    error
	c      *heavyCaller // set while the operation holds or waits for a place
	held   bool
	closed bool // the operation's last payload is out: no place is taken any more
}

// aroundOperations gives each operation its heavyOperation and frees its
// place with the operation's last payload: with @defer the deferred
// fields run after the first payload is out, and still hold the place.
// The request's end frees it too, whatever happened.
func (l *heavyLimit) aroundOperations(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := &heavyOperation{l: l, key: callerKey(ctx)}
	context.AfterFunc(ctx, op.release)
	respond := next(context.WithValue(ctx, heavyKey{}, op))
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if resp == nil || resp.HasNext == nil || !*resp.HasNext {
			op.release()
		}
		return resp
	}
}

func (op *heavyOperation) acquire(ctx context.Context) error {
	op.once.Do(func() {
		l := op.l
		l.mu.Lock()
		if op.closed {
			l.mu.Unlock()
			op.err = context.Canceled // the operation is over; nothing may start for it
			return
		}
		c := l.callers[op.key]
		if c == nil {
			c = &heavyCaller{slots: make(chan struct{}, l.PerCaller)}
			l.callers[op.key] = c
		}
		if c.users >= l.PerCaller+heavyWaiting {
			l.mu.Unlock()
			op.err = tooMany(ctx, 1,
				"Bạn đang có quá nhiều truy vấn số liệu tổng hợp (thống kê, báo cáo) chạy và chờ cùng lúc; hãy đợi chúng xong rồi thử lại.",
				"Too many of your queries with aggregate figures (stats, reports) are running or waiting at once; wait for them to finish and try again.")
			return
		}
		c.users++
		op.c = c
		l.mu.Unlock()
		select {
		case c.slots <- struct{}{}:
			l.mu.Lock()
			if op.closed { // released while waiting: give the place back
				l.mu.Unlock()
				<-c.slots
				op.err = context.Canceled
				return
			}
			op.held = true
			l.mu.Unlock()
		case <-ctx.Done():
			op.err = ctx.Err() // the request's deadline: answered as TIMEOUT
			op.leave()
		}
	})
	return op.err
}

// release frees the operation's place, if it has one, and closes the
// operation; twice is harmless.
func (op *heavyOperation) release() {
	l := op.l
	l.mu.Lock()
	op.closed = true
	c, held := op.c, op.held
	op.held = false
	l.mu.Unlock()
	if held {
		<-c.slots
	}
	op.leave()
}

// leave stops counting the operation among its caller's users, and forgets
// a caller with none left.
func (op *heavyOperation) leave() {
	l := op.l
	l.mu.Lock()
	defer l.mu.Unlock()
	if op.c == nil {
		return
	}
	if op.c.users--; op.c.users <= 0 {
		delete(l.callers, op.key)
	}
	op.c = nil
}

// chargeSubtree admits an aggregate over unitID's subtree: it takes the
// operation's place among the caller's running ones and charges the
// caller a point per unitsPerPoint units of the subtree, or says why not.
func (r *Resolver) chargeSubtree(ctx context.Context, unitID int64) error {
	op, _ := ctx.Value(heavyKey{}).(*heavyOperation)
	if op == nil {
		return nil // not behind the endpoint's handler (tests of resolvers)
	}
	if err := op.acquire(ctx); err != nil {
		return err
	}
	units, err := loaders(ctx).SubtreeSize.Load(ctx, unitID)
	if err != nil {
		return err
	}
	lim, key := rateLimit{RateLimits: op.l.RateLimits}.budget(ctx)
	cost := units / unitsPerPoint
	if lim == nil || cost < 1 {
		return nil
	}
	d := lim.Take(key, cost)
	if d.Allowed {
		if prev, ok := ratelimit.Recorded(ctx); ok && prev.Allowed {
			d.Cost += prev.Cost // the headers and rateLimit field show the whole charge
		}
		ratelimit.Record(ctx, d)
		return nil
	}
	ratelimit.Record(ctx, d)
	return rateLimitedError(ctx, d, cost)
}
