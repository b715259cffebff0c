package figures_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/figures"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// world is a small province written straight into the tables, as any
// write path (a store, a repair in psql) would: the figures must follow
// whatever writes the records.
type world struct {
	units, members []int64
}

func newWorld(t *testing.T, ctx context.Context, pool *pgxpool.Pool) world {
	t.Helper()
	var w world
	var province int64
	if err := pool.QueryRow(ctx, `INSERT INTO units (level, name) VALUES ('PROVINCE', 'Tỉnh đoàn Thử') RETURNING id`).Scan(&province); err != nil {
		t.Fatal(err)
	}
	w.units = append(w.units, province)
	for d := range 2 {
		var district int64
		if err := pool.QueryRow(ctx, `INSERT INTO units (parent_id, level, name) VALUES ($1, 'DISTRICT', $2) RETURNING id`,
			province, fmt.Sprintf("Huyện đoàn %d", d+1)).Scan(&district); err != nil {
			t.Fatal(err)
		}
		w.units = append(w.units, district)
		for b := range 2 {
			var branch int64
			if err := pool.QueryRow(ctx, `INSERT INTO units (parent_id, level, name) VALUES ($1, 'BRANCH', $2) RETURNING id`,
				district, fmt.Sprintf("Chi đoàn %d-%d", d+1, b+1)).Scan(&branch); err != nil {
				t.Fatal(err)
			}
			w.units = append(w.units, branch)
		}
	}
	for i := range 30 {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO members (unit_id, full_name, gender, birth_date, joined_on)
			VALUES ($1, $2, 'FEMALE', '2000-05-01', '2015-03-26') RETURNING id`,
			w.units[3+i%4], fmt.Sprintf("Nguyễn Thị %d", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, unit_id) VALUES ($1, 'ADMITTED', '2015-03-26', $2)`,
			id, w.units[3+i%4]); err != nil {
			t.Fatal(err)
		}
		w.members = append(w.members, id)
	}
	return w
}

// volunteerDay inserts a volunteering activity of the first branch with
// status, starting on day, and returns its id.
func volunteerDay(t *testing.T, ctx context.Context, pool *pgxpool.Pool, w world, title, day, status string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(ctx, `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
		VALUES ($1, $2, 'VOLUNTEER_WORK', 'YOUTH_VOLUNTEERING', $3, $3, $4) RETURNING id`,
		w.units[3], title, day, status).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// start runs the test in parallel on a database of its own holding a
// new world.
func start(t *testing.T) (context.Context, *pgxpool.Pool, world) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Migrated(t)
	return ctx, pool, newWorld(t, ctx, pool)
}

var (
	statuses = []string{"DONE", "DONE", "PLANNED", "CANCELLED"}
	areas    = []string{"POLITICAL_EDUCATION", "YOUTH_VOLUNTEERING", "CREATIVE_YOUTH", "DEFENDING_FATHERLAND", "ORGANISATION_BUILDING"}
	kinds    = []string{"VOLUNTEER_WORK", "DONATION", "MEETING", "CONTEST"}
	gifts    = []string{"CASH", "IN_KIND", "YOUTH_PROJECT"}
)

// writer makes random writes of every kind the figures follow.
type writer struct {
	w   world
	rng *rand.Rand
	seq *int64
	mu  *sync.Mutex
}

func (wr writer) pick(list []int64) int64  { return list[wr.rng.IntN(len(list))] }
func (wr writer) one(list []string) string { return list[wr.rng.IntN(len(list))] }

// day is a random day of 2024 or 2025, around month and year ends.
func (wr writer) day() time.Time {
	d := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, wr.rng.IntN(731))
	if wr.rng.IntN(4) == 0 { // a month's first or last day
		d = time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, wr.rng.IntN(2), -wr.rng.IntN(2))
	}
	return d
}

// publishedAt is a moment near a month's turn in Vietnam (UTC+7), where
// the UTC date and the local date differ.
func (wr writer) publishedAt() time.Time {
	d := wr.day()
	return time.Date(d.Year(), d.Month(), d.Day(), 16+wr.rng.IntN(8), wr.rng.IntN(60), 0, 0, time.UTC)
}

