package graph

import (
	"context"
	"fmt"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/org"
)

// decided is a restructuring input's decision.
func decided(effectiveOn time.Time, number string, note graphql.Omittable[*string]) org.Decided {
	return org.Decided{EffectiveOn: effectiveOn, DecisionNumber: number, Note: value(note)}
}

// changed answers a restructuring decision with the decision and its unit
// as it now is. Structure changes move whole subtrees, so the unit is read
// past the request's loader.
func (r *Resolver) changed(ctx context.Context, c *org.Change, err error) (*model.UnitChangePayload, error) {
	if err != nil {
		return respond[model.UnitChangePayload](ctx, nil, err)
	}
	units, err := r.UnitStore.ByIDs(ctx, []int64{c.UnitID})
	if err != nil {
		return nil, err
	}
	// Read back with its lineage, which the decision's result does not carry.
	full, err := loadOne(ctx, loaders(ctx).UnitChange, c.ID)
	if err != nil || full == nil {
		return nil, fmt.Errorf("decision %d just recorded: %w", c.ID, err)
	}
	return respond(ctx, &model.UnitChangePayload{Change: full, Unit: units[c.UnitID]}, nil)
}

// versionOf is a unit's version of a day, nil when it did not exist then.
func versionOf(ctx context.Context, unitID int64, on time.Time) (*model.UnitVersion, error) {
	v, err := loadOne(ctx, loaders(ctx).UnitAsOf, org.AsOfKey{UnitID: unitID, On: on.Format(time.DateOnly)})
	if err != nil || v == nil {
		return nil, err
	}
	return &model.UnitVersion{UnitVersion: v, On: on}, nil
}

// linkedUnits are the units on one side of a decision's lineage.
func linkedUnits(ctx context.Context, c *org.Change, side func(org.LineageLink) int64) ([]*org.Unit, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, l := range c.Links {
		if id := side(l); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return loadFound(ctx, loaders(ctx).Unit, ids)
}
