package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/validate"
)

// The tree's timeline. units is the tree as it stands today; unit_versions
// holds every unit's parent, name, short name, level and path over time,
// kept in step with units by the database (migration 000013). Dates are
// calendar days, inclusive at both ends: a version valid from 2025-07-01
// to 2026-06-30 holds on both of those days; ValidTo nil means "still".

// Timeline reads the tree as of a date and records restructuring decisions
// (đổi tên, điều chuyển, hợp nhất, chia tách, giải thể) and committee posts.
type Timeline struct {
	pool db.DB
	// now gives today, which no decision may be dated after; tests may fix it.
	now func() time.Time
}

// NewTimeline returns a Timeline on pool.
func NewTimeline(pool db.DB) *Timeline { return &Timeline{pool: pool, now: time.Now} }

// FoundingDate is the Union's founding day (26/3/1931): the tree's history
// starts there, and units whose real start nobody recorded start there too.
var FoundingDate = time.Date(1931, 3, 26, 0, 0, 0, 0, time.UTC)

func (t *Timeline) today() time.Time { return dates.Today(t.now()) }

// dateOf keeps only the calendar day of d, as a UTC midnight (how pgx reads
// a date), so that dates compare with ==.
func dateOf(d time.Time) time.Time {
	if d.IsZero() {
		return d
	}
	y, m, day := d.Date()
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// UnitVersion is a unit as it stood over a stretch of time.
type UnitVersion struct {
	UnitID    int64
	ParentID  *int64
	Level     Level
	Name      string
	ShortName *string
	// Path is the chain of ids from the root at that time ("1.4.17").
	Path      string
	ValidFrom time.Time
	ValidTo   *time.Time
	// ChangeID is the decision that opened the version, if one did.
	ChangeID *int64
}

// AncestorIDs are the ids of the units above the unit at that time, root first.
func (v *UnitVersion) AncestorIDs() []int64 {
	return (&Unit{ID: v.UnitID, Path: v.Path}).AncestorIDs()
}

const versionColumns = `v.unit_id, v.parent_id, v.level, v.name, v.short_name, v.path::text, v.valid_from, v.valid_to, v.change_id`

var scanVersion = db.Scanner(func(v *UnitVersion) []any {
	return []any{&v.UnitID, &v.ParentID, &v.Level, &v.Name, &v.ShortName, &v.Path, &v.ValidFrom, &v.ValidTo, &v.ChangeID}
})

func collectVersions(rows pgx.Rows, err error) ([]*UnitVersion, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*UnitVersion, error) { return scanVersion(r) })
}

// UnitAsOf returns the unit as it stood on the day on: its name, parent,
// level and path of that time. It is nil when the unit did not exist then
// (not yet formed, or already merged or dissolved).
func (t *Timeline) UnitAsOf(ctx context.Context, id int64, on time.Time) (*UnitVersion, error) {
	return db.OrNil(t.pool.QueryRow(ctx, `SELECT `+versionColumns+` FROM unit_versions v
		WHERE v.unit_id = $1 AND v.during @> $2::date`, id, dateOf(on)), scanVersion, "unit %d as of %s", id, on.Format(time.DateOnly))
}

// UnitsAsOf returns several units as they stood on the day on, keyed by id;
// units that did not exist then are absent. It is what a per-request loader
// of "the unit in the report's year" calls.
func (t *Timeline) UnitsAsOf(ctx context.Context, ids []int64, on time.Time) (map[int64]*UnitVersion, error) {
	list, err := collectVersions(t.pool.Query(ctx, `SELECT `+versionColumns+` FROM unit_versions v
		WHERE v.unit_id = ANY($1) AND v.during @> $2::date`, ids, dateOf(on)))
	if err != nil {
		return nil, fmt.Errorf("units as of %s: %w", on.Format(time.DateOnly), err)
	}
	out := make(map[int64]*UnitVersion, len(list))
	for _, v := range list {
		out[v.UnitID] = v
	}
	return out, nil
}

