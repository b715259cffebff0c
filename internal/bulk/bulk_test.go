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
