// Package figures checks and repairs what the database keeps for reports
// as records are written: the figures (unit_figures and unit_year_figures,
// maintained by the triggers of migration 17, defined by the SQL function
// figures_from_records), the participants (unit_participants, defined by
// participants_from_records), the activities' totals (activity_totals,
// defined by activity_totals_from_records), the members' stays in units
// (member_stays, of migration 18, defined by the view
// member_stays_from_events), the year rows of members, ratings,
// signatures and commendations (migrations 20 and 21, defined by
// members_from_stays and marks_from_records) and the rollups
// (unit_rollup_figures, migration 19, defined by rollups_from_figures).
// Verify compares what is kept with its definition and Rebuild refills it.
package figures

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/db"
)

// Filter narrows a check or a repair: to the subtree of UnitID (as the tree
// stands today) and to the months of Year, when they are set (zero: all).
type Filter struct {
	UnitID int64
	Year   int
}

// Difference is one key whose kept figure is not what the records say.
// Kept or Want is zero where the row is missing on that side.
type Difference struct {
	// unit_figures, unit_year_figures, unit_participants, activity_totals
	// or member_stays.
	Table  string
	UnitID int64
	Period string // 2026-03 for a month, 2026 for a year, a day for an activity
	// The key within the unit and period: figure, work area and kind; for
	// participants, activities and stays, Figure names the member or
	// activity.
	Figure, Area, Kind string
	// The count (attendances, for an activity; 1 or 0, for a stay) and
	// what else the row holds, as text, kept and recomputed.
	KeptN, WantN           int64
	KeptAmount, WantAmount string
}

func (d Difference) String() string {
	switch d.Table {
	case "member_stays":
		return fmt.Sprintf("member_stays %s: kept %d, records say %d", d.Figure, d.KeptN, d.WantN)
	case "activity_totals":
		return fmt.Sprintf("activity_totals unit %d %s %s: kept %d attendances, %s; records say %d attendances, %s",
			d.UnitID, d.Period, d.Figure, d.KeptN, d.KeptAmount, d.WantN, d.WantAmount)
	case "unit_participants":
		return fmt.Sprintf("unit_participants unit %d %s %s %s: kept %d attendances, records say %d", d.UnitID, d.Period, d.Area, d.Figure, d.KeptN, d.WantN)
	}
	return fmt.Sprintf("%s unit %d %s %s %s %s: kept %d / %s, records say %d / %s",
		d.Table, d.UnitID, d.Period, d.Figure, d.Area, d.Kind, d.KeptN, d.KeptAmount, d.WantN, d.WantAmount)
}

