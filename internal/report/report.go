// Package report computes the year-end report (báo cáo tổng kết) of a unit,
// rolled up over everything below it, from the recorded data; and plans with
// targets (chỉ tiêu) measured against the same figures.
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
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/org"
)

// Report is Part I of a unit's year-end report.
type Report struct {
	UnitID        int64
	Year          int
	Members       Members
	Committee     []int64 // member ids, secretary first
	Areas         []Area  // one per work area, in the report's order
	Total         Area    // all work areas together (WorkArea empty)
	Pledges       []Pledge
	Ratings       Ratings
	Received      []Received
	Given         []Given
	Monthly       []Month // January to December
	NewsPublished int     // news posts published in the year
	Previous      *Report // the year before, without its own Previous or Children
	Own           *Unit   // records of the unit itself (not of the units below)
	Children      []Unit  // one per unit directly below
	ComputedUntil time.Time
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
	pool db.DB
	now  func() time.Time
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store { return &Store{pool: pool, now: time.Now} }

// ErrNoUnit is returned for a unit that does not exist; callers see it as
// NOT_FOUND.
var ErrNoUnit = &apperr.Error{Code: apperr.NotFound, Message: "no such unit", VI: "Không tìm thấy đơn vị."}

// Parts says which sections of a report to compute. A dashboard tile that
// shows two figures should not pay for the whole report; the GraphQL layer
// asks for what the query selects. All computes everything.
type Parts struct {
	Members       bool // counts at the year's end, by gender and position; movements in the year
	YearStart     bool // the count at the year's start (replays the history to the year before's end)
	Activities    bool // work areas and total: activities, participations, share, hours, contributions
	Notable       bool // the most substantial activities of each work area
	Monthly       bool
	Pledges       bool
	Ratings       bool
	Commendations bool // received and given
	News          bool
	Committee     bool
	Breakdown     bool // the unit's own row and one per unit directly below
	// Previous, when set, is what to compute of the year before (its own
	// Previous, Breakdown, Monthly, Notable and Committee are never computed).
	Previous *Parts
}

// All is every section, the previous year's included.
var All = Parts{Members: true, YearStart: true, Activities: true, Notable: true, Monthly: true, Pledges: true, Ratings: true,
	Commendations: true, News: true, Committee: true, Breakdown: true,
	Previous: &Parts{Members: true, YearStart: true, Activities: true, Pledges: true, Ratings: true, Commendations: true, News: true}}

// PlanParts is what a plan's actual figures (Actual) and suggestions
// (Suggest, from the previous year) read.
var PlanParts = Parts{Members: true, Activities: true, Pledges: true, Ratings: true,
	Previous: &Parts{Members: true, Activities: true, Pledges: true, Ratings: true}}

// needsEnd reports whether p reads the membership at the year's end.
func (p Parts) needsEnd() bool {
	return p.Members || p.Activities || p.Pledges || p.Ratings || p.Commendations || p.Committee || p.Breakdown
}

// Yearly computes the whole report of unitID for year, with the previous
// year's figures and the breakdown by unit below.
func (s *Store) Yearly(ctx context.Context, unitID int64, year int) (*Report, error) {
	return s.YearlyParts(ctx, unitID, year, All)
}

// YearlyParts computes the parts of the report of unitID for year; the
// figures of parts left out stay zero.
func (s *Store) YearlyParts(ctx context.Context, unitID int64, year int, parts Parts) (*Report, error) {
	var path string
	err := s.pool.QueryRow(ctx, `SELECT path::text FROM units WHERE id = $1`, unitID).Scan(&path)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoUnit
	}
	if err != nil {
		return nil, fmt.Errorf("report unit: %w", err)
	}
	cur := newReport(unitID, year, s.now())
	cur.Own = &Unit{UnitID: unitID}
	var prev *Report
	prevParts := Parts{}
	if parts.Previous != nil {
		prevParts = *parts.Previous
		prevParts.Notable, prevParts.Monthly, prevParts.Committee, prevParts.Breakdown, prevParts.Previous = false, false, false, false, nil
		prev = newReport(unitID, year-1, s.now())
		cur.Previous = prev
	}

	err = s.inReportTx(ctx, func(tx pgx.Tx) error {
		if pre := queueTables(path, year, parts, prevParts); pre.Len() > 0 {
			if err := tx.SendBatch(ctx, pre).Close(); err != nil {
				return err
			}
		}
		b := &pgx.Batch{}
		queueFigures(b, cur, path, parts, tables{"report_members_end", "report_members_prev_end", "report_attended"})
		if prev != nil {
			queueFigures(b, prev, path, prevParts, tables{"report_members_prev_end", "report_members_prev_start", "report_attended_prev"})
		}
		if parts.Breakdown {
			queueBreakdown(b, cur, unitID, path, tables{atEnd: "report_members_end", attended: "report_attended"})
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

// queueTables queues the temporary tables a report's statements share:
// who was a member when is replayed from the history once per date, rather
// than in each statement, and only for the dates the asked parts need.
func queueTables(path string, year int, parts, prevParts Parts) *pgx.Batch {
	dates := []struct {
		table  string
		on     time.Time
		needed bool
	}{
		{"report_members_end", time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC), parts.needsEnd()},
		{"report_members_prev_end", time.Date(year-1, 12, 31, 0, 0, 0, 0, time.UTC), parts.YearStart || prevParts.needsEnd()},
		{"report_members_prev_start", time.Date(year-2, 12, 31, 0, 0, 0, 0, time.UTC), prevParts.YearStart},
	}
	pre := &pgx.Batch{}
	for _, d := range dates {
		if d.needed {
			pre.Queue(`CREATE TEMP TABLE `+d.table+` ON COMMIT DROP AS WITH `+membersAt("m", "$2::date")+` SELECT * FROM m`, path, d.on)
			pre.Queue(`ANALYZE ` + d.table)
		}
	}
	// The year's attended participations are read once, for the figures
	// and the breakdown to aggregate, rather than joined again by each.
	for _, a := range []struct {
		table  string
		year   int
		needed bool
	}{
		{"report_attended", year, parts.Activities || parts.Breakdown},
		{"report_attended_prev", year - 1, prevParts.Activities},
	} {
		if a.needed {
			start, end := yearBounds(a.year)
			pre.Queue(`CREATE TEMP TABLE `+a.table+` ON COMMIT DROP AS
				SELECT p.member_id, p.volunteer_hours, a.work_area, au.path
				FROM participations p,`+heldActivities+` AND p.activity_id = a.id AND p.attended`,
				path, start, end)
			pre.Queue(`ANALYZE ` + a.table)
		}
	}
	return pre
}

// inReportTx runs fn in a transaction set up for report statements. A plan
// made for a branch's subtree turned a province's report from about a
// second into a minute: each statement is planned for its unit. The
// aggregates sort and hash some hundred thousand rows at a province: they
// get memory rather than disk, and temporary tables are sampled lightly
// (their statistics only steer joins).
func (s *Store) inReportTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT set_config('plan_cache_mode', 'force_custom_plan', true),
			set_config('work_mem', '64MB', true), set_config('default_statistics_target', '10', true)`); err != nil {
			return fmt.Errorf("report settings: %w", err)
		}
		return fn(tx)
	})
}

func newReport(unitID int64, year int, now time.Time) *Report {
	r := &Report{UnitID: unitID, Year: year, Monthly: make([]Month, 12), Areas: make([]Area, len(WorkAreas))}
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
	return r
}

func (r *Report) area(a activity.WorkArea) *Area {
	for i := range r.Areas {
		if r.Areas[i].WorkArea == a {
			return &r.Areas[i]
		}
	}
	return &r.Total
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
