package seed_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/org"
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

// loaded starts a parallel test on a new database with the demo loaded.
func loaded(t *testing.T) (context.Context, *pgxpool.Pool, seed.Summary) {
	t.Helper()
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	sum, err := seed.Load(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, pool, sum
}

func TestLoadWritesTheWorkedExample(t *testing.T) {
	ctx, pool, sum := loaded(t)
	if got := scalar[int](t, pool, `SELECT count(*) FROM members`); got != sum.Members || got < 40 || got > 70 {
		t.Errorf("members: %d in the database, %d reported; want 40-70", got, sum.Members)
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
			 WHERE unit_id = ` + office + ` AND starts_on BETWEEN '2023-01-01' AND '2023-12-31'`,
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
	ctx, pool, _ := loaded(t)
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
	// The province's and the district's officers' roles on the units that
	// ended lapsed with them (sign-in leaves them out); their roles on the
	// successors reach the ended units' past through the lineage.
	for _, tt := range []struct {
		username  string
		admin     bool
		officerOf string
		member    bool
	}{
		{"quantri", true, "", false},
		{"tinhdoan", false, "Tỉnh đoàn Khánh Hòa", false},
		{"doankhoi", false, "Đoàn khối Cơ quan – Doanh nghiệp tỉnh", false},
		{"huyendoan.bacai", false, seed.MergedCommune, false},
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
		var scopes []int64
		for _, o := range p.Officer {
			scopes = append(scopes, o.UnitID)
		}
		officerOf := scalar[string](t, pool, `SELECT coalesce(string_agg(name, ', ' ORDER BY name), '') FROM units WHERE id = ANY($1)`, scopes)
		if p.Admin != tt.admin || officerOf != tt.officerOf || (p.MemberID != nil) != tt.member {
			t.Errorf("%s: admin %v, officer of %q, member %v", tt.username, p.Admin, officerOf, p.MemberID != nil)
		}
	}
}

// The demo's history holds the 2025 reform: the tree of 2022 as it stood,
// the tree of 2026 after the decisions of 1/7/2025, the lineage between
// them, and the committees of each time.
func TestDemoHasTheReform(t *testing.T) {
	ctx, pool, sum := loaded(t)
	if sum.Decisions != 4 {
		t.Errorf("%d decisions recorded, want 4", sum.Decisions)
	}
	tl := org.NewTimeline(pool)
	id := func(name string) int64 {
		t.Helper()
		return scalar[int64](t, pool, `SELECT id FROM units WHERE name = $1`, name)
	}
	var (
		ninhThuan = id("Tỉnh đoàn Ninh Thuận")
		khanhHoa  = id("Tỉnh đoàn Khánh Hòa")
		bloc      = id("Đoàn khối Cơ quan – Doanh nghiệp tỉnh")
		khBloc    = id("Đoàn khối các cơ quan tỉnh Khánh Hòa")
		bacAi     = id("Huyện đoàn Bác Ái")
		phuocDai  = id("Đoàn xã Phước Đại")
		taLu      = id("Đoàn xã Tà Lú")
		merged    = id(seed.MergedCommune)
		office    = id("Chi đoàn Văn phòng Tỉnh ủy")
		village   = id("Chi đoàn thôn Tà Lú")
	)
	d := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// tree lists a tree as "name < parent name", top down.
	tree := func(root int64, on string) []string {
		t.Helper()
		list, err := tl.TreeAsOf(ctx, root, d(on))
		if err != nil {
			t.Fatal(err)
		}
		names := map[int64]string{}
		var out []string
		for _, v := range list {
			names[v.UnitID] = v.Name
			if v.ParentID == nil {
				out = append(out, v.Name)
			} else {
				out = append(out, v.Name+" < "+names[*v.ParentID])
			}
		}
		slices.Sort(out)
		return out
	}

	const (
		ntName  = "Tỉnh đoàn Ninh Thuận"
		khName  = "Tỉnh đoàn Khánh Hòa"
		blocNT  = "Đoàn khối Cơ quan – Doanh nghiệp tỉnh"
		power   = "Đoàn cơ sở Công ty Điện lực Ninh Thuận"
		bacAiNm = "Huyện đoàn Bác Ái"
	)
	want2022 := []string{
		"Chi đoàn Ban Tuyên giáo Tỉnh ủy < " + blocNT,
		"Chi đoàn Phòng Kỹ thuật < " + power,
		"Chi đoàn Sở Tài chính < " + blocNT,
		"Chi đoàn Văn phòng Tỉnh ủy < " + blocNT,
		"Chi đoàn thôn Ma Oai < Đoàn xã Tà Lú",
		"Chi đoàn thôn Rã Giữa < Đoàn xã Tà Lú",
		"Chi đoàn thôn Tà Lú < Đoàn xã Phước Đại",
		"Chi đoàn Điện lực Phan Rang – Tháp Chàm < " + power,
		"Huyện đoàn Bác Ái < " + ntName,
		ntName,
		"Đoàn cơ sở Công ty Điện lực Ninh Thuận < " + blocNT,
		blocNT + " < " + ntName,
		"Đoàn xã Phước Đại < " + bacAiNm,
		"Đoàn xã Tà Lú < " + bacAiNm,
	}
	slices.Sort(want2022)
	for _, on := range []string{"2022-12-31", "2025-06-30"} {
		if got := tree(ninhThuan, on); !slices.Equal(got, want2022) {
			t.Errorf("Ninh Thuận's tree on %s:\n got %q\nwant %q", on, got, want2022)
		}
	}
	if got := tree(ninhThuan, "2025-07-01"); len(got) != 0 {
		t.Errorf("Ninh Thuận still stands on the reform day: %q", got)
	}
	if got := tree(khanhHoa, "2022-12-31"); len(got) != 6 || !slices.Contains(got, "Đoàn khối các cơ quan tỉnh Khánh Hòa < "+khName) {
		t.Errorf("Khánh Hòa's tree of 2022: %q", got)
	}
	want2026 := []string{
		"Chi đoàn Ban Tuyên giáo Tỉnh ủy < " + blocNT,
		"Chi đoàn Khoa Công nghệ thông tin < Đoàn trường Đại học Nha Trang",
		"Chi đoàn Phòng Kỹ thuật < " + power,
		"Chi đoàn Sở Giáo dục và Đào tạo Khánh Hòa < " + blocNT,
		"Chi đoàn Sở Nội vụ Khánh Hòa < " + blocNT,
		"Chi đoàn Sở Tài chính < " + blocNT,
		"Chi đoàn Văn phòng Tỉnh ủy < " + blocNT,
		"Chi đoàn thôn Ma Oai < " + seed.MergedCommune,
		"Chi đoàn thôn Rã Giữa < " + seed.MergedCommune,
		"Chi đoàn thôn Tà Lú < " + seed.MergedCommune,
		"Chi đoàn Điện lực Phan Rang – Tháp Chàm < " + power,
		khName,
		"Đoàn cơ sở Công ty Điện lực Ninh Thuận < " + blocNT,
		blocNT + " < " + khName,
		"Đoàn trường Đại học Nha Trang < " + khName,
		seed.MergedCommune + " < " + khName,
	}
	slices.Sort(want2026)
	if got := tree(khanhHoa, "2026-12-31"); !slices.Equal(got, want2026) {
		t.Errorf("Khánh Hòa's tree of 2026:\n got %q\nwant %q", got, want2026)
	}
	for _, ended := range []int64{ninhThuan, bacAi, phuocDai, taLu, khBloc} {
		if v, err := tl.UnitAsOf(ctx, ended, d("2026-12-31")); err != nil || v != nil {
			t.Errorf("unit %d in 2026: %+v, %v; want ended", ended, v, err)
		}
	}

	// Lineage: where each unit of 2026 came from, by which decision.
	type step struct {
		unit     int64
		kind     org.ChangeKind
		decision string
	}
	steps := func(list []org.LineageStep) []step {
		var out []step
		for _, s := range list {
			if !s.EffectiveOn.Equal(seed.ReformDay) {
				t.Errorf("lineage step %+v not on the reform day", s)
			}
			out = append(out, step{s.UnitID, s.Kind, s.DecisionNumber})
		}
		return out
	}
	for _, tt := range []struct {
		unit         int64
		predecessors []step
		successors   []step
	}{
		{merged, []step{{phuocDai, org.ChangeMerge, seed.DecisionCommunes}, {taLu, org.ChangeMerge, seed.DecisionCommunes}}, nil},
		{ninhThuan, nil, []step{{khanhHoa, org.ChangeMerge, seed.DecisionProvince}}},
		{khanhHoa, []step{{ninhThuan, org.ChangeMerge, seed.DecisionProvince}}, nil},
		{bloc, []step{{khBloc, org.ChangeMerge, seed.DecisionBloc}}, nil},
		{bacAi, nil, nil},
	} {
		l, err := tl.LineageOf(ctx, tt.unit)
		if err != nil {
			t.Fatal(err)
		}
		if got := steps(l.Predecessors); !slices.Equal(got, tt.predecessors) {
			t.Errorf("predecessors of %d: %+v, want %+v", tt.unit, got, tt.predecessors)
		}
		if got := steps(l.Successors); !slices.Equal(got, tt.successors) {
			t.Errorf("successors of %d: %+v, want %+v", tt.unit, got, tt.successors)
		}
	}
	changes, err := tl.ChangesOf(ctx, bacAi)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].Kind != org.ChangeDissolve || changes[0].DecisionNumber != seed.DecisionDistrict {
		t.Errorf("decisions about Bác Ái: %+v", changes)
	}

	// Committees of a date.
	committee := func(unit int64, on string) string {
		t.Helper()
		list, err := tl.CommitteeAsOf(ctx, unit, d(on))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range list {
			out = append(out, p.Title.VI()+" "+p.Holder)
		}
		return strings.Join(out, ", ")
	}
	for _, tt := range []struct {
		unit int64
		on   string
		want string
	}{
		{ninhThuan, "2022-06-30", "Bí thư Phạm Văn Hậu"},
		{ninhThuan, "2022-12-31", "Bí thư Lê Văn Bình, Phó Bí thư Châu Văn Quý, Phó Bí thư Huỳnh Thị Mỹ Hạnh, Ủy viên Ban Thường vụ Trần Thị Thu Hà"},
		{ninhThuan, "2024-12-31", "Bí thư Huỳnh Thị Mỹ Hạnh, Phó Bí thư Châu Văn Quý, Ủy viên Ban Thường vụ Trần Thị Thu Hà"},
		{ninhThuan, "2026-12-31", ""},
		{khanhHoa, "2022-12-31", "Bí thư Đoàn Văn Phúc, Phó Bí thư Lê Thị Ngọc Diệp"},
		{khanhHoa, "2026-12-31", "Bí thư Đoàn Văn Phúc, Phó Bí thư Huỳnh Thị Mỹ Hạnh, Phó Bí thư Lê Thị Ngọc Diệp, Ủy viên Ban Thường vụ Châu Văn Quý"},
		{bloc, "2022-12-31", "Bí thư Trần Thị Thu Hà, Phó Bí thư Nguyễn Hoàng Long, Ủy viên Ban Chấp hành Tôn Thất Bảo"},
		{bloc, "2026-12-31", "Bí thư Trần Thị Thu Hà, Phó Bí thư Nguyễn Hoàng Long, Phó Bí thư Phan Thị Kim Oanh, Ủy viên Ban Chấp hành Tôn Thất Bảo"},
		{khBloc, "2022-12-31", "Bí thư Phan Thị Kim Oanh"},
		{khBloc, "2026-12-31", ""},
		{bacAi, "2022-12-31", "Bí thư Pinăng Văn Tới"},
		{bacAi, "2026-12-31", ""},
		{merged, "2026-12-31", "Bí thư Pinăng Văn Tới, Phó Bí thư Chamaléa Văn Điệp, Ủy viên Ban Chấp hành Chamaléa Thị Hằng"},
		{office, "2022-12-31", "Bí thư Nguyễn Thị Thanh Tâm, Phó Bí thư Trần Quốc Huy, Ủy viên Ban Chấp hành Lê Thị Kim Ngân"},
		{office, "2026-12-31", "Bí thư Nguyễn Thị Thanh Tâm, Phó Bí thư Trần Quốc Huy, Ủy viên Ban Chấp hành Lê Thị Kim Ngân"},
		{village, "2026-12-31", "Bí thư Pinăng Thị Hoa"},
	} {
		if got := committee(tt.unit, tt.on); got != tt.want {
			t.Errorf("committee of %d on %s:\n got %s\nwant %s", tt.unit, tt.on, got, tt.want)
		}
	}

	// The records of 2022 stay with the units that made them, and the new
	// tree has a 2026 of its own.
	sub2026, err := tl.SubtreeAsOf(ctx, khanhHoa, d("2026-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM activities WHERE unit_id = ANY($1) AND starts_on >= '2026-01-01'`, sub2026); n < 10 {
		t.Errorf("%d activities in Khánh Hòa's 2026, want at least 10", n)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM activities WHERE unit_id = $1 AND starts_on < '2023-01-01'`, taLu); n != 1 {
		t.Errorf("Tà Lú's 2022 activities: %d, want 1", n)
	}
	if n := scalar[int](t, pool, `SELECT count(*) FROM members WHERE unit_id = $1 AND status = 'ACTIVE'`, village); n != 5 {
		t.Errorf("the village branch has %d active members after the reform, want 5", n)
	}
}
