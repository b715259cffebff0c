// Package money bounds amounts of đồng, adds them without overflow and
// reads them as people type them.
//
// One contribution is at most MaxContribution; totals over many of them
// saturate at the int64 limit instead of failing, in Go (Add) and in SQL
// (SumSQL), so a wrong or hostile amount recorded before the bound existed
// cannot break a report or a dashboard above it.
package money

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// MaxContribution is the largest amount one contribution may record:
// 1,000 billion đồng (1 nghìn tỷ). Branch and district projects are worth
// millions to a few billion đồng, so this is far beyond a real entry while
// any total of up to nine million such entries stays exact in int64, and
// any sum below 2^53 (nine thousand of them) stays exact in the float64
// numbers of JavaScript clients.
const MaxContribution int64 = 1_000_000_000_000

// Add returns a + b, saturated at the int64 limits.
func Add(a, b int64) int64 {
	s := a + b
	switch {
	case a > 0 && b > 0 && s < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && s >= 0:
		return math.MinInt64
	}
	return s
}

// Sum adds amounts with Add.
func Sum(amounts ...int64) int64 {
	var s int64
	for _, a := range amounts {
		s = Add(s, a)
	}
	return s
}

// SumSQL is a SQL expression for the sum of the bigint expression expr as
// a bigint, 0 over no rows. PostgreSQL sums bigints as numeric, so the sum
// itself cannot overflow; the cast back to bigint could, and the clamp
// before it keeps it within range.
func SumSQL(expr string) string {
	return "greatest(least(coalesce(sum(" + expr + "), 0), " + strconv.FormatInt(math.MaxInt64, 10) + "), " +
		strconv.FormatInt(math.MinInt64, 10) + ")::bigint"
}

// ErrNotAnAmount is a text that is not a whole number of đồng.
var ErrNotAnAmount = errors.New("not an amount: expected a whole number of đồng such as 2450000 or 2.450.000")

// grouped is a whole number written with its thousands apart, by dots as
// Vietnamese writes them (2.450.000) or by spaces (2 450 000), one
// separator throughout.
var grouped = regexp.MustCompile(`^-?\d{1,3}(?:([. \x{00A0}])\d{3})(?:[. \x{00A0}]\d{3})*$`)

// Parse reads a whole number of đồng as typed: 2450000, 2.450.000 or
// 2 450 000, with or without a trailing đ, đồng or VND. A comma is
// refused: in Vietnamese it marks decimals (2,5), and in English it
// separates thousands, so either reading could be wrong; so is a dot that
// does not group thousands (2.45).
func Parse(s string) (int64, error) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	for _, unit := range []string{"đồng", "vnđ", "vnd", "đ"} {
		if strings.HasSuffix(lower, unit) {
			s = strings.TrimSpace(s[:len(s)-len(unit)])
			break
		}
	}
	if m := grouped.FindStringSubmatch(s); m != nil {
		sep := m[1]
		if strings.Count(s, sep) != strings.Count(s, ".")+strings.Count(s, " ")+strings.Count(s, "\u00a0") {
			return 0, ErrNotAnAmount // mixed separators
		}
		s = strings.ReplaceAll(s, sep, "")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, ErrNotAnAmount
	}
	return n, nil
}

// Group writes n with dots between thousands, as Vietnamese does: 1.232.000.
func Group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Format writes an amount of đồng as users read it: 1.232.000 đ.
func Format(n int64) string { return Group(n) + " đ" }
