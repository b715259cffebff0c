package award

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/page"
)

// Store reads and writes commendations and pledges.
type Store struct {
	pool db.DB
	now  func() time.Time
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store { return &Store{pool: pool, now: time.Now} }

const commendationColumns = `c.id, c.form, c.title, c.issuer_unit_id, c.issuer_name, c.issuer_level, c.decision_number,
	c.decision_date, c.year, c.reason, c.member_id, c.unit_id, c.version`

var scanCommendation = db.Scanner(func(c *Commendation) []any {
	return []any{&c.ID, &c.Form, &c.Title, &c.IssuerUnitID, &c.IssuerName, &c.IssuerLevel,
		&c.DecisionNumber, &c.DecisionDate, &c.Year, &c.Reason, &c.MemberID, &c.UnitID, &c.Version}
})

// CommendationsByIDs returns commendations keyed by id.
func (s *Store) CommendationsByIDs(ctx context.Context, ids []int64) (map[int64]*Commendation, error) {
	return db.ByIDs(ctx, s.pool, "commendations c", commendationColumns, ids, scanCommendation,
		func(c *Commendation) int64 { return c.ID })
}

// Filter selects commendations.
type Filter struct {
	// Viewer, when set, drops individual commendations of members this
	// principal may not see.
	Viewer *access.Principal
	// UnitID keeps those received by the unit, units below it or their members.
	UnitID *int64
	// IssuedWithinUnitID keeps those issued by the unit or units below it.
	IssuedWithinUnitID *int64
	Year               *int
	Forms              []Form
	RecipientKind      *RecipientKind
	MemberID           *int64
}

func subtree(args *db.Args, unitID int64) string {
	return `(SELECT id FROM units WHERE path <@ (SELECT path FROM units WHERE id = ` + args.Add(unitID) + `))`
}

func (f Filter) where(args *db.Args) []string {
	var conds []string
	if f.Viewer != nil && !f.Viewer.Admin {
		conds = append(conds, `(c.member_id IS NULL OR EXISTS (SELECT 1 FROM members m WHERE m.id = c.member_id AND `+
			f.Viewer.MemberCondition("m", args)+`))`)
	}
	if f.UnitID != nil {
		tree := subtree(args, *f.UnitID)
		conds = append(conds, `(c.unit_id IN `+tree+` OR c.member_id IN (SELECT id FROM members WHERE unit_id IN `+tree+`))`)
	}
	if f.IssuedWithinUnitID != nil {
		conds = append(conds, `c.issuer_unit_id IN `+subtree(args, *f.IssuedWithinUnitID))
	}
	if f.Year != nil {
		conds = append(conds, `c.year = `+args.Add(*f.Year))
	}
	if len(f.Forms) > 0 {
		conds = append(conds, `c.form = ANY(`+args.Add(f.Forms)+`::text[])`)
	}
	if f.RecipientKind != nil {
		if *f.RecipientKind == Individual {
			conds = append(conds, `c.member_id IS NOT NULL`)
		} else {
			conds = append(conds, `c.unit_id IS NOT NULL`)
		}
	}
	if f.MemberID != nil {
		conds = append(conds, `c.member_id = `+args.Add(*f.MemberID))
	}
	return conds
}

// Commendations returns a page of commendations, newest year first.
func (s *Store) Commendations(ctx context.Context, f Filter, p page.Request) (page.Page[*Commendation], error) {
	return commendations.list(ctx, s.pool, f, p)
}

// CountCommendations returns how many commendations match f.
func (s *Store) CountCommendations(ctx context.Context, f Filter) (int, error) {
	return commendations.count(ctx, s.pool, f)
}

// The tables listed by year.
var (
	commendations = yearly[Commendation]{name: "commendations", alias: "c", columns: commendationColumns,
		scan: scanCommendation, cursor: func(c *Commendation) []any { return []any{c.Year, c.ID} }}
	pledges = yearly[Pledge]{name: "pledges", alias: "p", columns: pledgeColumns,
		scan: scanPledge, cursor: func(x *Pledge) []any { return []any{x.Year, x.ID} }}
)

// yearly is a table listed newest year first, then newest id, as
// commendations and pledges are.
type yearly[T any] struct {
	name, alias, columns string
	scan                 func(pgx.Row) (*T, error)
	cursor               func(*T) []any
}

// filter is a list's filter: its conditions on the table's alias.
type filter interface{ where(*db.Args) []string }

func (y yearly[T]) list(ctx context.Context, q db.DB, f filter, p page.Request) (page.Page[*T], error) {
	var args db.Args
	conds := f.where(&args)
	var year int32
	var id int64
	if ok, err := p.Key(&year, &id); err != nil {
		return page.Page[*T]{}, err
	} else if ok {
		conds = append(conds, `(`+y.alias+`.year, `+y.alias+`.id) < (`+args.Add(year)+`, `+args.Add(id)+`)`)
	}
	list, err := db.Collect(ctx, q, "list "+y.name, y.scan, `SELECT `+y.columns+` FROM `+y.name+` `+y.alias+db.Where(conds)+
		` ORDER BY `+y.alias+`.year DESC, `+y.alias+`.id DESC LIMIT `+args.Add(p.Limit()), args...)
	if err != nil {
		return page.Page[*T]{}, err
	}
	return page.Trim(p, list, y.cursor), nil
}

func (y yearly[T]) count(ctx context.Context, q db.DB, f filter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, q, "count "+y.name, y.name+" "+y.alias, conds, args...)
}

