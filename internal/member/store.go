package member

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/subtree"
)

// Store reads and writes members, their events and ratings.
type Store struct {
	pool db.DB
	// now gives today's date for age filters and checks; tests may fix it.
	now func() time.Time
	// subtrees tells small subtrees from large ones, for List.
	subtrees *subtree.Sizes
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store {
	return &Store{pool: pool, now: time.Now, subtrees: subtree.NewSizes()}
}

const memberColumns = `m.id, m.unit_id, m.full_name, m.gender, m.birth_date, m.joined_on, m.card_number,
	m.position, m.phone, m.email, m.address, m.status, m.version, m.dues_category`

// Columns are a member's columns for a query that joins members as m;
// Targets are where to scan them. Other stores use them to hand back the
// members they joined anyway, so the member need not be read again.
const Columns = memberColumns

// Targets returns scan destinations for Columns, filling m.
func Targets(m *Member) []any {
	return []any{&m.ID, &m.UnitID, &m.FullName, &m.Gender, &m.BirthDate, &m.JoinedOn, &m.CardNumber,
		&m.Position, &m.Phone, &m.Email, &m.Address, &m.Status, &m.Version, &m.DuesCategory}
}

func scanMember(row pgx.Row, extra ...any) (*Member, error) {
	var m Member
	if err := row.Scan(append(Targets(&m), extra...)...); err != nil {
		return nil, err
	}
	return &m, nil
}

func scanOne(row pgx.Row) (*Member, error) { return scanMember(row) }

// ByIDs returns the members with the given ids, keyed by id.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]*Member, error) {
	return db.ByIDs(ctx, s.pool, "members m", memberColumns, ids, scanOne, func(m *Member) int64 { return m.ID })
}

// Get returns one member, or nil.
func (s *Store) Get(ctx context.Context, id int64) (*Member, error) {
	return db.OrNil(s.pool.QueryRow(ctx, `SELECT `+memberColumns+` FROM members m WHERE m.id = $1`, id), scanOne, "get member %d", id)
}

// Filter selects members.
type Filter struct {
	// Viewer, when set, keeps only the members this principal may see.
	Viewer    *access.Principal
	UnitID    *int64
	Statuses  []Status
	Positions []Position
	Gender    *Gender
	MinAge    *int
	MaxAge    *int
	// Turns30By and Turns30From bound the day a member reaches AgeLimit.
	Turns30By, Turns30From *time.Time
	Search                 string
}

// AgeLimit is the Union's age limit: members age out (trưởng thành) once
// they reach it.
const AgeLimit = 30

// ByPersonalData reports whether the filter looks at personal data.
func (f Filter) ByPersonalData() bool {
	return f.MinAge != nil || f.MaxAge != nil || f.Turns30By != nil || f.Turns30From != nil
}

func (s *Store) where(f Filter, args *db.Args) []string {
	var conds []string
	if f.Viewer != nil {
		conds = append(conds, f.Viewer.MemberCondition("m", args))
	}
	if f.UnitID != nil {
		conds = append(conds, inSubtreeOf(args.Add(*f.UnitID)))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, `m.status = ANY(`+args.Add(f.Statuses)+`::text[])`)
	}
	if len(f.Positions) > 0 {
		conds = append(conds, `m.position = ANY(`+args.Add(f.Positions)+`::text[])`)
	}
	if f.Gender != nil {
		conds = append(conds, `m.gender = `+args.Add(*f.Gender))
	}
	if f.Viewer != nil && f.ByPersonalData() {
		// Ages come from birth dates, which are personal data: the filter
		// matches only members whose birth date the viewer may read.
		conds = append(conds, f.Viewer.PersonalCondition("m", args))
	}
	today := s.today()
	if f.MinAge != nil {
		// At least N years old today: born on or before today minus N years.
		conds = append(conds, `m.birth_date <= `+args.Add(today.AddDate(-*f.MinAge, 0, 0)))
	}
	if f.MaxAge != nil {
		// At most N years old: the N+1th birthday is still to come.
		conds = append(conds, `m.birth_date > `+args.Add(today.AddDate(-*f.MaxAge-1, 0, 0)))
	}
	if f.Turns30By != nil {
		// Reaching the limit by a day: born on or before that day, the limit's years back.
		conds = append(conds, `m.birth_date <= `+args.Add(f.Turns30By.AddDate(-AgeLimit, 0, 0)))
	}
	if f.Turns30From != nil {
		conds = append(conds, `m.birth_date >= `+args.Add(f.Turns30From.AddDate(-AgeLimit, 0, 0)))
	}
	conds = append(conds, db.SearchConds("m.search", f.Search, args)...)
	return conds
}

// today is the day it is in Vietnam, the users' own day.
func (s *Store) today() time.Time { return dates.Today(s.now()) }

