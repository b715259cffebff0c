// Package ctxvalue carries typed values in a context, each under a key of
// its own, so a package need not declare a key type and repeat the
// type assertion for every value it keeps there.
package ctxvalue

import "context"

// Key is the context key of one kind of value. Declare one variable per
// value (var requestKey ctxvalue.Key[string]); the variable's address is the
// key, so two Keys of the same type never collide.
type Key[T any] struct {
	_ byte // not zero-sized: distinct Keys have distinct addresses
}

// With returns ctx carrying v under k.
func (k *Key[T]) With(ctx context.Context, v T) context.Context {
	return context.WithValue(ctx, k, v)
}

// From returns the value ctx carries under k, and whether there is one.
func (k *Key[T]) From(ctx context.Context) (T, bool) {
	v, ok := ctx.Value(k).(T)
	return v, ok
}
