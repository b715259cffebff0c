package graph_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
)

// reform is the fixture tree restructured through the API as the 2025
// reform did: on 1 July 2025 the commune unions of Phước Đại and Tà Lú
// merge into one placed directly under the province, Huyện đoàn Bác Ái is
// dissolved, and Tỉnh đoàn Ninh Thuận merges into Tỉnh đoàn Khánh Hòa.
type reform struct {
	*tree
	khanhHoa, phuocDai, taLu, merged string
}

const reformDay = "2025-07-01"

func newReform(t *testing.T) *reform {
	t.Helper()
	r := &reform{tree: newTree(t)}
	r.khanhHoa = r.unit(t, nil, "PROVINCE", "Tỉnh đoàn Khánh Hòa")
	r.phuocDai = r.unit(t, &r.district, "GRASSROOTS", "Đoàn xã Phước Đại")
	r.taLu = r.unit(t, &r.district, "GRASSROOTS", "Đoàn xã Tà Lú")
	return r
}

// apply runs the reform's decisions; r.merged is the merged commune union.
func (r *reform) apply(t *testing.T) {
	t.Helper()
	var out struct{ Unit struct{ ID string } }
	r.env.MustMutate(t, "unitMerge", "UnitMergeInput", "unit { id }", map[string]any{
		"unitIds": []string{r.phuocDai, r.taLu}, "newUnit": map[string]any{"parentId": r.province, "name": "Đoàn xã Phước Đại"},
		"effectiveOn": reformDay, "decisionNumber": "15-QĐ/TĐTN"}, &out)
	r.merged = out.Unit.ID
	r.env.MustMutate(t, "unitDissolve", "UnitDissolveInput", "__typename", map[string]any{
		"unitId": r.district, "effectiveOn": reformDay, "decisionNumber": "16-QĐ/TĐTN"}, nil)
	r.env.MustMutate(t, "unitMerge", "UnitMergeInput", "__typename", map[string]any{
		"unitIds": []string{r.province}, "intoUnitId": r.khanhHoa, "effectiveOn": reformDay, "decisionNumber": "01-QĐ/TWĐTN"}, nil)
}

type version struct {
	Name     string
	Level    string
	Parent   *struct{ ID string }
	Children []struct{ Name string }
}

// asOf reads a unit as of a day.
func (r *reform) asOf(t *testing.T, unit, day string) *version {
	t.Helper()
	var out struct{ Unit struct{ AsOf *version } }
	r.env.MustDo(t, `query($id: ID!, $d: Date!) { unit(id: $id) { asOf(date: $d) { name level parent { id } children { name } } } }`,
		map[string]any{"id": unit, "d": day}, &out)
	return out.Unit.AsOf
}

func childNames(v *version) []string {
	var out []string
	for _, c := range v.Children {
		out = append(out, c.Name)
	}
	slices.Sort(out)
	return out
}

