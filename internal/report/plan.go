package report

import (
	"context"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/validate"
)

// maxTarget bounds a plan's target: more than any count, hour or đồng a
// province reaches (a contribution is at most 10^12 đ), small enough that
// figures derived from it stay ordinary numbers.
const maxTarget = 1e15

// Metric is a report figure a target can be set on.
type Metric string

const (
	Activities        Metric = "ACTIVITIES"
	Participations    Metric = "PARTICIPATIONS"
	ParticipationRate Metric = "PARTICIPATION_SHARE"
	VolunteerHours    Metric = "VOLUNTEER_HOURS"
	ContributionValue Metric = "CONTRIBUTION_VALUE"
	YouthProjects     Metric = "YOUTH_PROJECTS"
	Admissions        Metric = "ADMISSIONS"
	MembersAtYearEnd  Metric = "MEMBERS_AT_YEAR_END"
	ExcellentShare    Metric = "EXCELLENT_SHARE"
	PledgeShare       Metric = "PLEDGE_SHARE"
)

// byArea reports whether the metric can be narrowed to one work area.
func (m Metric) byArea() bool {
	switch m {
	case Activities, Participations, ParticipationRate, VolunteerHours, ContributionValue, YouthProjects:
		return true
	}
	return false
}

// IsShare reports whether the metric is a share between 0 and 1.
func (m Metric) IsShare() bool {
	return m == ParticipationRate || m == ExcellentShare || m == PledgeShare
}

// Target is one target (chỉ tiêu) of a unit's plan for a year.
type Target struct {
	ID       int64
	UnitID   int64
	Year     int
	Metric   Metric
	WorkArea *activity.WorkArea
	Target   float64
	Note     *string
}

// TargetInput is a target as a secretary sets it.
type TargetInput struct {
	Metric   Metric
	WorkArea *activity.WorkArea
	Target   float64
	Note     *string
}

const targetColumns = `id, unit_id, year, metric, work_area, target::float8, note`

