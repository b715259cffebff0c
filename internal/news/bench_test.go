package news_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// BenchmarkVisits records visits from many goroutines at once (the shards
// keep them from queueing on one row) and reads the counter after a
// simulated year of traffic.
func BenchmarkVisits(b *testing.B) {
	pool := testdb.Migrated(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO site_visits (day, shard, visits)
		SELECT current_date - d, s, 50 FROM generate_series(0, 364) d, generate_series(0, 15) s`); err != nil {
		b.Fatal(err)
	}
	store := news.NewStore(pool)
	b.Run("record", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				i++
				if err := store.RecordVisit(ctx, nil, fmt.Sprintf("10.0.0.%d", i%200), "bench"); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("stats", func(b *testing.B) {
		for b.Loop() {
			if _, err := store.SiteStats(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
