// Package money bounds amounts of đồng and adds them without overflow.
//
// One contribution is at most MaxContribution; totals over many of them
// saturate at the int64 limit instead of failing, in Go (Add) and in SQL
// (SumSQL), so a wrong or hostile amount recorded before the bound existed
// cannot break a report or a dashboard above it.
package money

import (
	"math"
	"strconv"
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
