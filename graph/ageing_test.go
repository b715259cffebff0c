package graph_test

import (
	"testing"
)

// The yearly report counts the members at the age limit on its date: 30
// that day or older, still members. One born a day later is not yet; one
// who aged out is no longer a member.
func TestReportCountsMembersAtTheAgeLimit(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.member(t, tr.branchA, "Lê Văn Ba Mươi", map[string]any{"birthDate": "31/12/1992", "gender": "MALE"})
	tr.member(t, tr.branchA, "Trần Thị Hai Chín", map[string]any{"birthDate": "01/01/1993"})
	tr.member(t, tr.branchB, "Võ Thị Lớn", map[string]any{"birthDate": "15/06/1990"})
	gone := tr.member(t, tr.branchB, "Phạm Văn Đi", map[string]any{"birthDate": "15/06/1990", "gender": "MALE"})
	tr.env.MustMutate(t, "memberLeave", "MemberLeaveInput", "__typename",
		map[string]any{"id": gone, "version": 1, "reason": "AGED_OUT", "on": "2022-07-01"}, nil)

	for _, tt := range []struct {
		name, unit string
		year, want int
	}{
		{"branch A, 2022", tr.branchA, 2022, 1},
		{"the bloc, 2022", tr.bloc, 2022, 2},
		{"the bloc, 2021", tr.bloc, 2021, 2}, // the one who aged out in 2022 was 31 and still a member
		{"the bloc, 2019", tr.bloc, 2019, 0},
	} {
		var out struct {
			YearlyReport struct {
				Members struct{ AtAgeLimit, AtYearEnd int }
				Previous struct {
					Members struct{ AtAgeLimit int }
				}
			}
		}
		tr.env.MustDo(t, `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) {
				members { atAgeLimit atYearEnd } previous { members { atAgeLimit } } } }`,
			map[string]any{"u": tt.unit, "y": tt.year}, &out)
		if got := out.YearlyReport.Members.AtAgeLimit; got != tt.want {
			t.Errorf("%s: %d at the age limit, want %d", tt.name, got, tt.want)
		}
		if tt.year == 2022 && tt.unit == tr.bloc && out.YearlyReport.Previous.Members.AtAgeLimit != 2 {
			t.Errorf("%s: the previous year counts %d at the age limit, want 2", tt.name, out.YearlyReport.Previous.Members.AtAgeLimit)
		}
	}
}