// The tree of 2022 reads as it stood, before and after the reform; the
// tree of 2026 is the new one; lineage records where the merged unit came
// from.
func TestReformKeepsThePastTree(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	before2022 := childNames(r.asOf(t, r.province, "2022-12-31"))
	r.apply(t)

	nt2022 := r.asOf(t, r.province, "2022-12-31")
	if nt2022 == nil || nt2022.Name != "Tỉnh đoàn Ninh Thuận" || !slices.Equal(childNames(nt2022), before2022) {
		t.Fatalf("Ninh Thuận as of 2022 after the reform: %+v, want children %v", nt2022, before2022)
	}
	if v := r.asOf(t, r.province, "2025-07-01"); v != nil {
		t.Errorf("Ninh Thuận still stands on the reform day: %+v", v)
	}
	kh := r.asOf(t, r.khanhHoa, "2026-12-31")
	if got := childNames(kh); !slices.Equal(got, []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Đoàn xã Phước Đại"}) {
		t.Errorf("Khánh Hòa's units in 2026: %v", got)
	}
	if v := r.asOf(t, r.phuocDai, "2022-12-31"); v == nil || v.Parent == nil || v.Parent.ID != r.district {
		t.Errorf("Phước Đại in 2022 was under Bác Ái: %+v", v)
	}

	var crumbs struct {
		Unit struct {
			AsOf struct{ Ancestors []struct{ Name string } }
		}
	}
	r.env.MustDo(t, `query($id: ID!) { unit(id: $id) { asOf(date: "2022-12-31") { ancestors { name } } } }`,
		map[string]any{"id": r.phuocDai}, &crumbs)
	if a := crumbs.Unit.AsOf.Ancestors; len(a) != 2 || a[0].Name != "Tỉnh đoàn Ninh Thuận" || a[1].Name != "Huyện đoàn Bác Ái" {
		t.Errorf("Phước Đại's ancestors in 2022, root first: %+v", a)
	}

	var tree struct{ Units struct{ TotalCount int } }
	r.env.MustDo(t, `query($id: ID!) { units(filter: {withinUnitId: $id, asOf: "2022-12-31"}) { totalCount } }`,
		map[string]any{"id": r.province}, &tree)
	if tree.Units.TotalCount != 7 {
		t.Errorf("Ninh Thuận's tree of 2022 has %d units, want 7 (itself, the bloc, 2 branches, Bác Ái, 2 communes)", tree.Units.TotalCount)
	}

	var lineage struct {
		Unit struct {
			Lineage struct {
				Predecessors []struct {
					Unit   struct{ Name string }
					Change struct{ Kind, EffectiveOn, DecisionNumber string }
				}
			}
		}
	}
	r.env.MustDo(t, `query($id: ID!) { unit(id: $id) { lineage { predecessors { unit { name } change { kind effectiveOn decisionNumber } } } } }`,
		map[string]any{"id": r.merged}, &lineage)
	var names []string
	for _, p := range lineage.Unit.Lineage.Predecessors {
		names = append(names, p.Unit.Name)
		if p.Change.Kind != "MERGE" || p.Change.EffectiveOn != reformDay || p.Change.DecisionNumber != "15-QĐ/TĐTN" {
			t.Errorf("predecessor %s by %+v", p.Unit.Name, p.Change)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Đoàn xã Phước Đại", "Đoàn xã Tà Lú"}) {
		t.Errorf("the merged commune's predecessors: %v", names)
	}
}

// A rename from a date leaves the name of earlier days alone.
func TestRenameKeepsTheOldName(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	r.env.MustMutate(t, "unitRename", "UnitRenameInput", "__typename", map[string]any{
		"unitId": r.bloc, "name": "Đoàn khối các cơ quan tỉnh", "effectiveOn": "2026-01-01", "decisionNumber": "20-QĐ/TĐTN"}, nil)
	if v := r.asOf(t, r.bloc, "2022-12-31"); v == nil || v.Name != "Đoàn khối Cơ quan – Doanh nghiệp tỉnh" {
		t.Errorf("the bloc's 2022 name: %+v", v)
	}
	if v := r.asOf(t, r.bloc, "2026-06-01"); v == nil || v.Name != "Đoàn khối các cơ quan tỉnh" {
		t.Errorf("the bloc's 2026 name: %+v", v)
	}
	var out struct {
		Unit struct {
			Name    string
			History []struct{ Name, ValidFrom string }
		}
	}
	r.env.MustDo(t, `query($id: ID!) { unit(id: $id) { name history { name validFrom } } }`, map[string]any{"id": r.bloc}, &out)
	if out.Unit.Name != "Đoàn khối các cơ quan tỉnh" || len(out.Unit.History) != 2 || out.Unit.History[1].ValidFrom != "2026-01-01" {
		t.Errorf("the bloc now and its history: %+v", out.Unit)
	}
}

// Bad restructuring input is refused on its field and writes nothing.
func TestRestructuringRefused(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	for _, tt := range []struct {
		name, mutation, input string
		in                    map[string]any
		want                  string
	}{
		{"a move that makes a cycle", "unitRelocate", "UnitRelocateInput",
			map[string]any{"unitId": r.bloc, "parentId": r.branchA}, "input.parentId:NOT_ALLOWED"},
		{"a date in the future", "unitRename", "UnitRenameInput",
			map[string]any{"unitId": r.bloc, "name": "Tên mới", "effectiveOn": "2999-01-01"}, "input.effectiveOn:OUT_OF_RANGE"},
		{"units at different levels without a level", "unitMerge", "UnitMergeInput",
			map[string]any{"unitIds": []string{r.branchA, r.phuocDai}, "newUnit": map[string]any{"parentId": r.province, "name": "Đơn vị chung"}},
			"input.level:REQUIRED"},
		{"no decision number", "unitDissolve", "UnitDissolveInput",
			map[string]any{"unitId": r.branchB, "decisionNumber": "  "}, "input.decisionNumber:REQUIRED"},
		{"a parent that does not exist", "unitRelocate", "UnitRelocateInput",
			map[string]any{"unitId": r.bloc, "parentId": "VW5pdDo5OTk5OTk"}, "input.parentId:NOT_FOUND"},
		{"a merge of more units than a decision holds", "unitMerge", "UnitMergeInput",
			map[string]any{"unitIds": manyUnits(51), "newUnit": map[string]any{"parentId": r.province, "name": "Đơn vị chung"}},
			"input.unitIds:TOO_LONG"},
		{"a split into more units than a decision holds", "unitSplit", "UnitSplitInput",
			map[string]any{"unitId": r.branchB, "parts": manyParts(51)}, "input.parts:TOO_LONG"},
		{"a malformed unit", "unitDissolve", "UnitDissolveInput",
			map[string]any{"unitId": "%%%"}, "input.unitId:NOT_FOUND"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := map[string]any{"effectiveOn": reformDay, "decisionNumber": "99-QĐ/TĐTN"}
			for k, v := range tt.in {
				in[k] = v
			}
			changes, versions, audit := r.env.Count(t, "unit_changes"), r.env.Count(t, "unit_versions"), r.env.Count(t, "audit_log")
			ue := r.env.Mutate(t, tt.mutation, tt.input, "change { id }", in, nil)
			if got := codes(ue); !slices.Contains(got, tt.want) {
				t.Errorf("userErrors %v, want %s", got, tt.want)
			}
			if r.env.Count(t, "unit_changes") != changes || r.env.Count(t, "unit_versions") != versions || r.env.Count(t, "audit_log") != audit {
				t.Error("a refused decision wrote something")
			}
		})
	}
}

