package org_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// fixture is a database with the stores the tests use.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	pool    *pgxpool.Pool
	units   *org.Store
	tl      *org.Timeline
	members *member.Store
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	pool := testdb.Migrated(t)
	return &fixture{t: t, ctx: context.Background(), pool: pool, units: org.NewStore(pool),
		tl: org.NewTimeline(pool), members: member.NewStore(pool)}
}

// newProvince starts a parallel test on its own fixture with the province
// "Tỉnh đoàn Thử", under which most tests build their tree.
func newProvince(t *testing.T) (*fixture, *org.Unit) {
	t.Helper()
	t.Parallel()
	f := newFixture(t)
	return f, f.unit(nil, org.Province, "Tỉnh đoàn Thử")
}

// newBloc is newProvince with the bloc "Đoàn khối Thử" under the province,
// where the restructuring tests build their branches.
func newBloc(t *testing.T) (*fixture, *org.Unit) {
	t.Helper()
	f, p := newProvince(t)
	return f, f.unit(p, org.Bloc, "Đoàn khối Thử")
}

func (f *fixture) unit(parent *org.Unit, level org.Level, name string) *org.Unit {
	f.t.Helper()
	in := org.CreateInput{Level: level, Name: name}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	u, err := f.units.Create(f.ctx, in)
	if err != nil {
		f.t.Fatalf("create %s: %v", name, err)
	}
	return u
}

// pair creates two units of level under parent, named a and b.
func (f *fixture) pair(parent *org.Unit, level org.Level, a, b string) (*org.Unit, *org.Unit) {
	f.t.Helper()
	return f.unit(parent, level, a), f.unit(parent, level, b)
}

func (f *fixture) member(branch *org.Unit, name, joined string) *member.Member {
	f.t.Helper()
	m, err := f.members.Create(f.ctx, member.CreateInput{UnitID: branch.ID, FullName: name, Gender: member.Female,
		BirthDate: day("1998-05-01"), JoinedOn: day(joined)})
	if err != nil {
		f.t.Fatalf("create member %s: %v", name, err)
	}
	return m
}

func (f *fixture) ok(c *org.Change, err error) *org.Change {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("restructure: %v", err)
	}
	return c
}

func (f *fixture) get(id int64) *org.Unit {
	f.t.Helper()
	u, err := f.units.Get(f.ctx, id)
	if err != nil || u == nil {
		f.t.Fatalf("get unit %d: %v", id, err)
	}
	return u
}

// asOf returns the names of the units in root's subtree on a day, keyed by id.
func (f *fixture) asOf(root int64, on string) map[int64]*org.UnitVersion {
	f.t.Helper()
	tree, err := f.tl.TreeAsOf(f.ctx, root, day(on))
	if err != nil {
		f.t.Fatal(err)
	}
	ids, err := f.tl.SubtreeAsOf(f.ctx, root, day(on))
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[int64]*org.UnitVersion{}
	for _, v := range tree {
		out[v.UnitID] = v
	}
	if len(ids) != len(out) {
		f.t.Fatalf("SubtreeAsOf(%d, %s) = %v but TreeAsOf has %d units", root, on, ids, len(out))
	}
	for _, id := range ids {
		if out[id] == nil {
			f.t.Fatalf("SubtreeAsOf(%d, %s) has %d, TreeAsOf does not", root, on, id)
		}
	}
	return out
}

func ids(units ...*org.Unit) []int64 {
	out := make([]int64, len(units))
	for i, u := range units {
		out[i] = u.ID
	}
	slices.Sort(out)
	return out
}

