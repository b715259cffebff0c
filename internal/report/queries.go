package report

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/money"
)

// The figures' statements take $1 = 1 January and $2 = the report's date
// (31 December, or the unit's last day in the year); those about the unit
// itself take its id as $3. Which
// units a statement covers is the report's scope (scopeSQL): the unit's
// subtree as it stood on the report's date, read from unit_versions, not
// today's tree, so that restructuring later leaves past reports alone.

// scopeSQL builds the temporary table report_scope of the units a report
// covers, with their parent, path, level and name of the time, and whether
// the unit is one the subtree was taken of (root): y = 0 rows
// are the unit's subtree on $2 (the report's date); y = 1 rows, when $5 is
// true, the subtree on $3 (the previous year's end) of the unit and of the
// units merged into it during the year ($4 is 1 January): a unit formed by
// a merge compares its first year with the sum of its predecessors. Their
// subtrees are read from those of the roots no other root lies under,
// which do not overlap: removing the doubles a root within another's
// subtree would give sorted a province's 22,000 units (15 ms, on disk).
const scopeSQL = `INSERT INTO report_scope
	SELECT 0 AS y, v.unit_id, v.parent_id, v.path, v.level, v.name, v.unit_id = r.unit_id AS root
	FROM unit_versions r JOIN unit_versions v ON v.path <@ r.path AND v.during @> $2::date
	WHERE r.unit_id = $1::bigint AND r.during @> $2::date
	UNION ALL
	(WITH roots AS MATERIALIZED (SELECT r.unit_id, r.path FROM unit_versions r
			WHERE $5 AND r.during @> $3::date AND r.unit_id IN (
				SELECT $1::bigint UNION
				SELECT l.predecessor_id FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
				WHERE l.successor_id = $1 AND c.kind = 'MERGE' AND c.effective_on BETWEEN $4::date AND $2::date)),
		outer_roots AS (SELECT * FROM roots r WHERE NOT EXISTS (SELECT 1 FROM roots o WHERE o.unit_id <> r.unit_id AND r.path <@ o.path))
	SELECT 1, v.unit_id, v.parent_id, v.path, v.level, v.name, v.unit_id IN (SELECT unit_id FROM roots)
	FROM outer_roots r JOIN unit_versions v ON v.path <@ r.path AND v.during @> $3::date)`

// The two scopes of report_scope, as FROM items (an alias must follow).
const (
	scopeNow  = `(SELECT unit_id, parent_id, path, level, name FROM report_scope WHERE y = 0)`
	scopePrev = `(SELECT unit_id, parent_id, path, level, name FROM report_scope WHERE y = 1)`
)

// membersAt defines a CTE `name` of the members whose unit on date (an SQL
// expression) is in scope, with that unit's id and path of the time: the
// stays (member_stays, kept from the events) of the scope's units that
// contain the date, read from one index per unit.
func membersAt(name, date, scope string) string {
	return name + ` AS (
	SELECT st.member_id AS id, st.gender, st.position, st.unit_id, s.path
	FROM ` + scope + ` s JOIN member_stays st ON st.unit_id = s.unit_id
	WHERE st.entered_on <= ` + date + ` AND (st.left_on IS NULL OR st.left_on > ` + date + `))`
}

// heldActivities is the FROM clause of the activities that count: held,
// starting in the year (up to the report's date), organised in a unit of
// scope (au, with its path and name of the time).
func heldActivities(scope string) string {
	return ` activities a JOIN ` + scope + ` au ON au.unit_id = a.unit_id
	WHERE a.status = 'DONE' AND a.starts_on BETWEEN $1::date AND $2::date`
}

// tables are what a report year's statements read: its scope and the
// scope's kept units (keptNow or keptPrev), the members
// at the year's end and start, and the year's attended participations.
// endKept and startKept, when not empty, are FROM items of kept figures
// whose MEMBERS rows count the members at the year's end and start
// (migration 20), which the counts then read instead of atEnd and atStart.
// movesKept says the kept movements serve: endKept is set, and the scope
// is one subtree (the previous year of a unit formed by a merge is the
// union of its predecessors', where a transfer between two of them meets
// outside it).
type tables struct {
	scope, kept, atEnd, atStart, attended, endKept, startKept string
	// sums, when not empty, is the temporary table of the whole year's
	// kept rows summed over the scope once (sumsSQL), which the sections
	// that sum them read instead of endKept.
	sums string
	// byRow, when not empty, is the temporary table of the sums by
	// breakdown row and, as sums reads it, by figure (byRowSumsSQL).
	byRow      string
	movesKept  bool
	notableWay int // notableWalk or notableOwn
}

// figures queues one year's figures of a report into a batch, a method a
// group of them.
type figures struct {
	b          *pgx.Batch
	r          *Report
	start, end time.Time
	t          tables
	page       *PledgePage // Parts.PledgesPage
}

// yearBounds are 1 January and 31 December of year.
func yearBounds(year int) (start, end time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
}

// args are the statements' $1 and $2.
func (f figures) args() []any { return []any{f.start, f.end} }

// queueFigures queues the figures of r's year that parts asks for.
func queueFigures(b *pgx.Batch, r *Report, parts Parts, t tables) {
	f := figures{b: b, r: r, t: t, page: parts.PledgesPage}
	f.start, f.end = r.From, r.Date
	for _, s := range f.sections(parts) {
		if s.want {
			s.queue()
		}
	}
}

// section is a group of a year's statements: whether parts asks for it,
// what queues it, and how many of its statements sum the year's kept rows
// (which read the sums when they are made, sumReaders).
type section struct {
	want  bool
	queue func()
	sums  int
}

