package news_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/testdb"
)

// A visitor (address and browser) who visits a post again and again,
// even all at once, counts one view of it per day; another visitor, or the
// same one the next day, counts another. Every visit counts for the site.
// Readers are kept as salted hashes, never as addresses.
func TestOneViewPerVisitorPerDay(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	var postID int64
	if err := pool.QueryRow(ctx, `WITH u AS (INSERT INTO units (level, name) VALUES ('PROVINCE', 'Tỉnh đoàn') RETURNING id)
		INSERT INTO posts (unit_id, title, slug, status, published_at) SELECT id, 'Tin', 'tin', 'PUBLISHED', now() FROM u
		RETURNING id`).Scan(&postID); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC)
	store := news.NewStore(pool).WithClock(func() time.Time { return day })
	visit := func(s *news.Store, ip, agent string, times int) {
		var wg sync.WaitGroup
		for range times {
			wg.Go(func() {
				if err := s.RecordVisit(ctx, &postID, ip, agent); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	views := func() int64 {
		t.Helper()
		v, err := store.ViewsOf(ctx, []int64{postID})
		if err != nil {
			t.Fatal(err)
		}
		return v[postID]
	}

	visit(store, "203.0.113.5", "Firefox", 30)
	if got := views(); got != 1 {
		t.Errorf("30 visits by one visitor: %d views, want 1", got)
	}
	visit(store, "203.0.113.5", "Chrome", 3)
	visit(store, "198.51.100.9", "Firefox", 3)
	if got := views(); got != 3 {
		t.Errorf("two more visitors: %d views, want 3", got)
	}
	tomorrow := store.WithClock(func() time.Time { return day.Add(24 * time.Hour) })
	visit(tomorrow, "203.0.113.5", "Firefox", 5)
	if got := views(); got != 4 {
		t.Errorf("the first visitor the next day: %d views, want 4", got)
	}
	st, err := tomorrow.SiteStats(ctx)
	if err != nil || st.Total != 41 || st.Today != 5 {
		t.Errorf("site stats = %+v, %v; want 41 visits, 5 today", st, err)
	}
	var raw int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM post_viewers WHERE length(visitor) <> 32
		OR position(convert_to('203.0.113.5', 'UTF8') IN visitor) > 0`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("reader keys: %d, %v", raw, err)
	}
}
