// Package report computes the year-end report (báo cáo tổng kết) of a unit,
// rolled up over everything below it, from the recorded data; and plans with
// targets (chỉ tiêu) measured against the same figures.
//
// A report is of the organisation as it stood: the units it covers are
// the unit's subtree on the report's date (the last day of the year, or
// the unit's last day when it was merged or dissolved during the year),
// with the names of that date, whatever was restructured since.
//
// All figures come from SQL aggregates sent in one batch: a report costs
// one round trip and a fixed number of statements, whatever the size of
// the unit. The rules, so that every figure is exact and explainable:
//
//   - A member belongs to a unit on a date by their history: the newest
//     event on or before that date places them (admission, transfer in) or
//     removes them (transfer out of the tree, ageing out, removal).
//   - An activity counts in the year it starts, once, if it was held (DONE);
//     planned and cancelled ones do not count.
//   - A participation (lượt) is a member attending an activity; the share of
//     members who took part is over the members at year end.
//   - Ratings count where the member was when rated; commendations received
//     count where the member was at the end of the year they are for.
package report

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/org"
)

// Report is Part I of a unit's year-end report.
type Report struct {
	UnitID int64
	Year   int
	// From is the first day the figures run from: 1 January, or a later
	// day of the year for a quarter's report.
	From time.Time
	// Date is the day the report is as of: the units it covers are the
	// unit's subtree then, and Name is the unit's name then.
	Date      time.Time
	Name      string
	Members   Members
	Committee []int64 // member ids holding posts on Date, secretary first
	Areas     []Area  // one per work area, in the report's order
	Total     Area    // all work areas together (WorkArea empty)
	Pledges   []Pledge
	// PledgeCount is how many pledges the year has: the length of Pledges
	// unless Parts.PledgesPage cut it to a page.
	PledgeCount int
	Ratings     Ratings
	// Rating is the unit's own rating for the year by the level above;
	// UnitRatings counts those of the units below it.
	Rating        *award.UnitRating
	UnitRatings   []UnitRatingCount
	Received      []Received
	Given         []Given
	Monthly       []Month // January to December
	NewsPublished int     // news posts published in the year
	Dues          Dues
	// Previous is the year before, without its own Previous or Children:
	// the unit's subtree at that year's end, with the units merged into it
	// during this year, so a merged unit compares with its predecessors.
	Previous      *Report
	Own           *Unit  // records of the unit itself (not of the units below)
	Children      []Unit // one per unit directly below
	ComputedUntil time.Time
	// AskedFrom and AskedAsOf are the days the report was asked to run
	// over (nil: the year's own), SubmissionID the submission whose
	// figures these are (0: the records'); an export link names them.
	AskedFrom, AskedAsOf *time.Time `json:"-"`
	SubmissionID         int64      `json:"-"`
}

// Members is the unit's membership situation.
type Members struct {
	AtYearStart    int
	AtYearEnd      int
	Female, Male   int
	Secretaries    int
	Deputies       int
	Committee      int // ủy viên BCH, not counting secretaries and deputies
	Plain          int
	Admitted       int
	TransferredIn  int
	TransferredOut int
	AgedOut        int
	Removed        int
	// AtAgeLimit is the members on the report's date who have reached
	// the age limit (member.AgeLimit) and not aged out.
	AtAgeLimit int
	// IntroducedToParty and AdmittedToParty count the period's Party
	// referrals and admissions, by the unit that introduced the member.
	IntroducedToParty, AdmittedToParty int
}

// Dues is the period's union dues (đoàn phí): what the units of the
// subtree collected from their members, and what the unit itself received
// from the units below it and sent to the one above.
type Dues struct {
	Collected    int64
	MemberMonths int
	Received     int64 // confirmed in the period
	Remitted     int64 // sent in the period, unless returned
}

// KindCount is a number of activities of one kind.
type KindCount struct {
	Kind  activity.Kind
	Count int
}

