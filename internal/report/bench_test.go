package report_test

import (
	"context"
	"testing"

	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/testdb"
)

// BenchmarkYearly times a report on a province-sized database (see
// bulk.Province) for a branch, a district and the whole province.
func BenchmarkYearly(b *testing.B) {
	pool := testdb.Migrated(b)
	ctx := context.Background()
	res, err := bulk.Fill(ctx, pool, bulk.Province)
	if err != nil {
		b.Fatal(err)
	}
	store := report.NewStore(pool)
	for _, u := range []struct {
		name string
		id   int64
	}{{"branch", res.BranchID}, {"district", res.DistrictID}, {"province", res.ProvinceID}} {
		b.Run(u.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := store.Yearly(ctx, u.id, 2023); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
