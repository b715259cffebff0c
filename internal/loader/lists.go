package loader

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/internal/page"
)

// Lists batches one nested list that takes arguments (filters, an order, a
// page size), such as a unit's members: the first pages of every parent
// asked with the same arguments are fetched in one query, and so are their
// counts. Parents asked with different arguments are fetched apart.
type Lists[A, V any] struct {
	mu     sync.Mutex
	args   map[string]A // arguments by fingerprint
	pages  *dataloadgen.Loader[listKey, page.Page[V]]
	counts *dataloadgen.Loader[listKey, int]
}

type listKey struct {
	parent int64
	args   string
}

func newLists[A, V any](
	pages func(ctx context.Context, parents []int64, a A) (map[int64]page.Page[V], error),
	counts func(ctx context.Context, parents []int64, a A) (map[int64]int, error),
	opt dataloadgen.Option,
) *Lists[A, V] {
	l := &Lists[A, V]{args: map[string]A{}}
	l.pages = dataloadgen.NewLoader(func(ctx context.Context, keys []listKey) ([]page.Page[V], []error) {
		return byArgs(ctx, l, keys, pages)
	}, opt)
	l.counts = dataloadgen.NewLoader(func(ctx context.Context, keys []listKey) ([]int, []error) {
		return byArgs(ctx, l, keys, counts)
	}, opt)
	return l
}

// Page returns parent's first page of the list asked with a.
func (l *Lists[A, V]) Page(ctx context.Context, parent int64, a A) (page.Page[V], error) {
	return l.pages.Load(ctx, l.key(parent, a))
}

// Count returns how many items parent's list holds under a.
func (l *Lists[A, V]) Count(ctx context.Context, parent int64, a A) (int, error) {
	return l.counts.Load(ctx, l.key(parent, a))
}

func (l *Lists[A, V]) key(parent int64, a A) listKey {
	b, _ := json.Marshal(a) // argument structs of plain values always marshal
	fp := string(b)
	l.mu.Lock()
	l.args[fp] = a
	l.mu.Unlock()
	return listKey{parent: parent, args: fp}
}

// byArgs fetches each group of keys that share arguments, one call a group.
func byArgs[A, V, R any](ctx context.Context, l *Lists[A, V], keys []listKey,
	fetch func(context.Context, []int64, A) (map[int64]R, error)) ([]R, []error) {
	return grouped(ctx, keys, func(k listKey) (string, int64) { return k.args, k.parent },
		func(ctx context.Context, fp string, parents []int64) (map[int64]R, error) {
			l.mu.Lock()
			a := l.args[fp]
			l.mu.Unlock()
			return fetch(ctx, parents, a)
		})
}