// sections are the groups of statements of f's year, in the order they run.
func (f figures) sections(parts Parts) []section {
	return []section{
		// The year-end count is also what the work areas' shares divide by.
		{parts.Members || parts.Activities, f.headcount, 1},
		{parts.YearStart, f.yearStart, 0},
		{parts.AgeLimit, f.ageLimit, 0},
		{parts.Members, f.movements, 1},
		{parts.Members, f.partyReferrals, 0},
		{parts.Activities, f.activityKinds, 1},
		{parts.Activities, f.participations, 2},
		{parts.Activities, f.contributions, 1},
		{parts.Pledges, f.pledges, 0},
		{parts.Ratings, f.ratings, 1},
		{parts.Ratings, f.unitRatings, 0},
		{parts.Commendations, f.received, 1},
		{parts.Commendations, f.given, 1},
		{parts.News, f.news, 1},
		{parts.Dues, f.dues, 1},
		{parts.Monthly, f.monthly, 1},
		{parts.Notable, f.notable, 0},
		{parts.Committee, f.committee, 0},
	}
}

// headcount queues the year-end headcount by gender and position.
func (f figures) headcount() {
	b, atEnd, m := f.b, f.t.atEnd, &f.r.Members
	if f.t.endKept != "" {
		b.Queue(`SELECT k.kind, sum(k.n)::int FROM ` + f.yearRows() + ` k WHERE k.figure = 'MEMBERS' GROUP BY 1`).Query(func(rows pgx.Rows) error {
			var kind string
			var n int
			_, err := pgx.ForEachRow(rows, []any{&kind, &n}, func() error {
				gender, position, _ := strings.Cut(kind, "/")
				m.AtYearEnd += n
				switch gender {
				case "FEMALE":
					m.Female += n
				case "MALE":
					m.Male += n
				}
				switch position {
				case "SECRETARY":
					m.Secretaries += n
				case "DEPUTY_SECRETARY":
					m.Deputies += n
				case "COMMITTEE_MEMBER":
					m.Committee += n
				case "MEMBER":
					m.Plain += n
				}
				return nil
			})
			return err
		})
		return
	}
	b.Queue(`SELECT count(*),
			count(*) FILTER (WHERE gender = 'FEMALE'), count(*) FILTER (WHERE gender = 'MALE'),
			count(*) FILTER (WHERE position = 'SECRETARY'), count(*) FILTER (WHERE position = 'DEPUTY_SECRETARY'),
			count(*) FILTER (WHERE position = 'COMMITTEE_MEMBER'), count(*) FILTER (WHERE position = 'MEMBER')
		FROM ` + atEnd + ` ae`).QueryRow(func(row pgx.Row) error {
		return row.Scan(&m.AtYearEnd, &m.Female, &m.Male, &m.Secretaries, &m.Deputies, &m.Committee, &m.Plain)
	})
}

// yearStart queues the headcount at the year's start.
func (f figures) yearStart() {
	b, atStart, m := f.b, f.t.atStart, &f.r.Members
	if f.t.startKept != "" {
		b.Queue(`SELECT coalesce(sum(k.n), 0)::int FROM ` + f.t.startKept + ` k WHERE k.figure = 'MEMBERS'`).QueryRow(func(row pgx.Row) error { return row.Scan(&m.AtYearStart) })
		return
	}
	b.Queue(`SELECT count(*) FROM ` + atStart + ` s`).QueryRow(func(row pgx.Row) error { return row.Scan(&m.AtYearStart) })
}

// partyReferrals queues the members introduced to the Party and admitted
// to it in the period, by the unit that introduced them, through the
// referrals' unit indexes.
func (f figures) partyReferrals() {
	b, m := f.b, &f.r.Members
	b.Queue(`SELECT count(*) FILTER (WHERE pr.introduced_on BETWEEN $1::date AND $2::date),
			count(*) FILTER (WHERE pr.admitted_on BETWEEN $1::date AND $2::date)
		FROM `+f.t.scope+` s JOIN party_referrals pr ON pr.unit_id = s.unit_id
			AND (pr.introduced_on BETWEEN $1::date AND $2::date OR pr.admitted_on BETWEEN $1::date AND $2::date)`, f.args()...).
		QueryRow(func(row pgx.Row) error { return row.Scan(&m.IntroducedToParty, &m.AdmittedToParty) })
}

// dues queues the period's dues: collected by the scope's units (a whole
// year's from the kept rows, a period's from the collections), and the
// unit's own remittances, in and out.
func (f figures) dues() {
	b, d := f.b, &f.r.Dues
	if wholeYear(f.r) {
		// The year's DUES rows (migration 42), through the rollups.
		b.Queue(`SELECT coalesce(sum(k.n) FILTER (WHERE k.kind = 'COLLECTED'), 0)::bigint,
				coalesce(sum(k.n) FILTER (WHERE k.kind = 'MEMBER_MONTHS'), 0)::int
			FROM ` + f.kept(false) + ` k WHERE k.figure = 'DUES'`).QueryRow(func(row pgx.Row) error { return row.Scan(&d.Collected, &d.MemberMonths) })
	} else {
		b.Queue(`SELECT coalesce(sum(c.total), 0), coalesce(sum(c.member_months), 0)::int
			FROM `+f.t.scope+` s JOIN dues_collections c ON c.unit_id = s.unit_id AND c.collected_on BETWEEN $1::date AND $2::date`,
			f.args()...).QueryRow(func(row pgx.Row) error { return row.Scan(&d.Collected, &d.MemberMonths) })
	}
	b.Queue(`SELECT coalesce(sum(amount) FILTER (WHERE to_unit_id = $3 AND status = 'CONFIRMED' AND answered_on BETWEEN $1::date AND $2::date), 0),
			coalesce(sum(amount) FILTER (WHERE unit_id = $3 AND status <> 'RETURNED' AND sent_on BETWEEN $1::date AND $2::date), 0)
		FROM dues_remittances WHERE to_unit_id = $3 OR unit_id = $3`, f.start, f.end, f.r.UnitID).
		QueryRow(func(row pgx.Row) error { return row.Scan(&d.Received, &d.Remitted) })
}

