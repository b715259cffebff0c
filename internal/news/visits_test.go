package news_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/testdb"
)

// A visitor (address and browser) who visits a post again and again,
// even all at once, counts one view of it per day; another visitor, or the
// same one the next day, counts another. The site counts visitors the same
// way, once a day each. Readers are kept as salted hashes, never as
// addresses.
func TestOneViewPerVisitorPerDay(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	postID := publishedPost(t, pool)
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
	if err != nil || st.Total != 4 || st.Today != 1 {
		t.Errorf("site stats = %+v, %v; want 4 visitor-days, 1 today", st, err)
	}
	var raw int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM post_viewers WHERE length(visitor) <> 32
		OR position(convert_to('203.0.113.5', 'UTF8') IN visitor) > 0`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("reader keys: %d, %v", raw, err)
	}
}

// One address counts at most news.VisitorsPerAddress visitors a day, for
// the site and for each post, however many browser names it sends (and
// all at once); another address, or the next day, counts again.
func TestVisitorsPerAddressAreBounded(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	postID := publishedPost(t, pool)
	day := time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC)
	store := news.NewStore(pool).WithClock(func() time.Time { return day })
	visitors := func(s *news.Store, ip string, agents int) {
		var wg sync.WaitGroup
		for i := range agents {
			wg.Go(func() {
				if err := s.RecordVisit(ctx, &postID, ip, fmt.Sprintf("Trình duyệt %d", i)); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	counts := func(s *news.Store) (int64, int64) {
		t.Helper()
		v, err := s.ViewsOf(ctx, []int64{postID})
		if err != nil {
			t.Fatal(err)
		}
		st, err := s.SiteStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v[postID], st.Today
	}
	const bound = news.VisitorsPerAddress
	visitors(store, "203.0.113.5", 40)
	if views, today := counts(store); views != bound || today != bound {
		t.Errorf("40 browsers behind one address: %d views, %d visitors today; want %d of each", views, today, bound)
	}
	visitors(store, "198.51.100.9", 1)
	if views, today := counts(store); views != bound+1 || today != bound+1 {
		t.Errorf("one more address: %d views, %d visitors today; want %d", views, today, bound+1)
	}
	tomorrow := store.WithClock(func() time.Time { return day.Add(24 * time.Hour) })
	visitors(tomorrow, "203.0.113.5", 5)
	if views, today := counts(tomorrow); views != 2*bound+1 || today != bound {
		t.Errorf("the next day: %d views, %d visitors today; want %d, %d", views, today, 2*bound+1, bound)
	}
	var raw int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM address_visitors WHERE length(address) <> 32
		OR position(convert_to('203.0.113.5', 'UTF8') IN address) > 0`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("address keys: %d, %v", raw, err)
	}
}

// publishedPost is a province with one published post, the post's id.
func publishedPost(t *testing.T, pool *pgxpool.Pool) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `WITH u AS (INSERT INTO units (level, name) VALUES ('PROVINCE', 'Tỉnh đoàn') RETURNING id)
		INSERT INTO posts (unit_id, title, slug, status, published_at) SELECT id, 'Tin', 'tin', 'PUBLISHED', now() FROM u
		RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A day is a day in Vietnam (UTC+7): visits at 23:30 and 23:50 there
// count once, one at 00:30 the next morning counts again, although all
// three fall on one UTC day. And the same visitor is a different key each
// day (the salt changes), so days cannot be linked.
func TestVisitDaysAreVietnamDays(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	postID := publishedPost(t, pool)
	at := func(utc string) *news.Store {
		when, err := time.Parse(time.RFC3339, utc)
		if err != nil {
			t.Fatal(err)
		}
		return news.NewStore(pool).WithClock(func() time.Time { return when })
	}
	views := func() int64 {
		t.Helper()
		v, err := news.NewStore(pool).ViewsOf(ctx, []int64{postID})
		if err != nil {
			t.Fatal(err)
		}
		return v[postID]
	}
	for _, utc := range []string{"2026-03-26T16:30:00Z", "2026-03-26T16:50:00Z"} { // 23:30, 23:50 in Vietnam
		if err := at(utc).RecordVisit(ctx, &postID, "203.0.113.5", "Firefox"); err != nil {
			t.Fatal(err)
		}
	}
	if got := views(); got != 1 {
		t.Errorf("two visits late on one Vietnamese day: %d views, want 1", got)
	}
	if err := at("2026-03-26T17:30:00Z").RecordVisit(ctx, &postID, "203.0.113.5", "Firefox"); err != nil { // 00:30 the 27th
		t.Fatal(err)
	}
	if got := views(); got != 2 {
		t.Errorf("a visit after midnight in Vietnam (same UTC day): %d views, want 2", got)
	}
	var keys int
	if err := pool.QueryRow(ctx, `SELECT count(DISTINCT visitor) FROM post_viewers WHERE post_id = $1`, postID).Scan(&keys); err != nil || keys != 2 {
		t.Errorf("one visitor on two days: %d distinct keys (%v), want 2", keys, err)
	}
}