// Area holds the figures of one work area.
type Area struct {
	WorkArea       activity.WorkArea
	Activities     int
	ByKind         []KindCount
	Participations int // lượt: attendances
	Participants   int // distinct members who attended
	// ParticipantsAtYearEnd is how many of the members at year end took
	// part; Share divides it by Members.AtYearEnd.
	ParticipantsAtYearEnd int
	Share                 *float64
	VolunteerHours        float64
	YouthProjects         int
	YouthProjectValue     int64
	Cash                  int64
	InKind                int64
	Contributions         int
	Notable               []int64 // activity ids, the most substantial first
}

// Pledge is one pledge's signatures.
type Pledge struct {
	PledgeID int64
	// Place is where the pledge stands in the list with PledgeID: its
	// unit's path of the report's date as text, which sorts bytewise in
	// the tree's order.
	Place    string
	Eligible int // members at year end in the pledge's unit and below
	Signed   int // of those, how many signed
	Share    *float64
}

// Ratings counts the year's member ratings.
type Ratings struct {
	Excellent, Good, Completed, NotCompleted int
	Rated                                    int
	// Unrated is how many members at year end have no rating for the year.
	Unrated        int
	ExcellentShare *float64
}

// UnitRatingCount is how many units of one level (branches, grassroots
// unions, ...) below the report's unit got one rating level for the year.
type UnitRatingCount struct {
	UnitLevel org.Level
	Level     award.UnitRatingLevel
	Count     int
}

// Received counts commendations received, by form and issuer level.
type Received struct {
	Form        award.Form
	IssuerLevel org.Level
	Individual  int
	Collective  int
}

// Given counts commendations the unit (and those below) issued.
type Given struct {
	Form       award.Form
	Individual int
	Collective int
}

// Month is one month of the activity series.
type Month struct {
	Month          int
	Activities     int
	Participations int
}

// Unit is one row of the breakdown by unit.
type Unit struct {
	UnitID            int64
	Name              string // on the report's date
	Members           int
	Activities        int
	Participations    int
	VolunteerHours    float64
	ContributionValue int64
}

// WorkAreas is the order the report presents them in.
var WorkAreas = []activity.WorkArea{
	activity.PoliticalEducation, activity.YouthVolunteering, activity.CreativeYouth,
	activity.DefendingFatherland, activity.OrganisationBuilding,
}

// Store computes reports.
type Store struct {
	// A pool, not any db.DB: a report keeps its temporary tables on the
	// connection it acquires (temp.go).
	pool *pgxpool.Pool
	now  func() time.Time
	// notableWay forces how notable activities are found (tests hold the
	// two ways equal): 0 chooses by the scope's size, notableWalk walks
	// the country's ranking, notableOwn ranks the scope's own activities.
	notableWay int
}

// The ways to find a report's notable activities (figures.notable).
const (
	notableWalk = 1
	notableOwn  = 2
)

// NewStore returns a Store on pool.
func NewStore(pool *pgxpool.Pool) *Store { return &Store{pool: pool, now: time.Now} }

// ErrNoUnit is returned for a unit that does not exist; callers see it as
// NOT_FOUND.
var ErrNoUnit = &apperr.Error{Code: apperr.NotFound, Message: "no such unit", VI: "Không tìm thấy đơn vị."}

// notInYear is the error for a report of a year the unit did not exist in
// (formed later, or merged or dissolved before).
func notInYear(year int) error {
	return &apperr.Error{Code: apperr.NotFound, Field: []string{"year"},
		Message: fmt.Sprintf("the unit did not exist in %d (formed later, or merged or dissolved before)", year),
		VI:      fmt.Sprintf("Đơn vị không tồn tại trong năm %d (thành lập sau đó, hoặc đã hợp nhất, giải thể trước đó).", year)}
}

