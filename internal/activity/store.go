package activity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/subtree"
)

// Store reads and writes campaigns, activities, participations and
// contributions.
type Store struct {
	pool db.DB
	now  func() time.Time
	// subtrees tells small subtrees from large ones, for List.
	subtrees *subtree.Sizes
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store {
	return &Store{pool: pool, now: time.Now, subtrees: subtree.NewSizes()}
}

const activityColumns = `a.id, a.unit_id, a.title, a.kind, a.work_area, a.campaign_id, a.starts_on, a.ends_on,
	a.place, a.commune, a.district, a.province, a.description, a.status, a.beneficiaries, a.beneficiary_count, a.version`

func scanActivity(row pgx.Row, extra ...any) (*Activity, error) {
	var a Activity
	dest := append([]any{&a.ID, &a.UnitID, &a.Title, &a.Kind, &a.WorkArea, &a.CampaignID, &a.StartsOn, &a.EndsOn,
		&a.Place.Text, &a.Place.Commune, &a.Place.District, &a.Place.Province, &a.Description, &a.Status,
		&a.Beneficiaries.Description, &a.Beneficiaries.Count, &a.Version}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &a, nil
}

func scanOneActivity(row pgx.Row) (*Activity, error) { return scanActivity(row) }

// ActivitiesByIDs returns activities keyed by id.
func (s *Store) ActivitiesByIDs(ctx context.Context, ids []int64) (map[int64]*Activity, error) {
	return db.ByIDs(ctx, s.pool, "activities a", activityColumns, ids, scanOneActivity, func(a *Activity) int64 { return a.ID })
}

// Filter selects activities.
type Filter struct {
	UnitID *int64
	// AsOf reads UnitID's subtree as it stood that day (the tree of a past
	// year, before a restructuring) instead of today's.
	AsOf       *time.Time
	Year       *int
	From, To   *time.Time
	WorkAreas  []WorkArea
	Kinds      []Kind
	CampaignID *int64
	Statuses   []Status
	Search     string
}

func (f Filter) where(args *db.Args) []string {
	var conds []string
	switch {
	case f.UnitID != nil && f.AsOf != nil:
		conds = append(conds, `a.unit_id IN (SELECT v.unit_id FROM unit_versions r
			JOIN unit_versions v ON v.path <@ r.path AND v.during @> `+args.Add(*f.AsOf)+`::date
			WHERE r.unit_id = `+args.Add(*f.UnitID)+` AND r.during @> `+args.Add(*f.AsOf)+`::date)`)
	case f.UnitID != nil:
		conds = append(conds, UnderUnit.condition(args.Add(*f.UnitID)))
	}
	if f.Year != nil {
		// A range on starts_on, not extract(year ...), so the index serves it.
		conds = append(conds, `a.starts_on >= make_date(`+args.Add(*f.Year)+`, 1, 1)`,
			`a.starts_on < make_date(`+args.Add(*f.Year+1)+`, 1, 1)`)
	}
	if f.From != nil {
		conds = append(conds, `a.ends_on >= `+args.Add(*f.From))
	}
	if f.To != nil {
		conds = append(conds, `a.starts_on <= `+args.Add(*f.To))
	}
	if len(f.WorkAreas) > 0 {
		conds = append(conds, `a.work_area = ANY(`+args.Add(f.WorkAreas)+`::text[])`)
	}
	if len(f.Kinds) > 0 {
		conds = append(conds, `a.kind = ANY(`+args.Add(f.Kinds)+`::text[])`)
	}
	if f.CampaignID != nil {
		conds = append(conds, InCampaign.condition(args.Add(*f.CampaignID)))
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, `a.status = ANY(`+args.Add(f.Statuses)+`::text[])`)
	}
	return append(conds, db.SearchConds("a.search", f.Search, args)...)
}

// Order is an activity list's order.
type Order string

const (
	NewestFirst Order = "STARTS_ON_DESC"
	OldestFirst Order = "STARTS_ON"
)

// List returns a page of activities.
func (s *Store) List(ctx context.Context, f Filter, order Order, p page.Request) (page.Page[*Activity], error) {
	// As for members: a small subtree (a branch and a few around it) is read
	// unit by unit from the (unit, date) index, a large one by walking the
	// date index; PostgreSQL cannot tell which when it plans.
	small := false
	if f.UnitID != nil && f.AsOf == nil {
		var err error
		if small, err = s.subtrees.Small(ctx, s.pool, *f.UnitID); err != nil {
			return page.Page[*Activity]{}, err
		}
	}
	var args db.Args
	g := f
	if small {
		g.UnitID = nil
	}
	conds := g.where(&args)
	var startsOn time.Time
	var id int64
	ok, err := p.Key(&startsOn, &id)
	if err != nil {
		return page.Page[*Activity]{}, err
	}
	orderBy, cmp := orderOf(order)
	if ok {
		conds = append(conds, `(a.starts_on, a.id) `+cmp+` (`+args.Add(startsOn)+`, `+args.Add(id)+`)`)
	}
	lim := args.Add(p.Limit())
	w := walk(orderBy)
	sql := w.Plain(activityColumns, conds, lim)
	if small {
		sql = w.PerUnit(args.Add(*f.UnitID), activityColumns, conds, lim)
	}
	list, err := db.Collect(ctx, s.pool, "list activities", scanOneActivity, sql, args.Bind(f.Search != "")...)
	if err != nil {
		return page.Page[*Activity]{}, err
	}
	return page.Trim(p, list, activityCursor), nil
}

// walk is the activities' list in orderBy, for subtree's two ways to read it.
func walk(orderBy string) subtree.Walk {
	return subtree.Walk{From: "activities a", UnitColumn: "a.unit_id", OrderBy: orderBy,
		OuterOrder: strings.ReplaceAll(orderBy, "a.", "x.")}
}

func activityCursor(a *Activity) []any { return []any{a.StartsOn, a.ID} }

func orderOf(order Order) (orderBy, cmp string) {
	if order == OldestFirst {
		return `a.starts_on, a.id`, `>`
	}
	return `a.starts_on DESC, a.id DESC`, `<`
}

// Count returns how many activities match f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, s.pool, "count activities", "activities a", conds, args.Bind(f.Search != "")...)
}

