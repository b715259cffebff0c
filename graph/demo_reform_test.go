package graph_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/seed"
)

// The acceptance check of the 2025 reform on the demo: loaded as it stood
// before the reform, restructured through the API as the offices would
// (the province's officer for its communes and district, the administrator
// for the provinces and the blocs), every unit's 2022 report reads the same
// after as before.
func TestDemoReformThroughTheAPI(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	if _, err := seed.LoadWith(context.Background(), env.Pool, seed.Options{BeforeReform: true}); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	var units struct {
		Units struct {
			Edges []struct{ Node struct{ ID, Name string } }
		}
	}
	env.MustDo(t, `{ units(first: 100, filter: {includeArchived: true}) { edges { node { id name } } } }`, nil, &units)
	for _, e := range units.Units.Edges {
		ids[e.Node.Name] = e.Node.ID
	}
	// A post still held when its unit ended gets its last day from the
	// reform (30/6/2025): a fact learnt since, not a 2022 figure.
	selection := strings.Replace(wholeReport, "posts { title holderName from to }", "posts { title holderName from }", 1)
	if selection == wholeReport {
		t.Fatal("the report's posts selection changed: update this test")
	}
	reports := func() map[string]string {
		out := map[string]string{}
		for name, id := range ids {
			var data json.RawMessage
			env.MustDo(t, `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) { `+selection+` } }`,
				map[string]any{"u": id, "y": 2022}, &data)
			out[name] = string(data)
		}
		return out
	}
	before := reports()

	var login struct {
		Login struct{ Token string }
	}
	env.MustDo(t, `mutation { login(input: {login: "tinhdoan", password: "`+seed.DemoPassword+`"}) { token } }`, nil, &login)
	province := env.As(login.Login.Token)
	decide := func(e *apitest.Env, mutation, input string, in map[string]any, number string) {
		in["effectiveOn"], in["decisionNumber"] = "2025-07-01", number
		e.MustMutate(t, mutation, input, "change { id }", in, nil)
	}
	decide(province, "unitMerge", "UnitMergeInput", map[string]any{
		"unitIds": []string{ids["Đoàn xã Phước Đại"], ids["Đoàn xã Tà Lú"]},
		"newUnit": map[string]any{"parentId": ids["Tỉnh đoàn Ninh Thuận"], "name": seed.MergedCommune}}, seed.DecisionCommunes)
	decide(province, "unitDissolve", "UnitDissolveInput", map[string]any{"unitId": ids["Huyện đoàn Bác Ái"]}, seed.DecisionDistrict)
	decide(env, "unitMerge", "UnitMergeInput", map[string]any{"unitIds": []string{ids["Tỉnh đoàn Ninh Thuận"]},
		"intoUnitId": ids["Tỉnh đoàn Khánh Hòa"]}, seed.DecisionProvince)
	decide(env, "unitMerge", "UnitMergeInput", map[string]any{"unitIds": []string{ids["Đoàn khối các cơ quan tỉnh Khánh Hòa"]},
		"intoUnitId": ids["Đoàn khối Cơ quan – Doanh nghiệp tỉnh"]}, seed.DecisionBloc)

	after := reports()
	if len(before) < 15 {
		t.Fatalf("only %d units in the demo", len(before))
	}
	for name, report := range before {
		if after[name] != report {
			t.Errorf("%s's 2022 report changed with the reform:\nbefore %s\nafter  %s", name, report, after[name])
		}
	}

	// The tree of 2026 is the new one: Ninh Thuận's bloc and the merged
	// commune are Khánh Hòa's.
	var kh struct {
		Unit struct {
			AsOf struct{ Children []struct{ Name string } }
		}
	}
	env.MustDo(t, `query($u: ID!) { unit(id: $u) { asOf(date: "2026-12-31") { children { name } } } }`,
		map[string]any{"u": ids["Tỉnh đoàn Khánh Hòa"]}, &kh)
	var children []string
	for _, c := range kh.Unit.AsOf.Children {
		children = append(children, c.Name)
	}
	slices.Sort(children)
	want := []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Đoàn trường Đại học Nha Trang", seed.MergedCommune}
	slices.Sort(want)
	if !slices.Equal(children, want) {
		t.Errorf("Khánh Hòa's units in 2026: %v, want %v", children, want)
	}
}
