package report_test

import (
	"context"
	"testing"

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
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Migrated(t)
	units, acts, reports := org.NewStore(pool), activity.NewStore(pool), report.NewStore(pool)
	unit := must[*org.Unit](t)
	province := unit(units.Create(ctx, org.CreateInput{Level: org.Province, Name: "Tỉnh đoàn Thử"}))
	branch := unit(units.Create(ctx, org.CreateInput{ParentID: &province.ID, Level: org.Branch, Name: "Chi đoàn Thôn Một"}))
	for _, on := range []string{"2025-01-31", "2025-02-01", "2025-03-14", "2025-03-15", "2025-03-16", "2025-12-31"} {
		if _, err := acts.CreateActivity(ctx, activity.ActivityInput{UnitID: branch.ID, Title: "Ra quân " + on, Kind: activity.VolunteerWork,
			WorkArea: activity.YouthVolunteering, StartsOn: day(on), EndsOn: day(on), Status: activity.Done}); err != nil {
			t.Fatal(err)
		}
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
