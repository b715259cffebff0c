package org_test

import (
	"context"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/validate"
)

// tables a rejected decision must leave as they were.
var touched = []string{"units", "unit_versions", "unit_changes", "unit_lineage", "members", "member_events",
	"positions", "committee_terms", "audit_log"}

// later is a call of a Timeline method on d, made when a case runs, with
// only its error kept.
func later[D, R any](f *fixture, call func(context.Context, D) (R, error), d D) func() error {
	return func() error {
		_, err := call(f.ctx, d)
		return err
	}
}

func (f *fixture) counts() map[string]int {
	out := map[string]int{}
	for _, table := range touched {
		out[table] = countRows(f.t, f, table)
	}
	return out
}

// Every bad decision or appointment is refused with the field and code the
// user can act on, and writes nothing.
func TestBadInputWritesNothing(t *testing.T) {
	f, p := newProvince(t)
	p2 := f.unit(nil, org.Province, "Tỉnh đoàn Bên Cạnh")
	k, k2 := f.pair(p, org.Bloc, "Đoàn khối Một", "Đoàn khối Hai")
	x := f.unit(k, org.Branch, "Chi đoàn X")
	y := f.unit(k2, org.Branch, "Chi đoàn Y")
	d := f.unit(p, org.District, "Huyện đoàn Thử")
	g := f.unit(d, org.Grassroots, "Đoàn xã Thử")
	x0, x00 := f.pair(k, org.Branch, "Chi đoàn Cũ Một", "Chi đoàn Cũ Hai")
	mx := f.member(x, "Ngô Thị Yến", "2016-03-26")
	late := f.member(x, "Mới Vào Đoàn", "2025-01-10")
	f.member(y, "Đinh Văn Tuấn", "2016-03-26")
	// A branch formed on 1/1/2024; the bloc renamed on 1/3/2024; the
	// commune moved under the second bloc on 1/5/2024.
	nx := f.get(f.ok(f.tl.Merge(f.ctx, org.MergeDecision{UnitIDs: []int64{x0.ID, x00.ID},
		New: &org.NewUnit{ParentID: &k.ID, Name: "Chi đoàn Mới"}, Decided: decided("2024-01-01", "1/QĐ")})).UnitID)
	f.ok(f.tl.Rename(f.ctx, org.RenameDecision{UnitID: k.ID, Name: ptr("Đoàn khối Một (mới)"), Decided: decided("2024-03-01", "2/QĐ")}))
	f.ok(f.tl.Move(f.ctx, org.MoveDecision{UnitID: g.ID, ParentID: k2.ID, Decided: decided("2024-05-01", "3/QĐ")}))
	if _, err := f.tl.Appoint(f.ctx, org.AppointInput{UnitID: x.ID, Title: org.TitleSecretary, MemberID: &mx.ID, From: day("2020-01-01")}); err != nil {
		t.Fatal(err)
	}
	tomorrow := time.Now().In(time.FixedZone("ICT", 7*3600)).AddDate(0, 0, 1)
	fresh := org.Decided{EffectiveOn: day("2025-07-01"), DecisionNumber: "99/QĐ"}

	cases := []struct {
		name  string
		run   func() error
		field string
		code  string
	}{
		{"rename before the unit existed", later(f, f.tl.Rename, org.RenameDecision{UnitID: nx.ID, Name: ptr("Tên Khác"), Decided: decided("2023-06-01", "4/QĐ")}), "input.effectiveOn", validate.DateOrder},
		{"rename before the latest version (overlap)", later(f, f.tl.Rename, org.RenameDecision{UnitID: k.ID, Name: ptr("Tên Khác"), Decided: decided("2024-02-01", "4/QĐ")}), "input.effectiveOn", validate.Conflict},
		{"decision dated after today", later(f, f.tl.Rename, org.RenameDecision{UnitID: k.ID, Name: ptr("Tên Khác"),
			Decided: org.Decided{EffectiveOn: tomorrow, DecisionNumber: "4/QĐ"}}), "input.effectiveOn", validate.OutOfRange},
		{"decision without a number", later(f, f.tl.Rename, org.RenameDecision{UnitID: k.ID, Name: ptr("Tên Khác"), Decided: decided("2025-07-01", "  ")}), "input.decisionNumber", validate.Required},
		{"rename to the same name", later(f, f.tl.Rename, org.RenameDecision{UnitID: k.ID, Name: ptr("Đoàn khối Một (mới)"), Decided: fresh}), "input.name", validate.NotAllowed},
		{"move making a cycle", later(f, f.tl.Move, org.MoveDecision{UnitID: k.ID, ParentID: x.ID, Decided: fresh}), "input.parentId", validate.NotAllowed},
		{"move under a parent that stood elsewhere then", later(f, f.tl.Move, org.MoveDecision{UnitID: y.ID, ParentID: g.ID, Decided: decided("2024-02-01", "4/QĐ")}), "input.parentId", validate.DateOrder},
		{"move before a later change below", later(f, f.tl.Move, org.MoveDecision{UnitID: k2.ID, ParentID: p2.ID, Decided: decided("2024-02-01", "4/QĐ")}), "input.unitId", validate.Conflict},
		{"move of a merged unit", later(f, f.tl.Move, org.MoveDecision{UnitID: x0.ID, ParentID: k2.ID, Decided: fresh}), "input.unitId", validate.NotAllowed},
		{"merge at different levels without a level", later(f, f.tl.Merge, org.MergeDecision{UnitIDs: []int64{y.ID, g.ID}, New: &org.NewUnit{ParentID: &k2.ID, Name: "Gộp"}, Decided: fresh}), "input.level", validate.Required},
		{"merge naming a unit twice", later(f, f.tl.Merge, org.MergeDecision{UnitIDs: []int64{y.ID, y.ID}, New: &org.NewUnit{ParentID: &k2.ID, Name: "Gộp"}, Decided: fresh}), "input.unitIds.1", validate.Duplicate},
		{"merge into an existing and a new unit at once", later(f, f.tl.Merge, org.MergeDecision{UnitIDs: []int64{y.ID}, IntoID: &x.ID, New: &org.NewUnit{Name: "Gộp"}, Decided: fresh}), "input.intoUnitId", validate.Required},
		{"merge with a unit above", later(f, f.tl.Merge, org.MergeDecision{UnitIDs: []int64{k.ID}, IntoID: &x.ID, Level: ptr(org.Bloc), Decided: fresh}), "input.intoUnitId", validate.NotAllowed},
		// The member joined after the date: her transfer is refused after
		// the new unit was inserted, and all of it rolls back.
		{"merge whose member cannot be transferred on the day", later(f, f.tl.Merge, org.MergeDecision{UnitIDs: []int64{x.ID, y.ID},
			New: &org.NewUnit{ParentID: &k.ID, Name: "Gộp"}, Decided: decided("2024-12-01", "4/QĐ")}), "input.unitIds", validate.Conflict},
		{"dissolve with units below", later(f, f.tl.Dissolve, org.DissolveDecision{UnitID: k.ID, Decided: fresh}), "input.unitId", validate.NotAllowed},
		{"dissolve with members and nowhere for them", later(f, f.tl.Dissolve, org.DissolveDecision{UnitID: y.ID, Decided: fresh}), "input.membersToUnitId", validate.Required},
		{"dissolve sending members to a non-branch", later(f, f.tl.Dissolve, org.DissolveDecision{UnitID: y.ID, MembersToID: &k.ID, Decided: fresh}), "input.membersToUnitId", validate.NotAllowed},
		{"dissolve a merged unit", later(f, f.tl.Dissolve, org.DissolveDecision{UnitID: x00.ID, Decided: fresh}), "input.unitId", validate.NotAllowed},
		{"split leaving a member behind", later(f, f.tl.Split, org.SplitDecision{UnitID: x.ID, Parts: []org.SplitPart{
			{NewUnit: org.NewUnit{Name: "A"}, MemberIDs: []int64{mx.ID}}, {NewUnit: org.NewUnit{Name: "B"}}}, Decided: fresh}), "input.parts", validate.Required},
		{"split giving a member to two parts", later(f, f.tl.Split, org.SplitDecision{UnitID: x.ID, Parts: []org.SplitPart{
			{NewUnit: org.NewUnit{Name: "A"}, MemberIDs: []int64{mx.ID, late.ID}}, {NewUnit: org.NewUnit{Name: "B"}, MemberIDs: []int64{mx.ID}}},
			Decided: fresh}), "input.parts.1.memberIds.0", validate.Duplicate},
		{"split giving a unit that is not below", later(f, f.tl.Split, org.SplitDecision{UnitID: k.ID, KeepSource: true, Parts: []org.SplitPart{
			{NewUnit: org.NewUnit{Name: "A"}, ChildIDs: []int64{y.ID}}}, Decided: fresh}), "input.parts.0.childIds.0", validate.NotFound},
		{"branch with members changing level", later(f, f.tl.ChangeLevel, org.LevelDecision{UnitID: x.ID, Level: org.Grassroots, Decided: fresh}), "input.level", validate.NotAllowed},
		{"second secretary at once", later(f, f.tl.Appoint, org.AppointInput{UnitID: x.ID, Title: org.TitleSecretary, HolderName: ptr("Người Khác"), From: day("2024-01-01")}), "input.title", validate.Conflict},
		{"post before the unit existed", later(f, f.tl.Appoint, org.AppointInput{UnitID: nx.ID, Title: org.TitleCommitteeMember, HolderName: ptr("Người Khác"), From: day("2023-01-01")}), "input.from", validate.DateOrder},
		{"post in a unit that ended, open-ended", later(f, f.tl.Appoint, org.AppointInput{UnitID: x0.ID, Title: org.TitleCommitteeMember, HolderName: ptr("Người Khác"), From: day("2023-01-01")}), "input.to", validate.OutOfRange},
		{"post with two holders", later(f, f.tl.Appoint, org.AppointInput{UnitID: x.ID, Title: org.TitleCommitteeMember, MemberID: &mx.ID, HolderName: ptr("Người Khác"), From: day("2024-01-01")}), "input.memberId", validate.Required},
		{"post ending before it starts", later(f, f.tl.Appoint, org.AppointInput{UnitID: x.ID, Title: org.TitleCommitteeMember, HolderName: ptr("Người Khác"),
			From: day("2024-01-01"), To: ptr(day("2023-12-31"))}), "input.to", validate.DateOrder},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.counts()
			err := tc.run()
			if err == nil {
				t.Fatal("accepted")
			}
			inv := asInvalid(t, err)
			if !hasError(inv, tc.field, tc.code) {
				t.Errorf("got %v, want %s on %s", inv, tc.code, tc.field)
			}
			after := f.counts()
			for table, n := range before {
				if after[table] != n {
					t.Errorf("%s: %d rows -> %d", table, n, after[table])
				}
			}
		})
	}

	// The database refuses what slips past the checks: a version written
	// by hand over another, or a change dated before a unit's open version.
	_, err := f.pool.Exec(f.ctx, `INSERT INTO unit_versions (unit_id, valid_from, valid_to, level, name, path)
		VALUES ($1::bigint, '2020-01-01', '2020-12-31', 'PROVINCE', 'Chồng', $1::bigint::text::ltree)`, p.ID)
	if db.Constraint(err) != "unit_versions_no_overlap" {
		t.Errorf("overlapping version: %v", err)
	}
	tx, err := f.pool.Begin(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(f.ctx)
	if _, err := tx.Exec(f.ctx, `SELECT set_config('sodoan.effective_on', '2024-02-01', true)`); err != nil {
		t.Fatal(err)
	}
	_, err = tx.Exec(f.ctx, `UPDATE units SET name = 'Lùi ngày' WHERE id = $1`, k.ID)
	if db.Constraint(err) != "unit_versions_in_order" {
		t.Errorf("back-dated change under the open version: %v", err)
	}
}
