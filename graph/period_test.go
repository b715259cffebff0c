package graph_test

import (
	"testing"
)

// A quarter's report (sơ kết quý) runs from the day asked for: its
// additive figures are the half-year's less the first quarter's, and its
// members at the start are those on the day before it.
func TestQuarterReport(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var members []string
	for _, name := range []string{"Phan Thị Hà", "Võ Minh Tuấn", "Đặng Thu Hiền"} {
		members = append(members, tr.member(t, tr.branchA, name, nil))
	}
	for _, a := range []struct {
		title, on string
		gift      int64 // đồng given, 0 for none
	}{
		{"Ra quân Tháng Thanh niên", "2022-03-05", 0},
		{"Sinh hoạt chủ điểm", "2022-04-05", 500_000},
		{"Hiến máu tình nguyện", "2022-04-16", 2_000_000},
		{"Dọn vệ sinh bãi biển", "2022-06-30", 0},
		{"Tiếp sức mùa thi", "2022-07-01", 0},
	} {
		id := tr.activity(t, tr.branchA, a.title, map[string]any{"startsOn": a.on})
		var list []map[string]any
		for _, m := range members {
			list = append(list, map[string]any{"memberId": m, "volunteerHours": 3})
		}
		tr.record(t, id, list...)
		if a.gift > 0 {
			tr.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }", map[string]any{
				"activityId": id, "kind": "CASH", "description": "Quỹ chi đoàn", "value": a.gift}, nil)
		}
	}
	tr.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "member { id }", map[string]any{
		"id": members[2], "version": 1, "toExternal": "Tỉnh đoàn Khánh Hòa", "on": "2022-05-10",
	}, nil)

	type figures struct {
		From, Date string
		Members    struct{ AtYearStart, AtYearEnd int }
		Total      struct {
			Activities, Participations, Participants int
			VolunteerHours                           float64
		}
		Monthly []struct{ Month, Activities, Participations int }
		Own     struct {
			Activities        int
			ContributionValue int64
		}
	}
	report := func(from, asOf any) figures {
		t.Helper()
		var out struct{ YearlyReport figures }
		tr.env.MustDo(t, `query($u: ID!, $from: Date, $asOf: Date) { yearlyReport(unitId: $u, year: 2022, from: $from, asOf: $asOf) {
			from date members { atYearStart atYearEnd } total { activities participations participants volunteerHours }
			monthly { month activities participations } own { activities contributionValue } } }`,
			map[string]any{"u": tr.branchA, "from": from, "asOf": asOf}, &out)
		return out.YearlyReport
	}
	q1, h1, q2 := report(nil, "2022-03-31"), report(nil, "2022-06-30"), report("2022-04-01", "2022-06-30")
	if q2.From != "2022-04-01" || q2.Date != "2022-06-30" || q1.From != "2022-01-01" {
		t.Errorf("periods: %s..%s and %s..%s", q1.From, q1.Date, q2.From, q2.Date)
	}
	if q2.Total.Activities != h1.Total.Activities-q1.Total.Activities || q2.Total.Activities != 3 ||
		q2.Total.Participations != h1.Total.Participations-q1.Total.Participations ||
		q2.Total.VolunteerHours != h1.Total.VolunteerHours-q1.Total.VolunteerHours || q2.Total.Participants != 3 {
		t.Errorf("second quarter %+v is not the half-year %+v less the first quarter %+v", q2.Total, h1.Total, q1.Total)
	}
	if q2.Members.AtYearStart != q1.Members.AtYearEnd || q2.Members.AtYearStart != 3 || q2.Members.AtYearEnd != 2 {
		t.Errorf("second quarter members %+v; the first quarter ended with %d", q2.Members, q1.Members.AtYearEnd)
	}
	if q2.Own.Activities != 3 || q2.Own.ContributionValue != 2_500_000 {
		t.Errorf("second quarter's own row: %+v", q2.Own)
	}
	// From a day inside a month: the days before it in that month are left
	// out of every sum, the monthly series and the unit's row too.
	mid := report("2022-04-10", "2022-06-30")
	if mid.Total.Activities != 2 || mid.Total.Participations != 6 || mid.Total.VolunteerHours != 18 ||
		mid.Own.Activities != 2 || mid.Own.ContributionValue != 2_000_000 ||
		mid.Monthly[3].Activities != 1 || mid.Monthly[3].Participations != 3 || mid.Monthly[2].Activities != 0 {
		t.Errorf("from 10 April: %+v", mid)
	}
	if day := report("2022-04-16", "2022-04-16"); day.Total.Activities != 1 || day.Own.ContributionValue != 2_000_000 {
		t.Errorf("one day, 16 April: %+v", day)
	}
	// The rest of the year, from a day to its end, reads the same way.
	if h2 := report("2022-07-01", nil); h2.Total.Activities != 1 || h2.Members.AtYearStart != 2 {
		t.Errorf("second half-year: %+v", h2)
	}

	for _, c := range []struct {
		name       string
		from, asOf any
		field      string
	}{
		{"a start in another year", "2021-12-01", nil, "from"},
		{"a start after the report's date", "2022-07-01", "2022-06-30", "from"},
	} {
		resp := tr.env.Do(t, `query($u: ID!, $from: Date, $asOf: Date) { yearlyReport(unitId: $u, year: 2022, from: $from, asOf: $asOf) { from } }`,
			map[string]any{"u": tr.branchA, "from": c.from, "asOf": c.asOf})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || fieldOf(resp.Errors[0].Extensions) != c.field {
			t.Errorf("%s: %+v", c.name, resp.Errors)
		}
	}
}