// Parent is what a nested activity list hangs from.
type Parent int

const (
	// UnderUnit: activities of a unit and every unit below it.
	UnderUnit Parent = iota
	// InCampaign: activities of a campaign.
	InCampaign
)

// condition limits activities to the parent whose id is the SQL expression id.
func (p Parent) condition(id string) string {
	if p == InCampaign {
		return `a.campaign_id = ` + id
	}
	return `a.unit_id IN (SELECT id FROM units WHERE path <@ (SELECT path FROM units WHERE id = ` + id + `))`
}

// without is f with the field this parent stands in for cleared: the
// parent's id replaces f's unit (or campaign), the rest of f still applies.
func (p Parent) without(f Filter) Filter {
	if p == InCampaign {
		f.CampaignID = nil
	} else {
		f.UnitID = nil
	}
	return f
}

// FirstPagesOf returns the first page of f's activities for each parent
// (which stands in for f's unit or campaign), in one query: units or
// campaigns listed with their activities cost one statement, not one each.
func (s *Store) FirstPagesOf(ctx context.Context, parent Parent, ids []int64, f Filter, order Order, first int) (map[int64]page.Page[*Activity], error) {
	// Units with small subtrees (the usual listed units) are read unit by
	// unit from the (unit, date) index, large ones and campaigns from the
	// list's own condition; one statement for each kind that is present.
	groups := []subtree.Group{{IDs: ids}}
	if parent == UnderUnit {
		var err error
		if groups, err = s.subtrees.Groups(ctx, s.pool, ids); err != nil {
			return nil, err
		}
	}
	f = parent.without(f)
	orderBy, _ := orderOf(order)
	w := walk(orderBy)
	grouped := map[int64][]*Activity{}
	for _, group := range groups {
		if len(group.IDs) == 0 {
			continue
		}
		var args db.Args
		idsArg := args.Add(group.IDs)
		conds := f.where(&args)
		lim := args.Add(first + 1)
		inner := w.Plain(activityColumns, append(conds, parent.condition("parent.id")), lim)
		if group.ByUnit {
			inner = w.PerUnit("parent.id", activityColumns, conds, lim)
		}
		err := db.GroupedByParent(ctx, s.pool, "activities of parents", func(row pgx.Row, parent *int64) (*Activity, error) {
			return scanActivity(row, parent)
		}, grouped, db.Lateral(idsArg, inner), args.Bind(f.Search != "")...)
		if err != nil {
			return nil, err
		}
	}
	return page.FirstPages(first, ids, grouped, activityCursor), nil
}

