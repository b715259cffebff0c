package graph_test

import (
	"slices"
	"strings"
	"testing"
)

// A year's ratings are of the members in the Union at its end, in the unit
// they were in then, and can be removed: the yearly report's rated and
// unrated counts follow both.
func TestRatingsAreOfTheYearEndsMembersAndCanBeRemoved(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	stays := tr.member(t, tr.branchA, "Lê Thị Thu", nil)
	moves := tr.member(t, tr.branchA, "Trần Văn Lộc", map[string]any{"gender": "MALE"})
	leaves := tr.member(t, tr.branchA, "Phan Thị Mơ", nil)
	tr.env.MustMutate(t, "memberLeave", "MemberLeaveInput", "__typename",
		map[string]any{"id": leaves, "version": 1, "reason": "REMOVED", "on": "2022-09-15"}, nil)
	tr.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "__typename",
		map[string]any{"id": moves, "version": 1, "toUnitId": tr.branchB, "on": "2023-02-01"}, nil)

	rate := func(year int, ids ...string) []string {
		ratings := make([]map[string]any, len(ids))
		for i, id := range ids {
			ratings[i] = map[string]any{"memberId": id, "level": "GOOD"}
		}
		return codes(tr.env.Mutate(t, "membersRate", "MembersRateInput", "__typename",
			map[string]any{"year": year, "ratings": ratings}, nil))
	}
	remove := func(year int, ids ...string) (int, []string) {
		var out struct{ RemovedCount int }
		ue := tr.env.Mutate(t, "membersRatingsRemove", "MembersRatingsRemoveInput", "removedCount",
			map[string]any{"year": year, "memberIds": ids}, &out)
		return out.RemovedCount, codes(ue)
	}
	ratedIn := func(unit string, year int) (rated, unrated int) {
		var out struct {
			YearlyReport struct{ Ratings struct{ Rated, Unrated int } }
		}
		tr.env.MustDo(t, `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) { ratings { rated unrated } } }`,
			map[string]any{"u": unit, "y": year}, &out)
		return out.YearlyReport.Ratings.Rated, out.YearlyReport.Ratings.Unrated
	}

	// The member who left in September is not rated for 2022, and the
	// refused batch writes nothing; in 2021 she was a member.
	if ue := rate(2022, stays, leaves); !slices.Equal(ue, []string{"input.ratings.1.memberId:NOT_ALLOWED"}) {
		t.Errorf("rating a member who left during the year: %v", ue)
	}
	if n := tr.env.Count(t, "member_ratings"); n != 0 {
		t.Fatalf("%d ratings stored by a refused batch", n)
	}
	if ue := rate(2021, leaves); len(ue) != 0 {
		t.Errorf("rating 2021, when she was a member: %v", ue)
	}
	// The member now in branch B is rated for 2022 in branch A, where he
	// was at that year's end, and for 2023 in branch B.
	if ue := rate(2022, stays, moves); len(ue) != 0 {
		t.Fatal(ue)
	}
	if ue := rate(2023, moves); len(ue) != 0 {
		t.Fatal(ue)
	}
	var out struct {
		Member struct {
			Ratings []struct {
				Year int
				Unit struct{ ID string }
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { ratings { year unit { id } } } }`, map[string]any{"id": moves}, &out)
	if r := out.Member.Ratings; len(r) != 2 || r[0].Year != 2023 || r[0].Unit.ID != tr.branchB || r[1].Unit.ID != tr.branchA {
		t.Errorf("ratings of the member who moved: %+v", r)
	}
	if rated, unrated := ratedIn(tr.branchA, 2022); rated != 2 || unrated != 0 {
		t.Errorf("branch A's 2022 report: %d rated, %d unrated; want 2, 0 (the two members at the year's end)", rated, unrated)
	}

	// Removing: an unrated member or one named twice refuses the whole call.
	for _, tt := range []struct {
		name string
		ids  []string
		want []string
	}{
		{"a member without a rating that year", []string{stays, leaves}, []string{"input.memberIds.1:NOT_FOUND"}},
		{"a member twice", []string{stays, stays}, []string{"input.memberIds.1:DUPLICATE"}},
		{"nobody", []string{}, []string{"input.memberIds:REQUIRED"}},
		{"a future year", []string{stays}, []string{"input.year:OUT_OF_RANGE"}},
	} {
		year := 2022
		if tt.name == "a future year" {
			year = 2999
		}
		if n, ue := remove(year, tt.ids...); n != 0 || !slices.Equal(ue, tt.want) {
			t.Errorf("%s: removed %d, userErrors %v; want 0, %v", tt.name, n, ue, tt.want)
		}
	}
	if n := tr.env.Count(t, "member_ratings"); n != 4 {
		t.Fatalf("%d ratings after refused removals, want 4", n)
	}
	if n, ue := remove(2022, stays); n != 1 || len(ue) != 0 {
		t.Fatalf("removing a rating: removed %d, %v", n, ue)
	}
	if rated, unrated := ratedIn(tr.branchA, 2022); rated != 1 || unrated != 1 {
		t.Errorf("after the removal, branch A's 2022 report: %d rated, %d unrated; want 1, 1", rated, unrated)
	}
	if n, ue := remove(2022, stays); n != 0 || !slices.Equal(ue, []string{"input.memberIds.0:NOT_FOUND"}) {
		t.Errorf("removing it again: removed %d, %v", n, ue)
	}
}

// The level above rates a unit yearly on the scale of the year (vững mạnh
// ... up to 2022, the four levels of task completion from 2023); the
// unit's report shows its own rating and its parent's report counts the
// units below by level. A rating can be replaced and removed.
func TestUnitRatingsByTheLevelAbove(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	rate := func(unit string, year int, level string) []string {
		return codes(tr.env.Mutate(t, "unitRate", "UnitRateInput", "rating { wording }", map[string]any{
			"unitId": unit, "year": year, "level": level, "decisionNumber": "45-QĐ/ĐTN"}, nil))
	}
	for _, tt := range []struct {
		name, unit string
		year       int
		level      string
		want       []string
	}{
		{"a 2023 level for 2022", tr.branchA, 2022, "GOOD", []string{"input.level:NOT_ALLOWED"}},
		{"a 2022 level for 2023", tr.branchA, 2023, "STRONG", []string{"input.level:NOT_ALLOWED"}},
		{"a future year", tr.branchA, 2999, "GOOD", []string{"input.year:OUT_OF_RANGE"}},
		{"the top unit", tr.province, 2023, "GOOD", []string{"input.unitId:NOT_ALLOWED"}},
	} {
		if got := rate(tt.unit, tt.year, tt.level); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if n := tr.env.Count(t, "unit_ratings"); n != 0 {
		t.Fatalf("%d unit ratings written by refused calls", n)
	}
	for _, r := range []struct {
		unit, level string
		year        int
	}{
		{tr.branchA, "STRONG", 2022}, {tr.branchA, "COMPLETED", 2023}, {tr.branchA, "EXCELLENT", 2023}, // replaced
		{tr.branchB, "GOOD", 2023}, {tr.bloc, "GOOD", 2023},
	} {
		if ue := rate(r.unit, r.year, r.level); len(ue) != 0 {
			t.Fatalf("rating %v: %v", r, ue)
		}
	}
	type count struct {
		UnitLevel, Level, Wording string
		Count                     int
	}
	var out struct {
		A struct {
			Rating struct{ Level, Wording string }
		}
		Bloc struct {
			Rating      struct{ Level string }
			UnitRatings []count
		}
		Province struct{ UnitRatings []count }
		Unit     struct {
			Ratings []struct {
				Year  int
				Level string
			}
		}
	}
	tr.env.MustDo(t, `query($a: ID!, $b: ID!, $p: ID!) {
		a: yearlyReport(unitId: $a, year: 2023) { rating { level wording } }
		bloc: yearlyReport(unitId: $b, year: 2023) { rating { level } unitRatings { unitLevel level wording count } }
		province: yearlyReport(unitId: $p, year: 2023) { unitRatings { unitLevel level wording count } }
		unit(id: $a) { ratings { year level } } }`,
		map[string]any{"a": tr.branchA, "b": tr.bloc, "p": tr.province}, &out)
	if out.A.Rating.Level != "EXCELLENT" || out.A.Rating.Wording != "Hoàn thành xuất sắc nhiệm vụ" {
		t.Errorf("branch A's own rating in its report: %+v", out.A.Rating)
	}
	wantBloc := []count{{"BRANCH", "EXCELLENT", "Hoàn thành xuất sắc nhiệm vụ", 1}, {"BRANCH", "GOOD", "Hoàn thành tốt nhiệm vụ", 1}}
	if out.Bloc.Rating.Level != "GOOD" || !slices.Equal(out.Bloc.UnitRatings, wantBloc) {
		t.Errorf("the bloc's report: own %+v, below %+v; want GOOD, %+v", out.Bloc.Rating, out.Bloc.UnitRatings, wantBloc)
	}
	wantProvince := append([]count{{"BLOC", "GOOD", "Hoàn thành tốt nhiệm vụ", 1}}, wantBloc...)
	if !slices.Equal(out.Province.UnitRatings, wantProvince) {
		t.Errorf("the province's report counts %+v, want %+v", out.Province.UnitRatings, wantProvince)
	}
	if r := out.Unit.Ratings; len(r) != 2 || r[0].Year != 2023 || r[0].Level != "EXCELLENT" || r[1].Level != "STRONG" {
		t.Errorf("branch A's ratings: %+v", r)
	}

	remove := func(year int) []string {
		return codes(tr.env.Mutate(t, "unitRatingRemove", "UnitRatingRemoveInput", "unit { id }",
			map[string]any{"unitId": tr.branchA, "year": year}, nil))
	}
	if ue := remove(2023); len(ue) != 0 {
		t.Fatal(ue)
	}
	if ue := remove(2023); !slices.Equal(ue, []string{"input.year:NOT_FOUND"}) {
		t.Errorf("removing it again: %v", ue)
	}
	if n := tr.env.Count(t, "unit_ratings"); n != 3 {
		t.Errorf("%d unit ratings left, want 3", n)
	}
}

// A unit's ratings are for the officers of the unit and above.
func TestUnitRatingsAreForOfficers(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	c.env.MustMutate(t, "unitRate", "UnitRateInput", "__typename", map[string]any{"unitId": c.branchA, "year": 2023, "level": "GOOD"}, nil)
	for who, allowed := range map[string]bool{"member of A": false, "district officer": false, "branch A secretary": true, "bloc officer": true} {
		resp := c.as(who).Do(t, `query($u: ID!) { unit(id: $u) { ratings { level } } }`, map[string]any{"u": c.branchA})
		got := len(resp.Errors) == 0 && strings.Contains(string(resp.Data), `"level":"GOOD"`)
		if got != allowed || (!allowed && (len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN")) {
			t.Errorf("%s: %s %+v (allowed %v)", who, resp.Data, resp.Errors, allowed)
		}
	}
}