// Targets returns a unit's targets for a year, in the order they were set.
func (s *Store) Targets(ctx context.Context, unitID int64, year int) ([]Target, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+targetColumns+` FROM plan_targets
		WHERE unit_id = $1 AND year = $2 ORDER BY position, id`, unitID, year)
	if err != nil {
		return nil, fmt.Errorf("plan targets: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Target, error) { return scanTarget(r) })
}

func scanTarget(r pgx.Row) (Target, error) {
	var t Target
	err := r.Scan(&t.ID, &t.UnitID, &t.Year, &t.Metric, &t.WorkArea, &t.Target, &t.Note)
	return t, err
}

// SetTargets replaces a unit's targets for a year, all or nothing.
func (s *Store) SetTargets(ctx context.Context, unitID int64, year int, targets []TargetInput) ([]Target, error) {
	var v validate.Errors
	v.Year(validate.Input("year"), year)
	type key struct {
		m Metric
		a activity.WorkArea
	}
	seen := map[key]bool{}
	for i := range targets {
		t := &targets[i]
		k := key{m: t.Metric}
		if t.WorkArea != nil {
			k.a = *t.WorkArea
			if !t.Metric.byArea() {
				v.Add(validate.Input("targets", i, "workArea"), validate.NotAllowed, "Chỉ tiêu này không chia theo lĩnh vực.",
					"This target is not set per work area.")
			}
		}
		if seen[k] {
			v.Add(validate.Input("targets", i, "metric"), validate.Duplicate, "Chỉ tiêu bị lặp lại.", "The target appears twice.")
		}
		seen[k] = true
		switch {
		case t.Target < 0 || math.IsNaN(t.Target) || math.IsInf(t.Target, 0):
			v.Add(validate.Input("targets", i, "target"), validate.OutOfRange, "Chỉ tiêu không được âm.", "A target cannot be negative.")
		case t.Target > maxTarget:
			v.Add(validate.Input("targets", i, "target"), validate.OutOfRange, "Chỉ tiêu quá lớn (tối đa 1 triệu tỉ).",
				"The target is too large (at most 10^15).")
		case t.Metric.IsShare() && t.Target > 1:
			v.Add(validate.Input("targets", i, "target"), validate.OutOfRange, "Tỉ lệ là số từ 0 đến 1 (ví dụ 0,9 cho 90%).",
				"A share is between 0 and 1 (0.9 for 90%).")
		}
		t.Note = v.OptionalText(validate.Input("targets", i, "note"), t.Note, 1000)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []Target
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		out = out[:0] // InTx may run this again after a deadlock
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE id = $1)`, unitID).Scan(&exists); err != nil {
			return fmt.Errorf("plan unit: %w", err)
		}
		if !exists {
			v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
			return v.Err()
		}
		// Two saves of one plan at the same moment would each delete the
		// old targets, see none of the other's, and collide inserting: the
		// second waits for the first instead, then replaces its targets.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('sodoan.plan:' || $1::bigint || ':' || $2::int, 0))`,
			unitID, year); err != nil {
			return fmt.Errorf("lock plan: %w", err)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM plan_targets WHERE unit_id = $1 AND year = $2`, unitID, year); err != nil {
			return fmt.Errorf("clear targets: %w", err)
		}
		for i, t := range targets {
			row := tx.QueryRow(ctx, `INSERT INTO plan_targets (unit_id, year, metric, work_area, target, note, position)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+targetColumns,
				unitID, year, t.Metric, t.WorkArea, t.Target, t.Note, i)
			var tg Target
			if err := row.Scan(&tg.ID, &tg.UnitID, &tg.Year, &tg.Metric, &tg.WorkArea, &tg.Target, &tg.Note); err != nil {
				return fmt.Errorf("insert target: %w", err)
			}
			out = append(out, tg)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Actual reads the report figure a target measures.
func Actual(r *Report, m Metric, area *activity.WorkArea) float64 {
	a := r.areaOrTotal(area)
	switch m {
	case Activities:
		return float64(a.Activities)
	case Participations:
		return float64(a.Participations)
	case ParticipationRate:
		return deref(a.Share)
	case VolunteerHours:
		return a.VolunteerHours
	case ContributionValue:
		return float64(money.Sum(a.Cash, a.InKind, a.YouthProjectValue))
	case YouthProjects:
		return float64(a.YouthProjects)
	case Admissions:
		return float64(r.Members.Admitted)
	case MembersAtYearEnd:
		return float64(r.Members.AtYearEnd)
	case ExcellentShare:
		return deref(r.Ratings.ExcellentShare)
	case PledgeShare:
		signed, eligible := 0, 0
		for _, p := range r.Pledges {
			signed, eligible = signed+p.Signed, eligible+p.Eligible
		}
		return deref(share(signed, eligible))
	}
	return 0
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

// Suggest proposes next year's targets from a year's report: counts a
// tenth above what was done, shares kept where they were (at least 90% for
// pledges), so a secretary starts from her own record rather than a blank.
func Suggest(r *Report) []TargetInput {
	var out []TargetInput
	grow := func(m Metric, area *activity.WorkArea) {
		v := Actual(r, m, area)
		if v > 0 {
			out = append(out, TargetInput{Metric: m, WorkArea: area, Target: math.Ceil(v * 1.1)})
		}
	}
	for i := range r.Areas {
		if r.Areas[i].Activities > 0 {
			grow(Activities, &r.Areas[i].WorkArea)
		}
	}
	grow(VolunteerHours, nil)
	grow(ContributionValue, nil)
	grow(Admissions, nil)
	if s := Actual(r, ParticipationRate, nil); s > 0 {
		out = append(out, TargetInput{Metric: ParticipationRate, Target: math.Round(s*100) / 100})
	}
	if len(r.Pledges) > 0 {
		out = append(out, TargetInput{Metric: PledgeShare, Target: math.Max(0.9, math.Round(Actual(r, PledgeShare, nil)*100)/100)})
	}
	return out
}
