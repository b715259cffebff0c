package tracing_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/testdb"
	"github.com/sodoan/sodoan/internal/tracing"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// traced is the real server with tracing on, as serve wires it, its spans
// kept in memory; requests are sent as an administrator.
func traced(t *testing.T) (*apitest.Env, *tracetest.InMemoryExporter) {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tr := tracing.NewWithProvider(tp)

	url := testdb.Migrated(t).Config().ConnString()
	pool, err := db.Open(context.Background(), url, db.PoolOptions{MaxConns: 4, Tracer: tr.SQL()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	e := apitest.NewOn(t, pool, func(o *httpserver.Options) {
		o.Instrument = httpserver.Instrumentation{
			Routed:  []func(http.Handler) http.Handler{tr.HTTP},
			GraphQL: []graphql.HandlerExtension{tr.GraphQL()},
		}
	})
	admin := e.Account(t, "admin", nil, nil)
	e.Grant(t, admin, account.Admin, nil)
	return e.As(e.Session(t, admin)), spans
}

const (
	callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736"
	callerSpan  = "00f067aa0ba902b7"
)

// One request carrying a W3C traceparent yields spans in the caller's
// trace: the HTTP request under the caller's span, the GraphQL operation
// under it (with name, type and complexity), and SQL statements below.
func TestRequestSpansJoinCallersTrace(t *testing.T) {
	t.Parallel()
	e, exported := traced(t)
	exported.Reset() // the setup's own statements
	resp := e.Do(t, `query Members { members(first: 5) { totalCount } }`, nil,
		"traceparent", "00-"+callerTrace+"-"+callerSpan+"-01")
	if len(resp.Errors) > 0 {
		t.Fatalf("members: %+v", resp.Errors)
	}
	if !strings.Contains(e.Logs(), `"trace_id":"`+callerTrace+`"`) {
		t.Errorf("the request's log lines do not name its trace:\n%s", e.Logs())
	}

	spans := exported.GetSpans()
	byID := map[trace.SpanID]tracetest.SpanStub{}
	for _, s := range spans {
		if s.SpanContext.TraceID().String() != callerTrace {
			t.Errorf("span %q in trace %s, not the caller's", s.Name, s.SpanContext.TraceID())
		}
		byID[s.SpanContext.SpanID()] = s
	}
	find := func(name string) tracetest.SpanStub {
		t.Helper()
		for _, s := range spans {
			if s.Name == name {
				return s
			}
		}
		t.Fatalf("no span %q among %s", name, names(spans))
		return tracetest.SpanStub{}
	}
	httpSpan := find("POST /graphql")
	if got := httpSpan.Parent.SpanID().String(); got != callerSpan || !httpSpan.Parent.IsRemote() {
		t.Errorf("HTTP span's parent is %s (remote %v), want the caller's %s", got, httpSpan.Parent.IsRemote(), callerSpan)
	}
	op := find("query Members")
	if op.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("operation span's parent is %s, want the HTTP span", op.Parent.SpanID())
	}
	attrs := map[string]string{}
	for _, a := range op.Attributes {
		attrs[string(a.Key)] = a.Value.String()
	}
	if attrs["graphql.operation.name"] != "Members" || attrs["graphql.operation.type"] != "query" || attrs["graphql.operation.complexity"] == "" {
		t.Errorf("operation span attributes: %v", attrs)
	}

	// Every SQL span descends from the HTTP span (the session lookup runs
	// before the operation), and the resolvers' ones from the operation.
	underOp := 0
	for _, s := range spans {
		if !isSQL(s) {
			continue
		}
		if !descends(byID, s, httpSpan.SpanContext.SpanID()) {
			t.Errorf("SQL span %q is outside the request's span", s.Name)
		}
		if descends(byID, s, op.SpanContext.SpanID()) {
			underOp++
		}
	}
	if underOp == 0 {
		t.Errorf("no SQL span under the operation; spans: %s", names(spans))
	}
}

// A request refused before it runs still gets its operation span, marked
// as an error with the code.
func TestRefusedOperationIsTraced(t *testing.T) {
	t.Parallel()
	e, exported := traced(t)
	exported.Reset()
	e.Do(t, `query Typo { membrs { totalCount } }`, nil)
	for _, s := range exported.GetSpans() {
		if s.Name != "graphql" {
			continue
		}
		if s.Status.Description != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("refused operation's status: %+v", s.Status)
		}
		return
	}
	t.Errorf("no span for the refused operation among %s", names(exported.GetSpans()))
}

func isSQL(s tracetest.SpanStub) bool {
	for _, a := range s.Attributes {
		if a.Key == "db.query.text" {
			return true
		}
	}
	return false
}

// descends reports whether s has ancestor among its parents in byID.
func descends(byID map[trace.SpanID]tracetest.SpanStub, s tracetest.SpanStub, ancestor trace.SpanID) bool {
	for p := s.Parent.SpanID(); p.IsValid(); {
		if p == ancestor {
			return true
		}
		parent, ok := byID[p]
		if !ok {
			return false
		}
		p = parent.Parent.SpanID()
	}
	return false
}

func names(spans tracetest.SpanStubs) string {
	var out []string
	for _, s := range spans {
		out = append(out, s.Name)
	}
	return strings.Join(out, ", ")
}

// BenchmarkRequest is what tracing on costs a request through the whole
// handler, spans batched to an exporter that drops them; tracing off
// installs nothing (see TestObservabilityOffAddsNothing).
func BenchmarkRequest(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	tr := tracing.NewWithProvider(tp)
	e := apitest.NewOn(b, testdb.Migrated(b), func(o *httpserver.Options) {
		o.Instrument = httpserver.Instrumentation{
			Routed:  []func(http.Handler) http.Handler{tr.HTTP},
			GraphQL: []graphql.HandlerExtension{tr.GraphQL()},
		}
	})
	const query = `query Ping { __typename }`
	e.Do(b, query, nil)
	b.ReportAllocs()
	for b.Loop() {
		if resp := e.Do(b, query, nil); len(resp.Errors) > 0 {
			b.Fatal(resp.Errors)
		}
	}
}
