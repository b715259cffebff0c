package report

import (
	"strconv"
	"strings"
	"time"
)

// keptUnitsSQL makes the temporary table report_kept_units, of the units
// whose year rows a whole year's figures read, for each scope y of
// report_scope: the units that are not branches, read by their rollups
// (migration 19: their own rows and those of the branches directly below
// them at the year's end, the tree of a whole year's scope), and the
// branches whose parent is not in the scope (a branch's own report), read
// by their own rows (only a root of the scope can be one). Made once: every
// section read the scope's tens of thousands of rows again to find these
// (about 15 ms a section at a province of 22,000 units, where the rows it
// then read took 5). Of the report's own scope, each has the breakdown row
// it falls in (row_unit): the unit directly below the root it lies under
// (a path's labels are its units' ids), or the root itself; the root's
// depth is read from its version ($1 the root, $2 the report's day), not
// found among the scope's rows.
const keptUnitsSQL = `INSERT INTO report_kept_units
	SELECT s.y, s.unit_id, s.level <> 'BRANCH' AS rolled,
		CASE WHEN s.y = 0 THEN coalesce((string_to_array(s.path::text, '.'))[
			(SELECT nlevel(r.path) + 1 FROM unit_versions r WHERE r.unit_id = $1 AND r.during @> $2::date)]::bigint, s.unit_id) END AS row_unit
	FROM report_scope s
	WHERE s.level <> 'BRANCH' OR (s.root AND NOT EXISTS (SELECT 1 FROM report_scope p
		WHERE p.y = s.y AND p.unit_id = s.parent_id AND p.level <> 'BRANCH'))`

// The two scopes' kept units, as FROM items (an alias must follow).
const (
	keptNow  = `(SELECT unit_id, rolled FROM report_kept_units WHERE y = 0)`
	keptPrev = `(SELECT unit_id, rolled FROM report_kept_units WHERE y = 1)`
)

// yearFigures is a FROM item (an alias must follow) of the year rows kept
// as records are written (migration 17) for the kept units of a scope
// (keptNow or keptPrev): rows (unit_id, month, figure, area, kind, n,
// amount), a few per unit, whatever the records. Rows of a rollup carry
// its unit's id. Except, when not zero, is a unit of scope read by its own
// rows, and the branches directly below it by theirs (a breakdown's unit).
func yearFigures(kept, scope string, year int, except int64) string {
	y := strconv.Itoa(year)
	own := `SELECT unit_id FROM ` + kept + ` ko WHERE NOT rolled`
	if except != 0 {
		e := strconv.FormatInt(except, 10)
		own += ` UNION ALL SELECT ` + e + ` UNION ALL SELECT unit_id FROM ` + scope + ` kb WHERE parent_id = ` + e + ` AND level = 'BRANCH'`
	}
	return `(SELECT unit_id, make_date(year, 1, 1) AS month, figure, area, kind, n, amount FROM unit_rollup_figures
	WHERE year = ` + y + ` AND unit_id IN (SELECT unit_id FROM ` + kept + ` kr WHERE rolled AND unit_id <> ` + strconv.FormatInt(except, 10) + `)
	UNION ALL
	SELECT unit_id, make_date(year, 1, 1), figure, area, kind, n, amount FROM unit_year_figures
	WHERE year = ` + y + ` AND unit_id IN (` + own + `))`
}

// sumsSQL makes the temporary table table of the rows of figures (a
// whole year's yearFigures) summed by figure, area and kind: one read of a
// province's rollups, some 100,000 rows, for all the sections that sum
// them, where each read them again (the pledges' rows, which are listed
// per pledge, are left out, and the monthly series unless monthly).
func sumsSQL(table, figures string, monthly bool) string {
	return `INSERT INTO ` + table + `
	SELECT NULL::bigint, figure, area, kind, sum(n), sum(amount) FROM ` + figures + ` k
	WHERE figure NOT IN (` + leftOut(monthly) + `) GROUP BY figure, area, kind`
}

// byRowSumsSQL makes the temporary table table of the report's own year
// summed in the one read of its kept rows (report_kept_units of y = 0)
// twice over: by figure, area and kind as sumsSQL (row_unit null), and by
// figure per breakdown row of unit, its root (row_unit, kept units'), which
// the breakdown then reads instead of a province's 100,000 rows of rollups
// a second time. The root is read by its own rows and the branches directly
// below it by theirs, since its rollup mixes them. Each kept unit's rows are
// joined to it, not looked up by id, which would be a join per row to find
// its breakdown row; the units are distinct (as a unit of both years, y = 0
// and 1, the planner would cache each one's rows, a third of the time).
// By figure and area and kind per row would be no fewer rows than the
// rollups where the units below are the kept ones (a bloc's communes).
func byRowSumsSQL(table string, year int, unit int64, monthly bool) string {
	y, u := strconv.Itoa(year), strconv.FormatInt(unit, 10)
	return `INSERT INTO ` + table + `
	SELECT k.row_unit, k.figure, k.area, k.kind, sum(k.n) AS n, sum(k.amount) AS amount
	FROM (SELECT ku.row_unit, r.figure, r.area, r.kind, r.n, r.amount
			FROM (SELECT DISTINCT unit_id, row_unit FROM report_kept_units WHERE y = 0 AND rolled AND unit_id <> ` + u + `) ku
			JOIN unit_rollup_figures r ON r.unit_id = ku.unit_id AND r.year = ` + y + `
		UNION ALL
		SELECT o.row_unit, r.figure, r.area, r.kind, r.n, r.amount
		FROM (SELECT unit_id, row_unit FROM report_kept_units WHERE y = 0 AND NOT rolled
			UNION SELECT unit_id, unit_id FROM report_scope
				WHERE y = 0 AND (unit_id = ` + u + ` OR (parent_id = ` + u + ` AND level = 'BRANCH'))) o
			JOIN unit_year_figures r ON r.unit_id = o.unit_id AND r.year = ` + y + `) k
	WHERE k.figure NOT IN (` + leftOut(monthly) + `)
	GROUP BY GROUPING SETS ((k.figure, k.area, k.kind), (k.row_unit, k.figure))`
}