// ageLimit queues the members on the report's date who have reached the
// age limit by then (born that many years before it, or earlier) and have
// not aged out: their stays on the date, in the scope's units, whose
// member's birth date is that old.
func (f figures) ageLimit() {
	b, m := f.b, &f.r.Members
	b.Queue(`SELECT count(*) FROM `+f.t.scope+` s
		JOIN member_stays st ON st.unit_id = s.unit_id AND st.entered_on <= $1::date AND (st.left_on IS NULL OR st.left_on > $1::date)
		JOIN members m ON m.id = st.member_id AND m.birth_date <= $2::date`,
		f.end, f.end.AddDate(-member.AgeLimit, 0, 0)).QueryRow(func(row pgx.Row) error { return row.Scan(&m.AtAgeLimit) })
}

// movements queues the members admitted, moved in or out, aged out and
// removed in the year: the events of the scope's units, found through the
// events' unit indexes, not the year's events of the whole country. A transfer a restructuring decision made (a merged
// unit's members going to its successor on the decision's date) is not a
// movement in or out: the members stayed where they were, under a new unit.
func (f figures) movements() {
	b, m := f.b, &f.r.Members
	if f.t.movesKept {
		// The kept movements (migration 24): a transfer between two units
		// of the scope is counted on their meeting point, and is neither in
		// nor out.
		b.Queue(`SELECT coalesce(sum(n) FILTER (WHERE kind = 'ADMITTED'), 0)::int,
				(coalesce(sum(n) FILTER (WHERE kind = 'IN'), 0) - coalesce(sum(n) FILTER (WHERE kind = 'INTERNAL'), 0))::int,
				(coalesce(sum(n) FILTER (WHERE kind = 'OUT'), 0) - coalesce(sum(n) FILTER (WHERE kind = 'INTERNAL'), 0))::int,
				coalesce(sum(n) FILTER (WHERE kind = 'AGED_OUT'), 0)::int, coalesce(sum(n) FILTER (WHERE kind = 'REMOVED'), 0)::int
			FROM ` + f.yearRows() + ` k WHERE figure = 'MOVEMENTS'`).QueryRow(func(row pgx.Row) error {
			return row.Scan(&m.Admitted, &m.TransferredIn, &m.TransferredOut, &m.AgedOut, &m.Removed)
		})
		return
	}
	b.Queue(`SELECT
			count(*) FILTER (WHERE e.kind = 'ADMITTED' AND su.unit_id IS NOT NULL),
			count(*) FILTER (WHERE e.kind = 'TRANSFERRED' AND st.unit_id IS NOT NULL AND sf.unit_id IS NULL AND NOT `+restructuring+`),
			count(*) FILTER (WHERE e.kind = 'TRANSFERRED' AND sf.unit_id IS NOT NULL AND st.unit_id IS NULL AND NOT `+restructuring+`),
			count(*) FILTER (WHERE e.kind = 'AGED_OUT' AND su.unit_id IS NOT NULL),
			count(*) FILTER (WHERE e.kind = 'REMOVED' AND su.unit_id IS NOT NULL)
		FROM (SELECT e.id FROM `+f.t.scope+` s JOIN member_events e ON e.unit_id = s.unit_id AND e.occurred_on BETWEEN $1::date AND $2::date
			UNION SELECT e.id FROM `+f.t.scope+` s JOIN member_events e ON e.from_unit_id = s.unit_id AND e.occurred_on BETWEEN $1::date AND $2::date
			UNION SELECT e.id FROM `+f.t.scope+` s JOIN member_events e ON e.to_unit_id = s.unit_id AND e.occurred_on BETWEEN $1::date AND $2::date) x
		JOIN member_events e ON e.id = x.id
		LEFT JOIN `+f.t.scope+` su ON su.unit_id = e.unit_id
		LEFT JOIN `+f.t.scope+` sf ON sf.unit_id = e.from_unit_id
		LEFT JOIN `+f.t.scope+` st ON st.unit_id = e.to_unit_id`, f.args()...).QueryRow(func(row pgx.Row) error {
		return row.Scan(&m.Admitted, &m.TransferredIn, &m.TransferredOut, &m.AgedOut, &m.Removed)
	})
}

// restructuring is true for a transfer event e between a unit and its
// lineage successor on the day the decision linking them took effect.
const restructuring = `EXISTS (SELECT 1 FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
	WHERE l.predecessor_id = e.from_unit_id AND l.successor_id = e.to_unit_id AND c.effective_on = e.occurred_on)`

// activityKinds queues the held activities by work area and kind.
func (f figures) activityKinds() {
	b, r := f.b, f.r
	b.Queue(`SELECT k.area, k.kind, sum(k.n)::int FROM ` + f.kept(false) + ` k WHERE k.figure = 'ACTIVITIES'
		GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`).
		Query(func(rows pgx.Rows) error {
			var area activity.WorkArea
			var kind activity.Kind
			var n int
			_, err := pgx.ForEachRow(rows, []any{&area, &kind, &n}, func() error {
				a := r.area(area)
				a.Activities += n
				a.ByKind = append(a.ByKind, KindCount{kind, n})
				r.Total.Activities += n
				r.Total.ByKind = addKind(r.Total.ByKind, kind, n)
				return nil
			})
			return err
		})
}

// kept is the kept figures of the report's period over its scope, by
// month when byMonth. A whole year reads the year rows (or, by month, the
// month rows); a period cut short reads report_kept, made once for all the
// sections that ask (queueTables), since its cut days are recomputed.
func (f figures) kept(byMonth bool) string {
	switch {
	case !wholeYear(f.r):
		return `report_kept`
	case byMonth:
		return periodFigures(f.t.scope, f.r.From, f.r.Date)
	case f.t.sums != "":
		return f.t.sums
	default:
		return yearFigures(f.t.kept, f.t.scope, f.r.Year, 0)
	}
}

// yearRows is what the sections that sum the year's kept rows read when
// endKept is set: the sums made once, else the rows.
func (f figures) yearRows() string {
	if f.t.sums != "" {
		return f.t.sums
	}
	return f.t.endKept
}