// List returns a page of members.
func (s *Store) List(ctx context.Context, f Filter, order Order, p page.Request) (page.Page[*Member], error) {
	// PostgreSQL cannot tell a branch from a province when it plans, so the
	// shape is chosen here: a small subtree is read unit by unit from the
	// units' own indexes (a branch's page in a fraction of a millisecond,
	// where walking every member by name to find its few took tens); a
	// large one walks the members in order and keeps those in the subtree.
	small := false
	if f.UnitID != nil {
		var err error
		if small, err = s.subtrees.Small(ctx, s.pool, *f.UnitID); err != nil {
			return page.Page[*Member]{}, err
		}
	}
	var args db.Args
	g := f
	if small {
		g.UnitID = nil
	}
	conds := s.where(g, &args)
	orderBy, keyCols, cmp, key := orderOf(order)
	var id int64
	if ok, err := p.Key(key, &id); err != nil {
		return page.Page[*Member]{}, err
	} else if ok {
		conds = append(conds, `(`+keyCols+`, m.id) `+cmp+` (`+args.Add(key)+`, `+args.Add(id)+`)`)
	}
	lim := args.Add(p.Limit())
	w := walk(orderBy, keyCols)
	sql := w.Plain(memberColumns+`, `+keyCols, conds, lim)
	if small {
		sql = w.PerUnit(args.Add(*f.UnitID), sortKeyed(keyCols), conds, lim)
	}
	list, err := db.Collect(ctx, s.pool, "list members", func(r pgx.Row) (keyedMember, error) {
		var k keyedMember
		var err error
		k.m, err = scanMember(r, &k.key)
		return k, err
	}, sql, args.Bind(f.Search != "")...)
	if err != nil {
		return page.Page[*Member]{}, err
	}
	return page.TrimMap(p, list, keyedMember.cursor, keyedMember.member), nil
}

// Count returns how many members match f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	var args db.Args
	conds := s.where(f, &args)
	return db.Count(ctx, s.pool, "count members", "members m", conds, args.Bind(f.Search != "")...)
}

// FirstPagesIn returns the first page of f's members under each of the
// units (their whole subtrees; f.UnitID is ignored), in one query: a list
// of units with their members costs one statement, not one per unit.
func (s *Store) FirstPagesIn(ctx context.Context, unitIDs []int64, f Filter, order Order, first int) (map[int64]page.Page[*Member], error) {
	// As in List, but for many units: small subtrees (a bloc's branches, the
	// usual case) are read unit by unit, large ones by walking the members
	// in order; one statement for each kind that is present.
	groups, err := s.subtrees.Groups(ctx, s.pool, unitIDs)
	if err != nil {
		return nil, err
	}
	f.UnitID = nil
	orderBy, keyCols, _, _ := orderOf(order)
	w := walk(orderBy, keyCols)
	grouped := map[int64][]keyedMember{}
	for _, group := range groups {
		var args db.Args
		ids := args.Add(group.IDs)
		conds := s.where(f, &args)
		lim := args.Add(first + 1)
		inner := w.Plain(sortKeyed(keyCols), append(conds, inSubtreeOf("parent.id")), lim)
		if group.ByUnit {
			inner = w.PerUnit("parent.id", sortKeyed(keyCols), conds, lim)
		}
		err := db.GroupedByParent(ctx, s.pool, "members of units", func(row pgx.Row, parent *int64) (keyedMember, error) {
			var k keyedMember
			var err error
			k.m, err = scanMember(row, &k.key, parent)
			return k, err
		}, grouped, db.Lateral(ids, inner), args.Bind(f.Search != "")...)
		if err != nil {
			return nil, err
		}
	}
	return page.FirstPagesMap(first, unitIDs, grouped, keyedMember.cursor, keyedMember.member), nil
}

// CountIn counts f's members under each of the units (f.UnitID ignored).
func (s *Store) CountIn(ctx context.Context, unitIDs []int64, f Filter) (map[int64]int, error) {
	var args db.Args
	ids := args.Add(unitIDs)
	f.UnitID = nil
	conds := append(s.where(f, &args), inSubtreeOf("parent.id"))
	out, err := db.ByID[int](ctx, s.pool, `SELECT parent.id, (SELECT count(*) FROM members m`+db.Where(conds)+`)
		FROM unnest(`+ids+`::bigint[]) AS parent(id)`, args.Bind(f.Search != "")...)
	if err != nil {
		return nil, fmt.Errorf("count members of units: %w", err)
	}
	return out, nil
}

// keyedMember is a listed member with the value it is sorted by.
type keyedMember struct {
	m   *Member
	key any
}

func (k keyedMember) cursor() []any   { return []any{k.key, k.m.ID} }
func (k keyedMember) member() *Member { return k.m }

// orderOf returns the ORDER BY of a list order, its sort column, the
// comparison that walks past a cursor, and a holder for the cursor's key.
func orderOf(order Order) (orderBy, keyCols, cmp string, key any) {
	if order == ByJoinedOnDesc {
		return `m.joined_on DESC, m.id DESC`, `m.joined_on`, `<`, new(time.Time)
	}
	return `m.sort_name, m.id`, `m.sort_name`, `>`, new(string)
}