// manyUnits are n unit IDs, of units that need not exist.
func manyUnits(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = model.EncodeID(model.KindUnit, int64(100000+i))
	}
	return ids
}

func manyParts(n int) []map[string]any {
	parts := make([]map[string]any, n)
	for i := range parts {
		parts[i] = map[string]any{"name": fmt.Sprintf("Chi đoàn %d", i+1)}
	}
	return parts
}

// The committee of a date is the one in office then; the holder's name is
// printed as recorded.
func TestCommitteeOfADate(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	first := r.member(t, r.branchA, "Nguyễn Thị Thanh Tâm", nil)
	appoint := func(in map[string]any) {
		in["unitId"] = r.bloc
		r.env.MustMutate(t, "positionAppoint", "PositionAppointInput", "position { id }", in, nil)
	}
	appoint(map[string]any{"title": "SECRETARY", "memberId": first, "from": "2022-01-01", "to": "2024-12-31", "decisionNumber": "05-QĐ/TĐTN"})
	appoint(map[string]any{"title": "SECRETARY", "holderName": "Trần Văn Minh", "from": "2025-01-01"})
	appoint(map[string]any{"title": "COMMITTEE_MEMBER", "holderName": "Lê Thị Hoa", "from": "2022-01-01"})

	committee := func(day string) []string {
		var out struct {
			Unit struct {
				Committee []struct{ Title, HolderName string }
			}
		}
		r.env.MustDo(t, `query($id: ID!, $d: Date) { unit(id: $id) { committee(on: $d) { title holderName } } }`,
			map[string]any{"id": r.bloc, "d": day}, &out)
		var list []string
		for _, p := range out.Unit.Committee {
			list = append(list, p.Title+" "+p.HolderName)
		}
		return list
	}
	if got := strings.Join(committee("2022-06-30"), ", "); got != "SECRETARY Nguyễn Thị Thanh Tâm, COMMITTEE_MEMBER Lê Thị Hoa" {
		t.Errorf("committee of 2022: %s", got)
	}
	if got := strings.Join(committee("2026-06-30"), ", "); got != "SECRETARY Trần Văn Minh, COMMITTEE_MEMBER Lê Thị Hoa" {
		t.Errorf("committee of 2026: %s", got)
	}
	ue := r.env.Mutate(t, "positionAppoint", "PositionAppointInput", "position { id }", map[string]any{"unitId": r.bloc,
		"title": "SECRETARY", "holderName": "Người thứ hai", "from": "2025-06-01"}, nil)
	if got := codes(ue); !slices.Contains(got, "input.title:CONFLICT") {
		t.Errorf("a second secretary at once: %v", got)
	}
	// Terms hold their posts; a post outside its term is refused.
	var term struct{ Term struct{ ID string } }
	r.env.MustMutate(t, "committeeTermCreate", "CommitteeTermCreateInput", "term { id }", map[string]any{"unitId": r.bloc,
		"name": "Nhiệm kỳ 2022 – 2027", "from": "2022-01-01", "to": "2027-06-30", "decisionNumber": "02-QĐ/TĐTN"}, &term)
	appoint(map[string]any{"termId": term.Term.ID, "title": "DEPUTY_SECRETARY", "holderName": "Phạm Quốc Bảo", "from": "2023-03-01", "to": "2027-06-30"})
	ue = r.env.Mutate(t, "positionAppoint", "PositionAppointInput", "position { id }", map[string]any{"unitId": r.bloc,
		"termId": term.Term.ID, "title": "COMMITTEE_MEMBER", "holderName": "Ngoài nhiệm kỳ", "from": "2021-01-01"}, nil)
	if got := codes(ue); !slices.Contains(got, "input.termId:OUT_OF_RANGE") {
		t.Errorf("a post outside its term: %v", got)
	}
	// Ended past its term's last day: refused on lastDay, nothing changed.
	var posts struct {
		Unit struct {
			Terms []struct{ Posts []struct{ ID string } }
		}
	}
	r.env.MustDo(t, `query($id: ID!) { unit(id: $id) { terms { posts { id } } } }`, map[string]any{"id": r.bloc}, &posts)
	audit := r.env.Count(t, "audit_log")
	ue = r.env.Mutate(t, "positionEnd", "PositionEndInput", "position { id }", map[string]any{
		"id": posts.Unit.Terms[0].Posts[0].ID, "version": 1, "lastDay": "2028-01-01"}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.lastDay:OUT_OF_RANGE"}) || r.env.Count(t, "audit_log") != audit {
		t.Errorf("a post ended after its term: %v", got)
	}
	var terms struct {
		Unit struct {
			Terms []struct {
				Name  string
				Posts []struct{ HolderName string }
			}
		}
	}
	r.env.MustDo(t, `query($id: ID!) { unit(id: $id) { terms { name posts { holderName } } } }`, map[string]any{"id": r.bloc}, &terms)
	if len(terms.Unit.Terms) != 1 || len(terms.Unit.Terms[0].Posts) != 1 || terms.Unit.Terms[0].Posts[0].HolderName != "Phạm Quốc Bảo" {
		t.Errorf("the bloc's terms: %+v", terms.Unit.Terms)
	}

	resp := r.env.As("").Do(t, `query($id: ID!) { unit(id: $id) { committee { holderName } } }`, map[string]any{"id": r.bloc})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
		t.Errorf("anonymous read of a committee: %s %+v", resp.Data, resp.Errors)
	}
}