// CountsOf counts f's activities for each parent (standing in for f's
// unit or campaign).
func (s *Store) CountsOf(ctx context.Context, parent Parent, ids []int64, f Filter) (map[int64]int, error) {
	var args db.Args
	idsArg := args.Add(ids)
	f = parent.without(f)
	conds := append(f.where(&args), parent.condition("parent.id"))
	out, err := db.ByID[int](ctx, s.pool, `SELECT parent.id, (SELECT count(*) FROM activities a`+db.Where(conds)+`)
		FROM unnest(`+idsArg+`::bigint[]) AS parent(id)`, args.Bind(f.Search != "")...)
	if err != nil {
		return nil, fmt.Errorf("count activities of parents: %w", err)
	}
	return out, nil
}

// GuestsOf returns each activity's guests in order, keyed by activity.
func (s *Store) GuestsOf(ctx context.Context, activityIDs []int64) (map[int64][]Guest, error) {
	rows, err := s.pool.Query(ctx, `SELECT activity_id, name, title FROM activity_guests
		WHERE activity_id = ANY($1) ORDER BY activity_id, ordinal`, activityIDs)
	if err != nil {
		return nil, fmt.Errorf("load guests: %w", err)
	}
	defer rows.Close()
	out := make(map[int64][]Guest, len(activityIDs))
	for rows.Next() {
		var id int64
		var g Guest
		if err := rows.Scan(&id, &g.Name, &g.Title); err != nil {
			return nil, fmt.Errorf("load guests: %w", err)
		}
		out[id] = append(out[id], g)
	}
	return out, rows.Err()
}

// Totals are an activity's computed figures.
type Totals struct {
	Participants      int
	VolunteerHours    float64
	ContributionValue int64
}

// TotalsOf returns the figures of each activity, keyed by activity; every
// asked id is present.
func (s *Store) TotalsOf(ctx context.Context, activityIDs []int64) (map[int64]Totals, error) {
	// One pass over each activity's participations for both of their
	// figures (a quarter less of PostgreSQL's time than a subquery each).
	out, err := db.ByIDScan(ctx, s.pool, `SELECT a.id, p.n, p.hours,
			(SELECT `+money.SumSQL("c.value_dong")+` FROM contributions c WHERE c.activity_id = a.id)
		FROM unnest($1::bigint[]) AS a(id)
		CROSS JOIN LATERAL (SELECT count(*) AS n, coalesce(sum(volunteer_hours), 0)::float8 AS hours
			FROM participations p WHERE p.activity_id = a.id) p`, func(t *Totals) []any { return []any{&t.Participants, &t.VolunteerHours, &t.ContributionValue} },
		activityIDs)
	if err != nil {
		return nil, fmt.Errorf("activity totals: %w", err)
	}
	return out, nil
}

const contributionColumns = `id, activity_id, kind, description, value_dong, quantity::float8, quantity_unit, recipient, version`

var scanContribution = db.Scanner(func(c *Contribution) []any {
	return []any{&c.ID, &c.ActivityID, &c.Kind, &c.Description, &c.Value, &c.Quantity, &c.QuantityUnit, &c.Recipient, &c.Version}
})

// ContributionsOf returns each activity's contributions in the order
// entered, keyed by activity.
func (s *Store) ContributionsOf(ctx context.Context, activityIDs []int64) (map[int64][]*Contribution, error) {
	return db.Grouped(ctx, s.pool, "load contributions", scanContribution, func(c *Contribution) int64 { return c.ActivityID },
		`SELECT `+contributionColumns+` FROM contributions WHERE activity_id = ANY($1) ORDER BY activity_id, id`, activityIDs)
}