// walk is the members' list in orderBy, for subtree's two ways to read it;
// read unit by unit, the rows carry their sort key as sort_key.
func walk(orderBy, keyCols string) subtree.Walk {
	return subtree.Walk{From: "members m", UnitColumn: "m.unit_id", OrderBy: orderBy,
		OuterOrder: strings.NewReplacer(keyCols, "x.sort_key", "m.", "x.").Replace(orderBy)}
}

// sortKeyed is a member's columns with the sort key keyCols as sort_key.
func sortKeyed(keyCols string) string { return memberColumns + `, ` + keyCols + ` AS sort_key` }

// inSubtreeOf is the condition that a member belongs to the unit whose id
// is the SQL expression unit, or to any unit below it.
func inSubtreeOf(unit string) string {
	return `m.unit_id IN (SELECT id FROM units WHERE path <@ (SELECT path FROM units WHERE id = ` + unit + `))`
}

const eventColumns = `id, member_id, kind, occurred_on, decision_number, unit_id, from_unit_id, from_external, to_unit_id, to_external, note,
	early_reason, transfer_id`

// EventsOf returns the events of each member, oldest first, keyed by member.
func (s *Store) EventsOf(ctx context.Context, memberIDs []int64) (map[int64][]*Event, error) {
	return db.Grouped(ctx, s.pool, "load member events", func(r pgx.Row) (*Event, error) {
		var e Event
		return &e, r.Scan(&e.ID, &e.MemberID, &e.Kind, &e.OccurredOn, &e.DecisionNumber, &e.UnitID,
			&e.FromUnitID, &e.FromExternal, &e.ToUnitID, &e.ToExternal, &e.Note, &e.EarlyReason, &e.TransferID)
	}, func(e *Event) int64 { return e.MemberID }, `SELECT `+eventColumns+` FROM member_events
		WHERE member_id = ANY($1) ORDER BY member_id, occurred_on, id`, memberIDs)
}

// RatingsOf returns each member's ratings, newest year first, keyed by member.
func (s *Store) RatingsOf(ctx context.Context, memberIDs []int64) (map[int64][]*Rating, error) {
	return db.Grouped(ctx, s.pool, "load ratings", func(row pgx.Row) (*Rating, error) {
		var r Rating
		return &r, row.Scan(&r.MemberID, &r.Year, &r.Level, &r.Comment, &r.UnitID)
	}, func(r *Rating) int64 { return r.MemberID }, `SELECT member_id, year, level, comment, unit_id FROM member_ratings
		WHERE member_id = ANY($1) ORDER BY member_id, year DESC`, memberIDs)
}

// PageByName returns a page of the rows sql selects, by their members'
// names: sql joins members as m and selects m.sort_name after its own
// columns (scan reads both); key gives a row's cursor (sort name, member
// id). Activities' participants and pledges' signatures are both listed so.
func PageByName[R, T any](ctx context.Context, q db.DB, what, sql string, conds []string, args db.Args, p page.Request,
	scan func(pgx.Row) (R, error), key func(R) []any, item func(R) T) (page.Page[T], error) {
	var name string
	var memberID int64
	if ok, err := p.Key(&name, &memberID); err != nil {
		return page.Page[T]{}, err
	} else if ok {
		conds = append(conds, `(m.sort_name, m.id) > (`+args.Add(name)+`, `+args.Add(memberID)+`)`)
	}
	list, err := db.Collect(ctx, q, what, scan, sql+db.Where(conds)+` ORDER BY m.sort_name, m.id LIMIT `+args.Add(p.Limit()), args...)
	if err != nil {
		return page.Page[T]{}, err
	}
	return page.TrimMap(p, list, key, item), nil
}

// CountSeenOf counts, per parent, the rows of from (which joins members as
// m) whose parent column is one of parentIDs and whose member viewer may
// see: what PageByName lists, counted for many parents at once.
func CountSeenOf(ctx context.Context, q db.DB, what, from, parent string, parentIDs []int64, viewer *access.Principal) (map[int64]int, error) {
	args := db.Args{parentIDs}
	cond := viewer.MemberCondition("m", &args)
	out, err := db.ByID[int](ctx, q, `SELECT `+parent+`, count(*) FROM `+from+`
		WHERE `+parent+` = ANY($1) AND `+cond+` GROUP BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// ActiveIn returns the active members of a unit and the units below it,
// by name, as a member list exports them.
func (s *Store) ActiveIn(ctx context.Context, unitID int64) ([]*Member, error) {
	return db.Collect(ctx, s.pool, "active members", scanOne, `SELECT `+memberColumns+` FROM members m
		WHERE m.status = 'ACTIVE' AND `+inSubtreeOf("$1")+` ORDER BY m.sort_name, m.id`, unitID)
}
