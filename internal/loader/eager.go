package loader

import (
	"context"
	"sync"

	"github.com/vikstrous/dataloadgen"
)

// Eager is a loader whose keys can also be fetched at once by code that
// holds all of them: a list resolver that has read its page knows every
// key its nodes will ask for, so it need not wait for them to gather.
type Eager[K comparable, V any] struct {
	*dataloadgen.Loader[K, V]
	fetch func(context.Context, []K) ([]V, []error)
}

func newEager[K comparable, V any](fetch func(context.Context, []K) ([]V, []error), opt dataloadgen.Option) *Eager[K, V] {
	return &Eager[K, V]{Loader: dataloadgen.NewLoader(fetch, opt), fetch: fetch}
}

// LoadNow fetches keys in one batch, without the loader's wait, and
// primes the loader with their values, so that each later Load of one
// returns at once. Keys it holds already are fetched again but keep
// their first value, as every Load of them has seen.
func (e *Eager[K, V]) LoadNow(ctx context.Context, keys []K) error {
	if len(keys) == 0 {
		return nil
	}
	values, errs := e.fetch(ctx, keys)
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	for i, k := range keys {
		e.Prime(k, values[i])
	}
	return nil
}

// AtHand records the fields whose values are loaded already for the
// objects of a list, and for the list itself, so that each object
// resolves them in place rather than in a goroutine of its own waiting on
// its loader (graph's prefetch and the generated code that asks it).
// Objects and lists are known by their pointers, for one request.
type AtHand struct {
	mu     sync.RWMutex
	fields map[any]map[string]bool
}

// Mark records that fields of each of keys (objects, or the list that
// holds them) are at hand.
func (a *AtHand) Mark(fields []string, keys ...any) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.fields == nil {
		a.fields = map[any]map[string]bool{}
	}
	for _, k := range keys {
		set := a.fields[k]
		if set == nil {
			set = make(map[string]bool, len(fields))
			a.fields[k] = set
		}
		for _, f := range fields {
			set[f] = true
		}
	}
}

// Has reports whether field of key is at hand.
func (a *AtHand) Has(key any, field string) bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.fields[key][field]
}

// Of returns the fields of key at hand (nil: none); it is not to be
// changed.
func (a *AtHand) Of(key any) map[string]bool {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return a.fields[key]
}