// bounds are the days and the units the filter covers, as statement
// arguments: $1 the unit ids, $2 and $3 the first and last day.
func (f Filter) bounds() (units string, from, to time.Time) {
	units = `ARRAY(SELECT id FROM units WHERE $1::bigint = 0 OR path <@ (SELECT path FROM units WHERE id = $1))`
	first, last := f.years()
	return units, time.Date(first, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(last, 12, 31, 0, 0, 0, 0, time.UTC)
}

// years are the first and last year the filter covers.
func (f Filter) years() (first, last int) {
	if f.Year != 0 {
		return f.Year, f.Year
	}
	return 1, 9999
}

// check refuses a filter naming a unit that does not exist or a year out
// of the calendar's range, which would otherwise cover nothing and report
// that all is well.
func (f Filter) check(ctx context.Context, q db.DB) error {
	if f.Year < 0 || f.Year > 9999 {
		return fmt.Errorf("year %d is not between 1 and 9999", f.Year)
	}
	if f.UnitID == 0 {
		return nil
	}
	var exists bool
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE id = $1)`, f.UnitID).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("%w: %d", ErrNoUnit, f.UnitID)
	}
	return nil
}

// ErrNoUnit is a filter's unit that does not exist.
var ErrNoUnit = errors.New("no such unit")

// diffSQL lists the keys where kept and recomputed figures differ: the
// month rows against the records, and the year rows against the records
// summed by year (and, for the monthly series, by month: MONTHLY,
// migration 23).
var diffSQL = `WITH ids AS (SELECT %[1]s AS ids),
	want AS (SELECT r.* FROM ids, figures_from_records(ids.ids, $2::date, $3::date) r),
	kept AS (SELECT f.* FROM unit_figures f, ids WHERE f.unit_id = ANY (ids.ids) AND f.month BETWEEN $2::date AND $3::date),
	want_year AS (SELECT unit_id, extract(year FROM month)::int AS year, figure, area, kind, sum(n) AS n, sum(amount) AS amount
		FROM want GROUP BY 1, 2, 3, 4, 5
		UNION ALL
		SELECT unit_id, extract(year FROM month)::int, 'MONTHLY', figure, to_char(month, 'MM'), sum(n), 0
		FROM want WHERE figure IN ('ACTIVITIES', 'ATTENDANCES') GROUP BY 1, 2, 3, 4, 5),
	kept_year AS (SELECT y.* FROM unit_year_figures y, ids WHERE y.unit_id = ANY (ids.ids)
		AND y.figure IN ('ACTIVITIES', 'ATTENDANCES', 'CONTRIBUTIONS', 'POSTS', 'MONTHLY')
		AND y.year BETWEEN extract(year FROM $2::date) AND extract(year FROM $3::date))
	` + sumsDiffer("unit_figures", "month", "want", "kept") + `
	UNION ALL
	` + sumsDiffer("unit_year_figures", "year", "want_year", "kept_year") + `
	ORDER BY 1, 2, 3, 4, 5, 6`

// sumsDiffer is the SELECT of the figure rows where the kept ones (kept)
// and those recomputed (want) differ in count or amount, matched on their
// key (unit, period, figure, area, kind), as Difference rows: the table
// they are kept in, the unit, the period (month or year, as text), the
// figure's key and both sides' count and amount.
func sumsDiffer(table, period, want, kept string) string {
	return differing(table, period, want, kept,
		`coalesce(k.n, 0), coalesce(w.n, 0), coalesce(k.amount, 0)::text, coalesce(w.amount, 0)::text`,
		`k.n IS DISTINCT FROM w.n OR k.amount IS DISTINCT FROM w.amount`)
}

// countsDiffer is sumsDiffer for rows that keep a count and no amount.
func countsDiffer(table, period, want, kept string) string {
	return differing(table, period, want, kept, `coalesce(k.n, 0), coalesce(w.n, 0), '', ''`, `k.n IS DISTINCT FROM w.n`)
}

func differing(table, period, want, kept, sides, differ string) string {
	label := period + "::text"
	if period == "month" {
		label = "to_char(month, 'YYYY-MM')"
	}
	return `SELECT '` + table + `', unit_id, ` + label + `, figure, area, kind, ` + sides + `
	FROM ` + want + ` w FULL JOIN ` + kept + ` k USING (unit_id, ` + period + `, figure, area, kind)
	WHERE ` + differ
}

// participantsDiffSQL lists the participant rows, of the filter's units
// and years, where kept and recomputed differ; the member is told in
// Figure.
const participantsDiffSQL = `WITH ids AS (SELECT %[1]s AS ids),
	want AS (SELECT r.* FROM ids, participants_from_records(ids.ids, extract(year FROM $2::date)::int, extract(year FROM $3::date)::int) r),
	kept AS (SELECT p.* FROM unit_participants p, ids WHERE p.unit_id = ANY (ids.ids)
		AND p.year BETWEEN extract(year FROM $2::date) AND extract(year FROM $3::date))
	SELECT 'unit_participants', unit_id, year::text, 'member ' || member_id, area, '',
		coalesce(k.n, 0), coalesce(w.n, 0), '', ''
	FROM want w FULL JOIN kept k USING (unit_id, year, area, member_id)
	WHERE k.n IS DISTINCT FROM w.n
	ORDER BY 2, 3, 5, 4`

// totalsDiffSQL lists the activities, of the filter's units and days,
// whose kept totals differ from their rows'; the activity is told in
// Figure.
const totalsDiffSQL = `WITH ids AS (SELECT %[1]s AS ids),
	want AS (SELECT r.* FROM ids, activity_totals_from_records(ids.ids, $2::date, $3::date) r),
	kept AS (SELECT t.* FROM activity_totals t JOIN activities a ON a.id = t.activity_id, ids
		WHERE a.unit_id = ANY (ids.ids) AND a.starts_on BETWEEN $2::date AND $3::date)
	SELECT 'activity_totals', a.unit_id, to_char(a.starts_on, 'YYYY-MM-DD'), 'activity ' || activity_id, '', '',
		coalesce(k.attendances, 0), coalesce(w.attendances, 0),
		format('%%s hours, %%s contributions worth %%s, in %%s on %%s', coalesce(k.hours, 0), coalesce(k.contributions, 0), coalesce(k.value, 0),
			k.work_area, k.starts_on),
		format('%%s hours, %%s contributions worth %%s, in %%s on %%s', coalesce(w.hours, 0), coalesce(w.contributions, 0), coalesce(w.value, 0),
			w.work_area, w.starts_on)
	FROM want w FULL JOIN kept k USING (activity_id) JOIN activities a ON a.id = activity_id
	WHERE (k.attendances, k.hours, k.contributions, k.value, k.work_area, k.starts_on)
		IS DISTINCT FROM (w.attendances, w.hours, w.contributions, w.value, w.work_area, w.starts_on)
	ORDER BY 2, 4`

// yearRowsDiffSQL lists the year rows that are not sums of month rows, of
// the filter's units and years, that differ from their definitions: the
// members at each year's end (MEMBERS, migration 20, from the stays; a
// row kept beyond the horizon is a difference too) and the ratings,
// signatures and commendations (migration 21, from their records).
var yearRowsDiffSQL = `WITH ids AS (SELECT %[1]s AS ids),
	want AS (SELECT r.* FROM ids, members_from_stays(ids.ids, extract(year FROM $2::date)::int, extract(year FROM $3::date)::int) r
		UNION ALL
		SELECT r.* FROM ids, marks_from_records(ids.ids, extract(year FROM $2::date)::int, extract(year FROM $3::date)::int) r),
	kept AS (SELECT y.* FROM unit_year_figures y, ids WHERE y.unit_id = ANY (ids.ids)
		AND (y.figure = 'MEMBERS' OR y.figure = ANY (marks_figures()))
		AND y.year BETWEEN extract(year FROM $2::date) AND extract(year FROM $3::date))
	` + countsDiffer("unit_year_figures", "year", "want", "kept") + `
	ORDER BY 2, 3, 4, 5, 6`

// participantsMarksDiffSQL lists the participants' weights (migration
// 22) and the movements (migration 24) of the filter's units and years
// that differ from their definitions, which are computed for every member
// and event of those years (a member's weights lie on the units above
// those they attended, a transfer's on the units above both ends).
var participantsMarksDiffSQL = `WITH ids AS (SELECT %[1]s AS ids),
	want AS (SELECT r.* FROM ids, participant_marks_of(extract(year FROM $2::date)::int, extract(year FROM $3::date)::int) r
			WHERE r.unit_id = ANY (ids.ids)
		UNION ALL
		SELECT r.* FROM ids, movements_of(extract(year FROM $2::date)::int, extract(year FROM $3::date)::int) r
			WHERE r.unit_id = ANY (ids.ids)),
	kept AS (SELECT y.* FROM unit_year_figures y, ids WHERE y.unit_id = ANY (ids.ids)
		AND y.figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS')
		AND y.year BETWEEN extract(year FROM $2::date) AND extract(year FROM $3::date))
	` + countsDiffer("unit_year_figures", "year", "want", "kept") + `
	ORDER BY 2, 3, 4, 5, 6`

// rollupKeys is, for the filter's units (%[1]s), the units whose rollups
// can hold their figures: themselves and every parent they have had.
const rollupKeys = `ARRAY(SELECT unnest(%[1]s) UNION SELECT v.parent_id FROM unit_versions v
	WHERE v.unit_id = ANY (%[1]s) AND v.parent_id IS NOT NULL)`

// rollupsDiffSQL lists the rollup rows, of the rollups that can hold the
// filter's units and of its years, whose kept sums differ from the year
// rows they sum (which diffSQL holds to the records).
var rollupsDiffSQL = `WITH keys AS (SELECT ` + rollupKeys + ` AS keys),
	want AS (SELECT r.* FROM keys, rollups_from_figures(keys.keys, extract(year FROM $2::date)::int, extract(year FROM $3::date)::int) r),
	kept AS (SELECT f.* FROM unit_rollup_figures f, keys WHERE f.unit_id = ANY (keys.keys)
		AND f.year BETWEEN extract(year FROM $2::date) AND extract(year FROM $3::date))
	` + sumsDiffer("unit_rollup_figures", "year", "want", "kept") + `
	ORDER BY 1, 2, 3, 4, 5, 6`

// staysDiffSQL lists the stays, in the filter's units and overlapping its
// days, that are kept but not in the events or the other way round; the
// stay is told in Figure.
const staysDiffSQL = `WITH ids AS (SELECT %[1]s AS ids),
	want AS (SELECT s.* FROM member_stays_from_events s, ids WHERE s.unit_id = ANY (ids.ids)
		AND s.entered_on <= $3::date AND (s.left_on IS NULL OR s.left_on > $2::date)),
	kept AS (SELECT s.* FROM member_stays s, ids WHERE s.unit_id = ANY (ids.ids)
		AND s.entered_on <= $3::date AND (s.left_on IS NULL OR s.left_on > $2::date))
	SELECT 'member_stays', unit_id, '', format('member %%s in unit %%s from %%s to %%s, %%s %%s',
			member_id, unit_id, entered_on, coalesce(left_on::text, 'now'), gender, position), '', '',
		count(*) FILTER (WHERE side = 'kept'), count(*) FILTER (WHERE side = 'want'), '', ''
	FROM (SELECT 'kept' AS side, * FROM kept UNION ALL SELECT 'want', * FROM want) x
	GROUP BY member_id, entered_on, left_on, unit_id, gender, position
	HAVING count(*) FILTER (WHERE side = 'kept') <> count(*) FILTER (WHERE side = 'want')
	ORDER BY 2, 4`

// Verify recomputes the figures the filter covers from the records and
// returns every difference from the kept ones. It reads one snapshot
// (REPEATABLE READ), so writes committed meanwhile do not show as
// differences: figures and records change in the same transactions.
func Verify(ctx context.Context, pool *pgxpool.Pool, f Filter) ([]Difference, error) {
	if err := f.check(ctx, pool); err != nil {
		return nil, fmt.Errorf("verify figures: %w", err)
	}
	units, from, to := f.bounds()
	var diffs []Difference
	err := pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		for _, q := range []string{diffSQL, yearRowsDiffSQL, participantsMarksDiffSQL, rollupsDiffSQL, participantsDiffSQL, totalsDiffSQL, staysDiffSQL} {
			rows, err := tx.Query(ctx, fmt.Sprintf(q, units), f.UnitID, from, to)
			if err != nil {
				return err
			}
			var d Difference
			found, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Difference, error) {
				err := row.Scan(&d.Table, &d.UnitID, &d.Period, &d.Figure, &d.Area, &d.Kind, &d.KeptN, &d.WantN, &d.KeptAmount, &d.WantAmount)
				return d, err
			})
			if err != nil {
				return err
			}
			diffs = append(diffs, found...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("verify figures: %w", err)
	}
	return diffs, nil
}

// Rebuild replaces the figures the filter covers with those recomputed
// from the records (unit_figures_rebuild), and the stays of the members
// who were in its units, and returns how many month rows of figures it
// wrote. Writers of records wait while it runs (it locks both tables),
// so no write lands between its reading and its writing. pool may be a
// transaction (a bulk load that skipped the triggers rebuilds before it
// commits).
func Rebuild(ctx context.Context, pool db.DB, f Filter) (int64, error) {
	if err := f.check(ctx, pool); err != nil {
		return 0, fmt.Errorf("rebuild figures: %w", err)
	}
	units, _, _ := f.bounds()
	first, last := f.years()
	var n int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, db.WritePlans); err != nil {
			return err
		}
		// The rollups are refilled once at the end, not followed row by
		// row as the year rows are rewritten (the trigger is off for this
		// transaction only).
		for _, q := range []string{
			`LOCK TABLE unit_figures, unit_year_figures, unit_rollup_figures, unit_participants, activity_totals, member_stays IN EXCLUSIVE MODE`,
			`ALTER TABLE unit_year_figures DISABLE TRIGGER USER`,
			`ALTER TABLE unit_participants DISABLE TRIGGER USER`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		if err := tx.QueryRow(ctx, `SELECT unit_figures_rebuild(`+units+`, $2, $3)`, f.UnitID, first, last).Scan(&n); err != nil {
			return err
		}
		// A member's stays are rebuilt whole, whatever the year: those of
		// the members with a stay in the units, kept or in the events.
		// (The table lock stands in for member_stays_refresh's row locks.)
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE rebuilt_members ON COMMIT DROP AS
			SELECT member_id FROM member_stays WHERE unit_id = ANY (`+units+`)
			UNION SELECT member_id FROM member_stays_from_events WHERE unit_id = ANY (`+units+`)`, f.UnitID); err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM member_stays WHERE member_id IN (SELECT member_id FROM rebuilt_members)`,
			`INSERT INTO member_stays SELECT * FROM member_stays_from_events WHERE member_id IN (SELECT member_id FROM rebuilt_members)`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		// The members' year rows, from the stays, the ratings', signatures'
		// and commendations', and then every rollup.
		for _, q := range []string{
			`DELETE FROM unit_year_figures WHERE (figure = 'MEMBERS' OR figure = ANY (marks_figures()))
				AND unit_id = ANY (` + units + `) AND year BETWEEN $2 AND $3`,
			`INSERT INTO unit_year_figures SELECT * FROM members_from_stays(` + units + `, $2, $3)`,
			`INSERT INTO unit_year_figures SELECT * FROM marks_from_records(` + units + `, $2, $3)`,
			`SELECT unit_rollup_refresh(` + fmt.Sprintf(rollupKeys, units) + `, $2, $3)`,
		} {
			if _, err := tx.Exec(ctx, q, f.UnitID, first, last); err != nil {
				return err
			}
		}
		// The participants' weights and the movements of the years, of every
		// unit: a member's weights lie on the units above those they
		// attended. They join the tables just rewritten, which a bulk load
		// has left without statistics (the plan for none took minutes).
		if _, err := tx.Exec(ctx, `ANALYZE unit_participants, member_stays, member_events, unit_versions`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT participant_marks_rebuild($1, $2)`, first, last); err != nil {
			return err
		}
		for _, q := range []string{
			`ALTER TABLE unit_year_figures ENABLE TRIGGER USER`,
			`ALTER TABLE unit_participants ENABLE TRIGGER USER`,
			// The reports' plans need the new rows' statistics at once,
			// not when autovacuum gets to them.
			`ANALYZE unit_figures, unit_year_figures, unit_rollup_figures, unit_participants, activity_totals, member_stays`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("rebuild figures: %w", err)
	}
	return n, nil
}

// ExtendHorizon moves the members' year rows on to the year after now's
// (figures_extend_horizon, migration 20), so that the current year's
// report reads kept counts from its first day. It reports whether the
// horizon moved.
func ExtendHorizon(ctx context.Context, pool db.DB, now time.Time) (bool, error) {
	var moved bool
	if err := pool.QueryRow(ctx, `SELECT figures_extend_horizon($1)`, now.UTC().Year()+1).Scan(&moved); err != nil {
		return false, fmt.Errorf("extend the figures' horizon: %w", err)
	}
	return moved, nil
}

// KeepHorizon extends the horizon now and then every interval until ctx
// ends; a failure is logged and tried again at the next tick.
func KeepHorizon(ctx context.Context, pool db.DB, log zerolog.Logger, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if moved, err := ExtendHorizon(ctx, pool, time.Now()); err != nil && ctx.Err() == nil {
			log.Error().Err(err).Msg("figures horizon")
		} else if moved {
			log.Info().Msg("figures horizon moved to the next year")
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
