package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/lexer"

	"github.com/sodoan/sodoan/graph"
)

// hostileDocuments are the most expensive documents to check that fit the
// token limit, each with the code it must be refused with.
func hostileDocuments() map[string]struct{ doc, code string } {
	docs := map[string]struct{ doc, code string }{}
	// The deepest fragment chain that fits: each spreads the one before twice.
	docs["fragment chain"] = struct{ doc, code string }{fragmentBomb(450, "Query", "%s", "__typename"), "COMPLEXITY_LIMIT_EXCEEDED"}
	// The same through an interface, with fragments on its types, so each
	// fragment is priced per concrete type.
	var iface strings.Builder
	iface.WriteString(`query { nodes(ids: ["a"]) { ...N300 } } fragment N0 on Node { id ... on Unit { name } ... on Member { fullName } }` + "\n")
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&iface, "fragment N%d on Node { ...N%d ... on Unit { ...N%d } }\n", i, i-1, i-1)
	}
	docs["fragment chain on an interface"] = struct{ doc, code string }{iface.String(), "COMPLEXITY_LIMIT_EXCEEDED"}
	// Many fragments, each spread by every later one.
	var wide strings.Builder
	wide.WriteString("query { ...W60 }\nfragment W0 on Query { __typename }\n")
	for i := 1; i <= 60; i++ {
		fmt.Fprintf(&wide, "fragment W%d on Query {", i)
		for j := max(0, i-30); j < i; j++ {
			fmt.Fprintf(&wide, " ...W%d", j)
		}
		wide.WriteString(" }\n")
	}
	docs["fragments spreading all before them"] = struct{ doc, code string }{wide.String(), "COMPLEXITY_LIMIT_EXCEEDED"}
	// The same field many times under one response name, for the
	// validator's overlap check.
	docs["one field many times"] = struct{ doc, code string }{"{ " + strings.Repeat("serviceInfo { name } ", 800) + "}", "FIELD_REPEAT_LIMIT_EXCEEDED"}
	var directives strings.Builder
	for i := range 2400 {
		fmt.Fprintf(&directives, " @d%d", i)
	}
	docs["unknown directives"] = struct{ doc, code string }{"{ __typename" + directives.String() + " }", "DIRECTIVE_LIMIT_EXCEEDED"}
	var unknown strings.Builder
	for i := range 1200 {
		fmt.Fprintf(&unknown, " f%d @d%d", i, i)
	}
	docs["unknown fields and directives"] = struct{ doc, code string }{"{" + unknown.String() + " }", "GRAPHQL_VALIDATION_FAILED"}
	// Spreads of fragments that do not exist, and a ring of fragments
	// each spreading the next two: validation's rules take the square of
	// their number.
	docs["unknown fragment spreads"] = struct{ doc, code string }{"{" + numbered(" ...F%d", 2400) + " }", "GRAPHQL_VALIDATION_FAILED"}
	var ring strings.Builder
	ring.WriteString("{ ...F0 }")
	for i := range 450 {
		fmt.Fprintf(&ring, " fragment F%d on Query { ...F%d ...F%d }", i, (i+1)%450, (i+2)%450)
	}
	docs["ring of fragments"] = struct{ doc, code string }{ring.String(), "GRAPHQL_VALIDATION_FAILED"}
	// One field in many inline fragments, which the overlap check merges.
	docs["one field in many inline fragments"] = struct{ doc, code string }{"{" + strings.Repeat(" ... { __typename }", 1200) + " }", "FIELD_REPEAT_LIMIT_EXCEEDED"}
	return docs
}

func numbered(format string, n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, format, i)
	}
	return b.String()
}

// BenchmarkHostileDocuments measures how long the endpoint takes to refuse
// the worst documents within the token limit (each request a new document,
// so the parsed-query cache does not help). The target is under 5 ms each.
func BenchmarkHostileDocuments(b *testing.B) {
	h := graph.NewHandler(&graph.Resolver{}, graph.HandlerOptions{})
	for name, d := range hostileDocuments() {
		b.Run(name, func(b *testing.B) {
			tokens := countTokens(b, d.doc)
			if tokens > graph.DefaultLimits.Tokens {
				b.Fatalf("%d tokens, over the limit", tokens)
			}
			b.ReportMetric(float64(tokens), "tokens")
			i := 0
			for b.Loop() {
				i++
				body, _ := json.Marshal(map[string]any{"query": d.doc + fmt.Sprintf("\n# %d", i)})
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if i == 1 {
					checkRefused(b, rec.Body.Bytes(), d.code)
				}
			}
		})
	}
}

func countTokens(tb testing.TB, doc string) int {
	tb.Helper()
	n := 0
	lx := lexer.New(&ast.Source{Input: doc})
	for {
		tok, err := lx.ReadToken()
		if err != nil {
			tb.Fatal(err)
		}
		if tok.Kind == lexer.EOF {
			return n
		}
		n++
	}
}

func checkRefused(tb testing.TB, body []byte, code string) {
	tb.Helper()
	var resp struct {
		Errors []struct{ Extensions map[string]any }
	}
	if err := json.Unmarshal(body, &resp); err != nil || len(resp.Errors) == 0 {
		tb.Fatalf("not refused: %s", body)
	}
	if code != "" && resp.Errors[0].Extensions["code"] != code {
		tb.Fatalf("want %s: %.300s", code, body)
	}
}
