package graph

import (
	"context"
	"errors"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/patch"
)

// loaders returns the request's batching loaders.
func loaders(ctx context.Context) *loader.Loaders { return loader.For(ctx) }

// loadOne loads a record through a loader; a missing one is nil, not an error.
func loadOne[K comparable, T any](ctx context.Context, l *dataloadgen.Loader[K, *T], id K) (*T, error) {
	v, err := l.Load(ctx, id)
	if errors.Is(err, dataloadgen.ErrNotFound) {
		return nil, nil
	}
	return v, err
}

// loadFound loads ids in one batch and keeps, in order, those that exist
// (a record deleted since its id was read is left out).
func loadFound[K comparable, T any](ctx context.Context, l *dataloadgen.Loader[K, *T], ids []K) ([]*T, error) {
	vals, err := l.LoadAll(ctx, ids)
	var errs dataloadgen.ErrorSlice
	if errors.As(err, &errs) {
		for _, e := range errs {
			if e != nil && !errors.Is(e, dataloadgen.ErrNotFound) {
				return nil, e
			}
		}
	} else if err != nil {
		return nil, err
	}
	out := make([]*T, 0, len(vals))
	for _, v := range vals {
		if v != nil {
			out = append(out, v)
		}
	}
	return out, nil
}

// loadByID loads the record a query's id argument names; a malformed or
// foreign id is a top-level NOT_FOUND error.
func loadByID[T any](ctx context.Context, l *dataloadgen.Loader[int64, *T], kind model.Kind, id string) (*T, error) {
	n, err := model.DecodeID(kind, id)
	if err != nil {
		return nil, err
	}
	return loadOne(ctx, l, n)
}

// pointers turns records loaded as values into the list of pointers a
// resolver returns.
func pointers[T any](list []T, err error) ([]*T, error) {
	out := make([]*T, len(list))
	for i := range list {
		out[i] = &list[i]
	}
	return out, err
}

// loadOptional is loadOne for a nullable reference.
func loadOptional[T any](ctx context.Context, l *dataloadgen.Loader[int64, *T], id *int64) (*T, error) {
	if id == nil {
		return nil, nil
	}
	return loadOne(ctx, l, *id)
}

// value reads an optional input field: nil when left out or null.
func value[T any](o graphql.Omittable[*T]) *T { return o.Value() }

// list reads an optional list input field.
func list[T any](o graphql.Omittable[[]T]) []T { return o.Value() }

// optional keeps the difference between a field left out and one set to null.
func optional[T any](o graphql.Omittable[*T]) patch.Optional[T] {
	return patch.Optional[T]{Set: o.IsSet(), Value: o.Value()}
}

// intPtr widens an optional GraphQL Int.
func intPtr(v *int32) *int {
	if v == nil {
		return nil
	}
	n := int(*v)
	return &n
}

// userErrors turns a service's *apperr.Invalid into the payload's
// userErrors, worded in the request's language. Any other error is returned
// as it is, to become a top-level error.
func userErrors(ctx context.Context, err error) ([]*model.UserError, error) {
	inv, ok := apperr.AsInvalid(err)
	if !ok {
		return nil, err
	}
	out := make([]*model.UserError, len(inv.Errors))
	for i, fe := range inv.Errors {
		out[i] = &model.UserError{
			Field:   fe.Field,
			Message: i18n.Pick(ctx, fe.VI, fe.EN),
			Code:    model.UserErrorCode(fe.Code),
		}
	}
	return out, nil
}

// noErrors is the userErrors of a mutation that succeeded: an empty list,
// never null.
var noErrors = []*model.UserError{}

// inputID decodes an ID given in a mutation's input; a malformed or foreign
// ID is a NOT_FOUND user error on that field (as idsOf reports it).
func inputID(kind model.Kind, id string, field ...any) (int64, error) {
	var d idsOf
	n := d.one(kind, id, field...)
	return n, d.err()
}

// optionalInputID decodes an optional ID of a mutation's input.
func optionalInputID(kind model.Kind, id *string, field ...any) (*int64, error) {
	var d idsOf
	n := d.optional(kind, id, field...)
	return n, d.err()
}

// filterID decodes an ID given as a query argument or filter; a bad one is
// a top-level NOT_FOUND error, since a query has no userErrors.
func filterID(kind model.Kind, id *string) (*int64, error) {
	if id == nil {
		return nil, nil
	}
	n, err := model.DecodeID(kind, *id)
	if err != nil {
		return nil, err
	}
	return &n, nil
}
