package org_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/validate"
)

func (f *fixture) events(memberID int64) []member.Event {
	f.t.Helper()
	rows, err := f.pool.Query(f.ctx, `SELECT kind, occurred_on, decision_number, from_unit_id, to_unit_id
		FROM member_events WHERE member_id = $1 ORDER BY occurred_on, id`, memberID)
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (member.Event, error) {
		var e member.Event
		err := row.Scan(&e.Kind, &e.OccurredOn, &e.DecisionNumber, &e.FromUnitID, &e.ToUnitID)
		return e, err
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// lastTransfer asserts the member's last event is a transfer from → to on
// the day, under the decision.
func (f *fixture) lastTransfer(m *member.Member, from, to int64, on, number string) {
	f.t.Helper()
	ev := f.events(m.ID)
	if len(ev) == 0 {
		f.t.Fatalf("member %s has no events", m.FullName)
	}
	e := ev[len(ev)-1]
	if e.Kind != member.Transferred || *e.FromUnitID != from || *e.ToUnitID != to || !e.OccurredOn.Equal(day(on)) || *e.DecisionNumber != number {
		f.t.Errorf("member %s's last event = %+v, want a transfer %d -> %d on %s (%s)", m.FullName, e, from, to, on, number)
	}
	got, err := f.members.Get(f.ctx, m.ID)
	if err != nil || got.UnitID != to || got.Status != member.Active {
		f.t.Errorf("member %s now in %d (%s), want active in %d", m.FullName, got.UnitID, got.Status, to)
	}
}

func (f *fixture) lastDay(unitID int64) *time.Time {
	f.t.Helper()
	hist, err := f.tl.History(f.ctx, unitID)
	if err != nil || len(hist) == 0 {
		f.t.Fatalf("history of %d: %v", unitID, err)
	}
	return hist[len(hist)-1].ValidTo
}

func TestChangeLevel(t *testing.T) {
	f, p := newProvince(t)
	d := f.unit(p, org.District, "Huyện đoàn Thử")
	f.unit(d, org.Grassroots, "Đoàn xã Thử")
	f.ok(f.tl.ChangeLevel(f.ctx, org.LevelDecision{UnitID: d.ID, Level: org.Bloc, Decided: decided("2025-07-01", "9-QĐ/TĐ")}))
	before, _ := f.tl.UnitAsOf(f.ctx, d.ID, day("2025-06-30"))
	after, _ := f.tl.UnitAsOf(f.ctx, d.ID, day("2025-07-01"))
	if before.Level != org.District || after.Level != org.Bloc || f.get(d.ID).Level != org.Bloc {
		t.Errorf("level before %s, after %s, now %s", before.Level, after.Level, f.get(d.ID).Level)
	}
	f.checkConsistent()
}

// Two branches merged into a new one: the active members are transferred
// on the day with the decision in their history; a member who left stays
// where she was; activities and posts stay with the old branch, the posts
// ending the day before.
func TestMergeIntoNewBranch(t *testing.T) {
	f, k := newBloc(t)
	x, y := f.pair(k, org.Branch, "Chi đoàn X", "Chi đoàn Y")
	mx := f.member(x, "Trần Thị Mai", "2016-03-26")
	left := f.member(x, "Lê Văn Nam", "2016-03-26")
	if _, err := f.members.Leave(f.ctx, member.LeaveInput{ID: left.ID, Version: left.Version, Reason: member.AgedOut, On: day("2024-12-31"),
		EarlyReason: ptr(member.EarlyPartyMember), DecisionNumber: ptr("09-QĐ/ĐTN")}); err != nil {
		t.Fatal(err)
	}
	my := f.member(y, "Phạm Văn Hùng", "2017-03-26")
	post, err := f.tl.Appoint(f.ctx, org.AppointInput{UnitID: x.ID, Title: org.TitleSecretary, MemberID: &mx.ID, From: day("2023-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	var activity int64
	if err := f.pool.QueryRow(f.ctx, `INSERT INTO activities (unit_id, title, kind, work_area, starts_on, ends_on, status)
		VALUES ($1, 'Ngày chủ nhật xanh', 'VOLUNTEER_WORK', 'YOUTH_VOLUNTEERING', '2024-03-10', '2024-03-10', 'DONE') RETURNING id`, x.ID).Scan(&activity); err != nil {
		t.Fatal(err)
	}

	c := f.ok(f.tl.Merge(f.ctx, org.MergeDecision{UnitIDs: []int64{x.ID, y.ID},
		New: &org.NewUnit{ParentID: &k.ID, Name: "Chi đoàn XY"}, Decided: decided("2025-07-01", "77-QĐ/ĐK")}))
	xy := f.get(c.UnitID)
	if xy.Level != org.Branch || *xy.ParentID != k.ID || c.Kind != org.ChangeMerge {
		t.Fatalf("merged unit %+v, change %+v", xy, c)
	}
	f.lastTransfer(mx, x.ID, xy.ID, "2025-07-01", "77-QĐ/ĐK")
	f.lastTransfer(my, y.ID, xy.ID, "2025-07-01", "77-QĐ/ĐK")
	if m, _ := f.members.Get(f.ctx, left.ID); m.UnitID != x.ID || m.Status != member.AgedOut {
		t.Errorf("the member who aged out is now %+v", m)
	}
	var actUnit int64
	_ = f.pool.QueryRow(f.ctx, `SELECT unit_id FROM activities WHERE id = $1`, activity).Scan(&actUnit)
	if actUnit != x.ID {
		t.Errorf("the activity moved to %d; history stays with the unit that held it", actUnit)
	}
	committee, _ := f.tl.CommitteeAsOf(f.ctx, x.ID, day("2024-12-31"))
	if len(committee) != 1 || committee[0].ID != post.ID || committee[0].Holder != "Trần Thị Mai" {
		t.Errorf("old branch's committee in 2024 = %+v", committee)
	}
	if committee, _ := f.tl.CommitteeAsOf(f.ctx, x.ID, day("2025-07-01")); len(committee) != 0 {
		t.Errorf("old branch still has a committee after the merge: %+v", committee)
	}
	for _, u := range []*org.Unit{x, y} {
		if last := f.lastDay(u.ID); last == nil || !last.Equal(day("2025-06-30")) {
			t.Errorf("%s's last day = %v, want 2025-06-30", u.Name, last)
		}
	}
	if v, _ := f.tl.UnitAsOf(f.ctx, xy.ID, day("2025-06-30")); v != nil {
		t.Errorf("the merged branch exists before its merge: %+v", v)
	}
	if v, _ := f.tl.UnitAsOf(f.ctx, xy.ID, day("2025-07-01")); v == nil || v.ChangeID == nil || *v.ChangeID != c.ID {
		t.Errorf("the merged branch's first version = %+v, want opened by %d", v, c.ID)
	}
	f.checkConsistent()
}

// A unit absorbing one of another level, with the level given: the units
// below the absorbed one move under the absorbing one.
func TestMergeAbsorbWithLevel(t *testing.T) {
	f, p := newProvince(t)
	d := f.unit(p, org.District, "Huyện đoàn Thử")
	g := f.unit(p, org.Grassroots, "Đoàn cơ sở Thử")
	b := f.unit(g, org.Branch, "Chi đoàn Thử")
	_, err := f.tl.Merge(f.ctx, org.MergeDecision{UnitIDs: []int64{g.ID}, IntoID: &d.ID, Decided: decided("2025-07-01", "1/QĐ")})
	if inv := asInvalid(t, err); !hasError(inv, "input.level", validate.Required) {
		t.Fatalf("merge across levels without a level: %v", inv)
	}
	f.ok(f.tl.Merge(f.ctx, org.MergeDecision{UnitIDs: []int64{g.ID}, IntoID: &d.ID, Level: ptr(org.Bloc),
		Decided: decided("2025-07-01", "1/QĐ")}))
	if got := f.get(b.ID); *got.ParentID != d.ID {
		t.Errorf("branch under %d, want %d", *got.ParentID, d.ID)
	}
	if v, _ := f.tl.UnitAsOf(f.ctx, d.ID, day("2025-07-01")); v.Level != org.Bloc {
		t.Errorf("absorbing unit's level = %s", v.Level)
	}
	if v, _ := f.tl.UnitAsOf(f.ctx, b.ID, day("2025-06-30")); *v.ParentID != g.ID {
		t.Errorf("branch before the merge under %d", *v.ParentID)
	}
	f.checkConsistent()
}

func TestSplit(t *testing.T) {
	f, k := newBloc(t)
	x := f.unit(k, org.Branch, "Chi đoàn Lớn")
	m1 := f.member(x, "Hoàng Thị Thu", "2016-03-26")
	m2 := f.member(x, "Đỗ Văn Bình", "2016-03-26")

	c := f.ok(f.tl.Split(f.ctx, org.SplitDecision{UnitID: x.ID, Parts: []org.SplitPart{
		{NewUnit: org.NewUnit{Name: "Chi đoàn Một"}, MemberIDs: []int64{m1.ID}},
		{NewUnit: org.NewUnit{Name: "Chi đoàn Hai"}, MemberIDs: []int64{m2.ID}},
	}, Decided: decided("2025-01-01", "5-QĐ/ĐK")}))
	if len(c.Links) != 2 || c.Links[0].PredecessorID != x.ID {
		t.Fatalf("split links = %+v", c.Links)
	}
	one, two := c.Links[0].SuccessorID, c.Links[1].SuccessorID
	f.lastTransfer(m1, x.ID, one, "2025-01-01", "5-QĐ/ĐK")
	f.lastTransfer(m2, x.ID, two, "2025-01-01", "5-QĐ/ĐK")
	if !f.get(x.ID).Archived() || !f.lastDay(x.ID).Equal(day("2024-12-31")) {
		t.Errorf("split branch not ended on 2024-12-31")
	}
	if got := f.asOf(k.ID, "2025-01-01"); !slices.Equal(keys(got), sorted([]int64{k.ID, one, two})) {
		t.Errorf("bloc after the split = %v", keys(got))
	}

	// Splitting off: the source goes on, one unit below it goes to the part.
	g := f.unit(k, org.Grassroots, "Đoàn cơ sở Gốc")
	b1, b2 := f.pair(g, org.Branch, "Chi đoàn Ở Lại", "Chi đoàn Tách Ra")
	c = f.ok(f.tl.Split(f.ctx, org.SplitDecision{UnitID: g.ID, KeepSource: true, Parts: []org.SplitPart{
		{NewUnit: org.NewUnit{Name: "Đoàn cơ sở Mới"}, ChildIDs: []int64{b2.ID}},
	}, Decided: decided("2025-02-01", "6-QĐ/ĐK")}))
	g2 := c.Links[0].SuccessorID
	if f.get(g.ID).Archived() || *f.get(b2.ID).ParentID != g2 || *f.get(b1.ID).ParentID != g.ID || *f.get(g2).ParentID != k.ID {
		t.Errorf("split off: source archived %v, moved branch under %d", f.get(g.ID).Archived(), *f.get(b2.ID).ParentID)
	}
	if v, _ := f.tl.UnitAsOf(f.ctx, b2.ID, day("2025-01-31")); *v.ParentID != g.ID {
		t.Errorf("branch before the split under %d", *v.ParentID)
	}
	f.checkConsistent()
}

func TestDissolve(t *testing.T) {
	f, k := newBloc(t)
	x, y := f.pair(k, org.Branch, "Chi đoàn Giải Thể", "Chi đoàn Nhận")
	m := f.member(x, "Vũ Thị Hạnh", "2016-03-26")
	c := f.ok(f.tl.Dissolve(f.ctx, org.DissolveDecision{UnitID: x.ID, MembersToID: &y.ID, Decided: decided("2025-03-01", "8-QĐ/ĐK")}))
	f.lastTransfer(m, x.ID, y.ID, "2025-03-01", "8-QĐ/ĐK")
	if len(c.Links) != 1 || c.Links[0].SuccessorID != y.ID {
		t.Errorf("dissolve links = %+v", c.Links)
	}
	if !f.get(x.ID).Archived() || !f.lastDay(x.ID).Equal(day("2025-02-28")) {
		t.Errorf("dissolved branch not ended on 2025-02-28")
	}
	// A dissolved unit still reports its past unchanged.
	if got := f.asOf(x.ID, "2022-12-31"); len(got) != 1 || got[x.ID].Name != "Chi đoàn Giải Thể" {
		t.Errorf("dissolved branch in 2022 = %v", got)
	}
	if got := f.asOf(x.ID, "2025-12-31"); len(got) != 0 {
		t.Errorf("dissolved branch in 2025 = %v", keys(got))
	}
	// A forgotten record of its past may still be entered; one after its end may not.
	for _, tc := range []struct {
		on string
		ok bool
	}{{"2022-06-01", true}, {"2025-02-28", true}, {"2025-03-01", false}} {
		var v validate.Errors
		if err := org.CheckExistedOn(f.ctx, f.pool, &v, []string{"input", "unitId"}, x.ID, day(tc.on)); err != nil {
			t.Fatal(err)
		}
		if (v.Err() == nil) != tc.ok {
			t.Errorf("record of the dissolved branch dated %s: %v", tc.on, v.Err())
		}
	}
	f.checkConsistent()
}

func hasError(inv *apperr.Invalid, field, code string) bool {
	for _, fe := range inv.Errors {
		if strings.Join(fe.Field, ".") == field && fe.Code == code {
			return fe.VI != "" && fe.EN != ""
		}
	}
	return false
}
