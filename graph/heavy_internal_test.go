package graph

import (
	"context"
	"testing"
)

// A caller runs at most PerCaller operations with aggregates at a time;
// an operation takes one place however many aggregates it has, and frees
// it when done. Other callers are not affected.
func TestHeavyOperationsPerCaller(t *testing.T) {
	ctx := context.Background()
	l := newHeavyLimit(RateLimits{}, 2)
	op := func(key string) *heavyOperation { return &heavyOperation{l: l, key: key} }
	a, b, c := op("address:192.0.2.1"), op("address:192.0.2.1"), op("address:192.0.2.1")
	if a.acquire(ctx) != nil || a.acquire(ctx) != nil || b.acquire(ctx) != nil {
		t.Fatal("two operations (one asking twice) were refused")
	}
	if err := c.acquire(ctx); err == nil {
		t.Fatal("a third operation at once was admitted")
	}
	if op("address:192.0.2.2").acquire(ctx) != nil {
		t.Error("another caller was refused")
	}
	a.release()
	a.release()
	if d := op("address:192.0.2.1"); d.acquire(ctx) != nil {
		t.Error("a place freed was not given again")
	}
	if n := l.running["address:192.0.2.1"]; n != 2 {
		t.Errorf("running %d, want 2", n)
	}
}