// participations queues the attended participations and hours by work
// area and in all, from the kept figures, and the distinct participants
// from the year's attendances (distinct counts do not add up over units).
func (f figures) participations() {
	b, r, atEnd := f.b, f.r, f.t.atEnd
	b.Queue(`SELECT k.area, coalesce(sum(k.n), 0)::int, coalesce(sum(k.amount), 0)::float8 FROM ` + f.kept(false) + ` k WHERE k.figure = 'ATTENDANCES'
		GROUP BY GROUPING SETS ((k.area), ())`).Query(func(rows pgx.Rows) error {
		var area *activity.WorkArea
		var n int
		var hours float64
		_, err := pgx.ForEachRow(rows, []any{&area, &n, &hours}, func() error {
			a := r.areaOrTotal(area)
			a.Participations, a.VolunteerHours = n, hours
			return nil
		})
		return err
	})
	if f.t.endKept != "" {
		// The kept weights (migration 22), whose sum over the scope is its
		// distinct participants, and those of them in it at the year's end.
		b.Queue(`SELECT k.area, coalesce(sum(k.n) FILTER (WHERE k.figure = 'PARTICIPANTS'), 0)::int,
				coalesce(sum(k.n) FILTER (WHERE k.figure = 'PARTICIPANTS_AT_END'), 0)::int
			FROM ` + f.yearRows() + ` k WHERE k.figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END') GROUP BY 1`).Query(func(rows pgx.Rows) error {
			var area string
			var participants, atYearEnd int
			_, err := pgx.ForEachRow(rows, []any{&area, &participants, &atYearEnd}, func() error {
				a := r.area(activity.WorkArea(area))
				a.Participants, a.ParticipantsAtYearEnd = participants, atYearEnd
				return nil
			})
			return err
		})
		return
	}
	// A whole year reads the kept participants, a row per unit and member;
	// a year cut short reads its attendances.
	attended := `(SELECT p.member_id, p.area AS work_area FROM ` + f.t.scope + ` s
		JOIN unit_participants p ON p.unit_id = s.unit_id AND p.year = ` + strconv.Itoa(r.Year) + `)`
	if !wholeYear(r) {
		attended = f.t.attended
	}
	b.Queue(`SELECT p.work_area, count(DISTINCT p.member_id), count(DISTINCT p.member_id) FILTER (WHERE ae.id IS NOT NULL)
		FROM ` + attended + ` p LEFT JOIN ` + atEnd + ` ae ON ae.id = p.member_id
		GROUP BY GROUPING SETS ((p.work_area), ())`).Query(func(rows pgx.Rows) error {
		var area *activity.WorkArea
		var participants, atYearEnd int
		_, err := pgx.ForEachRow(rows, []any{&area, &participants, &atYearEnd}, func() error {
			a := r.areaOrTotal(area)
			a.Participants, a.ParticipantsAtYearEnd = participants, atYearEnd
			return nil
		})
		return err
	})
}

// contributions queues the contributions by kind, by work area and in all.
func (f figures) contributions() {
	b, r := f.b, f.r
	b.Queue(`SELECT k.area, k.kind, sum(k.n)::int, ` + money.SumSQL("k.amount") + ` FROM ` + f.kept(false) + ` k
		WHERE k.figure = 'CONTRIBUTIONS' GROUP BY GROUPING SETS ((k.area, k.kind), (k.kind))`).Query(func(rows pgx.Rows) error {
		var area *activity.WorkArea
		var kind activity.ContributionKind
		var n int
		var value int64
		_, err := pgx.ForEachRow(rows, []any{&area, &kind, &n, &value}, func() error {
			a := r.areaOrTotal(area)
			a.Contributions += n
			switch kind {
			case activity.YouthProject:
				a.YouthProjects += n
				a.YouthProjectValue = money.Add(a.YouthProjectValue, value)
			case activity.Cash:
				a.Cash = money.Add(a.Cash, value)
			case activity.InKind:
				a.InKind = money.Add(a.InKind, value)
			}
			return nil
		})
		return err
	})
}

