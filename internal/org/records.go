package org

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
)

// ChangesByIDs returns restructuring decisions by id with their lineage
// links, for node(id:) and the links from versions and lineage steps.
func (t *Timeline) ChangesByIDs(ctx context.Context, ids []int64) (map[int64]*Change, error) {
	rows, err := t.pool.Query(ctx, `SELECT c.id, c.kind, c.unit_id, c.effective_on, c.decision_number, c.note, c.created_by, c.created_at,
			coalesce((SELECT array_agg(l.predecessor_id ORDER BY l.id) FROM unit_lineage l WHERE l.change_id = c.id), '{}'),
			coalesce((SELECT array_agg(l.successor_id ORDER BY l.id) FROM unit_lineage l WHERE l.change_id = c.id), '{}')
		FROM unit_changes c WHERE c.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("changes by id: %w", err)
	}
	out := make(map[int64]*Change, len(ids))
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var c Change
		var preds, succs []int64
		if err := r.Scan(&c.ID, &c.Kind, &c.UnitID, &c.EffectiveOn, &c.DecisionNumber, &c.Note, &c.CreatedBy, &c.CreatedAt,
			&preds, &succs); err != nil {
			return struct{}{}, err
		}
		for i := range preds {
			c.Links = append(c.Links, LineageLink{ChangeID: c.ID, PredecessorID: preds[i], SuccessorID: succs[i]})
		}
		out[c.ID] = &c
		return struct{}{}, nil
	})
	if err != nil {
		return nil, fmt.Errorf("changes by id: %w", err)
	}
	return out, nil
}

// PositionsByIDs returns committee posts by id.
func (t *Timeline) PositionsByIDs(ctx context.Context, ids []int64) (map[int64]*Position, error) {
	rows, err := t.pool.Query(ctx, `SELECT `+positionColumns+positionFrom+` WHERE p.id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("positions by id: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Position, error) { return scanPosition(r) })
	if err != nil {
		return nil, fmt.Errorf("positions by id: %w", err)
	}
	out := make(map[int64]*Position, len(list))
	for _, p := range list {
		out[p.ID] = p
	}
	return out, nil
}

// AsOfKey asks for a unit as it stood on a day.
type AsOfKey struct {
	UnitID int64
	On     string // YYYY-MM-DD, so keys compare by value
}

// VersionsAsOf returns, for each key, the unit's version of its day (keys
// of units that did not exist then are left out), in one statement however
// many days are asked: a list of units each showing asOf(date:).
func (t *Timeline) VersionsAsOf(ctx context.Context, keys []AsOfKey) (map[AsOfKey]*UnitVersion, error) {
	ids, days := make([]int64, len(keys)), make([]string, len(keys))
	for i, k := range keys {
		ids[i], days[i] = k.UnitID, k.On
	}
	rows, err := t.pool.Query(ctx, `SELECT k.day::text, `+versionColumns+`
		FROM unnest($1::bigint[], $2::date[]) AS k(id, day)
		JOIN unit_versions v ON v.unit_id = k.id AND v.during @> k.day`, ids, days)
	if err != nil {
		return nil, fmt.Errorf("units as of their days: %w", err)
	}
	out := make(map[AsOfKey]*UnitVersion, len(keys))
	_, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (struct{}, error) {
		var day string
		var v UnitVersion
		err := r.Scan(&day, &v.UnitID, &v.ParentID, &v.Level, &v.Name, &v.ShortName, &v.Path, &v.ValidFrom, &v.ValidTo, &v.ChangeID)
		out[AsOfKey{UnitID: v.UnitID, On: day}] = &v
		return struct{}{}, err
	})
	if err != nil {
		return nil, fmt.Errorf("units as of their days: %w", err)
	}
	return out, nil
}

// HeirsOf returns the paths of the units that carry on the history of
// unit id when it has ended: the units the lineage of it, or of an ended
// unit above it, passes to, and theirs in turn when those ended too (a
// district dissolved in a province merged into another). Their managers
// manage the ended unit's past; its own officers' roles lapsed with it.
// Empty for a unit that has not ended.
func (t *Timeline) HeirsOf(ctx context.Context, id int64) ([]string, error) {
	rows, err := t.pool.Query(ctx, `WITH RECURSIVE heirs(id) AS (
			SELECT l.successor_id FROM units u
			JOIN units a ON a.path @> u.path AND a.archived_at IS NOT NULL
			JOIN unit_lineage l ON l.predecessor_id = a.id
			WHERE u.id = $1 AND u.archived_at IS NOT NULL
		UNION
			SELECT l.successor_id FROM heirs h
			JOIN units u ON u.id = h.id
			JOIN units a ON a.path @> u.path AND a.archived_at IS NOT NULL
			JOIN unit_lineage l ON l.predecessor_id = a.id)
		SELECT u.path::text FROM heirs h JOIN units u ON u.id = h.id`, id)
	if err != nil {
		return nil, fmt.Errorf("heirs of unit %d: %w", id, err)
	}
	paths, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("heirs of unit %d: %w", id, err)
	}
	return paths, nil
}

const termColumns = `id, unit_id, name, valid_from, valid_to, decision_number, version`

func scanTerm(r pgx.Row) (*Term, error) {
	var t Term
	err := r.Scan(&t.ID, &t.UnitID, &t.Name, &t.ValidFrom, &t.ValidTo, &t.DecisionNumber, &t.Version)
	return &t, err
}

// TermsByIDs returns committee terms by id.
func (t *Timeline) TermsByIDs(ctx context.Context, ids []int64) (map[int64]*Term, error) {
	return db.ByIDs(ctx, t.pool, "committee_terms", termColumns, ids, scanTerm, func(t *Term) int64 { return t.ID })
}

// TermsOf returns a unit's committee terms, oldest first.
func (t *Timeline) TermsOf(ctx context.Context, unitID int64) ([]*Term, error) {
	return db.Collect(ctx, t.pool, fmt.Sprintf("terms of unit %d", unitID), scanTerm,
		`SELECT `+termColumns+` FROM committee_terms WHERE unit_id = $1 ORDER BY valid_from, id`, unitID)
}

// PostsOfTerm returns the posts recorded in a term, secretary first.
func (t *Timeline) PostsOfTerm(ctx context.Context, termID int64) ([]*Position, error) {
	return db.Collect(ctx, t.pool, fmt.Sprintf("posts of term %d", termID), scanPosition,
		`SELECT `+positionColumns+positionFrom+` WHERE p.term_id = $1
		ORDER BY array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'STANDING_COMMITTEE_MEMBER', 'COMMITTEE_MEMBER'], p.title),
			p.valid_from, p.id`, termID)
}
