package graph_test

import (
	"fmt"
	"strings"
	"testing"
)

// Each limit refuses the operation before it runs and says which limit it
// was; a dashboard-sized query stays well inside them.
func TestExecutionLimits(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	deep := "{ unit(id: \"" + tr.branchA + "\") { " + strings.Repeat("parent { ", 12) + "name" + strings.Repeat(" }", 12) + " } }"
	var aliases strings.Builder
	aliases.WriteString("{ ")
	for i := range 2000 {
		fmt.Fprintf(&aliases, "a%d: __typename ", i)
	}
	aliases.WriteString("}")
	for _, tt := range []struct {
		name, query, code, says string
	}{
		{"pages within pages", `{ activities(first: 100) { edges { node { participants(first: 100) { edges { node {
			member { fullName commendations(first: 50) { totalCount } } } } } } } } }`, "COMPLEXITY_LIMIT_EXCEEDED", "complexity"},
		{"too deep", deep, "DEPTH_LIMIT_EXCEEDED", "levels deep"},
		{"too long", aliases.String(), "", "token limit"},
		{"page too big", `{ members(first: 101) { totalCount } }`, "BAD_USER_INPUT", "first"},
	} {
		resp := tr.env.Do(t, tt.query, nil)
		if len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, tt.says) ||
			(tt.code != "" && resp.Errors[0].Extensions["code"] != tt.code) {
			t.Errorf("%s: %+v", tt.name, resp.Errors)
		}
	}

	dashboard := `{ activities(first: 20) { totalCount edges { node { title unit { name } contributionTotal
		participants(first: 50) { totalCount edges { node { role member { fullName } } } } } } } }`
	if resp := tr.env.Do(t, dashboard, nil); len(resp.Errors) > 0 {
		t.Errorf("dashboard query refused: %+v", resp.Errors)
	}
}
