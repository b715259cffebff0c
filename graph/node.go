package graph

import (
	"context"
	"errors"

	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
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
	l := loaders(ctx)
	switch kind {
	case model.KindUnit:
		return thunk(l.Unit.LoadThunk(ctx, n))
	case model.KindMember:
		load := l.Member.LoadThunk(ctx, n)
		return thunk(func() (*member.Member, error) {
			m, err := found(load())
			return visibleMember(ctx, m, err)
		})
	case model.KindActivity:
		return thunk(l.Activity.LoadThunk(ctx, n))
	case model.KindCampaign:
		return thunk(l.Campaign.LoadThunk(ctx, n))
	case model.KindContribution:
		return thunk(l.Contribution.LoadThunk(ctx, n))
	case model.KindCommendation:
		load := l.Commendation.LoadThunk(ctx, n)
		return thunk(func() (*award.Commendation, error) {
			c, err := found(load())
			return visibleCommendation(ctx, c, err)
		})
	case model.KindAccount:
		see, load := r.seeAccount(ctx, n), thunk(l.Account.LoadThunk(ctx, n))
		return func() (model.Node, error) {
			if err := see(); err != nil {
				return nil, err
			}
			return load()
		}
	case model.KindPost:
		return func() (model.Node, error) {
			p, err := r.visiblePost(ctx, n)
			if p == nil {
				return nil, err
			}
			return p, err
		}
	case model.KindPledge:
		return thunk(l.Pledge.LoadThunk(ctx, n))
	}
	return func() (model.Node, error) { return nil, nil }
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