// AncestorsAsOf returns the units above id as they stood on the day on,
// root first (the issuing unit's parent for a report's header is the last).
// It is empty for a root, and nil when the unit did not exist that day.
func (t *Timeline) AncestorsAsOf(ctx context.Context, id int64, on time.Time) ([]*UnitVersion, error) {
	list, err := collectVersions(t.pool.Query(ctx, `SELECT `+versionColumns+`
		FROM unit_versions self JOIN unit_versions v ON v.path @> self.path AND v.unit_id <> self.unit_id AND v.during @> $2::date
		WHERE self.unit_id = $1 AND self.during @> $2::date
		ORDER BY nlevel(v.path)`, id, dateOf(on)))
	if err != nil {
		return nil, fmt.Errorf("ancestors of unit %d as of %s: %w", id, on.Format(time.DateOnly), err)
	}
	return list, nil
}

// TreeAsOf returns the unit rootID and every unit below it as they stood on
// the day on, top down and by name within a depth. It is empty when rootID
// did not exist that day.
func (t *Timeline) TreeAsOf(ctx context.Context, rootID int64, on time.Time) ([]*UnitVersion, error) {
	list, err := collectVersions(t.pool.Query(ctx, `SELECT `+versionColumns+`
		FROM unit_versions r JOIN unit_versions v ON v.path <@ r.path AND v.during @> $2::date
		WHERE r.unit_id = $1 AND r.during @> $2::date
		ORDER BY nlevel(v.path), search_normalize(v.name), v.unit_id`, rootID, dateOf(on)))
	if err != nil {
		return nil, fmt.Errorf("tree of unit %d as of %s: %w", rootID, on.Format(time.DateOnly), err)
	}
	return list, nil
}

// ChildrenAsOf returns the units directly below each parent on the day
// on, by name, in one statement: what a per-request loader of "children as
// of the report's date" calls. Parents with none are absent.
func (t *Timeline) ChildrenAsOf(ctx context.Context, parentIDs []int64, on time.Time) (map[int64][]*UnitVersion, error) {
	list, err := collectVersions(t.pool.Query(ctx, `SELECT `+versionColumns+` FROM unit_versions v
		WHERE v.parent_id = ANY($1) AND v.during @> $2::date
		ORDER BY v.parent_id, search_normalize(v.name), v.unit_id`, parentIDs, dateOf(on)))
	if err != nil {
		return nil, fmt.Errorf("children as of %s: %w", on.Format(time.DateOnly), err)
	}
	out := make(map[int64][]*UnitVersion, len(parentIDs))
	for _, v := range list {
		out[*v.ParentID] = append(out[*v.ParentID], v)
	}
	return out, nil
}

// RootsAsOf returns the units at the top of the tree on the day on (the
// central union, or the provinces that existed then), by name.
func (t *Timeline) RootsAsOf(ctx context.Context, on time.Time) ([]*UnitVersion, error) {
	list, err := collectVersions(t.pool.Query(ctx, `SELECT `+versionColumns+` FROM unit_versions v
		WHERE v.parent_id IS NULL AND v.during @> $1::date
		ORDER BY search_normalize(v.name), v.unit_id`, dateOf(on)))
	if err != nil {
		return nil, fmt.Errorf("roots as of %s: %w", on.Format(time.DateOnly), err)
	}
	return list, nil
}

