package report_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/seed"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func unitID(t testing.TB, pool *pgxpool.Pool, name string) int64 {
	t.Helper()
	var id int64
	if err := pool.QueryRow(context.Background(), `SELECT id FROM units WHERE name = $1`, name).Scan(&id); err != nil {
		t.Fatalf("unit %s: %v", name, err)
	}
	return id
}

func demo(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool := testdb.Migrated(t)
	if _, err := seed.Load(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return pool
}

// The demo branch's 2022 report shows the worked example's facts.
func TestDemoBranch2022(t *testing.T) {
	t.Parallel()
	pool := demo(t)
	r, err := report.NewStore(pool).Yearly(context.Background(), unitID(t, pool, "Chi đoàn Văn phòng Tỉnh ủy"), 2022)
	if err != nil {
		t.Fatal(err)
	}
	m := r.Members
	if m.AtYearEnd != 16 || m.Female != 8 || m.Male != 8 || m.Secretaries != 1 || m.Deputies != 1 || m.Committee != 1 || m.Admitted != 0 {
		t.Errorf("members = %+v", m)
	}
	if len(r.Committee) != 3 {
		t.Errorf("committee = %v", r.Committee)
	}
	vol := r.Areas[1]
	if vol.WorkArea != activity.YouthVolunteering || vol.InKind != 1_232_000 || vol.Activities != 3 {
		t.Errorf("volunteering = %+v", vol)
	}
	if len(r.Pledges) != 1 || r.Pledges[0].Signed != 16 || r.Pledges[0].Eligible != 16 || *r.Pledges[0].Share != 1 {
		t.Errorf("pledges = %+v", r.Pledges)
	}
	wantReceived := map[report.Received]bool{
		{Form: award.BangKhen, IssuerLevel: org.Bloc, Collective: 1}:    true,
		{Form: award.GiayKhen, IssuerLevel: org.Branch, Individual: 3}: true,
	}
	if len(r.Received) != 2 || !wantReceived[r.Received[0]] || !wantReceived[r.Received[1]] {
		t.Errorf("received = %+v", r.Received)
	}
	if len(r.Given) != 1 || r.Given[0] != (report.Given{Form: award.GiayKhen, Individual: 3}) {
		t.Errorf("given = %+v", r.Given)
	}
	if r.Ratings.Rated != 16 || r.Ratings.Unrated != 0 || r.Ratings.Excellent != 5 {
		t.Errorf("ratings = %+v", r.Ratings)
	}
	t.Logf("%+v", r.Total)
	t.Logf("monthly %+v", r.Monthly)
	t.Logf("prev %+v", r.Previous.Members)
}