// ContributionsByIDs returns contributions keyed by id.
func (s *Store) ContributionsByIDs(ctx context.Context, ids []int64) (map[int64]*Contribution, error) {
	return db.ByIDs(ctx, s.pool, "contributions", contributionColumns, ids, scanContribution,
		func(c *Contribution) int64 { return c.ID })
}

// participationColumns are a participation's columns and its member's,
// for a query that joins members as m: every participation is read with
// its member, so that a list of names is plain data, with no resolver,
// goroutine or loader per participant.
const participationColumns = `p.activity_id, p.member_id, p.role, p.attended, p.volunteer_hours::float8, ` + member.Columns

func scanParticipation(row pgx.Row, extra ...any) (*Participation, error) {
	p := Participation{Member: &member.Member{}}
	targets := append([]any{&p.ActivityID, &p.MemberID, &p.Role, &p.Attended, &p.VolunteerHours}, member.Targets(p.Member)...)
	if err := row.Scan(append(targets, extra...)...); err != nil {
		return nil, err
	}
	return &p, nil
}

// Participants returns a page of an activity's participations, by the
// members' names.
// Only members viewer may see are listed.
func (s *Store) Participants(ctx context.Context, activityID int64, viewer *access.Principal, p page.Request) (page.Page[*Participation], error) {
	var args db.Args
	conds := []string{`p.activity_id = ` + args.Add(activityID), viewer.MemberCondition("m", &args)}
	return member.PageByName(ctx, s.pool, "list participants", `SELECT `+participationColumns+`, m.sort_name
		FROM participations p JOIN members m ON m.id = p.member_id`, conds, args, p,
		scanKeyed[string], keyed[string].byMember, keyed[string].participation)
}

// keyed is a listed participation with the key it is sorted by: its
// member's sort name (a participant list) or its activity's start (a
// member's participations).
type keyed[K any] struct {
	p   *Participation
	key K
}

// scanKeyed scans a participation, then its sort key.
func scanKeyed[K any](row pgx.Row) (keyed[K], error) {
	var k keyed[K]
	var err error
	k.p, err = scanParticipation(row, &k.key)
	return k, err
}

func (k keyed[K]) participation() *Participation { return k.p }
func (k keyed[K]) byMember() []any               { return []any{k.key, k.p.MemberID} }
func (k keyed[K]) byActivity() []any             { return []any{k.key, k.p.ActivityID} }

// ParticipationsOfMember returns a page of a member's participations,
// newest activity first, optionally in one year.
func (s *Store) ParticipationsOfMember(ctx context.Context, memberID int64, year *int, p page.Request) (page.Page[*Participation], error) {
	var args db.Args
	conds := memberParticipationConds(memberID, year, &args)
	var startsOn time.Time
	var activityID int64
	if ok, err := p.Key(&startsOn, &activityID); err != nil {
		return page.Page[*Participation]{}, err
	} else if ok {
		conds = append(conds, `(a.starts_on, a.id) < (`+args.Add(startsOn)+`, `+args.Add(activityID)+`)`)
	}
	list, err := db.Collect(ctx, s.pool, "list member's participations", scanKeyed[time.Time], `SELECT `+participationColumns+`, a.starts_on
		FROM participations p JOIN activities a ON a.id = p.activity_id JOIN members m ON m.id = p.member_id`+db.Where(conds)+
		` ORDER BY a.starts_on DESC, a.id DESC LIMIT `+args.Add(p.Limit()), args...)
	if err != nil {
		return page.Page[*Participation]{}, err
	}
	return page.TrimMap(p, list, keyed[time.Time].byActivity, keyed[time.Time].participation), nil
}

func memberParticipationConds(memberID int64, year *int, args *db.Args) []string {
	conds := []string{`p.member_id = ` + args.Add(memberID)}
	if year != nil {
		conds = append(conds, `a.starts_on >= make_date(`+args.Add(*year)+`, 1, 1)`,
			`a.starts_on < make_date(`+args.Add(*year+1)+`, 1, 1)`)
	}
	return conds
}

