package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// Arguments outside what the API accepts are refused with a code and the
// argument named, and nothing is counted or written.
func TestBadQueryArguments(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	draft := tr.post(t, tr.branchA, "Bản nháp", "Chưa đăng")
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
		{"visit to a draft", `mutation($id: ID!) { visitRecord(input: {path: "/", postId: $id}) { __typename } }`, "NOT_FOUND", "", map[string]any{"id": draft}, false},
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

// Values no check of the API's own used to catch reached gqlgen's scalars
// or PostgreSQL and came back INTERNAL. Each is now refused with a code
// and the argument named, and the server logs nothing as its error.
func TestHostileValuesAreRefused(t *testing.T) {
	t.Parallel()
	w := newWalkWorld(t)
	nulCursor := cursor(`["a\u0000b", 1]`)
	for _, tt := range []struct {
		name, query string
		vars        map[string]any
		code        string
		field       string // extensions.field joined with dots; "" for none
	}{
		{"first past Int32 in the text", `{ units(first: 2147483648) { totalCount } }`, nil, "BAD_USER_INPUT", "first"},
		{"first past Int32 in variables", `query($f: Int) { units(first: $f) { totalCount } }`, map[string]any{"f": int64(2147483648)}, "BAD_USER_INPUT", "first"},
		{"first below Int32", `query($f: Int) { activities(first: $f) { totalCount } }`, map[string]any{"f": int64(-2147483649)}, "BAD_USER_INPUT", "first"},
		{"NUL in a search, variables", `query($s: String) { units(filter: {search: $s}) { totalCount } }`, map[string]any{"s": "a\x00b"}, "BAD_USER_INPUT", "filter.search"},
		{"NUL in a search, text", `{ members(filter: {search: "a\u0000b"}) { totalCount } }`, nil, "BAD_USER_INPUT", "filter.search"},
		{"NUL in a slug", `{ post(slug: "tin\u0000") { title } }`, nil, "BAD_USER_INPUT", "slug"},
		{"NUL in an ID", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": "VW5pdDox\x00"}, "BAD_USER_INPUT", "id"},
		{"NUL in a list of IDs", `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": []any{"VW5pdDox", "\x00"}}, "BAD_USER_INPUT", "ids.1"},
		{"NUL in an idempotency key", `mutation($in: UnitCreateInput!) { unitCreate(input: $in) { userErrors { code } } }`,
			map[string]any{"in": map[string]any{"level": "PROVINCE", "name": "Tỉnh đoàn Thử", "idempotencyKey": "k\x00"}}, "BAD_USER_INPUT", "input.idempotencyKey"},
		{"NUL in a cursor", `query($a: String) { activities(after: $a) { totalCount } }`, map[string]any{"a": nulCursor}, "BAD_USER_INPUT", "after"},
		{"activities in year 2147483647", `{ activities(filter: {year: 2147483647}) { totalCount } }`, nil, "BAD_USER_INPUT", "filter.year"},
		{"campaigns in year -1", `{ campaigns(filter: {year: -1}) { totalCount } }`, nil, "BAD_USER_INPUT", "filter.year"},
		{"commendations in year 0", `{ commendations(filter: {year: 0}) { totalCount } }`, nil, "BAD_USER_INPUT", "filter.year"},
		{"pledges in year 99999", `{ pledges(year: 99999) { totalCount } }`, nil, "BAD_USER_INPUT", "year"},
		{"a member's hours in year 2147483647", `{ members(first: 1) { edges { node { volunteerHours(year: 2147483647) } } } }`, nil, "BAD_USER_INPUT", "year"},
		{"a member's activities in year -1", `{ members(first: 1) { edges { node { participations(year: -1) { totalCount } } } } }`, nil, "BAD_USER_INPUT", "year"},
		{"enum in lower case inside a list", `query($f: UnitFilter) { units(filter: $f) { totalCount } }`,
			map[string]any{"f": map[string]any{"levels": []any{"BRANCH", "branch"}}}, "GRAPHQL_VALIDATION_FAILED", ""},
		{"enum in lower case in a mutation's list", `mutation($in: MembersRateInput!) { membersRate(input: $in) { userErrors { code } } }`,
			map[string]any{"in": map[string]any{"year": 2022, "ratings": []any{map[string]any{"memberId": w.ids["Member"], "level": "good"}}}}, "GRAPHQL_VALIDATION_FAILED", ""},
	} {
		resp := w.send(t, w.as(t, "admin"), tt.name, tt.query, tt.vars)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != tt.code || fieldOf(resp.Errors[0].Extensions) != tt.field {
			t.Errorf("%s: want %s on %q, got %s %+v", tt.name, tt.code, tt.field, resp.Data, resp.Errors)
		}
	}
	// Bytes that are not UTF-8 can reach a literal only through GET (a
	// JSON body's decoding replaces them).
	rec := w.env.Anonymous().Raw(http.MethodGet, `/graphql?query=%7B+units(filter:+%7Bsearch:+%22%FF%FE%22%7D)+%7B+totalCount+%7D+%7D`, "", "")
	if !strings.Contains(rec.Body.String(), `"BAD_USER_INPUT"`) || !strings.Contains(rec.Body.String(), `"field":["filter","search"]`) {
		t.Errorf("invalid UTF-8 in a literal: %d %s", rec.Code, rec.Body)
	}
	// Only spaces is no search at all, not a broken condition.
	for _, q := range []string{`{ posts(filter: {search: "   "}) { totalCount } }`, `{ units(filter: {search: " \t "}) { totalCount } }`} {
		if resp := w.send(t, w.env.Anonymous(), "blank search", q, nil); len(resp.Errors) > 0 {
			t.Errorf("%s: %+v", q, resp.Errors)
		}
	}
	w.noErrorLogs(t)
}

func fieldOf(ext map[string]any) string {
	f, _ := ext["field"].([]any)
	parts := make([]string, len(f))
	for i, p := range f {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// A User-Agent that is not UTF-8, or long enough to be cut inside a
// character, is stored cleaned with the session instead of failing the
// sign-in.
func TestOddUserAgentSignsIn(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.Account(t, "ua.test", nil, nil)
	for _, ua := range []string{"Mozilla \xff\xfe", "a" + strings.Repeat("ế", 150)} {
		body, _ := json.Marshal(map[string]any{
			"query":     `mutation($p: String!) { login(input: {login: "ua.test", password: $p}) { token userErrors { code } } }`,
			"variables": map[string]any{"p": apitest.TestPassword}})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", ua)
		rec := httptest.NewRecorder()
		env.Handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"token":"`) {
			t.Errorf("user agent %q: %d %s", ua, rec.Code, rec.Body)
		}
	}
}

// Two officers saving a unit's plan for a year at the same moment each get
// their save; the later replaces the earlier, and neither fails.
func TestConcurrentPlanSaves(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := tr.env.Do(t, `mutation($in: PlanSetInput!) { planSet(input: $in) { userErrors { code } } }`, map[string]any{"in": map[string]any{
				"unitId": tr.branchA, "year": 2023, "targets": []any{map[string]any{"metric": "ADMISSIONS", "target": i + 1}}}})
			if len(resp.Errors) > 0 {
				errs <- fmt.Sprint(resp.Errors)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("%s\nlog: %s", e, lastLines(tr.env.Logs(), 3))
	}
	if n := tr.env.Count(t, "plan_targets"); n != 1 {
		t.Errorf("%d targets after the saves, want the last save's one", n)
	}
}