func keys(m map[int64]*org.UnitVersion) []int64 {
	out := make([]int64, 0, len(m))
	for id := range m {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func decided(on, number string) org.Decided {
	return org.Decided{EffectiveOn: day(on), DecisionNumber: number}
}

// checkConsistent asserts the timeline's invariant: on the first and the
// last day of every version, its parent had a version whose path is the
// version's path without its own id.
func (f *fixture) checkConsistent() {
	f.t.Helper()
	var bad int
	err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM unit_versions v CROSS JOIN LATERAL
			(VALUES (v.valid_from), (coalesce(v.valid_to, vietnam_today()))) d(on_day)
		WHERE v.parent_id IS NOT NULL AND NOT EXISTS (
			SELECT 1 FROM unit_versions p WHERE p.unit_id = v.parent_id AND p.during @> d.on_day
			AND p.path = subpath(v.path, 0, nlevel(v.path) - 1))`).Scan(&bad)
	if err != nil {
		f.t.Fatal(err)
	}
	if bad > 0 {
		rows, _ := f.pool.Query(f.ctx, `SELECT unit_id, parent_id, path::text, valid_from, valid_to FROM unit_versions ORDER BY unit_id, valid_from`)
		for rows.Next() {
			var u int64
			var p *int64
			var path string
			var from time.Time
			var to *time.Time
			_ = rows.Scan(&u, &p, &path, &from, &to)
			f.t.Logf("version unit=%d parent=%v path=%s %s..%v", u, p, path, from.Format(time.DateOnly), to)
		}
		f.t.Fatalf("%d version days have no matching parent version", bad)
	}
	// A unit is archived exactly when it has no open version, and its open
	// version is today's row.
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM units u LEFT JOIN unit_versions v ON v.unit_id = u.id AND v.valid_to IS NULL
		WHERE (u.archived_at IS NULL) <> (v.id IS NOT NULL)
		   OR (v.id IS NOT NULL AND (v.parent_id IS DISTINCT FROM u.parent_id OR v.path <> u.path OR v.name <> u.name
		       OR v.level <> u.level OR v.short_name IS DISTINCT FROM u.short_name))`).Scan(&bad); err != nil {
		f.t.Fatal(err)
	}
	if bad > 0 {
		f.t.Fatalf("%d units disagree with their open version", bad)
	}
}

// A tree read back as of two dates: a rename and a move later, the old day
// still shows the old names and places.
func TestTreeAsOfTwoDates(t *testing.T) {
	f, p := newProvince(t)
	k, k2 := f.pair(p, org.Bloc, "Đoàn khối Cơ quan tỉnh", "Đoàn khối Doanh nghiệp tỉnh")
	x := f.unit(k, org.Branch, "Chi đoàn Văn phòng")

	f.ok(f.tl.Rename(f.ctx, org.RenameDecision{UnitID: k.ID, Name: ptr("Đoàn khối Cơ quan – Doanh nghiệp tỉnh"),
		Decided: decided("2024-01-01", "12-QĐ/TĐTN")}))
	move := f.ok(f.tl.Move(f.ctx, org.MoveDecision{UnitID: x.ID, ParentID: k2.ID, Decided: decided("2025-01-01", "40-QĐ/TĐTN")}))

	old := f.asOf(p.ID, "2022-12-31")
	if got, want := keys(old), ids(p, k, k2, x); !slices.Equal(got, want) {
		t.Fatalf("tree of 2022 = %v, want %v", got, want)
	}
	if old[k.ID].Name != "Đoàn khối Cơ quan tỉnh" {
		t.Errorf("bloc's 2022 name = %q", old[k.ID].Name)
	}
	if *old[x.ID].ParentID != k.ID || old[x.ID].Path != k.Path+"."+itoa(x.ID) {
		t.Errorf("branch in 2022: parent %d path %s, want under %d", *old[x.ID].ParentID, old[x.ID].Path, k.ID)
	}
	now := f.asOf(p.ID, "2026-12-31")
	if now[k.ID].Name != "Đoàn khối Cơ quan – Doanh nghiệp tỉnh" || *now[x.ID].ParentID != k2.ID {
		t.Errorf("2026: bloc %q, branch under %d", now[k.ID].Name, *now[x.ID].ParentID)
	}
	if got := f.asOf(k.ID, "2022-12-31"); !slices.Equal(keys(got), ids(k, x)) {
		t.Errorf("bloc's subtree in 2022 = %v", keys(got))
	}
	if got := f.asOf(k.ID, "2025-01-01"); !slices.Equal(keys(got), ids(k)) {
		t.Errorf("bloc's subtree on the move's day = %v", keys(got))
	}
	// The day before the move is the old version's last day.
	if got := f.asOf(k.ID, "2024-12-31"); !slices.Equal(keys(got), ids(k, x)) {
		t.Errorf("bloc's subtree the day before the move = %v", keys(got))
	}

	kids, err := f.tl.ChildrenAsOf(f.ctx, []int64{k.ID, k2.ID}, day("2022-12-31"))
	if err != nil || len(kids[k.ID]) != 1 || kids[k.ID][0].UnitID != x.ID || len(kids[k2.ID]) != 0 {
		t.Errorf("children in 2022 = %v, %v", kids, err)
	}
	if kids, _ := f.tl.ChildrenAsOf(f.ctx, []int64{k.ID, k2.ID}, day("2026-12-31")); len(kids[k.ID]) != 0 || len(kids[k2.ID]) != 1 {
		t.Errorf("children in 2026 = %v", kids)
	}
	if roots, err := f.tl.RootsAsOf(f.ctx, day("2022-12-31")); err != nil || len(roots) != 1 || roots[0].UnitID != p.ID {
		t.Errorf("roots in 2022 = %v, %v", roots, err)
	}
	anc, err := f.tl.AncestorsAsOf(f.ctx, x.ID, day("2022-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	if len(anc) != 2 || anc[0].UnitID != p.ID || anc[1].UnitID != k.ID || anc[1].Name != "Đoàn khối Cơ quan tỉnh" {
		t.Errorf("ancestors in 2022 = %+v", anc)
	}
	v, err := f.tl.UnitAsOf(f.ctx, x.ID, day("2025-03-01"))
	if err != nil || v == nil || *v.ParentID != k2.ID || v.ChangeID == nil || *v.ChangeID != move.ID {
		t.Fatalf("branch in 2025 = %+v, %v (want under %d by decision %d)", v, err, k2.ID, move.ID)
	}
	hist, err := f.tl.History(f.ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || !hist[0].ValidFrom.Equal(org.FoundingDate) || !hist[0].ValidTo.Equal(day("2024-12-31")) ||
		!hist[1].ValidFrom.Equal(day("2025-01-01")) || hist[1].ValidTo != nil {
		t.Errorf("history of the branch = %+v", hist)
	}
	// Today's tree (units) is the newest version.
	if got := f.get(x.ID); *got.ParentID != k2.ID || got.Path != v.Path {
		t.Errorf("units row: parent %v path %s, version path %s", *got.ParentID, got.Path, v.Path)
	}
	f.checkConsistent()
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Plain edits (the unit update and move without a date) take effect today:
// the past keeps the old name and place.
func TestPlainEditsTakeEffectToday(t *testing.T) {
	f, p := newProvince(t)
	k, k2 := f.pair(p, org.Bloc, "Đoàn khối Cũ", "Đoàn khối Khác")
	x := f.unit(k, org.Branch, "Chi đoàn X")
	if _, err := f.units.Update(f.ctx, org.UpdateInput{ID: k.ID, Version: k.Version, Name: ptr("Đoàn khối Mới")}); err != nil {
		t.Fatal(err)
	}
	x = f.get(x.ID)
	if _, err := f.units.Move(f.ctx, org.MoveInput{ID: x.ID, Version: x.Version, ParentID: k2.ID}); err != nil {
		t.Fatal(err)
	}
	// A second edit the same day amends today's version instead of adding one.
	k = f.get(k.ID)
	if _, err := f.units.Update(f.ctx, org.UpdateInput{ID: k.ID, Version: k.Version, Name: ptr("Đoàn khối Mới Nhất")}); err != nil {
		t.Fatal(err)
	}
	old := f.asOf(p.ID, "2022-12-31")
	if old[k.ID].Name != "Đoàn khối Cũ" || *old[x.ID].ParentID != k.ID {
		t.Errorf("2022: bloc %q, branch under %d", old[k.ID].Name, *old[x.ID].ParentID)
	}
	today := time.Now().In(time.FixedZone("ICT", 7*3600)).Format(time.DateOnly)
	now := f.asOf(p.ID, today)
	if now[k.ID].Name != "Đoàn khối Mới Nhất" || *now[x.ID].ParentID != k2.ID {
		t.Errorf("today: bloc %q, branch under %d", now[k.ID].Name, *now[x.ID].ParentID)
	}
	hist, _ := f.tl.History(f.ctx, k.ID)
	if len(hist) != 2 {
		t.Errorf("bloc has %d versions, want 2 (one for the past, one from today)", len(hist))
	}
	// Archiving ends the unit yesterday; restoring starts it again today.
	k2 = f.get(k2.ID)
	x = f.get(x.ID)
	yesterday := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, -1).Format(time.DateOnly)
	if _, err := f.units.Archive(f.ctx, org.ArchiveInput{ID: x.ID, Version: x.Version, Archived: true}); err != nil {
		t.Fatal(err)
	}
	if got := f.asOf(k2.ID, today); !slices.Equal(keys(got), ids(k2)) {
		t.Errorf("archived branch still in today's tree: %v", keys(got))
	}
	if got := f.asOf(k.ID, yesterday); !slices.Equal(keys(got), ids(k, x)) {
		t.Errorf("archived branch missing from yesterday's tree: %v", keys(got))
	}
	x = f.get(x.ID)
	if _, err := f.units.Archive(f.ctx, org.ArchiveInput{ID: x.ID, Version: x.Version, Archived: false}); err != nil {
		t.Fatal(err)
	}
	if got := f.asOf(k2.ID, today); !slices.Equal(keys(got), ids(k2, x)) {
		t.Errorf("restored branch not in today's tree: %v", keys(got))
	}
	f.checkConsistent()
}

var reformDay = "2025-07-01"

// The 2025 reform on a small tree: province A (Ninh Thuận) merged into
// province B (Khánh Hòa) on 1 July 2025; district D under A dissolved, its
// two commune unions merged into one placed directly under B; the bloc
// renamed a month later. The past reads as it was, the present as it is.
func TestReform2025(t *testing.T) {
	t.Parallel()
	for _, provinceFirst := range []bool{true, false} {
		name := map[bool]string{true: "province merged first", false: "communes merged first"}[provinceFirst]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			reform(t, provinceFirst)
		})
	}
}

func reform(t *testing.T, provinceFirst bool) {
	f := newFixture(t)
	var account int64
	if err := f.pool.QueryRow(f.ctx, `INSERT INTO accounts (username, display_name, password_hash)
		VALUES ('tinhdoan.kh', 'Văn phòng Tỉnh đoàn Khánh Hòa', 'x') RETURNING id`).Scan(&account); err != nil {
		t.Fatal(err)
	}
	f.ctx = db.WithActor(f.ctx, db.Actor{AccountID: account, RequestID: "reform-test"})

	a, b := f.pair(nil, org.Province, "Tỉnh đoàn Ninh Thuận", "Tỉnh đoàn Khánh Hòa")
	kb := f.unit(b, org.Bloc, "Đoàn khối các cơ quan tỉnh Khánh Hòa")
	k := f.unit(a, org.Bloc, "Đoàn khối Cơ quan – Doanh nghiệp tỉnh")
	vp := f.unit(k, org.Branch, "Chi đoàn Văn phòng Tỉnh ủy")
	d := f.unit(a, org.District, "Huyện đoàn Bác Ái")
	c1, c2 := f.pair(d, org.Grassroots, "Đoàn xã Phước Đại", "Đoàn xã Phước Chính")
	b1 := f.unit(c1, org.Branch, "Chi đoàn thôn Ma Ty")
	b2 := f.unit(c2, org.Branch, "Chi đoàn thôn Núi Rây")
	m1 := f.member(b1, "Pi Năng Thị Hoa", "2016-03-26")
	f.member(vp, "Nguyễn Thị Lan", "2018-03-26")
	var activity int64
	if err := f.pool.QueryRow(f.ctx, `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
		VALUES ($1, 'Tặng tủ sách cho thiếu nhi xã Phước Đại', 'DONATION', 'YOUTH_VOLUNTEERING', '2022-06-01', '2022-06-01', 'DONE')
		RETURNING id`, vp.ID).Scan(&activity); err != nil {
		t.Fatal(err)
	}
	eventsBefore := countRows(t, f, "member_events")

	// Same-day decisions. With the province merged first, the communes'
	// versions opened by that move (on the reform day) are the ones their
	// merge then ends, and are removed as never having held.
	// Either way round, the result is the same.
	mergeProvince := func() *org.Change {
		return f.ok(f.tl.Merge(f.ctx, org.MergeDecision{UnitIDs: []int64{a.ID}, IntoID: &b.ID,
			Decided: decided(reformDay, "1234/QĐ-TWĐTN")}))
	}
	var intoB *org.Change
	if provinceFirst {
		intoB = mergeProvince()
	}
	commune := f.ok(f.tl.Merge(f.ctx, org.MergeDecision{UnitIDs: []int64{c1.ID, c2.ID},
		New:     &org.NewUnit{ParentID: &b.ID, Name: "Đoàn xã Phước Bác Ái"},
		Decided: decided(reformDay, "56-QĐ/TĐKH")}))
	f.ok(f.tl.Dissolve(f.ctx, org.DissolveDecision{UnitID: d.ID, Decided: decided(reformDay, "57-QĐ/TĐKH")}))
	if !provinceFirst {
		intoB = mergeProvince()
	}
	f.ok(f.tl.Rename(f.ctx, org.RenameDecision{UnitID: k.ID, Name: ptr("Đoàn khối các cơ quan và doanh nghiệp tỉnh Khánh Hòa"),
		Decided: decided("2025-08-01", "80-QĐ/TĐKH")}))
	c := commune.UnitID

	// 2022 as it was.
	old := f.asOf(a.ID, "2022-12-31")
	if got, want := keys(old), ids(a, k, vp, d, c1, c2, b1, b2); !slices.Equal(got, want) {
		t.Fatalf("Ninh Thuận's subtree at the end of 2022 = %v, want %v", got, want)
	}
	if old[k.ID].Name != "Đoàn khối Cơ quan – Doanh nghiệp tỉnh" || old[d.ID].Name != "Huyện đoàn Bác Ái" || *old[b1.ID].ParentID != c1.ID {
		t.Errorf("2022 names/places: bloc %q, district %q, branch under %d", old[k.ID].Name, old[d.ID].Name, *old[b1.ID].ParentID)
	}
	if got := f.asOf(b.ID, "2022-12-31"); !slices.Equal(keys(got), ids(b, kb)) {
		t.Errorf("Khánh Hòa's subtree at the end of 2022 = %v", keys(got))
	}
	// The last day of the old structure, and the first of the new.
	if got := f.asOf(a.ID, "2025-06-30"); len(got) != 8 {
		t.Errorf("Ninh Thuận on 30/06/2025 has %d units, want 8", len(got))
	}
	if got := f.asOf(a.ID, reformDay); len(got) != 0 {
		t.Errorf("Ninh Thuận still has units on 01/07/2025: %v", keys(got))
	}

	// 2026 as it is.
	now := f.asOf(b.ID, "2026-12-31")
	if got, want := keys(now), append(ids(b, kb, k, vp, b1, b2), c); !slices.Equal(sorted(got), sorted(want)) {
		t.Fatalf("Khánh Hòa's subtree at the end of 2026 = %v, want %v", got, want)
	}
	if now[k.ID].Name != "Đoàn khối các cơ quan và doanh nghiệp tỉnh Khánh Hòa" || *now[k.ID].ParentID != b.ID ||
		*now[c].ParentID != b.ID || *now[b1.ID].ParentID != c || *now[b2.ID].ParentID != c {
		t.Errorf("2026 places: %+v", now)
	}
	if v, _ := f.tl.UnitAsOf(f.ctx, k.ID, day("2025-07-15")); v == nil || v.Name != "Đoàn khối Cơ quan – Doanh nghiệp tỉnh" || *v.ParentID != b.ID {
		t.Errorf("bloc in July 2025 (moved, not yet renamed) = %+v", v)
	}
	for _, gone := range []*org.Unit{a, d, c1, c2} {
		if v, _ := f.tl.UnitAsOf(f.ctx, gone.ID, day(reformDay)); v != nil {
			t.Errorf("%s still exists on the reform day", gone.Name)
		}
		if v, _ := f.tl.UnitAsOf(f.ctx, gone.ID, day("2025-06-30")); v == nil {
			t.Errorf("%s does not exist the day before the reform", gone.Name)
		}
		if !f.get(gone.ID).Archived() {
			t.Errorf("%s is not archived", gone.Name)
		}
	}
	if f.get(b.ID).Archived() {
		t.Error("the absorbing province was archived")
	}

	// A 2022 figure over the subtree of its time still counts the activity.
	for _, tc := range []struct {
		root int64
		on   string
		want int
	}{{a.ID, "2022-12-31", 1}, {b.ID, "2022-12-31", 0}, {b.ID, "2026-12-31", 0}} {
		var n int
		if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM activities WHERE starts_on BETWEEN $3::date - 364 AND $3::date
			AND unit_id IN (`+org.SubtreeAsOfSQL+`)`, tc.root, day(tc.on), day(tc.on)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != tc.want {
			t.Errorf("activities of %d in the year to %s = %d, want %d", tc.root, tc.on, n, tc.want)
		}
	}

	// Reports of the reform year: the ended province's is dated its last day.
	for _, tc := range []struct {
		unit    int64
		year    string
		want    string
		existed bool
	}{{a.ID, "2025", "2025-06-30", true}, {a.ID, "2026", "", false}, {b.ID, "2025", "2025-12-31", true}, {c, "2025", "2025-12-31", true}} {
		last, ok, err := f.tl.LastDayIn(f.ctx, tc.unit, day(tc.year+"-01-01"), day(tc.year+"-12-31"))
		if err != nil {
			t.Fatal(err)
		}
		if ok != tc.existed || ok && !last.Equal(day(tc.want)) {
			t.Errorf("last day of %d in %s = %v %v, want %s %v", tc.unit, tc.year, last, ok, tc.want, tc.existed)
		}
	}

	// Lineage.
	lin, err := f.tl.LineageOf(f.ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(lin.Predecessors) != 2 || lin.Predecessors[0].DecisionNumber != "56-QĐ/TĐKH" ||
		!slices.Equal(sorted([]int64{lin.Predecessors[0].UnitID, lin.Predecessors[1].UnitID}), ids(c1, c2)) {
		t.Errorf("the new commune's predecessors = %+v", lin.Predecessors)
	}
	lin, _ = f.tl.LineageOf(f.ctx, a.ID)
	if len(lin.Successors) != 1 || lin.Successors[0].UnitID != b.ID || lin.Successors[0].Kind != org.ChangeMerge ||
		!lin.Successors[0].EffectiveOn.Equal(day(reformDay)) {
		t.Errorf("Ninh Thuận's successors = %+v", lin.Successors)
	}
	if len(intoB.Links) != 1 || intoB.Links[0] != (org.LineageLink{ChangeID: intoB.ID, PredecessorID: a.ID, SuccessorID: b.ID}) {
		t.Errorf("merge links = %+v", intoB.Links)
	}
	changes, _ := f.tl.ChangesOf(f.ctx, k.ID)
	if len(changes) != 1 || changes[0].Kind != org.ChangeRename || *changes[0].CreatedBy != account {
		t.Errorf("bloc's decisions = %+v", changes)
	}

	// Branches moved with their communes: nobody was transferred.
	if got := countRows(t, f, "member_events"); got != eventsBefore {
		t.Errorf("member_events %d -> %d; whole branches moved, no member should be transferred", eventsBefore, got)
	}
	if m, _ := f.members.Get(f.ctx, m1.ID); m.UnitID != b1.ID {
		t.Errorf("member moved to unit %d", m.UnitID)
	}
	// Every step is in the audit log, with the actor: the decisions, the
	// lineage, the units changed, and the new units' versions linked to
	// their decision. Versions the database derives from a units change are
	// not logged twice.
	var audited int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(DISTINCT entity) FROM audit_log
		WHERE entity IN ('unit_changes', 'unit_versions', 'unit_lineage', 'units') AND account_id = $1 AND request_id = 'reform-test'`, account).
		Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != 4 {
		t.Errorf("audit log covers %d of the 4 tables the reform wrote", audited)
	}
	var derived int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM audit_log WHERE entity = 'unit_versions' AND action <> 'UPDATE'`).Scan(&derived); err != nil {
		t.Fatal(err)
	}
	if derived != 0 {
		t.Errorf("%d derived versions logged", derived)
	}
	// A correction of history by hand is logged.
	if _, err := f.pool.Exec(f.ctx, `UPDATE unit_versions SET name = 'Huyện đoàn Bác Ái (sửa)' WHERE unit_id = $1`, d.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM audit_log WHERE entity = 'unit_versions' AND unit_id = $1
		AND after->>'name' = 'Huyện đoàn Bác Ái (sửa)'`, d.ID).Scan(&derived); err != nil || derived != 1 {
		t.Errorf("hand correction logged %d times (%v)", derived, err)
	}
	f.checkConsistent()
}

