// Package dates reads the calendar dates people type: the ISO form that
// clients send (2026-03-26) and the day-first form Vietnamese offices
// write on paper and in spreadsheets (26/03/2026).
package dates

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrNotADate is a text that is neither form of a real calendar date.
var ErrNotADate = errors.New("not a date: expected 26/03/2026 or 2026-03-26")

// dayFirst is day, month and a four-digit year, separated by slashes,
// dots or hyphens (26/03/2026, 6/3/2026, 26.03.2026, 26-03-2026). The
// day always comes first, as in Vietnamese: 03/04/2026 is 3 April.
var dayFirst = regexp.MustCompile(`^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})$`)

// Parse reads s (surrounding spaces ignored) as 2026-03-26 or 26/03/2026
// and returns that day at midnight UTC. A day that does not exist
// (30/02/2026) is ErrNotADate, not the day it would roll over to.
func Parse(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	m := dayFirst.FindStringSubmatch(s)
	if m == nil || m[2] != m[4] {
		return time.Time{}, ErrNotADate
	}
	day, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[3])
	year, _ := strconv.Atoi(m[5])
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day || int(t.Month()) != month || t.Year() != year {
		return time.Time{}, ErrNotADate
	}
	return t, nil
}

// Format writes t as Vietnamese documents do: 26/03/2026.
func Format(t time.Time) string {
	return t.Format("02/01/2006")
}

// Vietnam is the zone users name their days in: fixed UTC+7, without
// daylight saving.
var Vietnam = time.FixedZone("ICT", 7*60*60)

// Today is the day it is at now in Vietnam, as a UTC midnight (how dates
// are read from the database).
func Today(now time.Time) time.Time {
	y, m, d := now.In(Vietnam).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