// pledges queues each pledge's eligible and signed members.
func (f figures) pledges() {
	b, r, start, atEnd := f.b, f.r, f.start, f.t.atEnd
	var p Pledge
	if f.t.endKept != "" {
		// From the kept rows (migrations 20, 21 and 26): each pledge's
		// SIGNED rows count its eligible signers wherever they lie, a
		// branch's pledge has its members in its ELIGIBLE row, and
		// another unit's pledge sums the members of the units under it,
		// read through their paths' labels (only when there is one). The
		// rows are grouped by the pledge's id as a number: a province's
		// 42,000 rows of its branches' pledges grouped by text took half
		// of this statement. The pledges are in tree order: their paths
		// (labels of digits, joined by dots, which sort below digits) as
		// bytes, in the order of the paths themselves; sorting the
		// province's 21,000 paths label by label took a quarter of it.
		// A page reads the signatures of its pledges only: the list is
		// cut before they are looked for (the first row also counts the
		// year's pledges, and is there for an empty page too).
		list, args := `pl AS MATERIALIZED (SELECT * FROM listed)`, []any{r.Year}
		if f.page != nil {
			list = `pl AS MATERIALIZED (SELECT * FROM listed WHERE (place, id) > ($2::text COLLATE "C", $3::bigint)
				ORDER BY place, id LIMIT $4)`
			args = append(args, f.page.AfterPlace, f.page.AfterID, f.page.Limit)
		}
		var count int
		var id *int64
		var place *string
		var eligible, signed int
		b.Queue(`WITH sc AS (SELECT * FROM `+f.t.scope+` x),
			listed AS MATERIALIZED (SELECT pl.id, pl.unit_id, pu.path::text COLLATE "C" AS place, pu.level = 'BRANCH' AS branch
				FROM pledges pl JOIN `+f.t.scope+` pu ON pu.unit_id = pl.unit_id
				WHERE pl.year = $1),
			`+list+`,
			per_pledge AS (SELECT k.kind::bigint AS id, sum(k.n) FILTER (WHERE k.figure = 'SIGNED') AS signed,
					sum(k.n) FILTER (WHERE k.figure = 'ELIGIBLE') AS eligible
				FROM `+f.t.endKept+` k WHERE k.figure IN ('SIGNED', 'ELIGIBLE') AND k.kind IN (SELECT id::text FROM pl) GROUP BY 1),
			labelled AS (SELECT a.unit_id, sum(k.n) AS n
				FROM `+f.t.endKept+` k JOIN sc ON sc.unit_id = k.unit_id, unnest(string_to_array(sc.path::text, '.')::bigint[]) AS a (unit_id)
				WHERE k.figure = 'MEMBERS' AND EXISTS (SELECT 1 FROM pl WHERE NOT branch)
					AND a.unit_id IN (SELECT unit_id FROM pl WHERE NOT branch) GROUP BY 1)
			SELECT c.n::int, pl.id, pl.place, coalesce(CASE WHEN pl.branch THEN pp.eligible ELSE l.n END, 0)::int, coalesce(pp.signed, 0)::int
			FROM (SELECT count(*) AS n FROM listed) c LEFT JOIN (pl LEFT JOIN per_pledge pp ON pp.id = pl.id
				LEFT JOIN labelled l ON l.unit_id = pl.unit_id AND NOT pl.branch) ON true
			ORDER BY pl.place, pl.id`, args...).Query(func(rows pgx.Rows) error {
			_, err := pgx.ForEachRow(rows, []any{&count, &id, &place, &eligible, &signed}, func() error {
				r.PledgeCount = count
				if id != nil {
					r.Pledges = append(r.Pledges, Pledge{PledgeID: *id, Place: *place, Eligible: eligible, Signed: signed})
				}
				return nil
			})
			return err
		})
		return
	}
	// A member is eligible for the pledges of every unit on their unit's
	// path (of the time). The members are counted by unit first, and the
	// units' counts go to the pledges on their path's labels (joined by
	// id): a few rows per unit, not per member and pledge. A signature
	// counts if its member is eligible.
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+` x),
		pl AS (SELECT pl.id, pl.unit_id, pu.path FROM pledges pl JOIN `+f.t.scope+` pu ON pu.unit_id = pl.unit_id
			WHERE pl.year = extract(year FROM $1::date)::int),
		by_unit AS (SELECT path, count(*) AS n FROM ae GROUP BY path),
		eligible AS (SELECT a.unit_id, sum(u.n) AS n FROM by_unit u, unnest(string_to_array(u.path::text, '.')::bigint[]) AS a (unit_id)
			WHERE a.unit_id IN (SELECT unit_id FROM pl) GROUP BY 1),
		signed AS (SELECT s.pledge_id, count(*) AS n FROM pledge_signatures s JOIN pl ON pl.id = s.pledge_id
			JOIN ae ON ae.id = s.member_id AND ae.path <@ pl.path GROUP BY 1)
		SELECT pl.id, pl.path::text, coalesce(e.n, 0), coalesce(s.n, 0)
		FROM pl LEFT JOIN eligible e ON e.unit_id = pl.unit_id LEFT JOIN signed s ON s.pledge_id = pl.id
		ORDER BY pl.path::text COLLATE "C", pl.id`, start).
		Query(func(rows pgx.Rows) error {
			err := appendEach(&r.Pledges, &p, &p.PledgeID, &p.Place, &p.Eligible, &p.Signed)(rows)
			r.PledgeCount = len(r.Pledges) // the whole list, which the caller pages
			return err
		})
}

// ratings queues the year's ratings by level, and the members left unrated.
func (f figures) ratings() {
	b, r, start, atEnd := f.b, f.r, f.start, f.t.atEnd
	if f.t.endKept != "" {
		b.Queue(`SELECT coalesce(sum(n) FILTER (WHERE figure = 'RATINGS' AND kind = 'EXCELLENT'), 0)::int,
				coalesce(sum(n) FILTER (WHERE figure = 'RATINGS' AND kind = 'GOOD'), 0)::int,
				coalesce(sum(n) FILTER (WHERE figure = 'RATINGS' AND kind = 'COMPLETED'), 0)::int,
				coalesce(sum(n) FILTER (WHERE figure = 'RATINGS' AND kind = 'NOT_COMPLETED'), 0)::int,
				(coalesce(sum(n) FILTER (WHERE figure = 'MEMBERS'), 0) - coalesce(sum(n) FILTER (WHERE figure = 'RATED'), 0))::int
			FROM ` + f.yearRows() + ` k WHERE figure IN ('RATINGS', 'RATED', 'MEMBERS')`).QueryRow(func(row pgx.Row) error {
			rt := &r.Ratings
			if err := row.Scan(&rt.Excellent, &rt.Good, &rt.Completed, &rt.NotCompleted, &rt.Unrated); err != nil {
				return err
			}
			rt.Rated = rt.Excellent + rt.Good + rt.Completed + rt.NotCompleted
			return nil
		})
		return
	}
	b.Queue(`WITH ae AS (SELECT * FROM `+atEnd+` x)
		SELECT
			count(*) FILTER (WHERE r.level = 'EXCELLENT'), count(*) FILTER (WHERE r.level = 'GOOD'),
			count(*) FILTER (WHERE r.level = 'COMPLETED'), count(*) FILTER (WHERE r.level = 'NOT_COMPLETED'),
			(SELECT count(*) FROM ae WHERE NOT EXISTS (SELECT 1 FROM member_ratings x
				WHERE x.member_id = ae.id AND x.year = extract(year FROM $1::date)::int))
		FROM member_ratings r JOIN `+f.t.scope+` u ON u.unit_id = r.unit_id
		WHERE r.year = extract(year FROM $1::date)::int`, start).QueryRow(func(row pgx.Row) error {
		rt := &r.Ratings
		if err := row.Scan(&rt.Excellent, &rt.Good, &rt.Completed, &rt.NotCompleted, &rt.Unrated); err != nil {
			return err
		}
		rt.Rated = rt.Excellent + rt.Good + rt.Completed + rt.NotCompleted
		return nil
	})
}

