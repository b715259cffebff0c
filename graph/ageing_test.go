package graph_test

import (
	"context"
	"slices"
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
				Members  struct{ AtAgeLimit, AtYearEnd int }
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

// Ageing out before 30 needs a ground the rules allow and a decision
// number; at 30 it needs neither, and an early ground is then refused. A
// grassroots union ages out many members in one call, all or nothing,
// with errors at each member's place in the list; the members' history
// records the ground.
func TestAgeingOut(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	young := tr.member(t, tr.branchA, "Nguyễn Văn Trẻ", map[string]any{"birthDate": "10/05/2000", "gender": "MALE", "joinedOn": "26/03/2017"})
	thirty := tr.member(t, tr.branchA, "Trần Thị Đủ Tuổi", map[string]any{"birthDate": "01/07/1992", "joinedOn": "26/03/2009"})
	older := tr.member(t, tr.branchB, "Lê Văn Quá Tuổi", map[string]any{"birthDate": "20/02/1990", "gender": "MALE", "joinedOn": "26/03/2006"})
	leave := func(id string, extra map[string]any) []string {
		in := map[string]any{"id": id, "version": 1, "reason": "AGED_OUT", "on": "01/07/2022"}
		for k, v := range extra {
			in[k] = v
		}
		return codes(tr.env.Mutate(t, "memberLeave", "MemberLeaveInput", "__typename", in, nil))
	}
	for _, tt := range []struct {
		name  string
		id    string
		extra map[string]any
		want  []string
	}{
		{"22 without a ground", young, nil, []string{"input.earlyReason:REQUIRED"}},
		{"22 with a ground but no decision", young, map[string]any{"earlyReason": "PARTY_MEMBER"}, []string{"input.decisionNumber:REQUIRED"}},
		{"30 that day with a ground", thirty, map[string]any{"earlyReason": "PARTY_MEMBER"}, []string{"input.earlyReason:NOT_ALLOWED"}},
		{"a ground for a removal", young, map[string]any{"reason": "REMOVED", "earlyReason": "COMMITTEE_DECISION"}, []string{"input.earlyReason:NOT_ALLOWED"}},
	} {
		if got := leave(tt.id, tt.extra); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	agedOut := func() int {
		var n int
		if err := tr.env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM members WHERE status = 'AGED_OUT'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n, events := agedOut(), tr.env.Count(t, "member_events"); n != 0 || events != 3 {
		t.Fatalf("refused calls wrote: %d members aged out, %d events (want 0, the 3 admissions)", n, events)
	}

	ageOut := func(members ...map[string]any) ([]string, int) {
		var out struct{ Members []struct{ Status string } }
		ue := tr.env.Mutate(t, "membersAgeOut", "MembersAgeOutInput", "members { status }", map[string]any{
			"members": members, "on": "01/07/2022", "decisionNumber": "07-QĐ/ĐTN"}, &out)
		return codes(ue), len(out.Members)
	}
	m := func(id string, version int, early any) map[string]any {
		return map[string]any{"id": id, "version": version, "earlyReason": early}
	}
	// One wrong member refuses the whole batch.
	for _, tt := range []struct {
		name    string
		members []map[string]any
		want    []string
	}{
		{"the young one without a ground", []map[string]any{m(thirty, 1, nil), m(older, 1, nil), m(young, 1, nil)},
			[]string{"input.members.2.earlyReason:REQUIRED"}},
		{"a stale version", []map[string]any{m(thirty, 1, nil), m(older, 2, nil)}, []string{"input.members.1.version:CONFLICT"}},
		{"a member twice", []map[string]any{m(thirty, 1, nil), m(thirty, 1, nil)}, []string{"input.members.1.id:DUPLICATE"}},
		{"nobody", []map[string]any{}, []string{"input.members:REQUIRED"}},
	} {
		if got, n := ageOut(tt.members...); !slices.Equal(got, tt.want) || n != 0 {
			t.Errorf("%s: %v (%d members), want %v", tt.name, got, n, tt.want)
		}
	}
	if n, events := agedOut(), tr.env.Count(t, "member_events"); n != 0 || events != 3 {
		t.Fatalf("refused batches wrote: %d members aged out, %d events", n, events)
	}
	if got, n := ageOut(m(thirty, 1, nil), m(older, 1, nil), m(young, 1, "PARTY_MEMBER")); len(got) != 0 || n != 3 {
		t.Fatalf("the batch: %v, %d members", got, n)
	}
	if n := agedOut(); n != 3 {
		t.Errorf("%d members aged out, want 3", n)
	}
	var out struct {
		Member struct {
			Events []struct {
				Kind, OccurredOn string
				DecisionNumber   *string
				EarlyReason      *string
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { events { kind occurredOn decisionNumber earlyReason } } }`, map[string]any{"id": young}, &out)
	ev := out.Member.Events
	if last := ev[len(ev)-1]; last.Kind != "AGED_OUT" || last.OccurredOn != "2022-07-01" || last.EarlyReason == nil ||
		*last.EarlyReason != "PARTY_MEMBER" || last.DecisionNumber == nil || *last.DecisionNumber != "07-QĐ/ĐTN" {
		t.Errorf("the young member's history: %+v", ev)
	}
	var report struct {
		YearlyReport struct{ Members struct{ AgedOut int } }
	}
	tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { members { agedOut } } }`, map[string]any{"u": tr.bloc}, &report)
	if report.YearlyReport.Members.AgedOut != 3 {
		t.Errorf("the bloc's 2022 report: %d aged out, want 3", report.YearlyReport.Members.AgedOut)
	}
}
