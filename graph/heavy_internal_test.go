package graph

import (
	"context"
	"errors"
	"testing"
	"time"
)

// A caller runs at most PerCaller operations with aggregates at a time;
// an operation takes one place however many aggregates it has, and frees
// it when done. More wait their turn (a dashboard's third tile is late,
// not failed), up to heavyWaiting of them; past that they are refused, and
// one whose request ends while it waits gives up. Other callers are not
// affected.
func TestHeavyOperationsPerCaller(t *testing.T) {
	ctx := context.Background()
	l := newHeavyLimit(RateLimits{}, 2)
	op := func(key string) *heavyOperation { return &heavyOperation{l: l, key: key} }
	const caller = "address:192.0.2.1"
	a, b := op(caller), op(caller)
	//lint:ignore SA4000 acquiring twice is the point: the second call must find its place held
	if a.acquire(ctx) != nil || a.acquire(ctx) != nil || b.acquire(ctx) != nil {
		t.Fatal("two operations (one asking twice) were refused")
	}
	if op("address:192.0.2.2").acquire(ctx) != nil {
		t.Error("another caller was refused")
	}

	// A third waits for a place and gets it when one is freed.
	third := op(caller)
	admitted := make(chan error, 1)
	go func() { admitted <- third.acquire(ctx) }()
	select {
	case err := <-admitted:
		t.Fatalf("a third operation at once was admitted without waiting (%v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	a.release()
	a.release() // twice is harmless
	select {
	case err := <-admitted:
		if err != nil {
			t.Fatalf("the waiting operation was refused when a place was freed: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting operation did not get the freed place")
	}

	// One whose request ends while it waits gives up, and leaves no trace.
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := op(caller).acquire(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the request's deadline: %v, want the deadline", err)
	}

	// Past the waiting room, refused at once.
	waiting, stop := context.WithCancel(ctx)
	defer stop()
	for range heavyWaiting {
		go func() { _ = op(caller).acquire(waiting) }()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		users := l.callers[caller].users
		l.mu.Unlock()
		if users == 2+heavyWaiting || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := op(caller).acquire(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("an operation past %d running and %d waiting: %v, want RATE_LIMITED", 2, heavyWaiting, err)
	}
	stop()

	// Once everything is done the caller is forgotten.
	b.release()
	third.release()
	deadline = time.Now().Add(5 * time.Second)
	for {
		l.mu.Lock()
		_, known := l.callers[caller]
		l.mu.Unlock()
		if !known {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a caller with nothing running or waiting is still remembered")
		}
		time.Sleep(time.Millisecond)
	}

	// An operation released while one of its fields waits for a place (its
	// last payload went out first) gives the place back when it gets one,
	// and nothing starts for it afterwards: no panic, no place lost.
	x, y := op(caller), op(caller)
	if x.acquire(ctx) != nil || y.acquire(ctx) != nil {
		t.Fatal("two places were not free")
	}
	late := op(caller)
	waited := make(chan error, 1)
	go func() { waited <- late.acquire(ctx) }()
	time.Sleep(20 * time.Millisecond)
	late.release()
	x.release()
	if err := <-waited; err == nil {
		t.Error("a field of a released operation got a place")
	}
	late.release()
	if err := late.acquire(ctx); err == nil {
		t.Error("a released operation took a place")
	}
	if z := op(caller); z.acquire(ctx) != nil {
		t.Error("the place given back is lost")
	}
}
