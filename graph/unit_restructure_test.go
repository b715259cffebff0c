package graph_test

import (
	"strings"
	"testing"
)

// A unit's own officer renames her unit but does not restructure it: its
// level and its parent are for the officers above it. Sending the level it
// already has is not a change and passes.
func TestOwnUnitIsNotRestructuredByItsOfficer(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	secretary := c.as("branch A secretary")
	update := `mutation($in: UnitUpdateInput!) { unitUpdate(input: $in) { unit { name level version } userErrors { field code } } }`

	resp := secretary.Do(t, update, map[string]any{"in": map[string]any{
		"id": c.branchA, "version": c.version(t, c.branchA), "name": "Chi đoàn Văn phòng Tỉnh ủy (mới)", "level": "BRANCH"}})
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"userErrors":[]`) {
		t.Fatalf("renaming her own unit: %s %+v", resp.Data, resp.Errors)
	}

	v := c.version(t, c.branchA)
	for _, in := range []map[string]any{
		{"id": c.branchA, "version": v, "level": "GRASSROOTS"},
		{"id": c.branchA, "version": v, "level": "GRASSROOTS", "name": "Đoàn cơ sở Văn phòng"},
	} {
		audit := c.env.Count(t, "audit_log")
		resp := secretary.Do(t, update, map[string]any{"in": in})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
			t.Errorf("changing her own unit's level %v: %s %+v", in, resp.Data, resp.Errors)
		}
		if c.version(t, c.branchA) != v || c.env.Count(t, "audit_log") != audit {
			t.Errorf("refused, but the unit changed")
		}
	}
	resp = secretary.Do(t, `mutation($in: UnitMoveInput!) { unitMove(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": c.branchA, "version": v, "parentId": c.district}})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" || c.version(t, c.branchA) != v {
		t.Errorf("moving her own unit: %s %+v", resp.Data, resp.Errors)
	}

	// The bloc above restructures it.
	resp = c.as("bloc officer").Do(t, update, map[string]any{"in": map[string]any{"id": c.branchB, "version": c.version(t, c.branchB), "level": "GRASSROOTS"}})
	if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"level":"GRASSROOTS"`) {
		t.Errorf("the bloc officer changing a branch's level: %s %+v", resp.Data, resp.Errors)
	}
	// The bloc's own officer does not restructure the bloc.
	resp = c.as("bloc officer").Do(t, update, map[string]any{"in": map[string]any{"id": c.bloc, "version": c.version(t, c.bloc), "level": "DISTRICT"}})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("the bloc officer changing the bloc's level: %s %+v", resp.Data, resp.Errors)
	}
}
