package graph_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/testdb"
)

// BenchmarkAnonymousStats measures what one anonymous address can make the
// database do with its budget (20,000 points a minute, the default): a
// province's stats on a province-sized database (bulk.Province, 611
// units), its price in points, and so the seconds of database time the
// budget buys in a minute (the request's time standing in for its
// database time, which is nearly all of it).
func BenchmarkAnonymousStats(b *testing.B) {
	pool := testdb.Migrated(b)
	res, err := bulk.Fill(context.Background(), pool, bulk.Province)
	if err != nil {
		b.Fatal(err)
	}
	const budget = 20000
	env := apitest.NewOn(b, pool, apitest.AnonymousBudget(budget))
	vars := map[string]any{"id": model.EncodeID(model.KindUnit, res.ProvinceID)}
	const q = `query($id: ID!) { unit(id: $id) { stats(year: 2023) { members { total } branches activities participations volunteerHours } } }`
	points, i := 0, 0
	start := time.Now()
	for b.Loop() {
		i++
		// A new address each time, so the budget never refuses.
		resp := env.From("198.51.100."+strconv.Itoa(i%250+1)).Do(b, q, vars)
		if len(resp.Errors) > 0 {
			b.Fatalf("%+v", resp.Errors)
		}
		points, _ = strconv.Atoi(resp.Header.Get("X-RateLimit-Used"))
	}
	perOp := time.Since(start).Seconds() / float64(i)
	b.ReportMetric(float64(points), "points/op")
	b.ReportMetric(budget/float64(points)*perOp, "db-s/min/address")
}
