package org

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/money"
)

// Stats are a dashboard tile's figures over a unit and everything below it.
type Stats struct {
	Year              int
	MembersTotal      int
	MembersByStatus   map[string]int
	Branches          int
	Activities        int
	Participations    int
	VolunteerHours    float64
	ContributionValue int64
}

// StatsOf computes the dashboard figures of several units for a year in one
// statement. Cancelled activities count for nothing. The year's activities
// are those of the unit's subtree as it stood on its last day in the year
// (as a yearly report reads them), so that restructuring since leaves a
// past year's figures alone; the members and branches are today's.
func (s *Store) StatsOf(ctx context.Context, unitIDs []int64, year int) (map[int64]*Stats, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.id, x.* FROM unnest($1::bigint[]) AS r(id) CROSS JOIN LATERAL (
			WITH tree AS (
				SELECT id, level, archived_at FROM units
				WHERE path <@ (SELECT path FROM units WHERE id = r.id)
			), d AS (
				SELECT max(least(coalesce(valid_to, make_date($2, 12, 31)), make_date($2, 12, 31))) AS day FROM unit_versions
				WHERE unit_id = r.id AND during && daterange(make_date($2, 1, 1), make_date($2, 12, 31), '[]')
			), then_tree AS (
				SELECT v.unit_id FROM d JOIN unit_versions rv ON rv.unit_id = r.id AND rv.during @> d.day
				JOIN unit_versions v ON v.path <@ rv.path AND v.during @> d.day
			), acts AS (
				SELECT a.id FROM activities a
				WHERE a.unit_id IN (SELECT unit_id FROM then_tree) AND a.status <> 'CANCELLED'
				  AND a.starts_on >= make_date($2, 1, 1) AND a.starts_on <= (SELECT day FROM d)
			)
			SELECT
				(SELECT count(*) FILTER (WHERE status = 'ACTIVE') FROM members WHERE unit_id IN (SELECT id FROM tree)),
				(SELECT count(*) FILTER (WHERE status = 'TRANSFERRED_OUT') FROM members WHERE unit_id IN (SELECT id FROM tree)),
				(SELECT count(*) FILTER (WHERE status = 'AGED_OUT') FROM members WHERE unit_id IN (SELECT id FROM tree)),
				(SELECT count(*) FILTER (WHERE status = 'REMOVED') FROM members WHERE unit_id IN (SELECT id FROM tree)),
				(SELECT count(*) FROM tree WHERE level = 'BRANCH' AND archived_at IS NULL),
				(SELECT count(*) FROM acts),
				(SELECT count(*) FROM participations WHERE activity_id IN (SELECT id FROM acts)),
				(SELECT coalesce(sum(volunteer_hours), 0)::float8 FROM participations WHERE activity_id IN (SELECT id FROM acts)),
				(SELECT `+money.SumSQL("value_dong")+` FROM contributions WHERE activity_id IN (SELECT id FROM acts))
		) x`, unitIDs, year)
	if err != nil {
		return nil, fmt.Errorf("unit stats: %w", err)
	}
	out := make(map[int64]*Stats, len(unitIDs))
	var id int64
	var active, transferred, agedOut, removed int
	st := Stats{}
	_, err = pgx.ForEachRow(rows, []any{&id, &active, &transferred, &agedOut, &removed, &st.Branches, &st.Activities,
		&st.Participations, &st.VolunteerHours, &st.ContributionValue}, func() error {
		c := st
		c.Year = year
		c.MembersByStatus = map[string]int{"ACTIVE": active, "TRANSFERRED_OUT": transferred, "AGED_OUT": agedOut, "REMOVED": removed}
		c.MembersTotal = active + transferred + agedOut + removed
		out[id] = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unit stats: %w", err)
	}
	return out, nil
}

// SubtreeSizes counts the units ever in each unit's subtree, itself
// included, in one statement: what a subtree aggregate is priced by before
// it runs. A report of a past year covers the tree of that year, so a
// province merged away prices as the tree it had, not the one unit left
// of it today. Unknown ids count 0.
func (s *Store) SubtreeSizes(ctx context.Context, unitIDs []int64) (map[int64]int, error) {
	sizes, err := db.ByID[int](ctx, s.pool, `SELECT p.id, (SELECT count(DISTINCT v.unit_id) FROM unit_versions r
			JOIN unit_versions v ON v.path <@ r.path AND v.during && r.during
			WHERE r.unit_id = p.id)
		FROM unnest($1::bigint[]) AS p(id)`, unitIDs)
	if err != nil {
		return nil, fmt.Errorf("size of units' subtrees: %w", err)
	}
	return sizes, nil
}
