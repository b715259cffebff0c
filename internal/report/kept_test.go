package report_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/testdb"
)

// A report as of a day inside a month reads the kept figures of the whole
// months before it and recomputes the cut month's days: activities on
// either side of month ends and of the report's day fall where their
// start date puts them, in the totals and in the monthly series.
func TestReportAsOfADayCutsTheMonth(t *testing.T) {
	f, province := newProvince(t)
	ctx, reports := f.ctx, f.reports
	branch := f.unit(province, org.Branch, "Chi đoàn Thôn Một")
	for _, on := range []string{"2025-01-31", "2025-02-01", "2025-03-14", "2025-03-15", "2025-03-16", "2025-12-31"} {
		f.activity(branch, "Ra quân "+on, on, on, activity.Done)
	}
	parts := report.Parts{Activities: true, Monthly: true}
	for _, c := range []struct {
		asOf    string
		total   int
		monthly [3]int // January to March
	}{
		{"2025-01-30", 0, [3]int{0, 0, 0}},
		{"2025-01-31", 1, [3]int{1, 0, 0}},
		{"2025-02-01", 2, [3]int{1, 1, 0}},
		{"2025-03-15", 4, [3]int{1, 1, 2}},
		{"2025-03-31", 5, [3]int{1, 1, 3}},
		{"2025-12-30", 5, [3]int{1, 1, 3}},
		{"2025-12-31", 6, [3]int{1, 1, 3}},
	} {
		r, err := reports.YearlyAsOf(ctx, branch.ID, 2025, day(c.asOf), parts)
		if err != nil {
			t.Fatal(err)
		}
		got := [3]int{r.Monthly[0].Activities, r.Monthly[1].Activities, r.Monthly[2].Activities}
		if r.Total.Activities != c.total || got != c.monthly {
			t.Errorf("as of %s: %d activities, monthly %v; want %d, %v", c.asOf, r.Total.Activities, got, c.total, c.monthly)
		}
	}
	full, err := reports.YearlyParts(ctx, branch.ID, 2025, parts)
	if err != nil {
		t.Fatal(err)
	}
	if full.Total.Activities != 6 || full.Monthly[11].Activities != 1 {
		t.Errorf("the year: %d activities, %d in December; want 6 and 1", full.Total.Activities, full.Monthly[11].Activities)
	}
}

// The members counted from the kept year-end counts (migration 20, rolled
// up by the tree of each year's end), the pledges, ratings and
// commendations from the kept marks (migration 21), and the distinct
// participants from the kept weights (migration 22), are those counted one
// by one from the stays and records, which a report of a year beyond the
// horizon reads: for every unit of the demo, whose tree the 2025 reform
// restructured, in every year around it.
func TestKeptMemberCountsAreTheStays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := demo(t)
	reports := report.NewStore(pool)
	parts := report.Parts{Members: true, YearStart: true, Breakdown: true, Committee: true, Pledges: true, Ratings: true, Commendations: true,
		Activities: true, Previous: &report.Parts{Members: true, YearStart: true, Pledges: true, Ratings: true, Commendations: true, Activities: true}}
	ids := allUnits(t, pool)
	type key struct {
		unit int64
		year int
	}
	counted := func() map[key]*report.Report {
		t.Helper()
		all := map[key]*report.Report{}
		for _, id := range ids {
			for year := 2023; year <= 2026; year++ {
				r, err := reports.YearlyParts(ctx, id, year, parts)
				if err != nil {
					continue // the unit did not exist that year
				}
				all[key{id, year}] = r
			}
		}
		return all
	}
	kept := counted()
	if _, err := pool.Exec(ctx, `UPDATE figures_horizon SET year = 2000`); err != nil {
		t.Fatal(err)
	}
	fromStays := counted()
	if len(kept) != len(fromStays) || len(kept) < len(ids) {
		t.Fatalf("%d reports from the kept counts, %d from the stays, of %d units", len(kept), len(fromStays), len(ids))
	}
	members, signed := 0, 0
	for k, want := range fromStays {
		got := kept[k]
		members += want.Members.AtYearEnd
		if got.Members != want.Members || got.Previous.Members != want.Previous.Members {
			t.Errorf("unit %d, %d: kept %+v / %+v, stays %+v / %+v", k.unit, k.year, got.Members, got.Previous.Members, want.Members, want.Previous.Members)
		}
		if !slices.Equal(got.Children, want.Children) || *got.Own != *want.Own || !slices.Equal(got.Committee, want.Committee) {
			t.Errorf("unit %d, %d: breakdown kept %+v %+v, stays %+v %+v", k.unit, k.year, got.Own, got.Children, want.Own, want.Children)
		}
		for _, y := range []struct{ got, want *report.Report }{{got, want}, {got.Previous, want.Previous}} {
			if !reflect.DeepEqual(y.got.Pledges, y.want.Pledges) || !reflect.DeepEqual(y.got.Ratings, y.want.Ratings) ||
				!slices.Equal(y.got.Received, y.want.Received) || !slices.Equal(y.got.Given, y.want.Given) {
				t.Errorf("unit %d, %d: kept pledges %+v, ratings %+v, received %+v, given %+v; records say %+v, %+v, %+v, %+v",
					k.unit, y.want.Year, y.got.Pledges, y.got.Ratings, y.got.Received, y.got.Given,
					y.want.Pledges, y.want.Ratings, y.want.Received, y.want.Given)
			}
			if !reflect.DeepEqual(y.got.Areas, y.want.Areas) || !reflect.DeepEqual(y.got.Total, y.want.Total) {
				t.Errorf("unit %d, %d: kept work areas %+v, total %+v; records say %+v, %+v",
					k.unit, y.want.Year, y.got.Areas, y.got.Total, y.want.Areas, y.want.Total)
			}
			signed += len(y.want.Pledges) + y.want.Ratings.Rated + len(y.want.Received) + y.want.Total.Participants
		}
	}
	if members == 0 || signed == 0 {
		t.Fatalf("%d members, %d pledges, ratings and commendations counted in all: the demo should have some", members, signed)
	}
}

