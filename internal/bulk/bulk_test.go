package bulk_test

import (
	"context"
	"testing"

	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestFillMakesWhatItSays(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	size := bulk.Size{Districts: 2, GrassrootsPerDistrict: 2, BranchesPerGrassroots: 2, MembersPerBranch: 5,
		ActivitiesPerBranch: 3, ParticipantsPerActivity: 4, Years: []int{2022}}
	r, err := bulk.Fill(ctx, pool, size)
	if err != nil {
		t.Fatal(err)
	}
	count := func(sql string) int {
		var n int
		if err := pool.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	branches := 2 * 2 * 2
	for sql, want := range map[string]int{
		`SELECT count(*) FROM units`:                                 1 + 2 + 4 + branches,
		`SELECT count(*) FROM members`:                               branches * 5,
		`SELECT count(*) FROM member_events WHERE kind = 'ADMITTED'`: branches * 5,
		`SELECT count(*) FROM activities`:                            branches * 3,
		`SELECT count(*) FROM participations`:                        branches * 3 * 4,
		// The load is not a user's change: it leaves no audit entries.
		`SELECT count(*) FROM audit_log WHERE entity <> 'units'`: 0,
	} {
		if got := count(sql); got != want {
			t.Errorf("%s = %d, want %d", sql, got, want)
		}
	}
	if r.ProvinceID == 0 || r.DistrictID == 0 || r.BranchID == 0 {
		t.Errorf("result = %+v", r)
	}
	// The triggers are back on afterwards.
	if _, err := pool.Exec(ctx, `UPDATE members SET phone = '0900 000 000' WHERE id = (SELECT min(id) FROM members)`); err != nil {
		t.Fatal(err)
	}
	if got := count(`SELECT count(*) FROM audit_log WHERE entity = 'members'`); got != 1 {
		t.Errorf("audit after the load: %d entries, want 1", got)
	}
}

// Generate makes what it says, and the same seed makes the same data.
func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	digest := func() (string, bulk.Generated) {
		pool := testdb.Migrated(t)
		g, err := bulk.Generate(ctx, pool, bulk.Options{Members: 1500, Seed: 7, Years: []int{2023, 2024}})
		if err != nil {
			t.Fatal(err)
		}
		var d string
		if err := pool.QueryRow(ctx, `SELECT md5(string_agg(full_name || birth_date, ',' ORDER BY id)) FROM members`).Scan(&d); err != nil {
			t.Fatal(err)
		}
		var members, audit int64
		_ = pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM members), (SELECT count(*) FROM audit_log)`).Scan(&members, &audit)
		if members != g.Members || audit != 0 {
			t.Errorf("%d members counted, %d stored; %d audit entries", g.Members, members, audit)
		}
		// Some members moved on, none before joining, and the kept stays
		// follow their histories (the triggers were skipped, then rebuilt).
		var transferred, agedOut, early, diffs int64
		if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE e.kind = 'TRANSFERRED'), count(*) FILTER (WHERE e.kind = 'AGED_OUT'),
				count(*) FILTER (WHERE e.occurred_on < m.joined_on),
				(SELECT count(*) FROM (SELECT * FROM member_stays EXCEPT SELECT * FROM member_stays_from_events) x)
			FROM member_events e JOIN members m ON m.id = e.member_id`).Scan(&transferred, &agedOut, &early, &diffs); err != nil {
			t.Fatal(err)
		}
		if transferred < 50 || agedOut < 20 || early != 0 || diffs != 0 {
			t.Errorf("%d transfers, %d aged out, %d events before joining, %d stays not from the events", transferred, agedOut, early, diffs)
		}
		return d, g
	}
	a, g := digest()
	b, _ := digest()
	if a != b {
		t.Error("the same seed made different members")
	}
	if g.Members < 1400 || g.Activities < 500 || g.Participations < 4000 || g.Contributions == 0 || g.Ratings == 0 || g.Posts == 0 || g.Signatures == 0 {
		t.Errorf("generated = %+v", g)
	}
}
