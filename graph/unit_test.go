package graph_test

import (
	"slices"
	"strings"
	"testing"
)

const unitFields = `id name level parent { id } ancestors { id name } version archived`

type unitOut struct {
	ID        string
	Name      string
	Level     string
	Parent    *struct{ ID string }
	Ancestors []struct{ ID, Name string }
	Version   int
	Archived  bool
}

func (tr *tree) getUnit(t *testing.T, id string) unitOut {
	t.Helper()
	var out struct{ Unit unitOut }
	tr.env.MustDo(t, `query($id: ID!) { unit(id: $id) { `+unitFields+` } }`, map[string]any{"id": id}, &out)
	return out.Unit
}

func ancestorIDs(u unitOut) []string {
	var ids []string
	for _, a := range u.Ancestors {
		ids = append(ids, a.ID)
	}
	return ids
}

func TestUnitTreeReads(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	u := tr.getUnit(t, tr.branchA)
	if u.Name != "Chi đoàn Văn phòng Tỉnh ủy" || u.Level != "BRANCH" || u.Parent == nil || u.Parent.ID != tr.bloc {
		t.Errorf("branch = %+v", u)
	}
	if got := ancestorIDs(u); !slices.Equal(got, []string{tr.province, tr.bloc}) {
		t.Errorf("breadcrumb = %v, want province then bloc", got)
	}

	var children struct {
		Unit struct {
			Children struct {
				TotalCount int
				Edges      []struct{ Node struct{ Name string } }
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { unit(id: $id) { children { totalCount edges { node { name } } } } }`,
		map[string]any{"id": tr.bloc}, &children)
	var names []string
	for _, e := range children.Unit.Children.Edges {
		names = append(names, e.Node.Name)
	}
	// Ordered by name without accents: "chi doan so..." before "chi doan van...".
	if !slices.Equal(names, []string{"Chi đoàn Sở Tài chính", "Chi đoàn Văn phòng Tỉnh ủy"}) || children.Unit.Children.TotalCount != 2 {
		t.Errorf("children = %v (total %d)", names, children.Unit.Children.TotalCount)
	}

	// Everything within the bloc: the bloc itself and its two branches, bloc first.
	var within struct {
		Units struct {
			TotalCount int
			Edges      []struct{ Node struct{ Level string } }
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { units(filter: {withinUnitId: $id}) { totalCount edges { node { level } } } }`,
		map[string]any{"id": tr.bloc}, &within)
	if within.Units.TotalCount != 3 || within.Units.Edges[0].Node.Level != "BLOC" {
		t.Errorf("within bloc = %+v", within.Units)
	}

	// Accent-free search over names.
	var found struct {
		Units struct {
			Edges []struct{ Node struct{ Name string } }
		}
	}
	tr.env.MustDo(t, `{ units(filter: {search: "bac ai"}) { edges { node { name } } } }`, nil, &found)
	if len(found.Units.Edges) != 1 || found.Units.Edges[0].Node.Name != "Huyện đoàn Bác Ái" {
		t.Errorf("search bac ai = %+v", found.Units.Edges)
	}
}

// Moving a unit carries its whole subtree: breadcrumbs of everything below
// follow, and subtree queries see the new shape.
func TestUnitMoveKeepsSubtree(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	grassroots := tr.unit(t, &tr.bloc, "GRASSROOTS", "Đoàn cơ sở Công ty Điện lực")
	leaf := tr.unit(t, &grassroots, "BRANCH", "Chi đoàn Phòng Kỹ thuật")

	var out struct{ Unit struct{ Version int } }
	tr.env.MustMutate(t, "unitMove", "UnitMoveInput", "unit { version }",
		map[string]any{"id": grassroots, "version": tr.version(t, grassroots), "parentId": tr.district}, &out)

	if got := ancestorIDs(tr.getUnit(t, leaf)); !slices.Equal(got, []string{tr.province, tr.district, grassroots}) {
		t.Errorf("leaf breadcrumb after move = %v", got)
	}
	for _, subtree := range []struct{ name, id string }{
		{"bloc subtree after moving its grassroots union away", tr.bloc},
		{"district subtree after the move", tr.district},
	} {
		var within struct{ Units struct{ TotalCount int } }
		tr.env.MustDo(t, `query($id: ID!) { units(filter: {withinUnitId: $id}) { totalCount } }`, map[string]any{"id": subtree.id}, &within)
		if within.Units.TotalCount != 3 {
			t.Errorf("%s: %d units, want 3", subtree.name, within.Units.TotalCount)
		}
	}
}

// Every refused unit write names the field, says why, and changes nothing.
func TestUnitWritesRefused(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	grassroots := tr.unit(t, &tr.bloc, "GRASSROOTS", "Đoàn cơ sở Trường Cao đẳng")
	child := tr.unit(t, &grassroots, "BRANCH", "Chi đoàn K45")
	tr.member(t, tr.branchA, "Trần Văn Bình", nil)

	tests := []struct {
		name, mutation, inputType string
		input                     func() map[string]any
		want                      []string
	}{
		{"blank name", "unitCreate", "UnitCreateInput",
			func() map[string]any { return map[string]any{"parentId": tr.bloc, "level": "BRANCH", "name": "   "} },
			[]string{"input.name:REQUIRED"}},
		{"name too long", "unitCreate", "UnitCreateInput",
			func() map[string]any {
				return map[string]any{"parentId": tr.bloc, "level": "BRANCH", "name": strings.Repeat("Đ", 301)}
			},
			[]string{"input.name:TOO_LONG"}},
		{"branch without parent", "unitCreate", "UnitCreateInput",
			func() map[string]any { return map[string]any{"level": "BRANCH", "name": "Chi đoàn mồ côi"} },
			[]string{"input.parentId:REQUIRED"}},
		{"province under a branch", "unitCreate", "UnitCreateInput",
			func() map[string]any {
				return map[string]any{"parentId": tr.branchA, "level": "PROVINCE", "name": "Tỉnh đoàn ngược"}
			},
			[]string{"input.parentId:NOT_ALLOWED"}},
		{"unknown parent", "unitCreate", "UnitCreateInput",
			func() map[string]any {
				return map[string]any{"parentId": "VW5pdDo5OTk5OQ", "level": "BRANCH", "name": "Chi đoàn X"}
			},
			[]string{"input.parentId:NOT_FOUND"}},
		{"malformed parent", "unitCreate", "UnitCreateInput",
			func() map[string]any {
				return map[string]any{"parentId": "%%%", "level": "BRANCH", "name": "Chi đoàn X"}
			},
			[]string{"input.parentId:NOT_FOUND"}},
		{"member ID as parent", "unitCreate", "UnitCreateInput",
			func() map[string]any {
				return map[string]any{"parentId": "TWVtYmVyOjE", "level": "BRANCH", "name": "Chi đoàn X"}
			},
			[]string{"input.parentId:NOT_FOUND"}},
		{"move under own child", "unitMove", "UnitMoveInput",
			func() map[string]any {
				return map[string]any{"id": grassroots, "version": tr.version(t, grassroots), "parentId": child}
			},
			[]string{"input.parentId:NOT_ALLOWED"}},
		{"move with stale version", "unitMove", "UnitMoveInput",
			func() map[string]any {
				return map[string]any{"id": grassroots, "version": tr.version(t, grassroots) + 7, "parentId": tr.district}
			},
			[]string{"input.version:CONFLICT"}},
		{"level below its child", "unitUpdate", "UnitUpdateInput",
			func() map[string]any {
				return map[string]any{"id": grassroots, "version": tr.version(t, grassroots), "level": "BRANCH"}
			},
			[]string{"input.level:NOT_ALLOWED"}},
		{"archive a unit with open children", "unitArchive", "UnitArchiveInput",
			func() map[string]any { return map[string]any{"id": tr.bloc, "version": tr.version(t, tr.bloc)} },
			[]string{"input.id:NOT_ALLOWED"}},
		{"archive a branch with active members", "unitArchive", "UnitArchiveInput",
			func() map[string]any { return map[string]any{"id": tr.branchA, "version": tr.version(t, tr.branchA)} },
			[]string{"input.id:NOT_ALLOWED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := tr.snapshot(t)
			ue := tr.env.Mutate(t, tt.mutation, tt.inputType, "unit { id }", tt.input(), nil)
			if got := codes(ue); !slices.Equal(got, tt.want) {
				t.Errorf("userErrors = %v (%+v), want %v", got, ue, tt.want)
			}
			for _, e := range ue {
				if e.Message == "" {
					t.Errorf("empty message for %v", e.Field)
				}
			}
			if after := tr.snapshot(t); after != before {
				t.Errorf("refused write changed the units:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// snapshot is every unit row as text, to show a refused write changed nothing.
func (tr *tree) snapshot(t *testing.T) string {
	t.Helper()
	var s string
	if err := tr.env.Pool.QueryRow(t.Context(), `SELECT coalesce(string_agg(u::text, '|' ORDER BY id), '') FROM units u`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUnitUpdateAndArchive(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var out struct {
		Unit struct {
			Name      string
			ShortName *string
			Address   *string
			Version   int
			Archived  bool
		}
	}
	v := tr.version(t, tr.branchB)
	tr.env.MustMutate(t, "unitUpdate", "UnitUpdateInput", "unit { name shortName address version archived }",
		map[string]any{"id": tr.branchB, "version": v, "shortName": "CĐ Sở TC", "address": "450 Thống Nhất, Phan Rang"}, &out)
	if out.Unit.Name != "Chi đoàn Sở Tài chính" || out.Unit.ShortName == nil || *out.Unit.ShortName != "CĐ Sở TC" || out.Unit.Version != v+1 {
		t.Errorf("after update: %+v", out.Unit)
	}
	// An explicit null clears an optional field; a field left out is kept.
	tr.env.MustMutate(t, "unitUpdate", "UnitUpdateInput", "unit { name shortName address version archived }",
		map[string]any{"id": tr.branchB, "version": v + 1, "address": nil}, &out)
	if out.Unit.Address != nil || out.Unit.ShortName == nil {
		t.Errorf("null should clear address and keep short name: %+v", out.Unit)
	}
	tr.env.MustMutate(t, "unitArchive", "UnitArchiveInput", "unit { name shortName address version archived }",
		map[string]any{"id": tr.branchB, "version": v + 2}, &out)
	if !out.Unit.Archived {
		t.Error("not archived")
	}
	var kids struct {
		Unit struct{ Children struct{ TotalCount int } }
	}
	tr.env.MustDo(t, `query($id: ID!) { unit(id: $id) { children { totalCount } } }`, map[string]any{"id": tr.bloc}, &kids)
	if kids.Unit.Children.TotalCount != 1 {
		t.Errorf("archived branch still listed among children: %d", kids.Unit.Children.TotalCount)
	}
	// A member cannot join an archived branch.
	ue := tr.env.Mutate(t, "memberCreate", "MemberCreateInput", "member { id }", map[string]any{
		"unitId": tr.branchB, "fullName": "Lê Thị Cẩm", "gender": "FEMALE", "birthDate": "2000-01-01", "joinedOn": "2016-05-01",
	}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.unitId:NOT_ALLOWED"}) {
		t.Errorf("member into archived branch: %v", got)
	}
}