// SubtreeAsOf returns the ids of rootID and of every unit below it on the
// day on: the units a report of rootID for that day covers. Records keep
// the id of the unit that made them, so "records of the subtree on D" is
// unit_id = ANY(these). Empty when rootID did not exist that day.
func (t *Timeline) SubtreeAsOf(ctx context.Context, rootID int64, on time.Time) ([]int64, error) {
	rows, err := t.pool.Query(ctx, SubtreeAsOfSQL+` ORDER BY 1`, rootID, dateOf(on))
	if err != nil {
		return nil, fmt.Errorf("subtree of unit %d as of %s: %w", rootID, on.Format(time.DateOnly), err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("subtree of unit %d as of %s: %w", rootID, on.Format(time.DateOnly), err)
	}
	return ids, nil
}

// SubtreeAsOfSQL selects the ids of the unit $1 and the units below it on
// the day $2, for statements that join it (a report's CTE) rather than
// send the ids back and forth. One GiST scan on (path, during).
const SubtreeAsOfSQL = `SELECT v.unit_id FROM unit_versions r
	JOIN unit_versions v ON v.path <@ r.path AND v.during @> $2::date
	WHERE r.unit_id = $1 AND r.during @> $2::date`

// History returns every version of a unit, oldest first.
func (t *Timeline) History(ctx context.Context, id int64) ([]*UnitVersion, error) {
	list, err := collectVersions(t.pool.Query(ctx, `SELECT `+versionColumns+` FROM unit_versions v
		WHERE v.unit_id = $1 ORDER BY v.valid_from`, id))
	if err != nil {
		return nil, fmt.Errorf("history of unit %d: %w", id, err)
	}
	return list, nil
}

// Existence is the span a unit existed over: from its first version's start
// to its last version's end (nil while it still exists).
func (t *Timeline) Existence(ctx context.Context, id int64) (from time.Time, to *time.Time, ok bool, err error) {
	var open bool
	err = t.pool.QueryRow(ctx, `SELECT min(valid_from), max(valid_to), bool_or(valid_to IS NULL)
		FROM unit_versions WHERE unit_id = $1 HAVING count(*) > 0`, id).Scan(&from, &to, &open)
	if errors.Is(err, pgx.ErrNoRows) {
		return time.Time{}, nil, false, nil
	}
	if err != nil {
		return time.Time{}, nil, false, fmt.Errorf("existence of unit %d: %w", id, err)
	}
	if open {
		to = nil
	}
	return from, to, true, nil
}

// LastDayIn returns the last day from `from` to `to` (inclusive) on which
// the unit existed, and false when it existed on none of them. A yearly
// report is as of the year's last day, or of the unit's last day when it
// was merged or dissolved during the year: LastDayIn(u, 1 Jan, 31 Dec).
func (t *Timeline) LastDayIn(ctx context.Context, id int64, from, to time.Time) (time.Time, bool, error) {
	var last *time.Time
	err := t.pool.QueryRow(ctx, `SELECT max(least(coalesce(valid_to, $3::date), $3::date)) FROM unit_versions
		WHERE unit_id = $1 AND during && daterange($2::date, $3::date, '[]')`, id, dateOf(from), dateOf(to)).Scan(&last)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("last day of unit %d up to %s: %w", id, to.Format(time.DateOnly), err)
	}
	if last == nil {
		return time.Time{}, false, nil
	}
	return *last, true, nil
}

// CheckExistedOn records on field why unitID cannot take a record dated
// on, if it cannot: the unit does not exist, or did not exist on that day
// (not yet formed, or already merged or dissolved). It is CheckOpen for
// dated records: a forgotten 2022 activity of a branch dissolved in 2025
// may still be entered, a 2026 one may not. Like CheckOpen it holds the
// unit (FOR SHARE) until the caller's transaction ends, so a dissolution
// running meanwhile waits and then sees the record.
func CheckExistedOn(ctx context.Context, q db.DB, v *validate.Errors, field []string, unitID int64, on time.Time) error {
	var exists, existed bool
	err := q.QueryRow(ctx, `SELECT true, EXISTS (SELECT 1 FROM unit_versions WHERE unit_id = u.id AND during @> $2::date)
		FROM units u WHERE u.id = $1 FOR SHARE OF u`, unitID, dateOf(on)).Scan(&exists, &existed)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(field, validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
	case err != nil:
		return fmt.Errorf("check unit %d on %s: %w", unitID, on.Format(time.DateOnly), err)
	case !existed:
		v.Add(field, validate.NotAllowed,
			fmt.Sprintf("Đơn vị không tồn tại vào ngày %s (chưa thành lập, hoặc đã hợp nhất, giải thể).", dates.Format(dateOf(on))),
			fmt.Sprintf("The unit did not exist on %s (not yet formed, or merged or dissolved by then).", enDate(dateOf(on))))
	}
	return nil
}
