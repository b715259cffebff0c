package org

import (
	"context"
	"fmt"
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

// Stats computes a unit's dashboard figures for a year in one statement.
// Cancelled activities count for nothing.
func (s *Store) Stats(ctx context.Context, unitID int64, year int) (*Stats, error) {
	st := &Stats{Year: year, MembersByStatus: map[string]int{}}
	var active, transferred, agedOut, removed int
	err := s.pool.QueryRow(ctx, `
		WITH tree AS (
			SELECT id, level, archived_at FROM units
			WHERE path <@ (SELECT path FROM units WHERE id = $1)
		), acts AS (
			SELECT a.id FROM activities a
			WHERE a.unit_id IN (SELECT id FROM tree) AND a.status <> 'CANCELLED'
			  AND a.starts_on >= make_date($2, 1, 1) AND a.starts_on < make_date($2 + 1, 1, 1)
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
			(SELECT coalesce(sum(value_dong), 0)::bigint FROM contributions WHERE activity_id IN (SELECT id FROM acts))`,
		unitID, year).Scan(&active, &transferred, &agedOut, &removed, &st.Branches, &st.Activities,
		&st.Participations, &st.VolunteerHours, &st.ContributionValue)
	if err != nil {
		return nil, fmt.Errorf("stats of unit %d: %w", unitID, err)
	}
	st.MembersByStatus = map[string]int{"ACTIVE": active, "TRANSFERRED_OUT": transferred, "AGED_OUT": agedOut, "REMOVED": removed}
	st.MembersTotal = active + transferred + agedOut + removed
	return st, nil
}
