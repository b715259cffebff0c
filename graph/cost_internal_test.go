package graph

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Prices follow the page rule (1 + first × child), a list by ids costs as
// many, and a selection on an interface costs what its dearest type does
// (fragments on other types do not run there), however fragments share
// the work.
func TestPriceOperation(t *testing.T) {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{}, Complexity: pagedComplexity()})
	for _, tt := range []struct {
		query string
		want  int
	}{
		{`{ units(first: 10) { totalCount } }`, 1 + 10*1},
		{`{ units { totalCount } }`, 1 + 20*1}, // the default page
		{`{ units(first: 10) { edges { node { name } } } }`, 1 + 10*3},
		{`{ nodes(ids: ["a", "b"]) { id } }`, 1 + 2*1},
		{`{ nodes(ids: ["a", "b"]) { ... on Unit { children(first: 10) { totalCount } } ... on Member { fullName } } }`, 1 + 2*(1+10*1)},
		{`{ nodes(ids: ["a", "b"]) { ...U ...M } } fragment U on Unit { children(first: 10) { totalCount } } fragment M on Member { fullName }`, 1 + 2*(1+10*1)},
		{`{ nodes(ids: ["a"]) { ...N } } fragment N on Node { id ...U } fragment U on Unit { name }`, 1 + 1*2},
		{`{ a: units(first: 3) { ...C } b: units(first: 3) { ...C } } fragment C on UnitConnection { totalCount }`, 2 * (1 + 3*1)},
		{`{ __schema { types { name fields { name } } } __typename }`, introspectionPrice + 1},
	} {
		doc, err := gqlparser.LoadQueryWithRules(es.Schema(), tt.query, nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.query, err)
		}
		got, gerr := priceOperation(context.Background(), es, doc, doc.Operations[0], nil)
		if gerr != nil || got != tt.want {
			t.Errorf("%s: price %d (%v), want %d", tt.query, got, gerr, tt.want)
		}
	}
}

func TestSaturatingArithmetic(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	for _, tt := range []struct{ got, want int }{
		{satAdd(maxInt, 1), maxInt}, {satAdd(maxInt-1, 1), maxInt}, {satAdd(-5, 3), 3}, {satAdd(2, 3), 5},
		{satMul(1<<62, 4), maxInt}, {satMul(maxInt, maxInt), maxInt}, {satMul(-1, 5), 0}, {satMul(6, 7), 42}, {satMul(0, maxInt), 0},
	} {
		if tt.got != tt.want {
			t.Errorf("got %d, want %d", tt.got, tt.want)
		}
	}
}

// A response with many errors, from anywhere, keeps 50 and says how many
// more there were.
func TestCapErrors(t *testing.T) {
	for _, n := range []int{3, 50, 51, 52, 500} {
		resp := capErrors(context.Background(), func(context.Context) *graphql.Response {
			r := &graphql.Response{}
			for i := range n {
				r.Errors = append(r.Errors, gqlerror.Errorf("lỗi %d", i))
			}
			return r
		})
		switch {
		case n <= 51 && len(resp.Errors) != n:
			t.Errorf("%d errors became %d", n, len(resp.Errors))
		case n > 51 && (len(resp.Errors) != 51 || resp.Errors[50].Extensions["code"] != "TOO_MANY_ERRORS" ||
			!strings.Contains(resp.Errors[50].Message, fmt.Sprint(n-50))):
			t.Errorf("%d errors: %d kept, the last %+v", n, len(resp.Errors), resp.Errors[len(resp.Errors)-1])
		}
	}
}

// Every check of the document stops when the request's deadline has
// passed, and says so.
func TestChecksStopAtTheDeadline(t *testing.T) {
	es := NewExecutableSchema(Config{Resolvers: &Resolver{}, Complexity: pagedComplexity()})
	doc, err := gqlparser.LoadQueryWithRules(es.Schema(), `{ units(first: 10) { edges { node { name } } } }`, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	oc := &graphql.OperationContext{Doc: doc}
	for name, err := range map[string]*gqlerror.Error{
		"selection limits": selectionLimits{MaxAliases: 30, MaxRepeats: 5, MaxDirectives: 10, MaxFields: 2000}.check(ctx, doc),
		"depth":            depthLimit{Max: 12, IntrospectionMax: 25}.MutateOperationContext(ctx, oc),
		"price":            (&costLimit{Max: 20000, es: es}).MutateOperationContext(ctx, oc),
	} {
		if err == nil || err.Extensions["code"] != "TIMEOUT" {
			t.Errorf("%s: %v", name, err)
		}
	}
}