func sorted(s []int64) []int64 { s = slices.Clone(s); slices.Sort(s); return s }

func countRows(t *testing.T, f *fixture, table string) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(f.ctx, `SELECT count(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func asInvalid(t *testing.T, err error) *apperr.Invalid {
	t.Helper()
	inv, ok := apperr.AsInvalid(err)
	if !ok {
		t.Fatalf("want a field error, got %v", err)
	}
	return inv
}

// The migrations that add the timeline undo exactly and backfill what was
// there: units made before them get one version from the founding date,
// archived ones ending the day before they were archived.
func TestTimelineMigrationsDownAndBackfill(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Migrated(t)
	m := db.NewMigrator(pool, zerolog.Nop())
	// Down to 000012, whatever came after the timeline (000013, 000014).
	if err := m.Down(ctx, int(db.LatestVersion())-12); err != nil {
		t.Fatal(err)
	}
	var left int
	if err := pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM pg_class WHERE relname IN ('unit_versions', 'unit_changes', 'unit_lineage', 'positions', 'committee_terms'))
		+ (SELECT count(*) FROM pg_proc WHERE proname IN ('unit_stable_since', 'unit_versions_start', 'unit_versions_follow', 'vietnam_today', 'union_founding_date'))
		+ (SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist')
		+ (SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'unit_versions%')`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("down left %d timeline objects behind", left)
	}
	var p, k int64
	if err := pool.QueryRow(ctx, `INSERT INTO units (level, name) VALUES ('PROVINCE', 'Tỉnh đoàn Cũ') RETURNING id`).Scan(&p); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `INSERT INTO units (parent_id, level, name, archived_at)
		VALUES ($1, 'DISTRICT', 'Huyện đoàn Cũ', '2025-07-01 08:00+07') RETURNING id`, p).Scan(&k); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	tl := org.NewTimeline(pool)
	hist, err := tl.History(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || !hist[0].ValidFrom.Equal(org.FoundingDate) || hist[0].ValidTo == nil || !hist[0].ValidTo.Equal(day("2025-06-30")) {
		t.Fatalf("backfilled archived district = %+v", hist)
	}
	if got, _ := tl.SubtreeAsOf(ctx, p, day("2022-12-31")); !slices.Equal(got, []int64{p, k}) {
		t.Errorf("backfilled subtree in 2022 = %v", got)
	}
}