// unitRatings queues the unit's own rating for the year and the counts of
// the ratings of the units below it (by the scope of the report's date),
// by unit level and rating level, higher units and better levels first.
func (f figures) unitRatings() {
	b, r := f.b, f.r
	b.Queue(`SELECT `+award.UnitRatingColumns+` FROM unit_ratings WHERE unit_id = $1 AND year = $2`, r.UnitID, r.Year).
		Query(func(rows pgx.Rows) error {
			rt, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByPos[award.UnitRating])
			if len(rt) > 0 {
				r.Rating = rt[0]
			}
			return err
		})
	b.Queue(`SELECT s.level, ur.level, count(*)::int FROM `+f.t.scope+` s
		JOIN unit_ratings ur ON ur.unit_id = s.unit_id AND ur.year = $1
		WHERE s.unit_id <> $2 GROUP BY 1, 2`, r.Year, r.UnitID).Query(func(rows pgx.Rows) error {
		var c UnitRatingCount
		if err := appendEach(&r.UnitRatings, &c, &c.UnitLevel, &c.Level, &c.Count)(rows); err != nil {
			return err
		}
		slices.SortFunc(r.UnitRatings, func(a, b UnitRatingCount) int {
			if d := a.UnitLevel.Rank() - b.UnitLevel.Rank(); d != 0 {
				return d
			}
			if a.UnitLevel != b.UnitLevel { // blocs and districts share a rank
				return strings.Compare(string(a.UnitLevel), string(b.UnitLevel))
			}
			return a.Level.Rank() - b.Level.Rank()
		})
		return nil
	})
}

// received queues the commendations received, by form and issuer's level.
func (f figures) received() {
	b, r, start, atEnd := f.b, f.r, f.start, f.t.atEnd
	var x Received
	if f.t.endKept != "" {
		b.Queue(`SELECT split_part(kind, '/', 1), area, coalesce(sum(n) FILTER (WHERE kind LIKE '%/INDIVIDUAL'), 0)::int,
				coalesce(sum(n) FILTER (WHERE kind LIKE '%/COLLECTIVE'), 0)::int
			FROM ` + f.yearRows() + ` k WHERE figure = 'RECEIVED' GROUP BY 1, 2 ORDER BY 2, 1`).
			Query(appendEach(&r.Received, &x, &x.Form, &x.IssuerLevel, &x.Individual, &x.Collective))
		return
	}
	// A member's commendation counts where the member was on the report's
	// date; one who was not a member then counts in the unit of their
	// latest stay (where they are now, or were last), if that unit is in
	// the scope: one unit each, so a unit's commendations are those of the
	// units below it added up. (The kept RECEIVED rows, migration 21, say
	// the same of the year's end.) The commendations are found from the
	// scope's units and members through their indexes, not among the
	// year's commendations of the whole country.
	b.Queue(`WITH y AS (SELECT extract(year FROM $1::date)::int AS year)
		SELECT c.form, c.issuer_level, count(*) FILTER (WHERE c.member_id IS NOT NULL), count(*) FILTER (WHERE c.unit_id IS NOT NULL)
		FROM (SELECT c.id FROM `+f.t.scope+` s JOIN commendations c ON c.unit_id = s.unit_id AND c.year = (SELECT year FROM y)
			UNION SELECT c.id FROM `+atEnd+` ae JOIN commendations c ON c.member_id = ae.id AND c.year = (SELECT year FROM y)
			UNION SELECT c.id FROM `+f.t.scope+` s JOIN member_stays st ON st.unit_id = s.unit_id
				JOIN commendations c ON c.member_id = st.member_id AND c.year = (SELECT year FROM y)
				WHERE NOT EXISTS (SELECT 1 FROM member_stays l WHERE l.member_id = st.member_id AND l.entered_on > st.entered_on)
					AND NOT EXISTS (SELECT 1 FROM member_stays e WHERE e.member_id = st.member_id AND e.entered_on <= $2::date
						AND (e.left_on IS NULL OR e.left_on > $2::date))) x
		JOIN commendations c ON c.id = x.id
		GROUP BY 1, 2 ORDER BY 2, 1`, start, f.end).
		Query(appendEach(&r.Received, &x, &x.Form, &x.IssuerLevel, &x.Individual, &x.Collective))
}

// given queues the commendations the unit and those below gave, by form.
func (f figures) given() {
	b, r, start := f.b, f.r, f.start
	var x Given
	if f.t.endKept != "" {
		b.Queue(`SELECT split_part(kind, '/', 1), coalesce(sum(n) FILTER (WHERE kind LIKE '%/INDIVIDUAL'), 0)::int,
				coalesce(sum(n) FILTER (WHERE kind LIKE '%/COLLECTIVE'), 0)::int
			FROM ` + f.yearRows() + ` k WHERE figure = 'GIVEN' GROUP BY 1 ORDER BY 1`).
			Query(appendEach(&r.Given, &x, &x.Form, &x.Individual, &x.Collective))
		return
	}
	b.Queue(`SELECT c.form, count(*) FILTER (WHERE c.member_id IS NOT NULL), count(*) FILTER (WHERE c.unit_id IS NOT NULL)
		FROM commendations c JOIN `+f.t.scope+` iu ON iu.unit_id = c.issuer_unit_id
		WHERE c.year = extract(year FROM $1::date)::int
		GROUP BY 1 ORDER BY 1`, start).Query(appendEach(&r.Given, &x, &x.Form, &x.Individual, &x.Collective))
}

// news queues how many posts were published in the year.
func (f figures) news() {
	b, r := f.b, f.r
	b.Queue(`SELECT coalesce(sum(k.n), 0)::int FROM ` + f.kept(false) + ` k WHERE k.figure = 'POSTS'`).QueryRow(func(row pgx.Row) error { return row.Scan(&r.NewsPublished) })
}