const pledgeColumns = `p.id, p.unit_id, p.year, p.title, p.description, p.version`

var scanPledge = db.Scanner(func(p *Pledge) []any {
	return []any{&p.ID, &p.UnitID, &p.Year, &p.Title, &p.Description, &p.Version}
})

// PledgesByIDs returns pledges keyed by id.
func (s *Store) PledgesByIDs(ctx context.Context, ids []int64) (map[int64]*Pledge, error) {
	return db.ByIDs(ctx, s.pool, "pledges p", pledgeColumns, ids, scanPledge, func(p *Pledge) int64 { return p.ID })
}

// PledgeFilter selects pledges.
type PledgeFilter struct {
	UnitID *int64
	Year   *int
}

func (f PledgeFilter) where(args *db.Args) []string {
	var conds []string
	if f.UnitID != nil {
		conds = append(conds, `p.unit_id IN `+subtree(args, *f.UnitID))
	}
	if f.Year != nil {
		conds = append(conds, `p.year = `+args.Add(*f.Year))
	}
	return conds
}

// Pledges returns a page of pledges, newest year first.
func (s *Store) Pledges(ctx context.Context, f PledgeFilter, p page.Request) (page.Page[*Pledge], error) {
	return pledges.list(ctx, s.pool, f, p)
}

// CountPledges returns how many pledges match f.
func (s *Store) CountPledges(ctx context.Context, f PledgeFilter) (int, error) {
	return pledges.count(ctx, s.pool, f)
}

// PledgeCounts are the figures behind "100% of members pledged", by the
// one definition the yearly report uses too: a pledge of year Y is put to
// the members in its unit or the units below it at the end of Y (31
// December, by the tree of that day; for the year under way, the members
// now, since no departure can be dated ahead). Its share is Signed ÷
// Eligible. A member who signed and then left before the year's end
// stays among its Signatures but not in Signed.
type PledgeCounts struct {
	// Signatures is every signature, whoever signed.
	Signatures int
	// Signed is the signatures of the Eligible members.
	Signed int
	// Eligible is the members of the pledge's unit and below at the year's end.
	Eligible int
}

// CountsOf returns the counts of each pledge, keyed by pledge. A pledge
// whose unit no longer existed at its year's end has no eligible members.
func (s *Store) CountsOf(ctx context.Context, pledgeIDs []int64) (map[int64]PledgeCounts, error) {
	out, err := db.ByIDScan(ctx, s.pool, `WITH p AS (SELECT pl.id, make_date(pl.year, 12, 31) AS d, v.path
			FROM pledges pl LEFT JOIN unit_versions v ON v.unit_id = pl.unit_id AND v.during @> make_date(pl.year, 12, 31)
			WHERE pl.id = ANY ($1)),
		counted AS (SELECT p.id, count(*) AS eligible, count(g.member_id) AS signed FROM p
			JOIN unit_versions uv ON uv.path <@ p.path AND uv.during @> p.d
			JOIN member_stays st ON st.unit_id = uv.unit_id AND st.entered_on <= p.d AND (st.left_on IS NULL OR st.left_on > p.d)
			LEFT JOIN pledge_signatures g ON g.pledge_id = p.id AND g.member_id = st.member_id
			GROUP BY p.id)
		SELECT p.id, (SELECT count(*) FROM pledge_signatures g WHERE g.pledge_id = p.id),
			coalesce(c.signed, 0), coalesce(c.eligible, 0)
		FROM p LEFT JOIN counted c ON c.id = p.id`,
		func(c *PledgeCounts) []any { return []any{&c.Signatures, &c.Signed, &c.Eligible} }, pledgeIDs)
	if err != nil {
		return nil, fmt.Errorf("pledge counts: %w", err)
	}
	return out, nil
}

