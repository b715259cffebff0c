package report

import (
	"strings"
	"time"
)

// keptFigures is a FROM item (an alias must follow) of the figures kept as
// records are written (migration 17) for the units of scope over the days
// from to to: rows (unit_id, month, figure, area, kind, n, amount). A whole
// calendar year reads the year rows, one per unit and figure; otherwise
// whole months read the month rows and the days of a month cut by from or
// to are recomputed from their records (figures_from_records, the kept
// figures' own definition), which reads the scope's records of those days
// only. byMonth keeps the months apart (the monthly series): it never
// reads year rows.
func keptFigures(scope string, from, to time.Time, byMonth bool) string {
	day := func(t time.Time) string { return `'` + t.Format(time.DateOnly) + `'::date` }
	ids := `(SELECT unit_id FROM ` + scope + ` ks)`
	var parts []string
	if !byMonth && from.Month() == time.January && from.Day() == 1 && to.Year() == from.Year() && to.Month() == time.December && to.Day() == 31 {
		return `(SELECT unit_id, make_date(year, 1, 1) AS month, figure, area, kind, n, amount FROM unit_year_figures
			WHERE year = ` + from.Format("2006") + ` AND unit_id IN ` + ids + `)`
	}
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
	if len(parts) == 0 { // to before from: nothing
		return `(SELECT * FROM figures_from_records('{}', ` + day(from) + `, ` + day(to) + `))`
	}
	return `(` + strings.Join(parts, "\n\tUNION ALL ") + `)`
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}
