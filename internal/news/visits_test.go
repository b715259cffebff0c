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
	v := newPostVisits(t)
	pool, ctx, day := v.pool, v.ctx, visitDay
	store := v.at(day)
	visit := func(s *news.Store, ip, agent string, times int) {
		v.record(s, ip, times, func(int) string { return agent })
	}
	views := v.views

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
	v := newPostVisits(t)
	pool, ctx, day := v.pool, v.ctx, visitDay
	store := v.at(day)
	visitors := func(s *news.Store, ip string, agents int) {
		v.record(s, ip, agents, func(i int) string { return fmt.Sprintf("Trình duyệt %d", i) })
	}
	counts := func(s *news.Store) (int64, int64) {
		t.Helper()
		st, err := s.SiteStats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v.views(), st.Today
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

// visitDay is when the visits tests' store clocks stand, unless a test
// says otherwise.
var visitDay = time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC)

// postVisits is a parallel test's database with one published post, whose
// visits it records and counts.
type postVisits struct {
	t      *testing.T
	ctx    context.Context
	pool   *pgxpool.Pool
	postID int64
}

func newPostVisits(t *testing.T) *postVisits {
	t.Helper()
	t.Parallel()
	pool := testdb.Migrated(t)
	return &postVisits{t: t, ctx: context.Background(), pool: pool, postID: publishedPost(t, pool)}
}

// at is a store whose clock stands at when.
func (v *postVisits) at(when time.Time) *news.Store {
	return news.NewStore(v.pool).WithClock(func() time.Time { return when })
}

// record sends n visits of the post from ip through s all at once, the ith
// from the browser agent(i).
func (v *postVisits) record(s *news.Store, ip string, n int, agent func(i int) string) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if err := s.RecordVisit(v.ctx, &v.postID, ip, agent(i)); err != nil {
				v.t.Error(err)
			}
		})
	}
	wg.Wait()
}

// views is the post's view count (on any day).
func (v *postVisits) views() int64 {
	v.t.Helper()
	got, err := news.NewStore(v.pool).ViewsOf(v.ctx, []int64{v.postID})
	if err != nil {
		v.t.Fatal(err)
	}
	return got[v.postID]
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
	v := newPostVisits(t)
	pool, ctx, postID := v.pool, v.ctx, v.postID
	at := func(utc string) *news.Store {
		when, err := time.Parse(time.RFC3339, utc)
		if err != nil {
			t.Fatal(err)
		}
		return v.at(when)
	}
	views := v.views
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