// Parts says which sections of a report to compute. A dashboard tile that
// shows two figures should not pay for the whole report; the GraphQL layer
// asks for what the query selects. All computes everything.
type Parts struct {
	Members       bool // counts at the year's end, by gender and position; movements in the year
	YearStart     bool // the count at the year's start (replays the history to the year before's end)
	AgeLimit      bool // the members at the age limit on the report's date (reads their birth dates)
	Activities    bool // work areas and total: activities, participations, share, hours, contributions
	Notable       bool // the most substantial activities of each work area
	Monthly       bool
	Pledges       bool
	Ratings       bool
	Commendations bool // received and given
	News          bool
	Dues          bool // collected in the subtree, received and remitted by the unit
	Committee     bool
	Breakdown     bool // the unit's own row and one per unit directly below
	// Attendances builds the year's attendances member by member
	// (report_attended), which the export's list of people reads; the
	// figures read it only for a year cut short.
	Attendances bool
	// PledgesPage, when set, is the page of the pledges a client reads:
	// Pledges may then hold only those from the page on (see PledgePage).
	PledgesPage *PledgePage
	// Previous, when set, is what to compute of the year before (its own
	// Previous, Breakdown, Monthly, Notable and Committee are never computed).
	Previous *Parts
}

// PledgePage is a page of a report's pledges: those after the place and
// id of the last one seen (none: from the first), at most Limit of them.
// A report given one reads the signatures of the page's pledges only, not
// of a province's 21,000; its Pledges then starts after the place and holds
// at least Limit of the list where there are as many (all of them for a
// year whose figures are not kept), so the caller pages it.
type PledgePage struct {
	AfterPlace string
	AfterID    int64
	Limit      int
}

// All is every section, the previous year's included.
var All = Parts{Members: true, YearStart: true, Activities: true, Notable: true, Monthly: true, Pledges: true, Ratings: true,
	Commendations: true, News: true, Dues: true, Committee: true, Breakdown: true,
	Previous: &Parts{Members: true, YearStart: true, Activities: true, Pledges: true, Ratings: true, Commendations: true, News: true, Dues: true}}

// PlanParts is what a plan's actual figures (Actual) and suggestions
// (Suggest, from the previous year) read.
var PlanParts = Parts{Members: true, Activities: true, Pledges: true, Ratings: true,
	Previous: &Parts{Members: true, Activities: true, Pledges: true, Ratings: true}}

// any reports whether p asks for anything.
func (p Parts) any() bool {
	return p.Members || p.Activities || p.Pledges || p.Ratings || p.Commendations || p.Committee || p.Breakdown || p.Dues ||
		p.YearStart || p.Notable || p.Monthly || p.News || p.Previous != nil
}

// needsEnd reports whether p reads the members at the year's end one by
// one (report_members_end): the export's list of people, and the sections
// that count members where t has no kept counts.
func (p Parts) needsEnd(t tables) bool {
	return p.Attendances || (t.endKept == "" && (p.Members || p.Activities || p.Breakdown || p.Pledges || p.Ratings || p.Commendations))
}

// Yearly computes the whole report of unitID for year, with the previous
// year's figures and the breakdown by unit below.
func (s *Store) Yearly(ctx context.Context, unitID int64, year int) (*Report, error) {
	return s.YearlyParts(ctx, unitID, year, All)
}

// YearlyParts computes the parts of the report of unitID for year; the
// figures of parts left out stay zero.
func (s *Store) YearlyParts(ctx context.Context, unitID int64, year int, parts Parts) (*Report, error) {
	return s.period(ctx, unitID, year, nil, nil, parts, nil)
}

// YearlyAsOf is YearlyParts as of a chosen day of the year rather than its
// end (a half-year report as of 30 June): the figures run from 1 January
// to that day, over the unit's subtree of that day. The previous year is
// still the whole of it.
func (s *Store) YearlyAsOf(ctx context.Context, unitID int64, year int, asOf time.Time, parts Parts) (*Report, error) {
	return s.Period(ctx, unitID, year, nil, &asOf, parts)
}