// monthly queues the held activities and attended participations by month.
func (f figures) monthly() {
	b, r := f.b, f.r
	if wholeYear(r) {
		// The series kept in the year rows (MONTHLY, migration 23).
		b.Queue(`SELECT k.kind::int, coalesce(sum(k.n) FILTER (WHERE k.area = 'ACTIVITIES'), 0)::int,
				coalesce(sum(k.n) FILTER (WHERE k.area = 'ATTENDANCES'), 0)::int
			FROM ` + f.kept(false) + ` k WHERE k.figure = 'MONTHLY' GROUP BY 1`).Query(func(rows pgx.Rows) error {
			var month, acts, parts int
			_, err := pgx.ForEachRow(rows, []any{&month, &acts, &parts}, func() error {
				r.Monthly[month-1].Activities, r.Monthly[month-1].Participations = acts, parts
				return nil
			})
			return err
		})
		return
	}
	b.Queue(`SELECT extract(month FROM k.month)::int, coalesce(sum(k.n) FILTER (WHERE k.figure = 'ACTIVITIES'), 0)::int,
			coalesce(sum(k.n) FILTER (WHERE k.figure = 'ATTENDANCES'), 0)::int
		FROM ` + f.kept(true) + ` k WHERE k.figure IN ('ACTIVITIES', 'ATTENDANCES') GROUP BY 1`).Query(func(rows pgx.Rows) error {
		var month, acts, parts int
		_, err := pgx.ForEachRow(rows, []any{&month, &acts, &parts}, func() error {
			r.Monthly[month-1].Activities, r.Monthly[month-1].Participations = acts, parts
			return nil
		})
		return err
	})
}

// notable queues each work area's three most notable activities.
func (f figures) notable() {
	b, r := f.b, f.r
	// Ranked by the kept totals (activity_totals): by value, then
	// attendances, then the earliest. A scope of more than a twentieth of
	// the country's units walks each area's ranking in the country (an
	// index, with each activity's start) until it has three of its own in
	// the period, filling up with activities that gave and drew nothing
	// when it has fewer; a smaller one ranks its own activities. (Each way
	// is slow where the other is fast; the choice is made once a report,
	// with its kept units, and only that way is planned.) The walk tests
	// each activity against the scope hashed once (IS TRUE keeps the IN a
	// subplan): as a join under the LIMIT, the planner scanned the scope
	// for each activity walked (a province: 16 ms an area).
	areas := make([]string, len(WorkAreas))
	for i, a := range WorkAreas {
		areas[i] = string(a)
	}
	args := []any{f.start, f.end}
	candidates := `SELECT a.work_area AS area, a.id, coalesce(t.value, 0) AS value, coalesce(t.attendances, 0) AS attendances, a.starts_on
			FROM (SELECT a.id, a.work_area, a.starts_on FROM` + heldActivities(f.t.scope) + `) a
			LEFT JOIN activity_totals t ON t.activity_id = a.id`
	if f.t.notableWay == notableWalk {
		candidates = `WITH sc AS (SELECT unit_id FROM ` + f.t.scope + ` s),
		areas AS (SELECT unnest($3::text[]) AS area),
		scored AS (SELECT ar.area, x.id, x.value, x.attendances, x.starts_on FROM areas ar, LATERAL (
				SELECT a.id, t.value, t.attendances, a.starts_on FROM activity_totals t JOIN activities a ON a.id = t.activity_id
				WHERE t.work_area = ar.area AND t.starts_on BETWEEN $1::date AND $2::date AND a.status = 'DONE'
					AND (a.unit_id IN (SELECT unit_id FROM sc)) IS TRUE AND (t.value > 0 OR t.attendances > 0)
				ORDER BY t.value DESC, t.attendances DESC, t.starts_on, t.activity_id LIMIT 3) x),
		unscored AS (SELECT ar.area, x.id, 0::numeric, 0, x.starts_on FROM areas ar, LATERAL (
				SELECT a.id, a.starts_on FROM activities a LEFT JOIN activity_totals t ON t.activity_id = a.id
				WHERE a.work_area = ar.area AND a.status = 'DONE' AND a.starts_on BETWEEN $1::date AND $2::date
					AND a.unit_id IN (SELECT unit_id FROM sc) AND coalesce(t.value, 0) = 0 AND coalesce(t.attendances, 0) = 0
				ORDER BY a.starts_on, a.id LIMIT 3) x
			WHERE (SELECT count(*) FROM scored s WHERE s.area = ar.area) < 3)
		SELECT * FROM scored UNION ALL SELECT * FROM unscored`
		args = append(args, areas)
	}
	b.Queue(`SELECT area, id FROM (
			SELECT area, id, row_number() OVER (PARTITION BY area ORDER BY value DESC, attendances DESC, starts_on, id) AS rank
			FROM (`+candidates+`) c) x
		WHERE rank <= 3 ORDER BY area, rank`, args...).Query(func(rows pgx.Rows) error {
		var area activity.WorkArea
		var id int64
		_, err := pgx.ForEachRow(rows, []any{&area, &id}, func() error {
			a := r.area(area)
			a.Notable = append(a.Notable, id)
			return nil
		})
		return err
	})
}

// committee queues the unit's own committee on the report's date: the
// members holding posts in it then, secretary first. Posts held by an
// account or a person named in full are not members; the report's posts
// (org.Timeline.CommitteeAsOf) list every holder. A unit with no posts
// recorded at all (data entered before committees had dates) falls back
// to the members' positions at the year's end.
func (f figures) committee() {
	b, r := f.b, f.r
	var id int64
	b.Queue(`WITH ae AS (SELECT st.member_id AS id, st.position, st.unit_id FROM member_stays st
			WHERE st.unit_id = $2 AND st.entered_on <= $1::date AND (st.left_on IS NULL OR st.left_on > $1::date)),
		held AS (
			SELECT p.member_id AS id, array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'STANDING_COMMITTEE_MEMBER', 'COMMITTEE_MEMBER'], p.title) AS rank
			FROM positions p WHERE p.unit_id = $2 AND p.during @> $1::date AND p.member_id IS NOT NULL
			UNION ALL
			SELECT ae.id, array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'COMMITTEE_MEMBER'], ae.position)
			FROM ae WHERE ae.unit_id = $2 AND ae.position <> 'MEMBER'
				AND NOT EXISTS (SELECT 1 FROM positions p WHERE p.unit_id = $2))
		SELECT held.id FROM held JOIN members m ON m.id = held.id ORDER BY held.rank, m.sort_name, m.id`,
		f.end, r.UnitID).Query(appendEach(&r.Committee, &id, &id))
}

