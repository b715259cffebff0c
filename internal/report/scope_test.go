package report_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
)

// A report's scope is the subtree as it stood on the report's date: a
// branch moved between districts in 2024 and two branches merged in 2024
// leave the 2023 reports alone; the 2024 reports cover the tree of the
// year's end, a merge's transfers are not movements, and the merged
// branch's previous year is its predecessors'.
func TestScopeOfTheReportsDate(t *testing.T) {
	f, province := newProvince(t)
	ctx, pool, units, tl, reports := f.ctx, f.pool, f.units, f.tl, f.reports
	unit := must[*org.Unit](t)
	rep := must[*report.Report](t)

	d1 := f.unit(province, org.District, "Huyện đoàn Một")
	d2 := f.unit(province, org.District, "Huyện đoàn Hai")
	x := f.unit(d1, org.Branch, "Chi đoàn X")
	y := f.unit(d1, org.Branch, "Chi đoàn Y")
	w := f.unit(d2, org.Branch, "Chi đoàn W")
	enrol(t, f.members, member.Female, x, x, y, w)
	held := func(u *org.Unit, on string) {
		t.Helper()
		f.activity(u, "Hoạt động "+on, on, on, activity.Done)
	}
	held(x, "2023-04-01")
	held(w, "2023-05-01")
	held(w, "2024-02-01") // before W moves: it counts where W stands at the year's end

	before := map[string]*report.Report{}
	for name, u := range map[string]*org.Unit{"province": province, "d1": d1, "d2": d2, "x": x, "w": w} {
		before[name] = rep(reports.Yearly(ctx, u.ID, 2023))
	}

	if _, err := tl.Move(ctx, org.MoveDecision{UnitID: w.ID, ParentID: d1.ID,
		Decided: org.Decided{EffectiveOn: day("2024-03-01"), DecisionNumber: "1-QĐ"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := tl.Merge(ctx, org.MergeDecision{UnitIDs: []int64{x.ID, y.ID}, New: &org.NewUnit{ParentID: &d1.ID, Name: "Chi đoàn Z"},
		Decided: org.Decided{EffectiveOn: day("2024-07-01"), DecisionNumber: "2-QĐ"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := units.Update(ctx, org.UpdateInput{ID: d2.ID, Version: unit(units.Get(ctx, d2.ID)).Version, Name: ptr("Huyện đoàn Hai Mới")}); err != nil {
		t.Fatal(err)
	}

	for name, u := range map[string]*org.Unit{"province": province, "d1": d1, "d2": d2, "x": x, "w": w} {
		after := rep(reports.Yearly(ctx, u.ID, 2023))
		if !reflect.DeepEqual(after, before[name]) {
			t.Errorf("%s's 2023 report changed:\nbefore %+v\nafter  %+v", name, before[name], after)
		}
	}

	r1 := rep(reports.Yearly(ctx, d1.ID, 2024))
	if r1.Members != (report.Members{AtYearStart: 3, AtYearEnd: 4, Female: 4, Plain: 4}) {
		t.Errorf("Huyện đoàn Một 2024 members = %+v (the merge's transfers are not movements; W came as a unit)", r1.Members)
	}
	if r1.Total.Activities != 1 || len(r1.Children) != 2 || r1.Previous.Members.AtYearEnd != 3 || r1.Previous.Total.Activities != 1 {
		t.Errorf("Huyện đoàn Một 2024: total %+v, rows %+v, previous %+v", r1.Total, r1.Children, r1.Previous)
	}
	if r2 := rep(reports.Yearly(ctx, d2.ID, 2024)); r2.Total.Activities != 0 || r2.Members.AtYearEnd != 0 || r2.Members.AtYearStart != 1 {
		t.Errorf("Huyện đoàn Hai 2024 after W left: total %+v, members %+v", r2.Total, r2.Members)
	}

	var z int64
	if err := pool.QueryRow(ctx, `SELECT id FROM units WHERE name = 'Chi đoàn Z'`).Scan(&z); err != nil {
		t.Fatal(err)
	}
	// A subtree aggregate is priced by every unit ever below: Huyện đoàn
	// Hai's 2023 report still covers W.
	sizes, err := units.SubtreeSizes(ctx, []int64{d1.ID, d2.ID, z})
	if err != nil {
		t.Fatal(err)
	}
	if sizes[d1.ID] != 5 || sizes[d2.ID] != 2 || sizes[z] != 1 {
		t.Errorf("subtree sizes over time: %v, want d1 5 (itself, X, Y, W, Z), d2 2, Z 1", sizes)
	}
	rz := rep(reports.Yearly(ctx, z, 2024))
	if rz.Members.AtYearEnd != 3 || rz.Members.TransferredIn != 0 || rz.Previous.Members.AtYearEnd != 3 || rz.Previous.Total.Activities != 1 {
		t.Errorf("Chi đoàn Z 2024: members %+v, previous (X and Y of 2023) %+v", rz.Members, rz.Previous)
	}
	rx := rep(reports.Yearly(ctx, x.ID, 2024))
	if rx.Date != day("2024-06-30") || rx.Members.AtYearEnd != 2 || rx.Members.TransferredOut != 0 {
		t.Errorf("X's last year: as of %s, members %+v", rx.Date, rx.Members)
	}
	_, err = reports.Yearly(ctx, x.ID, 2025)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.NotFound {
		t.Errorf("X's 2025 report: %v, want NOT_FOUND", err)
	}
	if _, err := reports.Yearly(ctx, 1<<40, 2024); !errors.Is(err, report.ErrNoUnit) {
		t.Errorf("no such unit: %v", err)
	}
}

func ptr[T any](v T) *T { return &v }

// enrol adds a member of gender to each unit, a unit named twice getting
// two.
func enrol(t *testing.T, members *member.Store, gender member.Gender, units ...*org.Unit) {
	t.Helper()
	for _, u := range units {
		if _, err := members.Create(context.Background(), member.CreateInput{UnitID: u.ID, FullName: "Đoàn viên " + u.Name, Gender: gender,
			BirthDate: day("2000-01-01"), JoinedOn: day("2016-03-26")}); err != nil {
			t.Fatal(err)
		}
	}
}

// A unit that absorbed one of the units below it compares its year with
// its own subtree of the year before, where that unit lay: each unit once.
func TestPreviousYearOfAUnitThatAbsorbedOneBelowIt(t *testing.T) {
	f, province := newProvince(t)
	ctx, pool, tl, reports := f.ctx, f.pool, f.tl, f.reports
	d := f.unit(province, org.District, "Huyện đoàn Ninh Sơn")
	g := f.unit(d, org.Grassroots, "Đoàn xã Quảng Sơn")
	a := f.unit(g, org.Branch, "Chi đoàn thôn Triệu Phong")
	b := f.unit(d, org.Branch, "Chi đoàn Bệnh viện huyện")
	enrol(t, f.members, member.Male, a, a, b)
	if _, err := pool.Exec(ctx, `INSERT INTO pledges (unit_id, year, title) VALUES ($1, 2023, 'Cam kết giữ gìn vệ sinh thôn xóm')`, g.ID); err != nil {
		t.Fatal(err)
	}
	level := org.District
	if _, err := tl.Merge(ctx, org.MergeDecision{UnitIDs: []int64{g.ID}, IntoID: &d.ID, Level: &level,
		Decided: org.Decided{EffectiveOn: day("2024-05-01"), DecisionNumber: "7-QĐ"}}); err != nil {
		t.Fatal(err)
	}
	r, err := reports.Yearly(ctx, d.ID, 2024)
	if err != nil {
		t.Fatal(err)
	}
	if r.Previous.Members.AtYearEnd != 3 || r.Members.AtYearStart != 3 || r.Members.AtYearEnd != 3 ||
		len(r.Previous.Pledges) != 1 || r.Previous.PledgeCount != 1 || r.Previous.Pledges[0].Eligible != 2 {
		t.Errorf("Huyện đoàn Ninh Sơn 2024: members %+v, previous year %+v, its pledges %+v: want 3 members throughout and one pledge, each unit once",
			r.Members, r.Previous.Members, r.Previous.Pledges)
	}
}