// Period is YearlyParts over part of the year: from from (nil: 1 January)
// to asOf (nil: the year's end), a quarter's or a half-year's report
// (sơ kết). The members at its start are those of the day before from,
// in the units of the subtree of the report's date; pledges, ratings and
// commendations, which are the year's, are the year's. The previous year
// is still the whole of it.
func (s *Store) Period(ctx context.Context, unitID int64, year int, from, asOf *time.Time, parts Parts) (*Report, error) {
	from, asOf, err := span(year, from, asOf)
	if err != nil {
		return nil, err
	}
	return s.period(ctx, unitID, year, from, asOf, parts, nil)
}

// span checks the days a report of year is asked to run over (nil: the
// year's own) and returns them as dates.
func span(year int, from, asOf *time.Time) (*time.Time, *time.Time, error) {
	day := func(field string, t *time.Time) (*time.Time, error) {
		if t == nil {
			return nil, nil
		}
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		if d.Year() != year {
			return nil, &apperr.Error{Code: apperr.BadUserInput, Field: []string{field},
				Message: fmt.Sprintf("the day must be in %d", year), VI: fmt.Sprintf("Ngày phải thuộc năm %d.", year)}
		}
		return &d, nil
	}
	from, err := day("from", from)
	if err != nil {
		return nil, nil, err
	}
	if asOf, err = day("asOf", asOf); err != nil {
		return nil, nil, err
	}
	if from != nil && asOf != nil && from.After(*asOf) {
		return nil, nil, &apperr.Error{Code: apperr.BadUserInput, Field: []string{"from"},
			Message: "the period must start on or before the report's date", VI: "Ngày bắt đầu phải trước hoặc bằng ngày của báo cáo."}
	}
	return from, asOf, nil
}

