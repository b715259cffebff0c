package org_test

import (
	"testing"

	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/validate"
)

// The committee a report prints is the one in office on the report's day:
// the 2022 committee is not the 2026 post holders. Posts go with their unit
// when it moves and end when it ends.
func TestCommitteeAsOf(t *testing.T) {
	f, p := newProvince(t)
	k, k2 := f.pair(p, org.Bloc, "Đoàn khối Thử", "Đoàn khối Khác")
	office := f.unit(p, org.Branch, "Chi đoàn Văn phòng Tỉnh đoàn")
	x := f.unit(k, org.Branch, "Chi đoàn Văn phòng Tỉnh ủy")
	old := f.member(x, "Nguyễn Thị Cũ", "2016-03-26")
	now := f.member(x, "Trần Văn Mới", "2017-03-26")
	// An officer of the province (a member of its office branch) sits on
	// the bloc's committee; another officer only has an account.
	officer := f.member(office, "Lê Thị Tỉnh", "2015-03-26")
	var account int64
	if err := f.pool.QueryRow(f.ctx, `INSERT INTO accounts (username, display_name, password_hash, unit_id)
		VALUES ('pbt.tinhdoan', 'Phạm Phó Bí Thư', 'x', $1) RETURNING id`, p.ID).Scan(&account); err != nil {
		t.Fatal(err)
	}

	term, err := f.tl.StartTerm(f.ctx, org.TermInput{UnitID: x.ID, Name: "Nhiệm kỳ 2022 – 2024", From: day("2022-01-01"), To: ptr(day("2024-12-31"))})
	if err != nil {
		t.Fatal(err)
	}
	appoint := func(in org.AppointInput) *org.Position {
		t.Helper()
		pos, err := f.tl.Appoint(f.ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return pos
	}
	first := appoint(org.AppointInput{UnitID: x.ID, Title: org.TitleSecretary, MemberID: &old.ID, From: day("2022-01-01")})
	appoint(org.AppointInput{UnitID: x.ID, TermID: &term.ID, Title: org.TitleDeputySecretary, MemberID: &now.ID,
		From: day("2022-01-01"), To: ptr(day("2024-12-31"))})
	// An open post cannot lie in a term that ends.
	_, err = f.tl.Appoint(f.ctx, org.AppointInput{UnitID: x.ID, TermID: &term.ID, Title: org.TitleCommitteeMember, HolderName: ptr("Ai Đó"), From: day("2022-01-01")})
	if inv := asInvalid(t, err); !hasError(inv, "input.termId", validate.OutOfRange) {
		t.Errorf("open post in a closed term: %v", inv)
	}
	ended, err := f.tl.EndTerm(f.ctx, org.EndTermInput{ID: first.ID, Version: first.Version, LastDay: day("2024-12-31")})
	if err != nil || !ended.ValidTo.Equal(day("2024-12-31")) {
		t.Fatalf("end term: %+v, %v", ended, err)
	}
	if _, err := f.tl.EndTerm(f.ctx, org.EndTermInput{ID: first.ID, Version: first.Version, LastDay: day("2024-12-31")}); err == nil {
		t.Error("a stale version ended the post again")
	}
	appoint(org.AppointInput{UnitID: x.ID, Title: org.TitleSecretary, MemberID: &now.ID, From: day("2025-01-01"), DecisionNumber: ptr("12-QĐ/ĐK")})
	appoint(org.AppointInput{UnitID: x.ID, Title: org.TitleDeputySecretary, AccountID: &account, From: day("2025-01-01")})
	appoint(org.AppointInput{UnitID: k.ID, Title: org.TitleStandingMember, MemberID: &officer.ID, From: day("2022-06-01")})

	holders := func(unit int64, on string) []string {
		t.Helper()
		list, err := f.tl.CommitteeAsOf(f.ctx, unit, day(on))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, p := range list {
			out = append(out, string(p.Title)+" "+p.Holder)
		}
		return out
	}
	for _, tc := range []struct {
		unit int64
		on   string
		want []string
	}{
		{x.ID, "2021-12-31", nil},
		{x.ID, "2022-12-31", []string{"SECRETARY Nguyễn Thị Cũ", "DEPUTY_SECRETARY Trần Văn Mới"}},
		{x.ID, "2026-12-31", []string{"SECRETARY Trần Văn Mới", "DEPUTY_SECRETARY Phạm Phó Bí Thư"}},
		{k.ID, "2022-12-31", []string{"STANDING_COMMITTEE_MEMBER Lê Thị Tỉnh"}},
	} {
		if got := holders(tc.unit, tc.on); !equalStrings(got, tc.want) {
			t.Errorf("committee of %d on %s = %q, want %q", tc.unit, tc.on, got, tc.want)
		}
	}

	// The bloc's post stays with the bloc's unit wherever the branch goes;
	// the branch's posts go with the branch.
	f.ok(f.tl.Move(f.ctx, org.MoveDecision{UnitID: x.ID, ParentID: k2.ID, Decided: decided("2025-07-01", "20/QĐ")}))
	if got := holders(x.ID, "2026-12-31"); len(got) != 2 {
		t.Errorf("the moved branch's committee = %q", got)
	}
	// Dissolving the bloc ends its open post on the day before.
	f.ok(f.tl.Dissolve(f.ctx, org.DissolveDecision{UnitID: k.ID, Decided: decided("2025-08-01", "21/QĐ")}))
	if got := holders(k.ID, "2025-07-31"); len(got) != 1 {
		t.Errorf("the bloc's committee on its last day = %q", got)
	}
	if got := holders(k.ID, "2025-08-01"); len(got) != 0 {
		t.Errorf("the dissolved bloc still has a committee: %q", got)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
