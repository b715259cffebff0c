package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// Any document with any variables, sent by a signed-in administrator (who
// may call every mutation), gets a JSON answer that is data or errors the
// caller can act on: never a server fault, a crash or internal text.
func FuzzGraphQLRequest(f *testing.F) {
	env := apitest.New(f)
	seeds := []struct{ query, vars string }{
		{`{ __typename }`, `{}`},
		{`query($f: Int) { units(first: $f) { totalCount edges { cursor node { id name level children(first: 2) { totalCount } } } } }`, `{"f": 5}`},
		{`query($id: ID!) { node(id: $id) { id ... on Member { fullName } } }`, `{"id": "TWVtYmVyOjE"}`},
		{`query($a: String) { members(first: 3, after: $a) { pageInfo { hasNextPage endCursor } } }`, `{"a": "W10"}`},
		{`mutation($in: UnitCreateInput!) { unitCreate(input: $in) { unit { id path } userErrors { field code } } }`,
			`{"in": {"level": "PROVINCE", "name": "Tỉnh đoàn Ninh Thuận", "idempotencyKey": "k"}}`},
		{`mutation($in: MemberCreateInput!) { memberCreate(input: $in) { userErrors { field code } } }`,
			`{"in": {"unitId": "VW5pdDox", "fullName": "A", "gender": "MALE", "birthDate": "2001-02-30", "joinedOn": "x"}}`},
		{`query($y: Int!) { yearlyReport(unitId: "VW5pdDox", year: $y) { membersAtEnd } }`, `{"y": 99999}`},
		{`{ search(query: "tình nguyện", first: 5) { totalCount } }`, `{}`},
		{`query { ...F } fragment F on Query { serviceInfo { version } }`, `null`},
		{`{ activities(filter: {year: 2022, from: "2022-01-01"}) { edges { node { contributionTotal } } } }`, `[]`},
	}
	for _, s := range seeds {
		f.Add(s.query, s.vars)
	}
	f.Fuzz(func(t *testing.T, query, vars string) {
		body := map[string]any{"query": query}
		var v map[string]any
		if json.Unmarshal([]byte(vars), &v) == nil {
			body["variables"] = v
		}
		raw, _ := json.Marshal(body)
		rec := env.Raw(http.MethodPost, "/graphql", "application/json", string(raw))
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q %s: %s", rec.Code, query, vars, rec.Body)
		}
		var resp apitest.Response
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || (resp.Data == nil && len(resp.Errors) == 0) {
			t.Fatalf("not a GraphQL answer (%d): %s", rec.Code, rec.Body)
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == "INTERNAL" {
				t.Fatalf("INTERNAL for %q %s: %s\nlog:\n%s", query, vars, rec.Body, lastLines(env.Logs(), 5))
			}
		}
		for _, leak := range []string{"SQLSTATE", "pgx", "runtime error", "goroutine ", ".go:"} {
			if strings.Contains(rec.Body.String(), leak) {
				t.Fatalf("answer leaks %q: %s", leak, rec.Body)
			}
		}
	})
}

// Any bytes posted as the body get a JSON error or answer, never a fault or
// Go's decoding messages.
func FuzzRawBody(f *testing.F) {
	env := apitest.New(f)
	for _, s := range []string{`{"query":"{ __typename }"}`, `[{"query":"{ __typename }"}]`, `{"query": 5}`, `{"query":"{`,
		`{"query":"query($x: Int) { units(first: $x) { totalCount } }","variables":{"x":"a"}}`, "\x00", `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"00"}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		rec := env.Raw(http.MethodPost, "/graphql", "application/json", body)
		var resp apitest.Response
		if rec.Code >= 500 || json.Unmarshal(rec.Body.Bytes(), &resp) != nil || (resp.Data == nil && len(resp.Errors) == 0) {
			t.Fatalf("body %q: %d %s", body, rec.Code, rec.Body)
		}
		for _, e := range resp.Errors {
			if e.Extensions["code"] == "INTERNAL" {
				t.Fatalf("INTERNAL for body %q: %s", body, rec.Body)
			}
		}
		for _, leak := range []string{"json:", "unmarshal", "SQLSTATE", ".go:"} {
			if strings.Contains(rec.Body.String(), leak) {
				t.Fatalf("answer leaks %q: %s", leak, rec.Body)
			}
		}
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
