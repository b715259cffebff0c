package report

import (
	"strconv"
	"strings"
	"time"
)

// yearFigures is a FROM item (an alias must follow) of the year rows kept
// as records are written (migration 17) for the units of scope: rows
// (unit_id, month, figure, area, kind, n, amount), a few per unit, whatever
// the records. The units that are not branches give their rollups
// (migration 19: their own rows and those of the branches directly below
// them at the year's end, the tree of a whole year's scope), the others
// their own rows; a branch whose parent's rollup is read gives none. Rows
// of a rollup carry its unit's id. Except, when not zero, is a unit read by
// its own rows (a breakdown's unit, whose branches have rows of their own).
func yearFigures(scope string, year int, except int64) string {
	y := strconv.Itoa(year)
	return `(WITH ks AS (SELECT unit_id, parent_id, level FROM ` + scope + ` ks),
		rolled AS (SELECT unit_id FROM ks WHERE level <> 'BRANCH' AND unit_id <> ` + strconv.FormatInt(except, 10) + `)
	SELECT unit_id, make_date(year, 1, 1) AS month, figure, area, kind, n, amount FROM unit_rollup_figures
	WHERE year = ` + y + ` AND unit_id IN (SELECT unit_id FROM rolled)
	UNION ALL
	SELECT unit_id, make_date(year, 1, 1), figure, area, kind, n, amount FROM unit_year_figures
	WHERE year = ` + y + ` AND unit_id IN (SELECT unit_id FROM ks WHERE level <> 'BRANCH' AND unit_id = ` + strconv.FormatInt(except, 10) + `
		UNION ALL SELECT unit_id FROM ks WHERE level = 'BRANCH' AND NOT EXISTS (SELECT 1 FROM rolled r WHERE r.unit_id = ks.parent_id)))`
}

// laterYearFigures is the year rows of year for the units of scope, a
// scope of the tree of the next year's end: its rollups (yearFigures) when
// no unit of the scope, nor one that left it, changed place during the next
// year (the rollups of year follow that year's tree), else each unit's own
// rows. Only one of the two is read.
func laterYearFigures(scope string, year int) string {
	next := strconv.Itoa(year + 1)
	changed := `EXISTS (SELECT 1 FROM unit_versions v WHERE (v.unit_id IN (SELECT unit_id FROM ` + scope + ` cs)
			OR v.parent_id IN (SELECT unit_id FROM ` + scope + ` cp))
		AND (extract(year FROM v.valid_from) = ` + next + ` OR extract(year FROM v.valid_to) = ` + next + `))`
	return `(SELECT * FROM ` + yearFigures(scope, year, 0) + ` r WHERE NOT ` + changed + `
	UNION ALL
	SELECT * FROM ` + ownYearFigures(scope, year) + ` o WHERE ` + changed + `)`
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
