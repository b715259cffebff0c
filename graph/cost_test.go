package graph_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/apitest"
)

// fragmentBomb is a short document whose fragments each spread the one
// before twice, so it expands to 2^levels copies of leaf.
func fragmentBomb(levels int, on, root, leaf string) string {
	var doc strings.Builder
	fmt.Fprintf(&doc, "query { %s }\nfragment F0 on %s { %s }\n", fmt.Sprintf(root, fmt.Sprintf("...F%d", levels)), on, leaf)
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&doc, "fragment F%d on %s { ...F%d ...F%d }\n", i, on, i-1, i-1)
	}
	return doc.String()
}

// A document under 1 KB that expands to millions of fields is refused for
// its expansion, which is counted (like its price) without expanding it;
// and the checks stop at the request's deadline.
func TestFragmentExpansionIsBounded(t *testing.T) {
	t.Parallel()
	env := apitest.New(t).Anonymous()
	for _, doc := range []string{
		fragmentBomb(20, "Query", "%s", "serviceInfo { version name }"),
		fragmentBomb(40, "Query", "%s", "__typename"),
		fragmentBomb(30, "Unit", `units(first: 1) { edges { node { %s } } }`, "name"),
		fragmentBomb(30, "Node", `nodes(ids: ["a", "b"]) { %s }`, "id ... on Unit { name }"),
	} {
		resp := env.Do(t, doc, nil, "Accept-Language", "en")
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" ||
			!strings.Contains(resp.Errors[0].Message, "expands to") {
			t.Errorf("%d bytes: want the expansion refused, got %+v", len(doc), resp.Errors)
		}
	}

	late := apitest.New(t, apitest.WithRequestTimeout(time.Nanosecond)).Anonymous()
	resp := late.Do(t, fragmentBomb(20, "Query", "%s", "__typename"), nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "TIMEOUT" {
		t.Errorf("past the deadline: want TIMEOUT, got %+v", resp.Errors)
	}
}

// Prices saturate instead of wrapping round: pages of pages of huge
// `first`, padded with fields that are skipped, or many ids, are refused
// however the arithmetic would have wrapped, anonymous or not.
func TestPricesDoNotWrap(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.AnonymousBudget(20000),
		apitest.WithLimits(graph.Limits{Fields: math.MaxInt}))
	nested := func(first string, pad int) string {
		inner := "id "
		for _, f := range []string{"name", "shortName", "address", "archived", "version"}[:pad] {
			inner += f + " @skip(if: true) "
		}
		for range 2 {
			inner = "children(first: " + first + ") { edges { node { " + inner + " } } }"
		}
		return "{ units(first: 100) { edges { node { " + inner + " } } } }"
	}
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = strconv.Quote("id" + strconv.Itoa(i))
	}
	bomb := fragmentBomb(60, "Unit", `units(first: 100) { edges { node { %s } } }`, "name")
	cases := map[string]string{
		// 1 + 2^30 × (7 + (1 + (2^31-1) × 8)) = 1 + 2^64: priced 1 where
		// int wraps.
		"wraps to 1": `{ units(first: 1073741824) { edges { node {
			id @skip(if: true) name @skip(if: true) shortName @skip(if: true) address @skip(if: true) version @skip(if: true)
			children(first: 2147483647) { edges { node { children(first: 5) { totalCount } } } } } } } }`,
		"huge first":                nested("2147483647", 0),
		"huge first, padded":        nested("2147483647", 4),
		"huge first, padded more":   nested("65536", 5),
		"huge first, a little":      nested("16777216", 3),
		"nodes priced per id":       `{ nodes(ids: [` + strings.Join(ids, ",") + `]) { ... on Unit { children(first: 100) { edges { node { name } } } } } }`,
		"2^60 fragments in a page":  bomb,
		"pages of 2^60 fragments":   strings.Replace(bomb, "node { ...F60 }", "node { children(first: 100) { edges { node { ...F60 } } } }", 1),
		"first as a variable, huge": `query($n: Int = 2147483647) { units(first: $n) { edges { node { children(first: $n) { edges { node { children(first: $n) { totalCount } } } } } } } }`,
	}
	for name, doc := range cases {
		for _, who := range []*apitest.Env{env, env.Anonymous()} {
			resp := who.Do(t, doc, nil)
			if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
				t.Errorf("%s: want COMPLEXITY_LIMIT_EXCEEDED, got %d %+v (charged %s)", name, resp.Status, resp.Errors, resp.Header.Get("X-RateLimit-Used"))
				continue
			}
			if c, _ := resp.Errors[0].Extensions["complexity"].(float64); c < float64(graph.DefaultLimits.Complexity) {
				t.Errorf("%s: complexity %v", name, resp.Errors[0].Extensions["complexity"])
			}
		}
	}
	// What runs is priced by the same rule: a page of 10 costs 1 + 10 × child.
	resp := env.Anonymous().Do(t, `{ units(first: 10) { edges { node { name } } } }`, nil)
	if got := resp.Header.Get("X-RateLimit-Used"); len(resp.Errors) > 0 || got != "31" {
		t.Errorf("a page of 10 names: charged %s, want 1 + 10 × (1 + 1 + 1) = 31 (%+v)", got, resp.Errors)
	}
}

