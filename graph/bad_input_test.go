package graph_test

import (
	"strings"
	"testing"
)

// Arguments outside what the API accepts are refused with a code and the
// argument named, and nothing is counted or written.
func TestBadQueryArguments(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var draft struct{ Post struct{ ID string } }
	tr.env.MustMutate(t, "postCreate", "PostCreateInput", "post { id }", map[string]any{"unitId": tr.branchA,
		"post": map[string]any{"title": "Bản nháp", "bodyMarkdown": "Chưa đăng"}}, &draft)
	long := strings.Repeat("a", 501)
	for _, tt := range []struct {
		name, query, code, says string
		vars                    map[string]any
		admin                   bool // the argument, not the caller, is at fault
	}{
		{"search page too big", `{ search(query: "doan", first: 51) { title } }`, "BAD_USER_INPUT", "first", nil, false},
		{"search page empty", `{ search(query: "doan", first: 0) { title } }`, "BAD_USER_INPUT", "first", nil, false},
		{"search text too long", `query($q: String!) { search(query: $q) { title } }`, "BAD_USER_INPUT", "200", map[string]any{"q": strings.Repeat("x", 201)}, false},
		{"most read page too big", `{ mostRead(first: 100) { title } }`, "BAD_USER_INPUT", "first", nil, false},
		{"post without id or slug", `{ post { title } }`, "BAD_USER_INPUT", "đường dẫn", nil, false},
		{"report year before the Union", `query($u: ID!) { yearlyReport(unitId: $u, year: 1900) { year } }`, "BAD_USER_INPUT", "1931", map[string]any{"u": tr.branchA}, true},
		{"report of a unit that does not exist", `{ yearlyReport(unitId: "VW5pdDo5OTk5OTk", year: 2022) { year } }`, "NOT_FOUND", "", nil, true},
		{"visit path too long", `mutation($p: String!) { visitRecord(input: {path: $p}) { __typename } }`, "BAD_USER_INPUT", "500", map[string]any{"p": long}, false},
		{"visit to a draft", `mutation($id: ID!) { visitRecord(input: {path: "/", postId: $id}) { __typename } }`, "NOT_FOUND", "", map[string]any{"id": draft.Post.ID}, false},
		{"visit to a unit's id", `mutation($id: ID!) { visitRecord(input: {path: "/", postId: $id}) { __typename } }`, "NOT_FOUND", "", map[string]any{"id": tr.branchA}, false},
	} {
		env := tr.env.Anonymous()
		if tt.admin {
			env = tr.env
		}
		resp := env.Do(t, tt.query, tt.vars)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != tt.code || !strings.Contains(resp.Errors[0].Message, tt.says) {
			t.Errorf("%s: %s %+v", tt.name, resp.Data, resp.Errors)
		}
	}
	if n := tr.env.Count(t, "site_visits"); n != 0 {
		t.Errorf("refused visits were counted: %d rows", n)
	}
}
