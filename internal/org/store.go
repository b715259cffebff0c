package org

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/page"
)

// Store reads and writes units. All SQL about units lives here.
type Store struct {
	pool db.DB
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store { return &Store{pool: pool} }

const unitColumns = `id, parent_id, level, name, short_name, address, path::text, archived_at, version`

var scanUnit = db.Scanner(func(u *Unit) []any {
	return []any{&u.ID, &u.ParentID, &u.Level, &u.Name, &u.ShortName, &u.Address, &u.Path, &u.ArchivedAt, &u.Version}
})

// ByIDs returns the units with the given ids, keyed by id; missing ids are
// absent from the map.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]*Unit, error) {
	return db.ByIDs(ctx, s.pool, "units", unitColumns, ids, scanUnit, func(u *Unit) int64 { return u.ID })
}

// Get returns one unit, or nil when it does not exist.
func (s *Store) Get(ctx context.Context, id int64) (*Unit, error) {
	return db.OrNil(s.pool.QueryRow(ctx, `SELECT `+unitColumns+` FROM units WHERE id = $1`, id), scanUnit, "get unit %d", id)
}

// Filter selects units to list.
type Filter struct {
	WithinUnitID    *int64
	ParentID        *int64
	Levels          []Level
	Search          string
	IncludeArchived bool
	// AsOf reads the tree of that day: WithinUnitID, ParentID and Levels
	// apply to the units' versions of the day, and only units that existed
	// then are listed (archived since or not).
	AsOf *time.Time
}

func (f Filter) where(args *db.Args) []string {
	if f.AsOf != nil {
		return f.whereAsOf(args)
	}
	var conds []string
	if f.WithinUnitID != nil {
		conds = append(conds, `path <@ (SELECT path FROM units WHERE id = `+args.Add(*f.WithinUnitID)+`)`)
	}
	if f.ParentID != nil {
		conds = append(conds, `parent_id = `+args.Add(*f.ParentID))
	}
	if len(f.Levels) > 0 {
		conds = append(conds, `level = ANY(`+args.Add(f.Levels)+`::text[])`)
	}
	conds = append(conds, db.SearchConds("search", f.Search, args)...)
	if !f.IncludeArchived {
		conds = append(conds, `archived_at IS NULL`)
	}
	return conds
}

// whereAsOf is where for a filter with AsOf.
func (f Filter) whereAsOf(args *db.Args) []string {
	day := args.Add(*f.AsOf) + `::date`
	version := `SELECT FROM unit_versions v WHERE v.unit_id = units.id AND v.during @> ` + day
	if f.WithinUnitID != nil {
		version += ` AND v.path <@ (SELECT w.path FROM unit_versions w WHERE w.unit_id = ` + args.Add(*f.WithinUnitID) +
			` AND w.during @> ` + day + `)`
	}
	if f.ParentID != nil {
		version += ` AND v.parent_id = ` + args.Add(*f.ParentID)
	}
	if len(f.Levels) > 0 {
		version += ` AND v.level = ANY(` + args.Add(f.Levels) + `::text[])`
	}
	return append([]string{`EXISTS (` + version + `)`}, db.SearchConds("search", f.Search, args)...)
}

// unitKey is the list order: depth in the tree, then name without accents.
type unitKey struct {
	Depth  int
	Search string
	ID     int64
}

// List returns a page of units ordered by depth, then name.
func (s *Store) List(ctx context.Context, f Filter, p page.Request) (page.Page[*Unit], error) {
	var args db.Args
	conds := f.where(&args)
	var k unitKey
	if ok, err := p.Key(&k.Depth, &k.Search, &k.ID); err != nil {
		return page.Page[*Unit]{}, err
	} else if ok {
		conds = append(conds, `(nlevel(path), search, id) > (`+args.Add(k.Depth)+`, `+args.Add(k.Search)+`, `+args.Add(k.ID)+`)`)
	}
	sql := `SELECT ` + unitColumns + `, nlevel(path), search FROM units` + db.Where(conds) +
		` ORDER BY nlevel(path), search, id LIMIT ` + args.Add(p.Limit())
	list, err := db.Collect(ctx, s.pool, "list units", scanUnitRow, sql, args.Bind(f.Search != "")...)
	if err != nil {
		return page.Page[*Unit]{}, err
	}
	return page.TrimMap(p, list, unitRow.cursor, unitRow.value), nil
}

// unitRow is a listed unit with its place in the list's order.
type unitRow struct {
	unit *Unit
	key  unitKey
}

// scanUnitRow scans a unit's columns, then nlevel(path) and search.
func scanUnitRow(r pgx.Row) (unitRow, error) {
	var u Unit
	var key unitKey
	err := r.Scan(&u.ID, &u.ParentID, &u.Level, &u.Name, &u.ShortName, &u.Address, &u.Path, &u.ArchivedAt, &u.Version, &key.Depth, &key.Search)
	key.ID = u.ID
	return unitRow{&u, key}, err
}

func (r unitRow) cursor() []any { return []any{r.key.Depth, r.key.Search, r.key.ID} }
func (r unitRow) value() *Unit  { return r.unit }

// parent is the unit's parent's id, 0 for a root.
func (r unitRow) parent() int64 {
	if r.unit.ParentID == nil {
		return 0
	}
	return *r.unit.ParentID
}

// Count returns how many units match f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, s.pool, "count units", "units", conds, args.Bind(f.Search != "")...)
}

// FirstChildren returns the first page of each parent's children (by
// name) in one statement, for a list of units each showing its children.
func (s *Store) FirstChildren(ctx context.Context, parentIDs []int64, first int, includeArchived bool) (map[int64]page.Page[*Unit], error) {
	grouped, err := db.Grouped(ctx, s.pool, "children", scanUnitRow, unitRow.parent, `SELECT x.* FROM unnest($1::bigint[]) AS p(id) CROSS JOIN LATERAL (
			SELECT `+unitColumns+`, nlevel(path), search FROM units
			WHERE parent_id = p.id AND ($2 OR archived_at IS NULL)
			ORDER BY nlevel(path), search, id LIMIT $3) x`, parentIDs, includeArchived, first+1)
	if err != nil {
		return nil, err
	}
	return page.FirstPagesMap(first, parentIDs, grouped, unitRow.cursor, unitRow.value), nil
}

// CountChildren counts each parent's children.
func (s *Store) CountChildren(ctx context.Context, parentIDs []int64, includeArchived bool) (map[int64]int, error) {
	out, err := db.ByID[int](ctx, s.pool, `SELECT parent_id, count(*) FROM units
		WHERE parent_id = ANY($1) AND ($2 OR archived_at IS NULL) GROUP BY 1`, parentIDs, includeArchived)
	if err != nil {
		return nil, fmt.Errorf("count children: %w", err)
	}
	return out, nil
}
