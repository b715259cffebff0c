package news

import (
	"context"
	crand "crypto/rand"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
)

// Vietnam keeps one time zone and no daylight saving: days and weeks of the
// counter follow it.
var vietnam = time.FixedZone("ICT", 7*60*60)

const (
	shards       = 16
	onlineWindow = 5 * time.Minute
)

// Stats is the portal's visitor counter.
type Stats struct {
	OnlineNow, Today, ThisWeek, Total int64
}

// VisitorsPerAddress is how many distinct visitors (browsers) behind one
// address count each day, for the site and for each post: a household or
// an office shares an address, but a client that changes its User-Agent
// on every call must not inflate the counters without end.
const VisitorsPerAddress = 3

// RecordVisit counts a visit to the site and, when postID is set, a view of
// that post.
//
// A visitor is known only by sha256(day's salt || address || 0 || browser):
// the salt is random, made on the day's first visit and deleted the next
// day, so the hash identifies a visitor within one day and cannot be traced
// back to an address afterwards. The hash keeps who is online, who has
// visited the site today and which posts each visitor has read today, so a
// visitor who comes back (or replays the mutation) counts one visit of the
// site and one view of each post per day; and of the visitors behind one
// address (sha256(salt || address)), only the first VisitorsPerAddress
// count.
func (s *Store) RecordVisit(ctx context.Context, postID *int64, ip, userAgent string) error {
	now := s.now()
	today := now.In(vietnam).Format(time.DateOnly)
	salt := make([]byte, 32)
	if _, err := crand.Read(salt); err != nil {
		return fmt.Errorf("salt: %w", err)
	}
	const (
		visitor = `sha256(v.salt || convert_to($2, 'UTF8') || '\x00'::bytea || convert_to($3, 'UTF8'))`
		address = `sha256(v.salt || convert_to($2, 'UTF8'))`
		// bounded counts a new visitor ($5 the site's or a post's id, 0
		// for the site) if fewer than $6 of its address's were counted.
		bounded = `counted AS (
				INSERT INTO address_visitors (day, post_id, address, visitors)
				SELECT $1, $5, ` + address + `, 1 FROM visit_salts v, fresh WHERE v.day = $1
				ON CONFLICT (day, post_id, address) DO UPDATE SET visitors = address_visitors.visitors + 1
				WHERE address_visitors.visitors < $6
				RETURNING day)`
	)
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO visit_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING`, today, salt)
	b.Queue(`INSERT INTO online_visitors (visitor, seen_at)
		SELECT `+visitor+`, $4 FROM visit_salts v WHERE v.day = $1
		ON CONFLICT (visitor) DO UPDATE SET seen_at = EXCLUDED.seen_at`, today, ip, userAgent, now)
	shard := rand.IntN(shards)
	b.Queue(`WITH fresh AS (
			INSERT INTO site_visitors (day, visitor)
			SELECT $1, `+visitor+` FROM visit_salts v WHERE v.day = $1
			ON CONFLICT DO NOTHING RETURNING day), `+bounded+`
		INSERT INTO site_visits (day, shard, visits) SELECT day, $4, 1 FROM counted
		ON CONFLICT (day, shard) DO UPDATE SET visits = site_visits.visits + 1`,
		today, ip, userAgent, shard, int64(0), VisitorsPerAddress)
	if postID != nil {
		b.Queue(`WITH fresh AS (
				INSERT INTO post_viewers (day, post_id, visitor)
				SELECT $1, $5, `+visitor+` FROM visit_salts v WHERE v.day = $1
				ON CONFLICT DO NOTHING RETURNING day), `+bounded+`
			INSERT INTO post_views (post_id, shard, views) SELECT $5, $4, 1 FROM counted
			ON CONFLICT (post_id, shard) DO UPDATE SET views = post_views.views + 1`,
			today, ip, userAgent, shard, *postID, VisitorsPerAddress)
	}
	// Now and then, forget old salts (so yesterday's hashes cannot be
	// recomputed), yesterday's visitors and readers, and visitors long gone.
	if rand.IntN(100) == 0 {
		b.Queue(`DELETE FROM visit_salts WHERE day < $1`, today)
		b.Queue(`DELETE FROM post_viewers WHERE day < $1`, today)
		b.Queue(`DELETE FROM site_visitors WHERE day < $1`, today)
		b.Queue(`DELETE FROM address_visitors WHERE day < $1`, today)
		b.Queue(`DELETE FROM online_visitors WHERE seen_at < $1`, now.Add(-time.Hour))
	}
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return fmt.Errorf("record visit: %w", err)
	}
	return nil
}

// SiteStats answers the counter: online now, today, this week (from
// Monday), and all time.
func (s *Store) SiteStats(ctx context.Context) (Stats, error) {
	now := s.now()
	local := now.In(vietnam)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	var st Stats
	err := s.pool.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM online_visitors WHERE seen_at > $1),
			coalesce(sum(visits) FILTER (WHERE day = $2), 0),
			coalesce(sum(visits) FILTER (WHERE day >= $3), 0),
			coalesce(sum(visits), 0)
		FROM site_visits`, now.Add(-onlineWindow), today, monday).Scan(&st.OnlineNow, &st.Today, &st.ThisWeek, &st.Total)
	if err != nil {
		return Stats{}, fmt.Errorf("site stats: %w", err)
	}
	return st, nil
}

// ViewsOf returns each post's view count.
func (s *Store) ViewsOf(ctx context.Context, postIDs []int64) (map[int64]int64, error) {
	out, err := db.ByID[int64](ctx, s.pool, `SELECT post_id, sum(views)::bigint FROM post_views WHERE post_id = ANY($1) GROUP BY 1`, postIDs)
	if err != nil {
		return nil, fmt.Errorf("post views: %w", err)
	}
	return out, nil
}

// MostRead returns the ids of the most viewed published posts.
func (s *Store) MostRead(ctx context.Context, limit int) ([]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT v.post_id FROM post_views v JOIN posts p ON p.id = v.post_id
		WHERE p.status = 'PUBLISHED' GROUP BY v.post_id ORDER BY sum(v.views) DESC, v.post_id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("most read: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