// The notable activities found by walking the country's ranking (a large
// scope's way) are those found by ranking the scope's own activities (a
// small one's), for every unit and year of the demo; ties on value and
// attendances go to the earliest either way.
func TestNotableBothWays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := demo(t)
	walk, rank := report.NewStore(pool), report.NewStore(pool)
	report.SetNotableWay(walk, 1)
	report.SetNotableWay(rank, 2)
	ids := allUnits(t, pool)
	found := 0
	for _, id := range ids {
		for year := 2022; year <= 2026; year++ {
			w, werr := walk.YearlyParts(ctx, id, year, report.Parts{Notable: true})
			r, rerr := rank.YearlyParts(ctx, id, year, report.Parts{Notable: true})
			if (werr == nil) != (rerr == nil) {
				t.Fatalf("unit %d, %d: %v / %v", id, year, werr, rerr)
			}
			if werr != nil {
				continue
			}
			for i := range r.Areas {
				found += len(r.Areas[i].Notable)
				if !slices.Equal(w.Areas[i].Notable, r.Areas[i].Notable) {
					t.Errorf("unit %d, %d, %s: walking %v, ranking %v", id, year, r.Areas[i].WorkArea, w.Areas[i].Notable, r.Areas[i].Notable)
				}
			}
		}
	}
	if found == 0 {
		t.Fatal("no notable activity in the demo at all")
	}
}

// allUnits is the id of every unit, in order.
func allUnits(t *testing.T, pool *pgxpool.Pool) []int64 {
	t.Helper()
	return testdb.Column[int64](t, pool, `SELECT id FROM units ORDER BY id`)
}

// A section asked for alone reads the kept rows itself; with the others it
// reads them summed once (report_sums_now and _prev). Both give the same
// figures, for every unit of the demo and every year it has records of.
func TestSectionAloneIsTheSameInTheWholeReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := demo(t)
	reports := report.NewStore(pool)
	noNotable := func(areas []report.Area) []report.Area {
		out := slices.Clone(areas)
		for i := range out {
			out[i].Notable = nil
		}
		return out
	}
	sections := []struct {
		name  string
		parts report.Parts
		pick  func(*report.Report) any
	}{
		{"members", report.Parts{Members: true}, func(r *report.Report) any { m := r.Members; m.AtYearStart = 0; return m }},
		{"year start", report.Parts{YearStart: true}, func(r *report.Report) any { return r.Members.AtYearStart }},
		{"activities", report.Parts{Activities: true}, func(r *report.Report) any { return []any{noNotable(r.Areas), r.Total} }},
		{"pledges", report.Parts{Pledges: true}, func(r *report.Report) any { return r.Pledges }},
		{"ratings", report.Parts{Ratings: true}, func(r *report.Report) any { return r.Ratings }},
		{"commendations", report.Parts{Commendations: true}, func(r *report.Report) any { return []any{r.Received, r.Given} }},
		{"news", report.Parts{News: true}, func(r *report.Report) any { return r.NewsPublished }},
		{"monthly", report.Parts{Monthly: true}, func(r *report.Report) any { return r.Monthly }},
		{"breakdown", report.Parts{Breakdown: true}, func(r *report.Report) any { return []any{*r.Own, r.Children} }},
		{"previous year", report.Parts{Previous: report.All.Previous}, func(r *report.Report) any {
			p := *r.Previous
			p.Previous = nil
			return p
		}},
	}
	compared := 0
	for _, id := range allUnits(t, pool) {
		for year := 2022; year <= 2026; year++ {
			whole, err := reports.Yearly(ctx, id, year)
			if err != nil {
				continue // the unit did not exist that year
			}
			for _, s := range sections {
				alone, err := reports.YearlyParts(ctx, id, year, s.parts)
				if err != nil {
					t.Fatalf("unit %d, %d, %s: %v", id, year, s.name, err)
				}
				if got, want := s.pick(alone), s.pick(whole); !reflect.DeepEqual(got, want) {
					t.Errorf("unit %d, %d, %s alone: %+v\nin the whole report: %+v", id, year, s.name, got, want)
				}
				compared++
			}
		}
	}
	if compared < 100 {
		t.Fatalf("only %d sections compared", compared)
	}
}