// Signatures returns a page of a pledge's signatures by member name.
// Only members viewer may see are listed.
func (s *Store) Signatures(ctx context.Context, pledgeID int64, viewer *access.Principal, p page.Request) (page.Page[*Signature], error) {
	var args db.Args
	conds := []string{`s.pledge_id = ` + args.Add(pledgeID), viewer.MemberCondition("m", &args)}
	return member.PageByName(ctx, s.pool, "list signatures", `SELECT s.pledge_id, s.member_id, s.signed_on, m.sort_name
		FROM pledge_signatures s JOIN members m ON m.id = s.member_id`, conds, args, p,
		scanSignature, signatureRow.cursor, signatureRow.value)
}

// signatureRow is a listed signature with its member's sort name, by
// which signatures are listed.
type signatureRow struct {
	s    *Signature
	name string
}

func scanSignature(r pgx.Row) (signatureRow, error) {
	var k signatureRow
	var sig Signature
	err := r.Scan(&sig.PledgeID, &sig.MemberID, &sig.SignedOn, &k.name)
	k.s = &sig
	return k, err
}

func (k signatureRow) cursor() []any     { return []any{k.name, k.s.MemberID} }
func (k signatureRow) value() *Signature { return k.s }
func (k signatureRow) pledge() int64     { return k.s.PledgeID }

// FirstCommendationsOf returns the first page (newest year first) of each
// member's commendations in one statement, seen as viewer sees them (the
// same rule as Filter.where, so the first page agrees with the later ones).
func (s *Store) FirstCommendationsOf(ctx context.Context, memberIDs []int64, viewer *access.Principal, first int) (map[int64]page.Page[*Commendation], error) {
	args := db.Args{memberIDs}
	conds := append(Filter{Viewer: viewer}.where(&args), `c.member_id = r.member_id`)
	grouped, err := db.Grouped(ctx, s.pool, "members' commendations", scanCommendation,
		func(c *Commendation) int64 { return *c.MemberID }, `SELECT x.* FROM unnest($1::bigint[]) AS r(member_id) CROSS JOIN LATERAL (
			SELECT `+commendationColumns+` FROM commendations c`+db.Where(conds)+`
			ORDER BY c.year DESC, c.id DESC LIMIT `+args.Add(first+1)+`) x`, args...)
	if err != nil {
		return nil, err
	}
	return page.FirstPages(first, memberIDs, grouped, commendations.cursor), nil
}

// CountCommendationsOf counts each member's commendations viewer may see.
func (s *Store) CountCommendationsOf(ctx context.Context, memberIDs []int64, viewer *access.Principal) (map[int64]int, error) {
	args := db.Args{memberIDs}
	conds := append(Filter{Viewer: viewer}.where(&args), `c.member_id = ANY($1)`)
	out, err := db.ByID[int](ctx, s.pool, `SELECT c.member_id, count(*) FROM commendations c`+db.Where(conds)+` GROUP BY 1`, args...)
	if err != nil {
		return nil, fmt.Errorf("count members' commendations: %w", err)
	}
	return out, nil
}

// FirstSignaturesOf returns the first page (by name) of each pledge's
// signatures in one statement; only members viewer may see are listed.
func (s *Store) FirstSignaturesOf(ctx context.Context, pledgeIDs []int64, viewer *access.Principal, first int) (map[int64]page.Page[*Signature], error) {
	args := db.Args{pledgeIDs}
	cond := viewer.MemberCondition("m", &args)
	grouped, err := db.Grouped(ctx, s.pool, "signatures", scanSignature, signatureRow.pledge, `SELECT x.* FROM unnest($1::bigint[]) AS r(pledge_id) CROSS JOIN LATERAL (
			SELECT s.pledge_id, s.member_id, s.signed_on, m.sort_name FROM pledge_signatures s JOIN members m ON m.id = s.member_id
			WHERE s.pledge_id = r.pledge_id AND `+cond+`
			ORDER BY m.sort_name, m.id LIMIT `+args.Add(first+1)+`) x`, args...)
	if err != nil {
		return nil, err
	}
	return page.FirstPagesMap(first, pledgeIDs, grouped, signatureRow.cursor, signatureRow.value), nil
}

// CountSignaturesOf counts, per pledge, the signatures of members viewer
// may see.
func (s *Store) CountSignaturesOf(ctx context.Context, pledgeIDs []int64, viewer *access.Principal) (map[int64]int, error) {
	return member.CountSeenOf(ctx, s.pool, "count signatures", `pledge_signatures s JOIN members m ON m.id = s.member_id`,
		"s.pledge_id", pledgeIDs, viewer)
}