// A list of a past year can read the tree of that year: Ninh Thuận's 2022
// activities are the same before and after the reform with asOf, while
// today's tree no longer holds them.
func TestActivitiesOfAPastTree(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	r.activity(t, r.branchA, "Hiến máu nhân đạo", nil)
	r.activity(t, r.phuocDai, "Tủ sách cho trẻ em", nil)
	count := func(unit string, asOf any) (top, nested int) {
		var out struct {
			Activities struct{ TotalCount int }
			Unit       struct{ Activities struct{ TotalCount int } }
		}
		r.env.MustDo(t, `query($u: ID!, $d: Date) {
			activities(filter: {unitId: $u, year: 2022, asOf: $d}) { totalCount }
			unit(id: $u) { activities(filter: {year: 2022, asOf: $d}) { totalCount } } }`,
			map[string]any{"u": unit, "d": asOf}, &out)
		return out.Activities.TotalCount, out.Unit.Activities.TotalCount
	}
	if top, nested := count(r.province, "2022-12-31"); top != 2 || nested != 2 {
		t.Fatalf("Ninh Thuận's 2022 activities before the reform: %d and %d nested, want 2", top, nested)
	}
	r.apply(t)
	if top, nested := count(r.province, "2022-12-31"); top != 2 || nested != 2 {
		t.Errorf("Ninh Thuận's 2022 activities as of 2022 after the reform: %d and %d nested, want 2", top, nested)
	}
	if top, _ := count(r.khanhHoa, "2022-12-31"); top != 0 {
		t.Errorf("Khánh Hòa's tree of 2022 claims %d of Ninh Thuận's activities", top)
	}
	if top, _ := count(r.khanhHoa, nil); top != 1 {
		t.Errorf("Khánh Hòa's tree of today holds the bloc's branch and its %d activities, want 1", top)
	}
}