// write runs one random write on q.
func (wr writer) write(ctx context.Context, q interface {
	Exec(context.Context, string, ...any) (pgconn.CommandTag, error)
}) error {
	var err error
	switch wr.rng.IntN(25) {
	case 0, 1:
		s := wr.day()
		_, err = q.Exec(ctx, `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
			VALUES ($1, 'Hoạt động thử', $2, $3, $4, $4::date + $5::int, $6)`,
			wr.pick(wr.w.units), wr.one(kinds), wr.one(areas), s, wr.rng.IntN(3), wr.one(statuses))
	case 2:
		_, err = q.Exec(ctx, `UPDATE activities SET status = $2 WHERE id = (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT 1)`,
			wr.rng.IntN(40), wr.one(statuses))
	case 3:
		s := wr.day()
		_, err = q.Exec(ctx, `UPDATE activities SET starts_on = $2, ends_on = $2, unit_id = $3, work_area = $4, kind = $5
			WHERE id = (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT 1)`,
			wr.rng.IntN(40), s, wr.pick(wr.w.units), wr.one(areas), wr.one(kinds))
	case 4:
		_, err = q.Exec(ctx, `UPDATE activities SET title = title || '.' WHERE id = (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT 1)`,
			wr.rng.IntN(40))
	case 5:
		_, err = q.Exec(ctx, `DELETE FROM activities WHERE id = (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT 1)`, wr.rng.IntN(60))
	case 6, 7:
		// Up to three activities at once: a member-year then changes by
		// several rows in one statement, which is weighed in full.
		n := 1 + wr.rng.IntN(10)
		_, err = q.Exec(ctx, `INSERT INTO participations (activity_id, member_id, attended, volunteer_hours)
			SELECT a.id, m.id, random() < 0.8, round((random() * 8)::numeric, 2)
			FROM (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT $3) a,
				(SELECT id FROM members ORDER BY random() LIMIT $2) m
			ON CONFLICT DO NOTHING`, wr.rng.IntN(40), n, 1+wr.rng.IntN(3))
	case 8:
		_, err = q.Exec(ctx, `UPDATE participations SET attended = NOT attended, volunteer_hours = volunteer_hours + 1
			WHERE activity_id = (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT 1) AND member_id % 3 = $2`,
			wr.rng.IntN(40), wr.rng.IntN(3))
	case 9:
		_, err = q.Exec(ctx, `DELETE FROM participations WHERE activity_id = (SELECT id FROM activities ORDER BY id OFFSET $1 LIMIT 1)
			AND member_id % 2 = $2`, wr.rng.IntN(40), wr.rng.IntN(2))
	case 10:
		_, err = q.Exec(ctx, `INSERT INTO contributions (activity_id, kind, description, value_dong)
			SELECT id, $2, 'Quà tặng', $3 FROM activities ORDER BY id OFFSET $1 LIMIT 1`,
			wr.rng.IntN(40), wr.one(gifts), wr.rng.Int64N(50_000_000))
	case 11:
		_, err = q.Exec(ctx, `UPDATE contributions SET value_dong = $2, kind = $3,
				activity_id = coalesce((SELECT id FROM activities ORDER BY id OFFSET $4 LIMIT 1), activity_id)
			WHERE id = (SELECT id FROM contributions ORDER BY id OFFSET $1 LIMIT 1)`,
			wr.rng.IntN(20), wr.rng.Int64N(50_000_000), wr.one(gifts), wr.rng.IntN(40))
	case 12:
		wr.mu.Lock()
		*wr.seq++
		slug := fmt.Sprintf("tin-thu-%d-%d", *wr.seq, wr.rng.IntN(1_000_000))
		wr.mu.Unlock()
		status := []string{"DRAFT", "PUBLISHED", "ARCHIVED"}[wr.rng.IntN(3)]
		_, err = q.Exec(ctx, `INSERT INTO posts (unit_id, title, slug, status, published_at) VALUES ($1, 'Tin thử', $2, $3, $4)`,
			wr.pick(wr.w.units), slug, status, wr.publishedAt())
	case 14:
		from, to := wr.pick(wr.w.units), wr.pick(wr.w.units)
		if from == to {
			return nil
		}
		_, err = q.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, from_unit_id, to_unit_id) VALUES ($1, 'TRANSFERRED', $2, $3, $4)`,
			wr.pick(wr.w.members), wr.day(), from, to)
	case 15:
		_, err = q.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, unit_id) VALUES ($1, $2, $3, $4)`,
			wr.pick(wr.w.members), wr.one([]string{"AGED_OUT", "REMOVED", "ADMITTED"}), wr.day(), wr.pick(wr.w.units))
	case 16:
		_, err = q.Exec(ctx, `DELETE FROM member_events WHERE id = (SELECT id FROM member_events ORDER BY id OFFSET $1 LIMIT 1)`, wr.rng.IntN(60))
	case 17:
		_, err = q.Exec(ctx, `UPDATE member_events SET occurred_on = $2 WHERE id = (SELECT id FROM member_events ORDER BY id OFFSET $1 LIMIT 1)`,
			wr.rng.IntN(60), wr.day())
	case 18:
		_, err = q.Exec(ctx, `UPDATE members SET position = $2, gender = $3 WHERE id = $1`, wr.pick(wr.w.members),
			wr.one([]string{"SECRETARY", "DEPUTY_SECRETARY", "COMMITTEE_MEMBER", "MEMBER"}), wr.one([]string{"MALE", "FEMALE"}))
	case 19:
		_, err = q.Exec(ctx, `INSERT INTO member_ratings (member_id, year, unit_id, level) VALUES ($1, $2, $3, $4)
			ON CONFLICT (member_id, year) DO UPDATE SET level = excluded.level, unit_id = excluded.unit_id`,
			wr.pick(wr.w.members), 2024+wr.rng.IntN(2), wr.pick(wr.w.units), wr.one([]string{"EXCELLENT", "GOOD", "COMPLETED", "NOT_COMPLETED"}))
	case 20:
		_, err = q.Exec(ctx, `DELETE FROM member_ratings WHERE (member_id, year) =
			(SELECT member_id, year FROM member_ratings ORDER BY member_id, year OFFSET $1 LIMIT 1)`, wr.rng.IntN(30))
	case 21:
		_, err = q.Exec(ctx, `INSERT INTO pledges (unit_id, year, title) VALUES ($1, $2, 'Cam kết rèn luyện ' || $3::int)`,
			wr.pick(wr.w.units), 2024+wr.rng.IntN(2), wr.rng.IntN(1_000_000))
	case 22:
		_, err = q.Exec(ctx, `INSERT INTO pledge_signatures (pledge_id, member_id, signed_on)
			SELECT p.id, m.id, make_date(p.year, 3, 1) FROM (SELECT id, year FROM pledges ORDER BY id OFFSET $1 LIMIT 1) p,
				(SELECT id FROM members ORDER BY random() LIMIT $2) m
			ON CONFLICT DO NOTHING`, wr.rng.IntN(8), 1+wr.rng.IntN(8))
	case 23:
		switch wr.rng.IntN(3) {
		case 0:
			_, err = q.Exec(ctx, `DELETE FROM pledge_signatures WHERE pledge_id = (SELECT id FROM pledges ORDER BY id OFFSET $1 LIMIT 1)
				AND member_id % 2 = $2`, wr.rng.IntN(8), wr.rng.IntN(2))
		case 1:
			_, err = q.Exec(ctx, `UPDATE pledges SET year = 4049 - year WHERE id = (SELECT id FROM pledges ORDER BY id OFFSET $1 LIMIT 1)`,
				wr.rng.IntN(8))
		default:
			_, err = q.Exec(ctx, `DELETE FROM pledges WHERE id = (SELECT id FROM pledges ORDER BY id OFFSET $1 LIMIT 1)`, wr.rng.IntN(12))
		}
	case 24:
		switch wr.rng.IntN(4) {
		case 0, 1:
			member, unit := any(wr.pick(wr.w.members)), any(nil)
			if wr.rng.IntN(3) == 0 {
				member, unit = nil, wr.pick(wr.w.units)
			}
			_, err = q.Exec(ctx, `INSERT INTO commendations (form, title, issuer_unit_id, issuer_level, year, member_id, unit_id)
				VALUES ($1, 'Có thành tích xuất sắc', $2, $3, $4, $5, $6)`,
				wr.one([]string{"GIAY_KHEN", "BANG_KHEN"}), wr.pick(wr.w.units), wr.one([]string{"PROVINCE", "DISTRICT"}),
				2024+wr.rng.IntN(2), member, unit)
		case 2:
			_, err = q.Exec(ctx, `UPDATE commendations SET year = 4049 - year, issuer_unit_id = $2
				WHERE id = (SELECT id FROM commendations ORDER BY id OFFSET $1 LIMIT 1)`, wr.rng.IntN(10), wr.pick(wr.w.units))
		default:
			_, err = q.Exec(ctx, `DELETE FROM commendations WHERE id = (SELECT id FROM commendations ORDER BY id OFFSET $1 LIMIT 1)`, wr.rng.IntN(12))
		}
	default:
		_, err = q.Exec(ctx, `UPDATE posts SET status = $2, published_at = $3, unit_id = $4
			WHERE id = (SELECT id FROM posts ORDER BY id OFFSET $1 LIMIT 1)`,
			wr.rng.IntN(20), []string{"DRAFT", "PUBLISHED", "ARCHIVED"}[wr.rng.IntN(3)], wr.publishedAt(), wr.pick(wr.w.units))
		if err == nil && wr.rng.IntN(3) == 0 {
			_, err = q.Exec(ctx, `DELETE FROM posts WHERE id = (SELECT id FROM posts ORDER BY id OFFSET $1 LIMIT 1)`, wr.rng.IntN(20))
		}
	}
	return err
}