// period computes the report from periodStart (nil: 1 January) to asOf
// (nil: the year's end); more, when set, queues statements of its own (an
// export's lists) into the report's last batch, where the report's
// temporary tables still exist.
func (s *Store) period(ctx context.Context, unitID int64, year int, periodStart, asOf *time.Time, parts Parts, more func(*pgx.Batch, *Report)) (*Report, error) {
	start, end := yearBounds(year)
	prevEnd := end.AddDate(-1, 0, 0)
	from := start
	if periodStart != nil {
		from = *periodStart
	}
	// The unit's last day is looked for from the period's start to its
	// end; a report as of a day needs the unit to exist that day.
	since := from
	if asOf != nil {
		since, end = *asOf, *asOf
	}
	// The report's date is the unit's last day in the year; its name is
	// the name of that day and of the previous year's end.
	var exists bool
	var date *time.Time
	var name, prevName *string
	var horizon int
	var mergedInto bool
	err := s.pool.QueryRow(ctx, `WITH d AS (SELECT max(least(coalesce(valid_to, $3::date), $3::date)) AS day FROM unit_versions
			WHERE unit_id = $1 AND during && daterange($2::date, $3::date, '[]'))
		SELECT EXISTS (SELECT 1 FROM units WHERE id = $1), d.day,
			(SELECT name FROM unit_versions WHERE unit_id = $1 AND during @> d.day),
			(SELECT name FROM unit_versions WHERE unit_id = $1 AND during @> $4::date),
			(SELECT year FROM figures_horizon),
			EXISTS (SELECT 1 FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
				WHERE l.successor_id = $1 AND c.kind = 'MERGE' AND c.effective_on BETWEEN $5::date AND d.day)
		FROM d`, unitID, since, end, prevEnd, start).Scan(&exists, &date, &name, &prevName, &horizon, &mergedInto)
	if err != nil {
		return nil, fmt.Errorf("report unit: %w", err)
	}
	if !exists {
		return nil, ErrNoUnit
	}
	if date == nil && asOf != nil {
		return nil, &apperr.Error{Code: apperr.NotFound, Field: []string{"asOf"},
			Message: fmt.Sprintf("the unit did not exist on %s", asOf.Format(time.DateOnly)),
			VI:      fmt.Sprintf("Đơn vị không tồn tại vào ngày %s.", dates.Format(*asOf))}
	}
	if date == nil {
		return nil, notInYear(year)
	}
	cur := newReport(unitID, year, from, *date, *name, s.now())
	cur.AskedFrom, cur.AskedAsOf = periodStart, asOf
	cur.Own = &Unit{UnitID: unitID, Name: *name}
	var prev *Report
	prevParts := Parts{}
	if parts.Previous != nil {
		prevParts = *parts.Previous
		prevParts.Notable, prevParts.Monthly, prevParts.Committee, prevParts.Breakdown, prevParts.Previous = false, false, false, false, nil
		if prevName == nil {
			prevName = name // formed during the year: the previous year is of its predecessors
		}
		prev = newReport(unitID, year-1, start.AddDate(-1, 0, 0), prevEnd, *prevName, s.now())
		cur.Previous = prev
	}

	// The members at a year's end are kept per unit up to the horizon
	// (migration 20); the tree a year's rollups follow is that year's end,
	// so the previous year's start, counted over the tree of its end, reads
	// rollups only where that tree stood through the year.
	now := tables{scope: scopeNow, kept: keptNow, atEnd: "report_members_end", atStart: "report_members_prev_end", attended: "report_attended",
		notableWay: s.notableWay}
	if !startsYear(cur) {
		now.atStart = "report_members_start"
	}
	if wholeYear(cur) && year <= horizon {
		now.endKept = yearFigures(keptNow, scopeNow, year, 0)
		now.movesKept = true
	}
	if startsYear(cur) && year-1 <= horizon {
		now.startKept = yearFigures(keptPrev, scopePrev, year-1, 0)
	}
	before := tables{scope: scopePrev, kept: keptPrev, atEnd: "report_members_prev_end", atStart: "report_members_prev_start"}
	if year-1 <= horizon {
		before.endKept = yearFigures(keptPrev, scopePrev, year-1, 0)
		before.startKept = laterYearFigures(keptPrev, scopePrev, year-2)
		before.movesKept = !mergedInto
	}
	// More statements summing a year's kept rows than any one section has
	// (activities: five) read them summed once; a dashboard tile asking
	// for one section reads them itself.
	const sumsFrom = 6
	if wholeYear(cur) && sumReaders(parts) >= sumsFrom {
		now.sums = "report_sums_now"
		if parts.Breakdown {
			now.byRow, now.sums = now.sums, sumsOf(now.sums)
		}
	}
	startReads := 0
	if parts.YearStart && now.startKept != "" {
		startReads = 1
	}
	if prev != nil && before.endKept != "" && sumReaders(prevParts)+startReads >= sumsFrom {
		before.sums = "report_sums_prev"
		if now.startKept != "" {
			now.startKept = before.sums // the same rows: the previous year's, of its scope
		}
	}
	scope, units, pre := queueTables(cur, parts, now, prev, prevParts, before)
	if parts.Notable && now.notableWay == 0 {
		// A scope of more than a twentieth of the country's units walks
		// the country's ranking; a smaller one ranks its own activities.
		units.Queue(`SELECT (SELECT count(*) FROM report_scope WHERE y = 0) * 20 > (SELECT reltuples FROM pg_class WHERE oid = 'units'::regclass)`).
			QueryRow(func(row pgx.Row) error {
				var large bool
				if err := row.Scan(&large); err != nil {
					return err
				}
				now.notableWay = notableOwn
				if large {
					now.notableWay = notableWalk
				}
				return nil
			})
	}
	err = s.inReportTx(ctx, scope, func(tx pgx.Tx) error {
		for _, b := range []*pgx.Batch{units, pre} {
			if b.Len() > 0 {
				if err := tx.SendBatch(ctx, b).Close(); err != nil {
					return err
				}
			}
		}
		b := &pgx.Batch{}
		queueFigures(b, cur, parts, now)
		if prev != nil {
			// A whole year: its distinct participants are the kept ones.
			queueFigures(b, prev, prevParts, before)
		}
		if parts.Breakdown {
			queueBreakdown(b, cur, now)
		}
		if more != nil {
			more(b, cur)
		}
		if b.Len() == 0 {
			return nil
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return nil, fmt.Errorf("report of unit %d for %d: %w", unitID, year, err)
	}
	finish(cur)
	if prev != nil {
		finish(prev)
	}
	return cur, nil
}

// queueTables queues the temporary tables a report's statements share,
// in three round trips, since each reads the one before: the units it
// covers (report_scope); the units whose kept rows it reads
// (report_kept_units); the years' kept rows summed once; who was a member when, replayed from
// the history once per date rather than in each statement, and only for
// the dates the asked parts need; and the years' attended participations.
// The year's start is the previous year's end, of the previous year's
// scope: the members of the unit's subtree as it stood then.
func queueTables(cur *Report, parts Parts, now tables, prev *Report, prevParts Parts, before tables) (scope, units, pre *pgx.Batch) {
	scope, units, pre = &pgx.Batch{}, &pgx.Batch{}, &pgx.Batch{}
	if !parts.any() {
		return scope, units, pre
	}
	start, _ := yearBounds(cur.Year)
	prevEnd := start.AddDate(0, 0, -1)
	withPrev := parts.YearStart || prev != nil
	// The statements of a batch are all prepared before the first runs, so
	// a table another statement reads is made in the round trip before.
	scope.Queue(scopeSQL, cur.UnitID, cur.Date, prevEnd, start, withPrev)
	scope.Queue(`ANALYZE report_scope`)
	units.Queue(keptUnitsSQL, cur.UnitID, cur.Date)
	units.Queue(`ANALYZE report_kept_units`)
	switch {
	case now.byRow != "":
		pre.Queue(byRowSumsSQL(now.byRow, cur.Year, cur.UnitID, parts.Monthly))
	case now.sums != "":
		pre.Queue(sumsSQL(now.sums, yearFigures(now.kept, now.scope, cur.Year, 0), parts.Monthly))
	}
	if before.sums != "" {
		pre.Queue(sumsSQL(before.sums, yearFigures(before.kept, before.scope, prev.Year, 0), prevParts.Monthly))
	}
	dates := []struct {
		table  string
		on     time.Time
		scope  string
		needed bool
	}{
		{"report_members_end", cur.Date, scopeNow, parts.needsEnd(now)},
		{"report_members_start", cur.From.AddDate(0, 0, -1), scopeNow, parts.YearStart && !startsYear(cur)},
		{"report_members_prev_end", prevEnd, scopePrev, (parts.YearStart && startsYear(cur) && now.startKept == "") || prevParts.needsEnd(before)},
		{"report_members_prev_start", prevEnd.AddDate(-1, 0, 0), scopePrev, prevParts.YearStart && before.startKept == ""},
	}
	for _, d := range dates {
		if d.needed {
			pre.Queue(`INSERT INTO `+d.table+` WITH `+membersAt("m", "$1::date", d.scope)+` SELECT * FROM m`, d.on)
			pre.Queue(`ANALYZE ` + d.table)
		}
	}
	// A period cut short reads its kept figures once, for every section
	// that sums them (its cut days are recomputed from the records), and
	// its attendances member by member for the distinct participants; the
	// export lists each member's attendances. The previous year is whole.
	if !wholeYear(cur) && (parts.Activities || parts.News || parts.Monthly || parts.Breakdown) {
		pre.Queue(`INSERT INTO report_kept SELECT * FROM ` + periodFigures(scopeNow, cur.From, cur.Date) + ` k`)
		pre.Queue(`ANALYZE report_kept`)
	}
	if parts.Attendances || (parts.Activities && !wholeYear(cur)) {
		pre.Queue(`INSERT INTO report_attended
			SELECT p.member_id, p.volunteer_hours, a.work_area, au.path
			FROM participations p,`+heldActivities(scopeNow)+` AND p.activity_id = a.id AND p.attended`,
			cur.From, cur.Date)
		pre.Queue(`ANALYZE report_attended`)
	}
	return scope, units, pre
}

// inReportTx runs fn in a transaction set up for report statements. A plan
// made for a branch's subtree turned a province's report from about a
// second into a minute: each statement is planned for its unit. The
// aggregates sort and hash some hundred thousand rows at a province: they
// get memory rather than disk, and temporary tables are sampled lightly
// (their statistics only steer joins). An index probe per scope unit or
// member is priced as the cached read it is (random_page_cost 1.1, not
// the spinning disk's 4): with 4 the planner scanned a whole year's
// ratings of the country for a bloc of 1,500 units. JIT compiling is off:
// the estimates of a province's statements passed its threshold and it
// spent 200 ms compiling a statement that ran in 10. The commit does not
// wait for the WAL to reach the disk: a report writes nothing but its
// temporary tables and their statistics.
func (s *Store) inReportTx(ctx context.Context, setup *pgx.Batch, fn func(pgx.Tx) error) (err error) {
	conn, err := withTables(ctx, s.pool)
	if err != nil {
		return err
	}
	defer conn.Release()
	defer forgetLostTables(conn, &err)
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// The settings and the statements setup queues (those that read
		// nothing another of them creates) go in one round trip.
		b := &pgx.Batch{}
		b.Queue(`SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
			set_config('work_mem', '64MB', true), set_config('default_statistics_target', '10', true),
			set_config('random_page_cost', '1.1', true), set_config('jit', 'off', true),
			set_config('synchronous_commit', 'off', true)`)
		if setup != nil {
			b.QueuedQueries = append(b.QueuedQueries, setup.QueuedQueries...)
		}
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return fmt.Errorf("report settings: %w", err)
		}
		return fn(tx)
	})
}

