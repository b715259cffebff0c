package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// wholeReport is every figure of a yearly report, the names of its rows and
// its committee: what must not change when the tree is restructured later.
const wholeReport = `name date computedUntil
	members { atYearStart atYearEnd female male secretaries deputies committee plain admitted transferredIn transferredOut agedOut removed }
	total { activities participations participants participantsAtYearEnd share volunteerHours youthProjects youthProjectValue cash inKind contributions
		byKind { kind count } notable { title } }
	workAreas { workArea activities participations volunteerHours cash inKind }
	pledges(first: 100) { totalCount edges { node { pledge { title } eligible signed } } } ratings { rated unrated excellent }
	commendationsReceived { form issuerLevel individual collective } commendationsGiven { form individual collective }
	newsPublished monthly { month activities participations }
	committee { fullName } posts { title holderName from to }
	own { name members activities participations volunteerHours contributionValue }
	children { unit { id } name members activities participations volunteerHours contributionValue }
	previous { year name members { atYearStart atYearEnd } total { activities participations cash } }`

// yearly reads unit's report for year as JSON.
func (r *reform) yearly(t *testing.T, unit string, year int) string {
	t.Helper()
	resp := r.env.Do(t, `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) { `+wholeReport+` } }`,
		map[string]any{"u": unit, "y": year})
	if len(resp.Errors) > 0 {
		t.Fatalf("report of %s for %d: %+v", unit, year, resp.Errors)
	}
	return string(resp.Data)
}

// stats2022 reads the year's figures of unit's dashboard tile for 2022.
func (r *reform) stats2022(t *testing.T, unit string) string {
	t.Helper()
	var out struct{ Unit struct{ Stats any } }
	r.env.MustDo(t, `query($u: ID!) { unit(id: $u) { stats(year: 2022) { activities participations volunteerHours contributionValue } } }`,
		map[string]any{"u": unit}, &out)
	b, _ := json.Marshal(out.Unit.Stats)
	return string(b)
}

type reportFigures struct {
	YearlyReport struct {
		Name    string
		Date    string
		Members struct{ AtYearStart, AtYearEnd int }
		Total   struct {
			Activities, Participations int
			Cash                       int64
		}
		Committee []struct{ FullName string }
		Posts     []struct{ Title, HolderName string }
		Children  []struct {
			Name       string
			Activities int
		}
		Previous *struct {
			Members struct{ AtYearEnd int }
			Total   struct{ Activities int }
		}
	}
}