// A report's pledges read a page at a time (Parts.PledgesPage) are the
// whole list, page after page, with the whole list's count, from the kept
// figures and from the records; where the figures are kept a page reads no
// more than its pledges.
func TestPledgePagesAreTheWholeList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := demo(t)
	// Three pledges of 2023 for every unit, each signed by some of the
	// members below it: the demo has at most one a unit.
	if _, err := pool.Exec(ctx, `INSERT INTO pledges (unit_id, year, title)
		SELECT u.id, 2023, 'Cam kết rèn luyện số ' || n FROM units u, generate_series(1, 3) n`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO pledge_signatures (pledge_id, member_id, signed_on)
		SELECT p.id, m.id, '2023-05-19' FROM pledges p JOIN units pu ON pu.id = p.unit_id
			JOIN units u ON u.path <@ pu.path JOIN members m ON m.unit_id = u.id
		WHERE p.title LIKE 'Cam kết rèn luyện số %' AND (m.id + p.id) % 3 = 0`); err != nil {
		t.Fatal(err)
	}
	reports := report.NewStore(pool)
	units := allUnits(t, pool)
	// Read from the kept figures, then, with the horizon moved back, from
	// the records (whose statement reads the whole list).
	for _, kept := range []bool{true, false} {
		if !kept {
			if _, err := pool.Exec(ctx, `UPDATE figures_horizon SET year = 2000`); err != nil {
				t.Fatal(err)
			}
		}
		paged, cut := 0, 0
		for _, id := range units {
			for year := 2022; year <= 2026; year++ {
				whole, err := reports.YearlyParts(ctx, id, year, report.Parts{Pledges: true})
				if err != nil || len(whole.Pledges) < 2 {
					continue // the unit did not exist that year, or has no pages to turn
				}
				if whole.PledgeCount != len(whole.Pledges) {
					t.Errorf("unit %d, %d (kept %v): the whole list counts %d of its %d pledges", id, year, kept, whole.PledgeCount, len(whole.Pledges))
				}
				var got []report.Pledge
				pg := report.PledgePage{Limit: 2}
				for turns := 0; turns <= len(whole.Pledges); turns++ {
					r, err := reports.YearlyParts(ctx, id, year, report.Parts{Pledges: true, PledgesPage: &pg})
					if err != nil {
						t.Fatalf("unit %d, %d, page after %+v: %v", id, year, pg, err)
					}
					if r.PledgeCount != len(whole.Pledges) {
						t.Errorf("unit %d, %d (kept %v): a page counts %d pledges, the whole list has %d", id, year, kept, r.PledgeCount, len(whole.Pledges))
					}
					after := func(p report.Pledge) bool {
						return p.Place > pg.AfterPlace || (p.Place == pg.AfterPlace && p.PledgeID > pg.AfterID)
					}
					rest := 0
					for _, p := range whole.Pledges {
						if after(p) {
							rest++
						}
					}
					if len(r.Pledges) < rest {
						cut++
					}
					var page []report.Pledge
					for _, p := range r.Pledges {
						if after(p) && len(page) < pg.Limit {
							page = append(page, p)
						}
					}
					got = append(got, page...)
					if len(page) < pg.Limit {
						break
					}
					last := page[len(page)-1]
					pg.AfterPlace, pg.AfterID = last.Place, last.PledgeID
				}
				if !reflect.DeepEqual(got, whole.Pledges) {
					t.Errorf("unit %d, %d (kept %v): pages %+v\nwhole list %+v", id, year, kept, got, whole.Pledges)
				}
				paged++
			}
		}
		if paged < 5 || (kept && cut == 0) {
			t.Fatalf("kept %v: %d lists paged, %d pages read alone: the demo should have both", kept, paged, cut)
		}
	}
}
