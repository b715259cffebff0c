package report_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
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

// fixture is a fresh migrated database and the stores a test writes its
// records and reads its reports through.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	pool    *pgxpool.Pool
	units   *org.Store
	tl      *org.Timeline
	members *member.Store
	acts    *activity.Store
	reports *report.Store
}

// newProvince starts a parallel test on its own fixture with the province
// "Tỉnh đoàn Thử", under which the test builds its tree.
func newProvince(t *testing.T) (*fixture, *org.Unit) {
	t.Helper()
	t.Parallel()
	pool := testdb.Migrated(t)
	f := &fixture{t: t, ctx: context.Background(), pool: pool, units: org.NewStore(pool), tl: org.NewTimeline(pool),
		members: member.NewStore(pool), acts: activity.NewStore(pool), reports: report.NewStore(pool)}
	return f, f.unit(nil, org.Province, "Tỉnh đoàn Thử")
}

// unit creates a unit of level under parent (nil for a root).
func (f *fixture) unit(parent *org.Unit, level org.Level, name string) *org.Unit {
	f.t.Helper()
	in := org.CreateInput{Level: level, Name: name}
	if parent != nil {
		in.ParentID = &parent.ID
	}
	return must[*org.Unit](f.t)(f.units.Create(f.ctx, in))
}

// activity creates a volunteering activity of u held from one day to
// another.
func (f *fixture) activity(u *org.Unit, title, from, to string, status activity.Status) *activity.Activity {
	f.t.Helper()
	return must[*activity.Activity](f.t)(f.acts.CreateActivity(f.ctx, activity.ActivityInput{UnitID: u.ID, Title: title,
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering, StartsOn: day(from), EndsOn: day(to), Status: status}))
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
		{Form: award.BangKhen, IssuerLevel: org.Bloc, Collective: 1}:   true,
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
	if r.Total.Activities != 21 || r.Monthly[11].Activities != 1 || r.NewsPublished != 1 {
		t.Errorf("total %+v, monthly %+v", r.Total, r.Monthly)
	}

	// 2023, recorded in part: one admitted, one moved to the finance branch.
	r23, err := report.NewStore(pool).Yearly(context.Background(), unitID(t, pool, "Chi đoàn Văn phòng Tỉnh ủy"), 2023)
	if err != nil {
		t.Fatal(err)
	}
	if m := r23.Members; m.Admitted != 1 || m.TransferredOut != 1 || m.AtYearEnd != 16 || m.AtYearStart != 16 {
		t.Errorf("2023 members = %+v", m)
	}
}

// A bloc's report is the sum of its units'.
func TestDemoBlocIsTheSumOfItsUnits(t *testing.T) {
	t.Parallel()
	pool := demo(t)
	store := report.NewStore(pool)
	ctx := context.Background()
	bloc, err := store.Yearly(ctx, unitID(t, pool, "Đoàn khối Cơ quan – Doanh nghiệp tỉnh"), 2022)
	if err != nil {
		t.Fatal(err)
	}
	var members, acts, parts int
	var hours float64
	var value int64
	for _, c := range bloc.Children {
		r, err := store.Yearly(ctx, c.UnitID, 2022)
		if err != nil {
			t.Fatal(err)
		}
		members += r.Members.AtYearEnd
		acts += r.Total.Activities
		parts += r.Total.Participations
		hours += r.Total.VolunteerHours
		value += r.Total.Cash + r.Total.InKind + r.Total.YouthProjectValue
		if c.Members != r.Members.AtYearEnd || c.Activities != r.Total.Activities || c.Participations != r.Total.Participations {
			t.Errorf("row %+v differs from the unit's own report %+v", c, r.Total)
		}
	}
	tot := bloc.Total
	if len(bloc.Children) != 4 || members != bloc.Members.AtYearEnd || acts != tot.Activities || parts != tot.Participations ||
		hours != tot.VolunteerHours || value != tot.Cash+tot.InKind+tot.YouthProjectValue {
		t.Errorf("bloc %+v / %+v; sum of units: %d members, %d activities, %d participations, %v hours, %d đ",
			bloc.Members, tot, members, acts, parts, hours, value)
	}
	if tot.YouthProjectValue != 48_000_000 || tot.InKind != 1_232_000 {
		t.Errorf("bloc contributions = %+v", tot)
	}
}