// MemberHours returns each member's volunteer hours (in a year, or all),
// keyed by member; every asked id is present. Cancelled activities count
// for nothing.
func (s *Store) MemberHours(ctx context.Context, memberIDs []int64, year *int) (map[int64]float64, error) {
	var args db.Args
	ids := args.Add(memberIDs)
	yearCond := ""
	if year != nil {
		yearCond = ` AND a.starts_on >= make_date(` + args.Add(*year) + `, 1, 1) AND a.starts_on < make_date(` + args.Add(*year+1) + `, 1, 1)`
	}
	out, err := db.ByID[float64](ctx, s.pool, `SELECT m.id, coalesce(sum(p.volunteer_hours), 0)::float8
		FROM unnest(`+ids+`::bigint[]) AS m(id)
		LEFT JOIN participations p ON p.member_id = m.id
		 AND EXISTS (SELECT 1 FROM activities a WHERE a.id = p.activity_id AND a.status <> 'CANCELLED'`+yearCond+`)
		GROUP BY m.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("member hours: %w", err)
	}
	return out, nil
}

const campaignColumns = `id, unit_id, name, year, work_area, description, version`

var scanCampaign = db.Scanner(func(c *Campaign) []any {
	return []any{&c.ID, &c.UnitID, &c.Name, &c.Year, &c.WorkArea, &c.Description, &c.Version}
})

// CampaignsByIDs returns campaigns keyed by id.
func (s *Store) CampaignsByIDs(ctx context.Context, ids []int64) (map[int64]*Campaign, error) {
	return db.ByIDs(ctx, s.pool, "campaigns", campaignColumns, ids, scanCampaign, func(c *Campaign) int64 { return c.ID })
}

// CampaignFilter selects campaigns.
type CampaignFilter struct {
	// ForUnitID keeps campaigns run by this unit or a unit above it.
	ForUnitID *int64
	Year      *int
	WorkArea  *WorkArea
	Search    string
}

func (f CampaignFilter) where(args *db.Args) []string {
	var conds []string
	if f.ForUnitID != nil {
		conds = append(conds, `unit_id IN (SELECT id FROM units WHERE path @> (SELECT path FROM units WHERE id = `+args.Add(*f.ForUnitID)+`))`)
	}
	if f.Year != nil {
		conds = append(conds, `year = `+args.Add(*f.Year))
	}
	if f.WorkArea != nil {
		conds = append(conds, `work_area = `+args.Add(*f.WorkArea))
	}
	return append(conds, db.SearchConds("search", f.Search, args)...)
}

// Campaigns returns a page of campaigns, newest year first, then by name.
func (s *Store) Campaigns(ctx context.Context, f CampaignFilter, p page.Request) (page.Page[*Campaign], error) {
	var args db.Args
	conds := f.where(&args)
	var year int32
	var search string
	var id int64
	if ok, err := p.Key(&year, &search, &id); err != nil {
		return page.Page[*Campaign]{}, err
	} else if ok {
		y := args.Add(year)
		conds = append(conds, `(year < `+y+` OR year = `+y+` AND (search, id) > (`+args.Add(search)+`, `+args.Add(id)+`))`)
	}
	rows, err := s.pool.Query(ctx, `SELECT `+campaignColumns+`, search FROM campaigns`+db.Where(conds)+
		` ORDER BY year DESC, search, id LIMIT `+args.Add(p.Limit()), args.Bind(f.Search != "")...)
	if err != nil {
		return page.Page[*Campaign]{}, fmt.Errorf("list campaigns: %w", err)
	}
	type keyed struct {
		c      *Campaign
		search string
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (keyed, error) {
		var k keyed
		var c Campaign
		err := r.Scan(&c.ID, &c.UnitID, &c.Name, &c.Year, &c.WorkArea, &c.Description, &c.Version, &k.search)
		k.c = &c
		return k, err
	})
	if err != nil {
		return page.Page[*Campaign]{}, fmt.Errorf("list campaigns: %w", err)
	}
	return page.TrimMap(p, list, func(k keyed) []any { return []any{k.c.Year, k.search, k.c.ID} },
		func(k keyed) *Campaign { return k.c }), nil
}

// CountCampaigns returns how many campaigns match f.
func (s *Store) CountCampaigns(ctx context.Context, f CampaignFilter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, s.pool, "count campaigns", "campaigns", conds, args.Bind(f.Search != "")...)
}

var errNoRows = pgx.ErrNoRows

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }

// FirstParticipants returns the first page of participants of each
// activity, by name, in one query, with the members listed (so the caller
// can answer questions about them without reading them again). Only
// members viewer may see are listed.
func (s *Store) FirstParticipants(ctx context.Context, activityIDs []int64, viewer *access.Principal, first int) (map[int64]page.Page[*Participation], []*member.Member, error) {
	args := db.Args{activityIDs}
	cond := viewer.MemberCondition("m", &args)
	rows, err := s.pool.Query(ctx, `SELECT x.* FROM unnest($1::bigint[]) AS r(activity_id) CROSS JOIN LATERAL (
			SELECT `+participationColumns+`, m.sort_name FROM participations p JOIN members m ON m.id = p.member_id
			WHERE p.activity_id = r.activity_id AND `+cond+`
			ORDER BY m.sort_name, m.id LIMIT `+args.Add(first+1)+`) x`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("participants: %w", err)
	}
	grouped := map[int64][]keyed[string]{}
	var members []*member.Member
	for rows.Next() {
		var k keyed[string]
		if k.p, err = scanParticipation(rows, &k.key); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("participants: %w", err)
		}
		grouped[k.p.ActivityID] = append(grouped[k.p.ActivityID], k)
		members = append(members, k.p.Member)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("participants: %w", err)
	}
	return page.FirstPagesMap(first, activityIDs, grouped, keyed[string].byMember, keyed[string].participation), members, nil
}

// CountParticipantsOf counts, per activity, the participants viewer may see.
func (s *Store) CountParticipantsOf(ctx context.Context, activityIDs []int64, viewer *access.Principal) (map[int64]int, error) {
	return member.CountSeenOf(ctx, s.pool, "count participants", `participations p JOIN members m ON m.id = p.member_id`,
		"p.activity_id", activityIDs, viewer)
}

// yearRange is the condition on activities a of starting in year (0: any).
func yearRange(year int, args *db.Args) string {
	if year == 0 {
		return "true"
	}
	return `a.starts_on >= make_date(` + args.Add(year) + `, 1, 1) AND a.starts_on < make_date(` + args.Add(year+1) + `, 1, 1)`
}

// FirstParticipationsOf returns the first page (newest first) of each
// member's participations, in a year or any (0), in one statement.
func (s *Store) FirstParticipationsOf(ctx context.Context, memberIDs []int64, year, first int) (map[int64]page.Page[*Participation], error) {
	args := db.Args{memberIDs}
	cond := yearRange(year, &args)
	grouped, err := db.Grouped(ctx, s.pool, "members' participations", scanKeyed[time.Time],
		func(k keyed[time.Time]) int64 { return k.p.MemberID }, `SELECT x.* FROM unnest($1::bigint[]) AS r(member_id) CROSS JOIN LATERAL (
			SELECT `+participationColumns+`, a.starts_on FROM participations p JOIN activities a ON a.id = p.activity_id
				JOIN members m ON m.id = p.member_id
			WHERE p.member_id = r.member_id AND `+cond+`
			ORDER BY a.starts_on DESC, a.id DESC LIMIT `+args.Add(first+1)+`) x`, args...)
	if err != nil {
		return nil, err
	}
	return page.FirstPagesMap(first, memberIDs, grouped, keyed[time.Time].byActivity, keyed[time.Time].participation), nil
}

// CountParticipationsOf counts each member's participations in a year or
// any (0).
func (s *Store) CountParticipationsOf(ctx context.Context, memberIDs []int64, year int) (map[int64]int, error) {
	args := db.Args{memberIDs}
	cond := yearRange(year, &args)
	out, err := db.ByID[int](ctx, s.pool, `SELECT p.member_id, count(*) FROM participations p JOIN activities a ON a.id = p.activity_id
		WHERE p.member_id = ANY($1) AND `+cond+` GROUP BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("count members' participations: %w", err)
	}
	return out, nil
}