// sumsOf is the rows by figure, area and kind of a byRowSumsSQL table, as
// sumsSQL's.
func sumsOf(table string) string {
	return `(SELECT figure, area, kind, n, amount FROM ` + table + ` WHERE row_unit IS NULL)`
}

// leftOut is the figures a year's sums leave out.
func leftOut(monthly bool) string {
	left := `'SIGNED', 'ELIGIBLE'`
	if !monthly {
		left += `, 'MONTHLY'`
	}
	return left
}

// sumReaders counts the statements of parts that sum a whole year's kept
// rows: with a few of them, summing once costs less than reading again.
func sumReaders(p Parts) int {
	n := 0
	for _, s := range (figures{}).sections(p) {
		if s.want {
			n += s.sums
		}
	}
	return n
}

// laterYearFigures is the year rows of year for the units of scope, a
// scope of the tree of the next year's end: its rollups (yearFigures) when
// no unit of the scope, nor one that left it, changed place during the next
// year (the rollups of year follow that year's tree), else each unit's own
// rows. Only one of the two is read; the test is made once.
func laterYearFigures(kept, scope string, year int) string {
	first, last := yearBounds(year + 1)
	in := `BETWEEN '` + first.Format(time.DateOnly) + `' AND '` + last.Format(time.DateOnly) + `'`
	// The versions that began or ended in the year come from their dates'
	// indexes (migration 27), then are looked for in the scope.
	return `(WITH changed AS MATERIALIZED (SELECT EXISTS (SELECT 1 FROM unit_versions v
			WHERE (v.valid_from ` + in + ` OR v.valid_to ` + in + `)
				AND (v.unit_id IN (SELECT unit_id FROM ` + scope + ` cs) OR v.parent_id IN (SELECT unit_id FROM ` + scope + ` cp))) AS yes)
	SELECT * FROM ` + yearFigures(kept, scope, year, 0) + ` r WHERE NOT (SELECT yes FROM changed)
	UNION ALL
	SELECT * FROM ` + ownYearFigures(scope, year) + ` o WHERE (SELECT yes FROM changed))`
}

// ownYearFigures is the year rows of the units of scope, each unit's own.
func ownYearFigures(scope string, year int) string {
	return `(SELECT unit_id, make_date(year, 1, 1) AS month, figure, area, kind, n, amount FROM unit_year_figures
		WHERE year = ` + strconv.Itoa(year) + ` AND unit_id IN (SELECT unit_id FROM ` + scope + ` ks))`
}

// periodFigures is the same by month over the days from to to (from on or
// before to): whole months read the month rows, and the days of a month
// cut by from or to are recomputed from their records
// (figures_from_records, the kept figures' own definition), which reads
// the scope's records of those days only.
func periodFigures(scope string, from, to time.Time) string {
	day := func(t time.Time) string { return `'` + t.Format(time.DateOnly) + `'::date` }
	ids := `(SELECT unit_id FROM ` + scope + ` ks)`
	var parts []string
	recompute := func(a, b time.Time) {
		parts = append(parts, `SELECT * FROM figures_from_records(ARRAY`+ids+`, `+day(a)+`, `+day(b)+`)`)
	}
	firstWhole := monthStart(from)
	if !firstWhole.Equal(from) {
		head := firstWhole.AddDate(0, 1, -1)
		if head.After(to) {
			head = to
		}
		recompute(from, head)
		firstWhole = firstWhole.AddDate(0, 1, 0)
	}
	lastWhole := monthStart(to)
	if !to.Equal(lastWhole.AddDate(0, 1, -1)) {
		if !lastWhole.Before(firstWhole) {
			recompute(lastWhole, to)
		}
		lastWhole = lastWhole.AddDate(0, -1, 0)
	}
	if !lastWhole.Before(firstWhole) {
		parts = append(parts, `SELECT unit_id, month, figure, area, kind, n, amount FROM unit_figures
			WHERE month BETWEEN `+day(firstWhole)+` AND `+day(lastWhole)+` AND unit_id IN `+ids)
	}
	return `(` + strings.Join(parts, "\n\tUNION ALL ") + `)`
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
