package graph

import (
	"context"
	"errors"

	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/graph/model"
)

// maxNodes bounds nodes(ids:), like a connection's first.
const maxNodes = 100

// node starts loading any record by its global ID through the request's
// loaders and returns a thunk that waits for it, so nodes(ids:) batches by
// type. A well-formed ID of a record that no longer exists gives null; a
// malformed one is NOT_FOUND.
func (r *Resolver) node(ctx context.Context, id string) func() (model.Node, error) {
	kind, n, err := model.CheckAnyID(id)
	if err != nil {
		return func() (model.Node, error) { return nil, err }
	}
	t, ok := recordTypes.byKind[kind]
	if !ok {
		return func() (model.Node, error) { return nil, nil } // a kind with no node (an audit entry, a photo)
	}
	return t.node(ctx, r, n)
}

// thunk adapts a loader's thunk: a missing record is null, and a nil
// pointer becomes a nil interface (a typed nil would be a non-null Node
// with nothing in it).
func thunk[T any](load func() (*T, error)) func() (model.Node, error) {
	return func() (model.Node, error) {
		v, err := load()
		switch {
		case errors.Is(err, dataloadgen.ErrNotFound):
			return nil, nil
		case err != nil:
			return nil, err
		case v == nil:
			return nil, nil
		}
		return v, nil
	}
}

// found turns a loader's "not found" into a nil record.
func found[T any](v *T, err error) (*T, error) {
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}