// The introspection queries every standard client sends succeed where
// introspection is on, cheaply, while introspection still has a depth
// bound of its own; where it is off, they are refused as a validation
// error with its own code.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	dev := apitest.New(t, apitest.AnonymousBudget(20000)).Anonymous()
	for name, q := range map[string]string{"default options": introspectionDefault, "every option": introspectionFull} {
		resp := dev.Do(t, q, nil)
		var data struct {
			Schema struct {
				QueryType struct{ Name string }
				Types     []struct{ Name string }
			} `json:"__schema"`
		}
		if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &data) != nil || data.Schema.QueryType.Name != "Query" || len(data.Schema.Types) < 20 {
			t.Errorf("%s: %d %+v", name, resp.Status, resp.Errors)
		}
		if used, _ := strconv.Atoi(resp.Header.Get("X-RateLimit-Used")); used < 1 || used > 20 {
			t.Errorf("%s: charged %d points", name, used)
		}
	}
	ofType := "{ __type(name: \"Unit\") { " + strings.Repeat("ofType { ", 30) + "name" + strings.Repeat(" }", 30) + " } }"
	if resp := dev.Do(t, ofType, nil); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "DEPTH_LIMIT_EXCEEDED" ||
		!strings.Contains(resp.Errors[0].Message, "introspection") {
		t.Errorf("introspection 32 levels deep: %+v", resp.Errors)
	}

	prod := apitest.New(t, apitest.Production).Anonymous()
	// Refused like any other validation error: the status follows the
	// media type the client accepts (GraphQL over HTTP), not the rule.
	invalid := prod.Do(t, `{ khongCoTruongNay }`, nil)
	for name, q := range map[string]string{
		"default options": introspectionDefault, "every option": introspectionFull,
		"through fragments": `query { ...A } fragment A on Query { ... on Query { s: __schema { queryType { name } } } }`,
	} {
		resp := prod.Do(t, q, nil, "Accept-Language", "en")
		if resp.Status != invalid.Status || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "INTROSPECTION_DISABLED" {
			t.Errorf("production, %s: %d %+v", name, resp.Status, resp.Errors)
		}
	}
	// __type is answered as for a type that does not exist: null, no error,
	// whatever the name, so it discloses nothing.
	for _, name := range []string{"Unit", "Member", "Query", "KhongCo"} {
		resp := prod.Do(t, `query T($name: String!) { __type(name: $name) { name fields { name } } }`, map[string]any{"name": name})
		if len(resp.Errors) > 0 || string(resp.Data) != `{"__type":null}` {
			t.Errorf("production, __type(%q): %s %+v", name, resp.Data, resp.Errors)
		}
	}
	if resp := prod.Do(t, `{ __typename serviceInfo { name } }`, nil); len(resp.Errors) > 0 {
		t.Errorf("__typename is not introspection: %+v", resp.Errors)
	}
}