// queueBreakdown adds a row per unit directly below on the report's date,
// and one for the records attached to the unit itself, so that the rows
// sum to the total; each row has the unit's name of that date.
func queueBreakdown(b *pgx.Batch, r *Report, t tables) {
	// Each figure and member is keyed by the path (of the time) of the row
	// it belongs to: the unit itself for records attached to it, else the
	// child it lies under. The kept rows are summed per unit before they
	// are keyed: a few per unit, not one join per row.
	// The members are the kept counts' where there are some, else those
	// of the members at the end, one by one.
	members := `m AS (SELECT key, members AS n FROM k)`
	if t.endKept == "" {
		members = `m AS (SELECT subpath(path, 0, least(nlevel(path), (SELECT depth FROM top))) AS key, count(*) AS n
			FROM ` + t.atEnd + ` ae GROUP BY 1)`
	}
	// The sums by breakdown row (byRowSumsSQL), where they are made, have
	// the figures keyed already.
	keyed := `per_unit AS (SELECT k.unit_id, ` + breakdownSums("k") + `, sum(k.amount) FILTER (WHERE k.figure = 'CONTRIBUTIONS') AS value
			FROM ` + breakdownFigures(r, t) + ` k
			WHERE k.figure IN ` + breakdownFiguresRead + ` GROUP BY 1),
		k AS (SELECT subpath(sc.path, 0, least(nlevel(sc.path), (SELECT depth FROM top))) AS key,
				sum(u.members) AS members, sum(u.activities) AS activities, sum(u.attendances) AS attendances,
				sum(u.hours) AS hours, ` + money.SumSQL("u.value") + ` AS value
			FROM per_unit u JOIN sc ON sc.unit_id = u.unit_id GROUP BY 1),`
	if t.byRow != "" {
		keyed = `k AS (SELECT rows.path AS key, ` + breakdownSums("s") + `,
				` + money.SumSQL("CASE WHEN s.figure = 'CONTRIBUTIONS' THEN s.amount END") + ` AS value
			FROM ` + t.byRow + ` s JOIN rows ON rows.id = s.row_unit
			WHERE s.figure IN ` + breakdownFiguresRead + ` GROUP BY 1),`
	}
	b.Queue(`WITH sc AS (SELECT * FROM `+t.scope+` x),
		top AS (SELECT nlevel(path) + 1 AS depth FROM unit_versions WHERE unit_id = $1 AND during @> $2::date),
		rows AS (SELECT unit_id AS id, path, level, name, unit_id = $1 AS own FROM `+t.scope+` x WHERE parent_id = $1 OR unit_id = $1),
		`+keyed+`
		`+members+`
		SELECT rows.id, rows.name, rows.own, coalesce(m.n, 0), coalesce(k.activities, 0)::int, coalesce(k.attendances, 0)::int,
			coalesce(k.hours, 0)::float8, coalesce(k.value, 0)::bigint
		FROM rows LEFT JOIN m ON m.key = rows.path LEFT JOIN k ON k.key = rows.path
		ORDER BY rows.own DESC, rows.level, rows.name, rows.id`, r.UnitID, r.Date).Query(func(rows pgx.Rows) error {
		var u Unit
		var own bool
		_, err := pgx.ForEachRow(rows, []any{&u.UnitID, &u.Name, &own, &u.Members, &u.Activities, &u.Participations, &u.VolunteerHours, &u.ContributionValue}, func() error {
			if own {
				*r.Own = u
			} else {
				r.Children = append(r.Children, u)
			}
			return nil
		})
		return err
	})
}

// breakdownFiguresRead is the kept figures a breakdown row shows.
const breakdownFiguresRead = `('MEMBERS', 'ACTIVITIES', 'ATTENDANCES', 'CONTRIBUTIONS')`

// breakdownSums is the select list of a breakdown row's members,
// activities, attendances and hours from kept rows aliased k (its value,
// a sum of contributions, is summed by each reader as it needs).
func breakdownSums(k string) string {
	return `sum(` + k + `.n) FILTER (WHERE ` + k + `.figure = 'MEMBERS') AS members,
				sum(` + k + `.n) FILTER (WHERE ` + k + `.figure = 'ACTIVITIES') AS activities,
				sum(` + k + `.n) FILTER (WHERE ` + k + `.figure = 'ATTENDANCES') AS attendances,
				sum(` + k + `.amount) FILTER (WHERE ` + k + `.figure = 'ATTENDANCES') AS hours`
}

// breakdownFigures is the kept figures a breakdown sums: those of the
// report's period, where the report's unit is read by its own rows, so
// that its branches' rows are theirs.
func breakdownFigures(r *Report, t tables) string {
	if wholeYear(r) {
		return yearFigures(t.kept, t.scope, r.Year, r.UnitID)
	}
	return figures{r: r, t: t}.kept(false)
}

func addKind(list []KindCount, kind activity.Kind, n int) []KindCount {
	for i := range list {
		if list[i].Kind == kind {
			list[i].Count += n
			return list
		}
	}
	return append(list, KindCount{kind, n})
}

// appendEach reads each row into dest (pointers into *v) and appends a copy
// of *v to *list.
func appendEach[T any](list *[]T, v *T, dest ...any) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		_, err := pgx.ForEachRow(rows, dest, func() error { *list = append(*list, *v); return nil })
		return err
	}
}

// keyedText reads (id, text) rows into m.
func keyedText(m map[int64]string) func(pgx.Rows) error {
	return func(rows pgx.Rows) error {
		var id int64
		var text string
		_, err := pgx.ForEachRow(rows, []any{&id, &text}, func() error { m[id] = text; return nil })
		return err
	}
}