func (r *reform) figures(t *testing.T, unit string, year int) reportFigures {
	t.Helper()
	var out reportFigures
	if err := json.Unmarshal([]byte(r.yearly(t, unit, year)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func (out reportFigures) childNames() []string {
	var names []string
	for _, c := range out.YearlyReport.Children {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}

// seed2022 records members, 2022 activities with participations and cash
// in branches and communes of the fixture, a branch below each commune
// union, and the bloc's committee: a secretary until 2024 and another
// since 2025 (who is also marked secretary on her member record today).
func (r *reform) seed2022(t *testing.T) (branchPD, branchTL string) {
	t.Helper()
	branchPD = r.unit(t, &r.phuocDai, "BRANCH", "Chi đoàn thôn Suối Đá")
	branchTL = r.unit(t, &r.taLu, "BRANCH", "Chi đoàn thôn Tà Lú 1")
	people := map[string][]string{}
	for _, b := range []string{r.branchA, r.branchB, branchPD, branchTL} {
		for i := range 3 {
			extra := map[string]any{}
			if i == 1 {
				extra["gender"] = "MALE"
			}
			people[b] = append(people[b], r.member(t, b, fmt.Sprintf("Đoàn viên %s %d", b[len(b)-3:], i), extra))
		}
	}
	first := r.member(t, r.branchA, "Nguyễn Thị Thanh Tâm", nil)
	now := r.member(t, r.branchB, "Phạm Thị Hồng", map[string]any{"position": "SECRETARY"})
	for _, p := range []map[string]any{
		{"memberId": first, "from": "2022-01-01", "to": "2024-12-31"},
		{"memberId": now, "from": "2025-01-01"},
	} {
		p["unitId"], p["title"] = r.bloc, "SECRETARY"
		r.env.MustMutate(t, "positionAppoint", "PositionAppointInput", "position { id }", p, nil)
	}
	held := func(unit, title, on string, value int, who []string) {
		a := r.activity(t, unit, title, map[string]any{"startsOn": on})
		var list []map[string]any
		for _, m := range who {
			list = append(list, map[string]any{"memberId": m, "volunteerHours": 3})
		}
		if len(list) > 0 {
			r.record(t, a, list...)
		}
		r.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }",
			map[string]any{"activityId": a, "kind": "CASH", "description": "Tiền mặt", "value": value}, nil)
	}
	held(r.branchA, "Hiến máu tình nguyện", "2022-03-26", 1_000_000, people[r.branchA])
	held(r.branchB, "Ngày Chủ nhật xanh", "2022-05-15", 2_000_000, people[r.branchB][:2])
	held(branchPD, "Sửa nhà văn hóa thôn", "2022-07-10", 3_000_000, people[branchPD])
	held(branchTL, "Tiếp sức mùa thi", "2022-06-20", 4_000_000, people[branchTL])
	held(r.phuocDai, "Ra quân Thanh niên tình nguyện", "2022-06-01", 5_000_000, nil)
	held(r.district, "Hội trại huyện", "2022-03-20", 6_000_000, nil)
	held(r.province, "Đại hội Đoàn tỉnh", "2022-10-01", 7_000_000, nil)
	held(r.khanhHoa, "Ngày hội Khánh Hòa", "2022-09-02", 8_000_000, nil)
	held(branchPD, "Trung thu cho em 2024", "2024-09-15", 100_000, nil)
	held(r.taLu, "Mùa hè xanh 2024", "2024-07-01", 100_000, nil)
	return branchPD, branchTL
}

// The acceptance test of reports in the structure of their time: every
// 2022 report of every unit reads the same before and after the 2025
// reform and a rename from 2026; the new units' reports cover the new tree.
func TestReformKeepsPastReports(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	branchPD, branchTL := r.seed2022(t)
	units := []string{r.province, r.bloc, r.branchA, r.branchB, r.district, r.phuocDai, r.taLu, branchPD, branchTL, r.khanhHoa}
	before, stats := map[string]string{}, map[string]string{}
	for _, u := range units {
		before[u], stats[u] = r.yearly(t, u, 2022), r.stats2022(t, u)
	}
	nt := r.figures(t, r.province, 2022).YearlyReport
	if nt.Name != "Tỉnh đoàn Ninh Thuận" || nt.Total.Activities != 7 || nt.Members.AtYearEnd != 14 || nt.Total.Cash != 28_000_000 {
		t.Fatalf("Ninh Thuận's 2022 before the reform: %+v", nt)
	}

	// A half-year report: up to 30 June, over the tree of that day.
	var half struct {
		YearlyReport struct {
			Date  string
			Total struct{ Activities int }
		}
	}
	r.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022, asOf: "2022-06-30") { date total { activities } } }`,
		map[string]any{"u": r.province}, &half)
	if half.YearlyReport.Date != "2022-06-30" || half.YearlyReport.Total.Activities != 5 {
		t.Errorf("Ninh Thuận as of 30 June 2022: %+v", half.YearlyReport)
	}
	resp := r.env.Do(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022, asOf: "2023-01-01") { date } }`, map[string]any{"u": r.province})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("a report of 2022 as of a day of 2023: %s %+v", resp.Data, resp.Errors)
	}

	r.apply(t)
	r.env.MustMutate(t, "unitRename", "UnitRenameInput", "__typename", map[string]any{
		"unitId": r.bloc, "name": "Đoàn khối các cơ quan tỉnh", "effectiveOn": "2026-01-01", "decisionNumber": "20-QĐ/TĐTN"}, nil)
	for _, u := range units {
		if got := r.yearly(t, u, 2022); got != before[u] {
			t.Errorf("the 2022 report of %s changed with the reform:\nbefore %s\nafter  %s", u, before[u], got)
		}
		if got := r.stats2022(t, u); got != stats[u] {
			t.Errorf("the 2022 activity figures of %s's tile changed with the reform:\nbefore %s\nafter  %s", u, stats[u], got)
		}
	}

	bloc22 := r.figures(t, r.bloc, 2022).YearlyReport
	if bloc22.Name != "Đoàn khối Cơ quan – Doanh nghiệp tỉnh" {
		t.Errorf("the bloc's 2022 report is named %q", bloc22.Name)
	}
	if len(bloc22.Posts) != 1 || bloc22.Posts[0].HolderName != "Nguyễn Thị Thanh Tâm" ||
		len(bloc22.Committee) != 1 || bloc22.Committee[0].FullName != "Nguyễn Thị Thanh Tâm" {
		t.Errorf("the bloc's 2022 committee: posts %+v, members %+v", bloc22.Posts, bloc22.Committee)
	}
	if kh := r.figures(t, r.khanhHoa, 2022).YearlyReport; kh.Total.Activities != 1 || kh.Total.Cash != 8_000_000 || len(kh.Children) != 0 {
		t.Errorf("Khánh Hòa's 2022 claims more than its own: %+v", kh)
	}

	// The printed 2022 report of the bloc keeps the names and committee of 2022.
	page := get(t, r.env, exportURL(t, r.env, r.bloc, "HTML")).Body.String()
	for _, want := range []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Tỉnh đoàn Ninh Thuận", "Nguyễn Thị Thanh Tâm"} {
		if !strings.Contains(page, want) {
			t.Errorf("the printed 2022 report of the bloc lacks %q", want)
		}
	}
	for _, unwanted := range []string{"Đoàn khối các cơ quan tỉnh", "Tỉnh đoàn Khánh Hòa", "Phạm Thị Hồng"} {
		if strings.Contains(page, unwanted) {
			t.Errorf("the printed 2022 report of the bloc shows %q", unwanted)
		}
	}

	// 2026: Khánh Hòa holds the renamed bloc and the merged commune union.
	r.activity(t, r.branchA, "Hiến máu 2026", map[string]any{"startsOn": "2026-03-26"})
	r.activity(t, branchPD, "Chủ nhật xanh 2026", map[string]any{"startsOn": "2026-04-12"})
	kh := r.figures(t, r.khanhHoa, 2026)
	if got := kh.childNames(); !slices.Equal(got, []string{"Đoàn khối các cơ quan tỉnh", "Đoàn xã Phước Đại"}) {
		t.Errorf("Khánh Hòa's units in 2026: %v", got)
	}
	if y := kh.YearlyReport; y.Total.Activities != 2 || y.Members.AtYearEnd != 14 || y.Date != "2026-12-31" {
		t.Errorf("Khánh Hòa's 2026: %+v", y)
	}
	if bloc26 := r.figures(t, r.bloc, 2026).YearlyReport; bloc26.Name != "Đoàn khối các cơ quan tỉnh" ||
		len(bloc26.Posts) != 1 || bloc26.Posts[0].HolderName != "Phạm Thị Hồng" {
		t.Errorf("the bloc's 2026 name and committee: %q %+v", bloc26.Name, bloc26.Posts)
	}
	merged := r.figures(t, r.merged, 2026).YearlyReport
	if merged.Total.Activities != 1 || merged.Members.AtYearEnd != 6 {
		t.Errorf("the merged commune union's 2026: %+v", merged)
	}
	// Its first year compares with the sum of its predecessors' 2024.
	first := r.figures(t, r.merged, 2025).YearlyReport
	if first.Previous == nil || first.Previous.Total.Activities != 2 || first.Previous.Members.AtYearEnd != 6 || first.Members.AtYearStart != 6 {
		t.Errorf("the merged commune union's 2025 against its predecessors' 2024: %+v", first)
	}
	// Ninh Thuận's last year ends on the day before the merge.
	if nt25 := r.figures(t, r.province, 2025).YearlyReport; nt25.Date != "2025-06-30" || nt25.Name != "Tỉnh đoàn Ninh Thuận" {
		t.Errorf("Ninh Thuận's 2025 report: %+v", nt25)
	}
	for _, q := range []string{`yearlyReport(unitId: $u, year: 2026)`, `yearlyReport(unitId: $u, year: 2025, asOf: "2025-07-01")`} {
		resp := r.env.Do(t, `query($u: ID!) { `+q+` { name } }`, map[string]any{"u": r.province})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "NOT_FOUND" {
			t.Errorf("%s after Ninh Thuận ended: %s %+v", q, resp.Data, resp.Errors)
		}
	}
}