// wholeYear reports whether r runs from its year's first day to its last,
// so that the figures kept by year serve it.
func wholeYear(r *Report) bool {
	return startsYear(r) && r.Date.Month() == time.December && r.Date.Day() == 31
}

// startsYear reports whether r's figures run from 1 January.
func startsYear(r *Report) bool { return r.From.Month() == time.January && r.From.Day() == 1 }

func newReport(unitID int64, year int, from, date time.Time, name string, now time.Time) *Report {
	r := &Report{UnitID: unitID, Year: year, From: from, Date: date, Name: name, Monthly: make([]Month, 12), Areas: make([]Area, len(WorkAreas))}
	for i := range r.Monthly {
		r.Monthly[i].Month = i + 1
	}
	for i, a := range WorkAreas {
		r.Areas[i].WorkArea = a
	}
	r.ComputedUntil = time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
	if today := now.UTC(); today.Year() == year {
		r.ComputedUntil = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	}
	if date.Before(r.ComputedUntil) {
		r.ComputedUntil = date
	}
	return r
}

// area is the figures of work area a; of the whole report when a is none
// of its areas (the empty area of a kept total row, for one).
func (r *Report) area(a activity.WorkArea) *Area {
	for i := range r.Areas {
		if r.Areas[i].WorkArea == a {
			return &r.Areas[i]
		}
	}
	return &r.Total
}

// areaOrTotal is area(*a), or the whole report's figures for a nil area (the
// total row of a GROUPING SETS query).
func (r *Report) areaOrTotal(a *activity.WorkArea) *Area {
	if a == nil {
		return &r.Total
	}
	return r.area(*a)
}

func share(part, whole int) *float64 {
	if whole == 0 {
		return nil
	}
	v := float64(part) / float64(whole)
	return &v
}

// finish derives the shares once every count is in.
func finish(r *Report) {
	for i := range r.Areas {
		r.Areas[i].Share = share(r.Areas[i].ParticipantsAtYearEnd, r.Members.AtYearEnd)
	}
	r.Total.Share = share(r.Total.ParticipantsAtYearEnd, r.Members.AtYearEnd)
	for i := range r.Pledges {
		r.Pledges[i].Share = share(r.Pledges[i].Signed, r.Pledges[i].Eligible)
	}
	r.Ratings.ExcellentShare = share(r.Ratings.Excellent, r.Ratings.Rated)
	slices.SortStableFunc(r.Total.ByKind, func(a, b KindCount) int { return b.Count - a.Count })
	if r.Ratings.Unrated < 0 {
		r.Ratings.Unrated = 0
	}
}