// An ended unit's history passes to the units that carry it on: after the
// reform, Khánh Hòa's officers read Ninh Thuận's 2022 report and committee,
// while Ninh Thuận's own officer role lapsed with it.
func TestEndedUnitsHistoryGoesToTheirSuccessors(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	officer := func(username, unit string) *apitest.Env {
		id := r.env.Account(t, username, nil, nil)
		u := key(t, model.KindUnit, unit)
		r.env.Grant(t, id, account.Officer, &u)
		return r.env.As(r.env.Session(t, id))
	}
	kh, nt := officer("tinhdoan.kh", r.khanhHoa), officer("tinhdoan.nt", r.province)
	r.apply(t)
	const q = `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { unit { id } } unit(id: $u) { committee(on: "2022-12-31") { title } } }`
	if resp := kh.Do(t, q, map[string]any{"u": r.province}); len(resp.Errors) > 0 {
		t.Errorf("Khánh Hòa's officer reading Ninh Thuận's 2022: %+v", resp.Errors)
	}
	if resp := kh.Do(t, q, map[string]any{"u": r.district}); len(resp.Errors) > 0 {
		t.Errorf("Khánh Hòa's officer reading Bác Ái's 2022 (dissolved, its lineage none, its parent merged): %+v", resp.Errors)
	}
	// The export link serves it too: the handler asks the same heirs.
	var link struct {
		YearlyReport struct{ ExportURL string }
	}
	kh.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { exportUrl(format: XLSX) } }`,
		map[string]any{"u": r.province}, &link)
	if rec := r.env.Raw("GET", link.YearlyReport.ExportURL, "", ""); rec.Code != 200 {
		t.Errorf("Khánh Hòa's officer downloading Ninh Thuận's 2022: %d %s", rec.Code, rec.Body.String())
	}
	resp := nt.Do(t, q, map[string]any{"u": r.province})
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("Ninh Thuận's lapsed officer still reads it: %s %+v", resp.Data, resp.Errors)
	}
}

// Every unit a decision names must be the caller's to decide on, not only
// the first: the bloc's officer may restructure the bloc's branches, but
// not move them, their members or a merged unit into the district, nor
// put a post in another unit's term.
func TestRestructuringNeedsEveryUnit(t *testing.T) {
	t.Parallel()
	r := newReform(t)
	id := r.env.Account(t, "doankhoi.kiemtra", nil, nil)
	bloc := key(t, model.KindUnit, r.bloc)
	r.env.Grant(t, id, account.Officer, &bloc)
	officer := r.env.As(r.env.Session(t, id))
	var term struct{ Term struct{ ID string } }
	r.env.MustMutate(t, "committeeTermCreate", "CommitteeTermCreateInput", "term { id }", map[string]any{"unitId": r.district,
		"name": "Nhiệm kỳ 2022 – 2027", "from": "2022-01-01"}, &term)
	branch := func() string { return r.unit(t, &r.bloc, "BRANCH", uniq("Chi đoàn")) }
	decision := func(in map[string]any) map[string]any {
		in["effectiveOn"], in["decisionNumber"] = reformDay, uniq("QĐ")
		return in
	}
	for _, tt := range []struct {
		name, mutation, input string
		in                    map[string]any
	}{
		{"a move into the district", "unitRelocate", "UnitRelocateInput",
			decision(map[string]any{"unitId": branch(), "parentId": r.district})},
		{"members sent to the district", "unitDissolve", "UnitDissolveInput",
			decision(map[string]any{"unitId": branch(), "membersToUnitId": r.district})},
		{"a merged unit placed in the district", "unitMerge", "UnitMergeInput",
			decision(map[string]any{"unitIds": []string{branch(), branch()}, "newUnit": map[string]any{"parentId": r.district, "name": "Chi đoàn chung"}})},
		{"a merge into the district's commune", "unitMerge", "UnitMergeInput",
			decision(map[string]any{"unitIds": []string{branch()}, "intoUnitId": r.phuocDai})},
		{"a split with a part in the district", "unitSplit", "UnitSplitInput",
			decision(map[string]any{"unitId": branch(), "parts": []map[string]any{{"name": "Phần một"}, {"name": "Phần hai", "parentId": r.district}}})},
		{"a post in the district's term", "positionAppoint", "PositionAppointInput",
			map[string]any{"unitId": r.bloc, "termId": term.Term.ID, "title": "COMMITTEE_MEMBER", "holderName": "Lê Văn Tư", "from": "2023-01-01"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			changes, posts := r.env.Count(t, "unit_changes"), r.env.Count(t, "positions")
			resp := officer.Do(t, fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { userErrors { field code } } }`, tt.input, tt.mutation),
				map[string]any{"input": tt.in})
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
				t.Errorf("want FORBIDDEN, got %s %+v", resp.Data, resp.Errors)
			}
			if r.env.Count(t, "unit_changes") != changes || r.env.Count(t, "positions") != posts {
				t.Error("a refused decision wrote something")
			}
		})
	}
	// The same officer decides within the bloc.
	officer.MustMutate(t, "unitDissolve", "UnitDissolveInput", "__typename", decision(map[string]any{"unitId": branch()}), nil)
}
