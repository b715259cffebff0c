package seed_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/seed"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func scalar[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

func TestLoadWritesTheWorkedExample(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()

	sum, err := seed.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if got := scalar[int](t, pool, `SELECT count(*) FROM members`); got != sum.Members || got < 20 || got > 40 {
		t.Errorf("members: %d in the database, %d reported; want 20-40", got, sum.Members)
	}
	if got := scalar[int](t, pool, `SELECT count(*) FROM units`); got != sum.Units {
		t.Errorf("units: %d in the database, %d reported", got, sum.Units)
	}

	const office = `(SELECT id FROM units WHERE name = 'Chi đoàn Văn phòng Tỉnh ủy')`
	checks := []struct {
		name string
		sql  string
		want any
	}{
		{"branch sits under the bloc",
			`SELECT p.name FROM units u JOIN units p ON p.id = u.parent_id WHERE u.id = ` + office,
			"Đoàn khối Cơ quan – Doanh nghiệp tỉnh"},
		{"book cabinet for Phước Đại children",
			`SELECT value_dong FROM contributions c JOIN activities a ON a.id = c.activity_id
			 WHERE a.unit_id = ` + office + ` AND c.kind = 'IN_KIND' AND c.recipient LIKE '%Phước Đại%'`,
			int64(1_232_000)},
		{"year-end conference on 29/12/2022 with two guests",
			`SELECT count(*) FROM activity_guests g JOIN activities a ON a.id = g.activity_id
			 WHERE a.unit_id = ` + office + ` AND a.starts_on = '2022-12-29'`,
			int64(2)},
		{"collective Bằng khen from the bloc",
			`SELECT count(*) FROM commendations WHERE unit_id = ` + office + `
			 AND form = 'BANG_KHEN' AND year = 2022 AND issuer_level = 'BLOC'`,
			int64(1)},
		{"three individual commendations from the branch",
			`SELECT count(*) FROM commendations WHERE issuer_unit_id = ` + office + `
			 AND member_id IS NOT NULL AND year = 2022`,
			int64(3)},
		{"everyone signed the 2022 pledge",
			`SELECT count(*) FROM members m WHERE m.unit_id = ` + office + ` AND m.joined_on <= '2022-12-31'
			 AND NOT EXISTS (SELECT 1 FROM pledge_signatures s JOIN pledges p ON p.id = s.pledge_id
			                 WHERE p.year = 2022 AND p.unit_id = ` + office + ` AND s.member_id = m.id)`,
			int64(0)},
		{"campaigns Kỳ nghỉ hồng and Tháng Thanh niên in 2022",
			`SELECT count(DISTINCT c.name) FROM activities a JOIN campaigns c ON c.id = a.campaign_id
			 WHERE a.unit_id = ` + office + ` AND c.year = 2022 AND c.name IN ('Kỳ nghỉ hồng', 'Tháng Thanh niên')`,
			int64(2)},
		{"2023 recorded only in part",
			`SELECT max(starts_on) < '2023-08-01' AND count(*) > 0 FROM activities
			 WHERE unit_id = ` + office + ` AND starts_on >= '2023-01-01'`,
			true},
		{"a transfer kept its history",
			`SELECT count(*) FROM member_events WHERE kind = 'TRANSFERRED' AND from_unit_id = ` + office,
			int64(1)},
	}
	for _, c := range checks {
		var got any
		if err := pool.QueryRow(ctx, c.sql).Scan(&got); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: got %v (%T), want %v", c.name, got, got, c.want)
		}
	}
}

func TestLoadOnlyIntoAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()

	// Two servers starting at once on the same empty database: one loads.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Go(func() { _, errs[i] = seed.Load(ctx, pool) })
	}
	wg.Wait()
	loaded, refused := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			loaded++
		case errors.Is(err, seed.ErrNotEmpty):
			refused++
		default:
			t.Fatal(err)
		}
	}
	if loaded != 1 || refused != 1 {
		t.Fatalf("loaded %d times, refused %d times; want once each", loaded, refused)
	}
	before := scalar[int](t, pool, `SELECT count(*) FROM activities`)
	if _, err := seed.Load(ctx, pool); !errors.Is(err, seed.ErrNotEmpty) {
		t.Fatalf("third load: %v, want ErrNotEmpty", err)
	}
	if after := scalar[int](t, pool, `SELECT count(*) FROM activities`); after != before {
		t.Fatalf("a refused load changed the activities: %d → %d", before, after)
	}
	if empty, err := seed.Empty(ctx, pool); err != nil || empty {
		t.Fatalf("Empty after loading = %v, %v", empty, err)
	}
}

// Each demo account signs in with the documented password and holds the
// role the README lists.
func TestDemoAccounts(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, pool); err != nil {
		t.Fatal(err)
	}
	var created []string
	if err := pool.QueryRow(ctx, `SELECT array_agg(username ORDER BY id) FROM accounts`).Scan(&created); err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, a := range seed.DemoAccounts {
		listed = append(listed, a.Username)
	}
	if strings.Join(created, " ") != strings.Join(listed, " ") {
		t.Errorf("demo accounts created %v, DemoAccounts lists %v", created, listed)
	}
	accounts := account.NewStore(pool, account.DefaultPolicy)
	for _, tt := range []struct {
		username  string
		admin     bool
		officerOf string
		member    bool
	}{
		{"quantri", true, "", false},
		{"tinhdoan", false, "Tỉnh đoàn Ninh Thuận", false},
		{"doankhoi", false, "Đoàn khối Cơ quan – Doanh nghiệp tỉnh", false},
		{"huyendoan.bacai", false, "Huyện đoàn Bác Ái", false},
		{"bithu.vptu", false, "Chi đoàn Văn phòng Tỉnh ủy", true},
		{"doanvien.vptu", false, "", true},
	} {
		s, err := accounts.Login(ctx, tt.username, seed.DemoPassword, account.Client{})
		if err != nil {
			t.Errorf("%s: login: %v", tt.username, err)
			continue
		}
		p, err := accounts.Authenticate(ctx, s.Token)
		if err != nil || p == nil {
			t.Fatalf("%s: authenticate: %v", tt.username, err)
		}
		var officerOf string
		if len(p.Officer) == 1 {
			officerOf = scalar[string](t, pool, `SELECT name FROM units WHERE id = $1`, p.Officer[0].UnitID)
		}
		if p.Admin != tt.admin || officerOf != tt.officerOf || (p.MemberID != nil) != tt.member || len(p.Officer) > 1 {
			t.Errorf("%s: admin %v, officer of %q, member %v", tt.username, p.Admin, officerOf, p.MemberID != nil)
		}
	}
}