// requireMatch fails the test with every difference Verify finds, and
// when the whole-table definition of the pledges' rows (pledge_marks_of,
// which a restructuring's rewrite and migration 26 use) is not the
// per-unit one (marks_from_records) over every unit.
func requireMatch(t *testing.T, ctx context.Context, pool *pgxpool.Pool, f figures.Filter) {
	t.Helper()
	diffs, err := figures.Verify(ctx, pool, f)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Error(d)
	}
	var apart, rows int
	if err := pool.QueryRow(ctx, `WITH whole AS (SELECT * FROM pledge_marks_of(1, 9999)),
			per_unit AS (SELECT * FROM marks_from_records(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure IN ('SIGNED', 'ELIGIBLE'))
		SELECT (SELECT count(*) FROM (SELECT * FROM whole EXCEPT ALL SELECT * FROM per_unit
			UNION ALL (SELECT * FROM per_unit EXCEPT ALL SELECT * FROM whole)) d), (SELECT count(*) FROM whole)`).Scan(&apart, &rows); err != nil {
		t.Fatal(err)
	}
	if apart != 0 {
		t.Errorf("pledge_marks_of and marks_from_records differ in %d of %d rows", apart, rows)
	}
}

// A long random sequence of creates, updates and deletes, some in
// transactions that roll back, then writers on the same units at once:
// the kept figures equal those recomputed from the records.
func TestKeptFiguresFollowRandomWrites(t *testing.T) {
	ctx, pool, w := start(t)
	var seq int64
	mu := &sync.Mutex{}
	wr := writer{w: w, rng: rand.New(rand.NewPCG(16, 17)), seq: &seq, mu: mu}

	for i := range 600 {
		err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			for range 1 + wr.rng.IntN(3) {
				if err := wr.write(ctx, tx); err != nil {
					return err
				}
			}
			if wr.rng.IntN(8) == 0 {
				return errRollBack
			}
			return nil
		})
		if err != nil && !errors.Is(err, errRollBack) {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	requireMatch(t, ctx, pool, figures.Filter{})
	var kept, stays, moved, marks int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM unit_figures), (SELECT count(*) FROM member_stays),
		(SELECT count(DISTINCT member_id) FROM member_stays WHERE left_on IS NOT NULL),
		(SELECT count(DISTINCT figure) FROM unit_year_figures WHERE figure = ANY (marks_figures()))`).Scan(&kept, &stays, &moved, &marks); err != nil ||
		kept < 50 || stays < 40 || moved < 10 || marks < 5 {
		t.Fatalf("the random writes left %d figure rows, %d stays, %d members who moved, %d kinds of marks (%v): too few to have tested much",
			kept, stays, moved, marks, err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wr := writer{w: w, rng: rand.New(rand.NewPCG(uint64(g), 99)), seq: &seq, mu: mu}
			for range 150 {
				err := wr.write(ctx, pool)
				var pgErr *pgconn.PgError
				if errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "23503") {
					// A deadlock between writers, or a participation for an
					// activity another writer just deleted, is refused to one
					// of them, who may retry; nothing is half-written.
					continue
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
}

var errRollBack = errors.New("roll back")

// A statement that fails leaves the figures as they were, and so does a
// transaction rolled back after its writes changed them.
func TestFailedWritesLeaveFiguresAlone(t *testing.T) {
	ctx, pool, w := start(t)
	act := volunteerDay(t, ctx, pool, w, "Ngày Chủ nhật xanh", "2025-03-09", "DONE")
	snapshot := func() string {
		var s string
		if err := pool.QueryRow(ctx, `SELECT coalesce(string_agg(concat_ws(' ', unit_id, month, figure, area, kind, n, amount), ';'
			ORDER BY unit_id, month, figure, area, kind), '') FROM unit_figures`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	before := snapshot()
	if before == "" {
		t.Fatal("a held activity left no figures")
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO participations (activity_id, member_id, volunteer_hours) VALUES ($1, $2, 4)`, act, w.members[0]); err != nil {
			return err
		}
		// Over the 2,000-hour bound: the statement fails, the transaction with it.
		_, err := tx.Exec(ctx, `INSERT INTO participations (activity_id, member_id, volunteer_hours) VALUES ($1, $2, 5000)`, act, w.members[1])
		return err
	})
	if err == nil {
		t.Fatal("a participation of 5,000 hours was accepted")
	}
	if after := snapshot(); after != before {
		t.Errorf("a failed transaction changed the figures:\nbefore %s\nafter  %s", before, after)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE activities SET status = 'CANCELLED' WHERE id = $1`, act); err != nil {
			return err
		}
		return errRollBack
	})
	if !errors.Is(err, errRollBack) {
		t.Fatal(err)
	}
	if after := snapshot(); after != before {
		t.Errorf("a rolled-back cancellation changed the figures:\nbefore %s\nafter  %s", before, after)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
}

// Verify names a figure someone changed by hand, for the filter that
// covers it and not for another; Rebuild repairs it.
func TestVerifyFindsAndRebuildRepairs(t *testing.T) {
	ctx, pool, w := start(t)
	if _, err := pool.Exec(ctx, `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
		VALUES ($1, 'Hiến máu nhân đạo', 'VOLUNTEER_WORK', 'YOUTH_VOLUNTEERING', '2025-06-14', '2025-06-14', 'DONE'),
			($2, 'Học tập Nghị quyết', 'POLITICAL_STUDY', 'POLITICAL_EDUCATION', '2024-02-03', '2024-02-03', 'DONE')`,
		w.units[3], w.units[5]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE unit_figures SET n = n + 2 WHERE unit_id = $1`, w.units[3]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM unit_year_figures WHERE unit_id = $1 AND figure = 'ACTIVITIES'`, w.units[5]); err != nil {
		t.Fatal(err)
	}
	// The first district's 2025 rollup holds its branch units[3]'s year.
	if _, err := pool.Exec(ctx, `UPDATE unit_rollup_figures SET amount = amount + 1 WHERE unit_id = $1 AND year = 2025 AND figure = 'ACTIVITIES'`, w.units[1]); err != nil {
		t.Fatal(err)
	}
	month := fmt.Sprintf("unit_figures %d 2025-06", w.units[3])
	year := fmt.Sprintf("unit_year_figures %d 2024", w.units[5])
	rollup := fmt.Sprintf("unit_rollup_figures %d 2025", w.units[1])
	for _, c := range []struct {
		filter figures.Filter
		want   []string // table, unit and period of each difference
	}{
		{figures.Filter{}, []string{month, year, rollup}},
		{figures.Filter{UnitID: w.units[1]}, []string{month, rollup}}, // the first district holds units[3] only
		{figures.Filter{Year: 2024}, []string{year}},
		{figures.Filter{UnitID: w.units[1], Year: 2024}, nil},
	} {
		diffs, err := figures.Verify(ctx, pool, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range diffs {
			got = append(got, fmt.Sprintf("%s %d %s", d.Table, d.UnitID, d.Period))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("verify %+v: %v, want %v", c.filter, diffs, c.want)
		}
	}
	if _, err := figures.Rebuild(ctx, pool, figures.Filter{UnitID: w.units[1]}); err != nil {
		t.Fatal(err)
	}
	if diffs, err := figures.Verify(ctx, pool, figures.Filter{}); err != nil || len(diffs) != 1 {
		t.Fatalf("after rebuilding the first district: %v %v, want the second district's difference left", diffs, err)
	}
	if _, err := figures.Rebuild(ctx, pool, figures.Filter{}); err != nil {
		t.Fatal(err)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
}

// A filter naming a unit that does not exist, or a year outside the
// calendar, is refused rather than reported as matching.
func TestFiltersThatCoverNothingAreRefused(t *testing.T) {
	ctx, pool, w := start(t)
	for _, f := range []figures.Filter{{UnitID: w.units[len(w.units)-1] + 1000}, {Year: 10000}, {Year: -1}} {
		if _, err := figures.Verify(ctx, pool, f); err == nil {
			t.Errorf("verify %+v: accepted", f)
		}
		if _, err := figures.Rebuild(ctx, pool, f); err == nil {
			t.Errorf("rebuild %+v: accepted", f)
		}
	}
	if _, err := figures.Verify(ctx, pool, figures.Filter{UnitID: -5}); !errors.Is(err, figures.ErrNoUnit) {
		t.Errorf("verify of unit -5: %v, want ErrNoUnit", err)
	}
}

// Two transactions, one changing an activity and one writing a row of it,
// in both orders: the second waits for the first where it must, and the
// figures then match the records. Each case is a race the random writers
// only sometimes hit.
func TestActivityChangeRacingItsRows(t *testing.T) {
	ctx, pool, w := start(t)
	activity := func(status string) int64 {
		id := volunteerDay(t, ctx, pool, w, "Tiếp sức mùa thi", "2025-06-27", status)
		if _, err := pool.Exec(ctx, `INSERT INTO participations (activity_id, member_id, volunteer_hours) VALUES ($1, $2, 6)`, id, w.members[0]); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO contributions (activity_id, kind, description, value_dong) VALUES ($1, 'CASH', 'Nước uống cho thí sinh', 2000000)`, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	changes := []struct{ name, status, sql string }{
		{"made held", "PLANNED", `UPDATE activities SET status = 'DONE' WHERE id = $1`},
		{"cancelled", "DONE", `UPDATE activities SET status = 'CANCELLED' WHERE id = $1`},
		{"moved to another unit and month", "DONE", `UPDATE activities SET unit_id = ` + fmt.Sprint(w.units[4]) + `, starts_on = '2025-07-02', ends_on = '2025-07-02' WHERE id = $1`},
	}
	rows := []struct{ name, sql string }{
		{"participation added", `INSERT INTO participations (activity_id, member_id, volunteer_hours) VALUES ($1, ` + fmt.Sprint(w.members[1]) + `, 4)`},
		{"participation changed", `UPDATE participations SET volunteer_hours = 9 WHERE activity_id = $1`},
		{"contribution added", `INSERT INTO contributions (activity_id, kind, description, value_dong) VALUES ($1, 'IN_KIND', 'Bánh mì', 500000)`},
		{"contribution deleted", `DELETE FROM contributions WHERE activity_id = $1`},
	}
	for _, c := range changes {
		for _, r := range rows {
			for _, changeFirst := range []bool{true, false} {
				id := activity(c.status)
				first, second := c.sql, r.sql
				if !changeFirst {
					first, second = second, first
				}
				race(t, ctx, pool, first, second, id)
				if diffs, err := figures.Verify(ctx, pool, figures.Filter{}); err != nil || len(diffs) > 0 {
					t.Errorf("%s, %s (activity change first: %v): %v %v", c.name, r.name, changeFirst, err, diffs)
					if _, err := figures.Rebuild(ctx, pool, figures.Filter{}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
}

// race runs first in a transaction left open, then second in another
// until it has finished or waits on a lock, then commits the first and
// the second.
func race(t *testing.T, ctx context.Context, pool *pgxpool.Pool, first, second string, id int64) {
	t.Helper()
	tx1, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx1.Rollback(ctx) }()
	if _, err := tx1.Exec(ctx, first, id); err != nil {
		t.Fatal(err)
	}
	tx2, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx2.Rollback(ctx) }()
	var pid int
	if err := tx2.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := tx2.Exec(ctx, second, id)
		done <- err
	}()
	finished := false
	for deadline := time.Now().Add(10 * time.Second); !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
			continue
		case <-time.After(5 * time.Millisecond):
		}
		var waiting bool
		if err := pool.QueryRow(ctx, `SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = $1`, pid).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second statement neither finished nor waited")
		}
	}
	if err := tx1.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if !finished {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := tx2.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// Verify names a stay removed or changed by hand, and Rebuild restores
// them from the events.
func TestVerifyFindsTamperedStays(t *testing.T) {
	ctx, pool, w := start(t)
	if _, err := pool.Exec(ctx, `DELETE FROM member_stays WHERE member_id = $1`, w.members[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `UPDATE member_stays SET left_on = '2020-01-01' WHERE member_id = $1`, w.members[1]); err != nil {
		t.Fatal(err)
	}
	diffs, err := figures.Verify(ctx, pool, figures.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	// The first member's stay is missing; the second's kept stay is not
	// the events' one, which is missing in turn. The year-end counts kept
	// from the stays as they were differ from those the tampered stays
	// give: the units' counts from 2015 (the first member's) and from 2020
	// (the second's) on.
	var stays, counts int
	for _, d := range diffs {
		switch {
		case d.Table == "member_stays":
			stays++
		case d.Table == "unit_year_figures" && d.Figure == "MEMBERS" && d.KeptN == d.WantN+1:
			counts++
		default:
			t.Errorf("unexpected difference %v", d)
		}
	}
	if stays != 3 || counts == 0 {
		t.Fatalf("verify found %v, want 3 stays and the counts they make", diffs)
	}
	if diffs, err := figures.Verify(ctx, pool, figures.Filter{Year: 2014}); err != nil || len(diffs) != 0 {
		t.Errorf("verify of 2014, before anyone's stay: %v %v", diffs, err)
	}
	if _, err := figures.Rebuild(ctx, pool, figures.Filter{UnitID: w.units[0]}); err != nil {
		t.Fatal(err)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
}

// Verify names a participant row and an activity's totals changed by
// hand, and Rebuild restores them from the records.
// A writer that gives an activity's totals without their place (a repair
// in psql, the function of migration 22 should 29 be undone) gets the
// activity's area and start, which a report's ranking reads them by.
func TestTotalsWrittenWithoutTheirPlaceGetIt(t *testing.T) {
	ctx, pool, w := start(t)
	act := volunteerDay(t, ctx, pool, w, "Ngày hội hiến máu", "2025-03-26", "DONE")
	if _, err := pool.Exec(ctx, `INSERT INTO participations (activity_id, member_id, volunteer_hours) VALUES ($1, $2, 3)`,
		act, w.members[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `DELETE FROM activity_totals WHERE activity_id = $1`, act); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO activity_totals (activity_id, attendances, hours) VALUES ($1, 1, 3)`, act); err != nil {
		t.Fatal(err)
	}
	var area, day string
	if err := pool.QueryRow(ctx, `SELECT work_area, starts_on::text FROM activity_totals WHERE activity_id = $1`, act).Scan(&area, &day); err != nil {
		t.Fatal(err)
	}
	if area != "YOUTH_VOLUNTEERING" || day != "2025-03-26" {
		t.Fatalf("the totals written without their place got %q on %q, want the activity's YOUTH_VOLUNTEERING on 2025-03-26", area, day)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
}

func TestVerifyFindsTamperedParticipantsAndTotals(t *testing.T) {
	ctx, pool, w := start(t)
	act := volunteerDay(t, ctx, pool, w, "Thắp nến tri ân", "2025-07-26", "DONE")
	if _, err := pool.Exec(ctx, `INSERT INTO participations (activity_id, member_id, volunteer_hours) VALUES ($1, $2, 3), ($1, $3, 3)`,
		act, w.members[0], w.members[4]); err != nil {
		t.Fatal(err)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
	if _, err := pool.Exec(ctx, `DELETE FROM unit_participants WHERE member_id = $1`, w.members[0]); err != nil {
		t.Fatal(err)
	}
	// The totals' hours, and the place a report's ranking finds them by.
	if _, err := pool.Exec(ctx, `UPDATE activity_totals SET hours = hours + 1, work_area = 'NOT_ITS_AREA' WHERE activity_id = $1`, act); err != nil {
		t.Fatal(err)
	}
	diffs, err := figures.Verify(ctx, pool, figures.Filter{Year: 2025})
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string]int{}
	for _, d := range diffs {
		tables[d.Table]++
	}
	if len(diffs) != 2 || tables["unit_participants"] != 1 || tables["activity_totals"] != 1 {
		t.Fatalf("verify found %v, want one participant row and one activity's totals", diffs)
	}
	for _, d := range diffs {
		if d.Table == "activity_totals" && (!strings.Contains(d.String(), "kept 2 attendances, 7.00 hours") || !strings.Contains(d.String(), "in NOT_ITS_AREA")) {
			t.Errorf("the totals' difference reads %q, without the kept hours and area", d)
		}
	}
	if _, err := figures.Rebuild(ctx, pool, figures.Filter{Year: 2025}); err != nil {
		t.Fatal(err)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
}

// Restructurings between random writes: two branches merged into a third
// (their members transferred on the decision's day) and a branch moved to
// the other district. What is kept follows, and so do the writes after.
func TestKeptFiguresFollowRestructurings(t *testing.T) {
	ctx, pool, w := start(t)
	var seq int64
	wr := writer{w: w, rng: rand.New(rand.NewPCG(23, 5)), seq: &seq, mu: &sync.Mutex{}}
	writes := func(n int) {
		t.Helper()
		for i := range n {
			if err := wr.write(ctx, pool); err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		}
	}
	writes(200)
	tl := org.NewTimeline(pool)
	// units: 0 province; 1 a district with branches 2 and 3; 4 a district
	// with branches 5 and 6.
	if _, err := tl.Merge(ctx, org.MergeDecision{UnitIDs: []int64{w.units[3], w.units[5]}, IntoID: &w.units[2],
		Decided: org.Decided{EffectiveOn: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), DecisionNumber: "12-QĐ/TĐTN"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.Move(ctx, org.MoveDecision{UnitID: w.units[6], ParentID: w.units[1],
		Decided: org.Decided{EffectiveOn: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), DecisionNumber: "15-QĐ/TĐTN"}}); err != nil {
		t.Fatal(err)
	}
	var transferred int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM member_stays WHERE entered_on = '2026-01-01' AND unit_id = $1`, w.units[2]).Scan(&transferred); err != nil || transferred == 0 {
		t.Fatalf("the merge transferred %d members (%v)", transferred, err)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
	writes(200)
	requireMatch(t, ctx, pool, figures.Filter{})
}

// Moving the horizon on writes the members' rows of the years it passes,
// and their rollups, as Verify defines them; a second move to the same
// year does nothing.
func TestExtendHorizonWritesTheNewYears(t *testing.T) {
	ctx, pool, _ := start(t)
	for _, q := range []string{
		`UPDATE figures_horizon SET year = 2020`,
		`DELETE FROM unit_year_figures WHERE figure = 'MEMBERS' AND year > 2020`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	requireMatch(t, ctx, pool, figures.Filter{})
	now := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	if moved, err := figures.ExtendHorizon(ctx, pool, now); err != nil || !moved {
		t.Fatalf("first move: %v %v", moved, err)
	}
	var horizon, rows int
	if err := pool.QueryRow(ctx, `SELECT (SELECT year FROM figures_horizon),
		(SELECT count(*) FROM unit_year_figures WHERE figure = 'MEMBERS' AND year = 2027)`).Scan(&horizon, &rows); err != nil {
		t.Fatal(err)
	}
	if horizon != 2027 || rows == 0 {
		t.Fatalf("horizon %d with %d member rows for 2027, want 2027 and some", horizon, rows)
	}
	requireMatch(t, ctx, pool, figures.Filter{})
	if moved, err := figures.ExtendHorizon(ctx, pool, now); err != nil || moved {
		t.Fatalf("second move: %v %v", moved, err)
	}
}