// In production no validation error suggests a name the caller did not
// write, for any kind of name.
func TestNoSuggestionsInProduction(t *testing.T) {
	t.Parallel()
	prod := apitest.New(t, apitest.Production)
	dev := apitest.New(t)
	for _, tt := range []struct{ kind, query, suggested string }{
		{"field", `{ serviceInfo { verison } }`, `"version"`},
		{"field on a union or interface", `{ node(id: "x") { nam } }`, `"Unit"`},
		{"argument", `{ units(frist: 5) { totalCount } }`, `"first"`},
		{"type in a type condition", `{ node(id: "x") { ... on Unti { name } } }`, `"Unit"`},
		{"type in a fragment", `query { node(id: "x") { ...F } } fragment F on Unti { name }`, `"Unit"`},
		{"variable type", `query($f: MemberFiltr) { members(filter: $f) { totalCount } }`, `"MemberFilter"`},
		{"enum value", `{ units(filter: {levels: [PROVINCEE]}) { totalCount } }`, `"PROVINCE"`},
		{"input field", `{ members(filter: {serch: "An"}) { totalCount } }`, `"search"`},
		{"directive", `{ serviceInfo @skipp(if: true) { name } }`, `"skip"`},
		{"leaf selection", `{ serviceInfo }`, `{ ... }`},
	} {
		resp := prod.Do(t, tt.query, nil, "Accept-Language", "en")
		if len(resp.Errors) == 0 {
			t.Errorf("%s: not refused", tt.kind)
		}
		for _, e := range resp.Errors {
			if strings.Contains(e.Message, "Did you mean") || strings.Contains(e.Message, tt.suggested) {
				t.Errorf("%s: production suggests: %s", tt.kind, e.Message)
			}
		}
		if resp := dev.Do(t, tt.query, nil); len(resp.Errors) == 0 {
			t.Errorf("%s: development accepted it", tt.kind)
		}
	}
}

// Validation stops reporting after 50 errors and says there were more
// (capErrors's own test covers execution's).
func TestErrorsPerResponseAreCapped(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.Production).Anonymous()
	var directives, fields strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&directives, " @d%d", i)
	}
	for i := range 1000 {
		fmt.Fprintf(&fields, " f%d @d%d", i, i)
	}
	if resp := env.Do(t, `{ __typename`+directives.String()+` }`, nil); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "DIRECTIVE_LIMIT_EXCEEDED" {
		t.Errorf("2,000 directives on one field: %d errors, the first %+v", len(resp.Errors), resp.Errors[0])
	}
	for name, q := range map[string]string{
		"1,000 unknown fields with unknown directives": `{` + fields.String() + ` }`,
		"2,000 unknown fields":                         `{ ` + strings.ReplaceAll(directives.String(), "@", "") + ` }`,
	} {
		resp := env.Do(t, q, nil, "Accept-Language", "en")
		if len(resp.Errors) != 51 || !strings.Contains(resp.Errors[50].Message, "dropped") {
			last := ""
			if len(resp.Errors) > 0 {
				last = resp.Errors[len(resp.Errors)-1].Message
			}
			t.Errorf("%s: %d errors, the last %q", name, len(resp.Errors), last)
		}
	}
}

// A persisted query sent by its hash alone is checked like one sent in
// full.
func TestPersistedQueriesAreChecked(t *testing.T) {
	t.Parallel()
	env := apitest.New(t).Anonymous()
	send := func(query string, withText bool) apitest.Response {
		body := map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha256Hex(query)}}}
		if withText {
			body["query"] = query
		}
		raw, _ := json.Marshal(body)
		rec := env.Raw(http.MethodPost, "/graphql", "application/json", string(raw))
		var resp apitest.Response
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
		return resp
	}
	ok := `{ serviceInfo { name } }`
	if resp := send(ok, true); len(resp.Errors) > 0 {
		t.Fatalf("registering: %+v", resp.Errors)
	}
	if resp := send(ok, false); len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "Sổ Đoàn") {
		t.Errorf("by hash: %s %+v", resp.Data, resp.Errors)
	}
	repeats := `{ serviceInfo { name name name name name name } }`
	for _, withText := range []bool{true, false} {
		if resp := send(repeats, withText); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FIELD_REPEAT_LIMIT_EXCEEDED" {
			t.Errorf("repeats (text sent %t): %+v", withText, resp.Errors)
		}
	}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// A long chain of fragments that adds no depth is as deep as its fields.
func TestFragmentChainDepth(t *testing.T) {
	t.Parallel()
	env := apitest.New(t).Anonymous()
	var doc strings.Builder
	doc.WriteString("query { ...C150 }\nfragment C0 on Query { serviceInfo { name } }\n")
	for i := 1; i <= 150; i++ {
		fmt.Fprintf(&doc, "fragment C%d on Query { ...C%d }\n", i, i-1)
	}
	if resp := env.Do(t, doc.String(), nil); len(resp.Errors) > 0 {
		t.Errorf("150 fragments, 2 levels deep: %+v", resp.Errors)
	}
}
