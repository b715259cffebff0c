package loader

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vikstrous/dataloadgen"
)

// LoadNow fetches its keys in one call, without the loader's wait, and
// later Loads of them are answered from what it fetched; a failed fetch
// primes nothing, so the keys are fetched again when asked.
func TestEagerLoadNow(t *testing.T) {
	ctx := context.Background()
	var calls [][]int64
	fail := false
	e := newEager(func(_ context.Context, keys []int64) ([]string, []error) {
		calls = append(calls, keys)
		if fail {
			return nil, []error{errors.New("down")}
		}
		out := make([]string, len(keys))
		for i, k := range keys {
			out[i] = string(rune('a' + k))
		}
		return out, nil
	}, dataloadgen.WithWait(time.Hour)) // a Load that waited would hang the test

	if err := e.LoadNow(ctx, []int64{1, 2}); err != nil {
		t.Fatal(err)
	}
	if v, err := e.Load(ctx, 2); err != nil || v != "c" {
		t.Errorf("Load(2) = %q, %v after LoadNow", v, err)
	}
	if len(calls) != 1 || len(calls[0]) != 2 {
		t.Errorf("fetches %v, want one of both keys", calls)
	}
	fail = true
	if err := e.LoadNow(ctx, []int64{3}); err == nil {
		t.Error("a failed fetch reports no error")
	}
	fail = false
	if err := e.LoadNow(ctx, []int64{3}); err != nil {
		t.Fatal(err)
	}
	if v, _ := e.Load(ctx, 3); v != "d" || len(calls) != 3 {
		t.Errorf("after a failed fetch: %q, fetches %v", v, calls)
	}
	if err := e.LoadNow(ctx, nil); err != nil || len(calls) != 3 {
		t.Errorf("no keys: %v, fetches %v", err, calls)
	}
}

// AtHand knows, per object, the fields marked for it and no others.
func TestAtHand(t *testing.T) {
	var a AtHand
	x, y := new(int), new(int)
	if a.Has(x, "f") || a.Of(x) != nil {
		t.Error("an empty AtHand has fields")
	}
	a.Mark([]string{"f", "g"}, x)
	if !a.Has(x, "f") || !a.Has(x, "g") || a.Has(x, "h") || a.Has(y, "f") || len(a.Of(x)) != 2 {
		t.Errorf("after marking x: %v %v", a.Of(x), a.Of(y))
	}
}
