package graph_test

import (
	"slices"
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
