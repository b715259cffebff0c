package metrics

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sodoan/sodoan/internal/db"
)

// BenchmarkInstrumentation is what metrics add to one GraphQL request on
// their own, without the rest of the handler's noise: the HTTP wrapper
// and the operation's count and timing.
func BenchmarkInstrumentation(b *testing.B) {
	m := New("bench")
	h := m.HTTP(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Pattern = "/graphql" // as the mux would
		w.WriteHeader(http.StatusOK)
	}))
	ext := m.GraphQL().(graphql.OperationInterceptor)
	oc := &graphql.OperationContext{Operation: &ast.OperationDefinition{Name: "Ping", Operation: ast.Query}}
	resp := &graphql.Response{}
	req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	req = req.WithContext(db.WithStatementCounter(req.Context(), &db.StatementCounter{}))
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(w, req)
		ctx := graphql.WithOperationContext(graphql.StartOperationTrace(context.Background()), oc)
		rh := ext.InterceptOperation(ctx, func(context.Context) graphql.ResponseHandler {
			return func(context.Context) *graphql.Response { return resp }
		})
		rh(ctx)
	}
}
