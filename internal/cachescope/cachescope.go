// Package cachescope lets the code that builds an answer say that it holds
// data of this caller alone (their rate-limit budget, their account), so
// the HTTP layer keeps shared caches from storing it even when the caller
// is anonymous and the answer would otherwise be public.
package cachescope

import (
	"context"
	"sync/atomic"
)

type key struct{}

// scope is written by resolvers, which may run concurrently, and read by
// the HTTP layer once the answer is built.
type scope struct{ private atomic.Bool }

// With returns a context in which MarkPrivate is recorded; the HTTP layer
// calls it once per request and reads the mark with Private.
func With(ctx context.Context) context.Context {
	return context.WithValue(ctx, key{}, &scope{})
}

// MarkPrivate says the answer being built is for this caller only. Outside
// a context from With it does nothing (tests, background work).
func MarkPrivate(ctx context.Context) {
	if s, ok := ctx.Value(key{}).(*scope); ok {
		s.private.Store(true)
	}
}

// Private reports whether anything marked the answer private.
func Private(ctx context.Context) bool {
	s, ok := ctx.Value(key{}).(*scope)
	return ok && s.private.Load()
}
