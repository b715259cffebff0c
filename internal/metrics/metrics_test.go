package metrics_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/metrics"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// instrumented is the real server with metrics on, as serve wires it, and
// an anonymous budget of anonymousPoints a minute.
func instrumented(t *testing.T, anonymousPoints int) (*apitest.Env, *metrics.Metrics) {
	t.Helper()
	return instrumentedWith(t, func(m *metrics.Metrics) graph.RateLimits {
		return graph.RateLimits{
			Anonymous: ratelimit.New(anonymousPoints, ratelimit.OnRefuse(m.Refused(metrics.RefusedAnonymous))),
		}
	})
}

// instrumentedWith is instrumented with the rate limits limits gives, each
// counting its refusals in m as serve wires them.
func instrumentedWith(t *testing.T, limits func(m *metrics.Metrics) graph.RateLimits) (*apitest.Env, *metrics.Metrics) {
	t.Helper()
	m := metrics.New("test")
	e := apitest.New(t, func(o *httpserver.Options) {
		o.Instrument = httpserver.Instrumentation{
			Routed:  []func(http.Handler) http.Handler{m.HTTP},
			GraphQL: []graphql.HandlerExtension{m.GraphQL()},
		}
		o.RateLimits = limits(m)
	})
	if err := m.Register(metrics.NewPoolCollector(e.Pool)); err != nil {
		t.Fatal(err)
	}
	return e, m
}

// scrape reads the metrics endpoint as Prometheus would.
func scrape(t *testing.T, m *metrics.Metrics) map[string]*dto.MetricFamily {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("scrape is not Prometheus text: %v", err)
	}
	return fams
}

// sample finds the series of name with exactly labels, if any.
func sample(fams map[string]*dto.MetricFamily, name string, labels map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.Metric {
		if len(m.Label) != len(labels) {
			continue
		}
		for _, l := range m.Label {
			if labels[l.GetName()] != l.GetValue() {
				continue next
			}
		}
		return m
	}
	return nil
}

func counter(fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	if m := sample(fams, name, labels); m != nil {
		return m.GetCounter().GetValue()
	}
	return 0
}

// Real requests through the real handler show up in the scrape: an
// answered query, one refused for bad input, one refused by validation,
// rate-limit refusals, the statements each request sent, the pool and
// the runtime.
func TestScrapeAfterRequests(t *testing.T) {
	t.Parallel()
	e, m := instrumented(t, 3)

	if resp := e.Do(t, `query Members { members { totalCount } }`, nil); len(resp.Errors) > 0 {
		t.Fatalf("members: %+v", resp.Errors)
	}
	if resp := e.Do(t, `query Search { search(query: "doan", first: 51) { title } }`, nil); len(resp.Errors) == 0 ||
		resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Fatalf("search past its page size: %+v", resp.Errors)
	}
	if resp := e.Do(t, `query Typo { membrs { totalCount } }`, nil); len(resp.Errors) == 0 {
		t.Fatal("a query of a field that does not exist was answered")
	}
	anonymous := e.Anonymous()
	refused := 0
	for range 5 {
		resp := anonymous.Do(t, `query Info { serviceInfo { version } }`, nil)
		if resp.Status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused == 0 {
		t.Fatal("5 anonymous requests on a budget of 3 points were all answered")
	}

	fams := scrape(t, m)
	ops := "sodoan_graphql_operations_total"
	for _, tt := range []struct {
		labels map[string]string
		want   float64
	}{
		{map[string]string{"operation": "Members", "type": "query", "outcome": "ok"}, 1},
		{map[string]string{"operation": "Search", "type": "query", "outcome": "BAD_USER_INPUT"}, 1},
		// Refused by validation: the document is not understood, and its
		// name gets no series of its own.
		{map[string]string{"operation": "unknown", "type": "unknown", "outcome": "GRAPHQL_VALIDATION_FAILED"}, 1},
		{map[string]string{"operation": "Info", "type": "query", "outcome": "ok"}, float64(5 - refused)},
	} {
		if got := counter(fams, ops, tt.labels); got != tt.want {
			t.Errorf("%s%v = %v, want %v", ops, tt.labels, got, tt.want)
		}
	}
	// Refused before parsing (nothing known but the outcome) or after
	// (the complexity charge), depending on what the budget had left.
	limited := 0.0
	for _, s := range fams[ops].Metric {
		for _, l := range s.Label {
			if l.GetName() == "outcome" && l.GetValue() == "RATE_LIMITED" {
				limited += s.GetCounter().GetValue()
			}
		}
	}
	if limited != float64(refused) {
		t.Errorf("RATE_LIMITED operations = %v, want %d", limited, refused)
	}
	if got := counter(fams, "sodoan_rate_limit_refusals_total", map[string]string{"kind": "anonymous"}); got != float64(refused) {
		t.Errorf("anonymous refusals = %v, want %d", got, refused)
	}
	if got := counter(fams, "sodoan_http_requests_total", map[string]string{"route": "/graphql", "status": "429"}); got != float64(refused) {
		t.Errorf("429 answers = %v, want %d", got, refused)
	}
	if got := counter(fams, "sodoan_http_requests_total", map[string]string{"route": "/graphql", "status": "200"}); got < 2 {
		t.Errorf("200 answers = %v, want at least 2", got)
	}

	st := sample(fams, "sodoan_http_request_sql_statements", map[string]string{"route": "/graphql"})
	if st == nil || st.GetHistogram().GetSampleCount() != 8 {
		t.Fatalf("statements histogram: %v, want 8 requests observed", st)
	}
	// The signed-in requests at least looked up their session.
	if st.GetHistogram().GetSampleSum() < 1 {
		t.Errorf("statements observed add up to %v", st.GetHistogram().GetSampleSum())
	}
	d := sample(fams, "sodoan_graphql_operation_duration_seconds", map[string]string{"type": "query"})
	if d == nil || d.GetHistogram().GetSampleCount() < 2 {
		t.Errorf("query durations: %v", d)
	}

	if g := sample(fams, "sodoan_db_pool_max_connections", map[string]string{}); g == nil || g.GetGauge().GetValue() != 8 {
		t.Errorf("pool size gauge: %v, want 8 (testdb's pool)", g)
	}
	if c := sample(fams, "sodoan_db_pool_acquires_total", map[string]string{}); c == nil || c.GetCounter().GetValue() < 1 {
		t.Errorf("pool acquires: %v", c)
	}
	for _, name := range []string{"sodoan_db_pool_idle_connections", "sodoan_db_pool_acquired_connections",
		"go_goroutines", "process_cpu_seconds_total", "sodoan_build_info"} {
		if fams[name] == nil {
			t.Errorf("%s missing from the scrape", name)
		}
	}
}

// Each limit's refusals are counted under its own kind: sign-in attempts
// per address and made-up tokens per address, as serve wires them.
func TestRefusalsByKind(t *testing.T) {
	t.Parallel()
	e, m := instrumentedWith(t, func(m *metrics.Metrics) graph.RateLimits {
		return graph.RateLimits{
			Logins:    ratelimit.New(1, ratelimit.OnRefuse(m.Refused(metrics.RefusedLogin))),
			BadTokens: ratelimit.New(1, ratelimit.OnRefuse(m.Refused(metrics.RefusedBadToken))),
		}
	})
	const login = `mutation Login($in: LoginInput!) { login(input: $in) { __typename } }`
	in := map[string]any{"in": map[string]any{"login": "admin", "password": "not the password"}}
	for range 3 {
		e.Anonymous().Do(t, login, in)
	}
	statuses := map[int]int{}
	for i := range 3 {
		statuses[e.As(fmt.Sprintf("made-up-token-%d", i)).Do(t, `{ __typename }`, nil).Status]++
	}
	// Past the budget, made-up tokens are still answered 401 (never 429, so a
	// real session from the address is not locked out) but queue for their
	// lookup; those are what the bad_token kind counts.
	if statuses[http.StatusUnauthorized] != 3 {
		t.Fatalf("made-up tokens on a budget of 1 answered %v", statuses)
	}

	fams := scrape(t, m)
	for kind, want := range map[string]float64{"login": 2, "bad_token": 2, "account": 0, "anonymous": 0} {
		if got := counter(fams, "sodoan_rate_limit_refusals_total", map[string]string{"kind": kind}); got != want {
			t.Errorf("%s refusals = %v, want %v", kind, got, want)
		}
	}
	if got := counter(fams, "sodoan_graphql_operations_total", map[string]string{"operation": "Login", "type": "mutation", "outcome": "RATE_LIMITED"}); got != 2 {
		t.Errorf("refused sign-ins counted as %v operations, want 2", got)
	}
	if got := counter(fams, "sodoan_http_requests_total", map[string]string{"route": "/graphql", "status": "429"}); got != 2 {
		t.Errorf("429 answers = %v, want 2", got)
	}
}

// Operation names come from clients; past MaxOperationNames they share one
// series, so a client sending endless new names cannot grow the scrape.
func TestOperationNamesAreBounded(t *testing.T) {
	t.Parallel()
	e, m := instrumented(t, 1000)
	const sent = metrics.MaxOperationNames + 30
	for i := range sent {
		if resp := e.Do(t, fmt.Sprintf(`query Op%d { serviceInfo { version } }`, i), nil); len(resp.Errors) > 0 {
			t.Fatalf("Op%d: %+v", i, resp.Errors)
		}
	}
	fams := scrape(t, m)
	ops := fams["sodoan_graphql_operations_total"]
	if ops == nil {
		t.Fatal("no operations counted")
	}
	if n := len(ops.Metric); n > metrics.MaxOperationNames+1 {
		t.Errorf("%d operation series after %d names, want at most %d", n, sent, metrics.MaxOperationNames+1)
	}
	other := counter(fams, "sodoan_graphql_operations_total", map[string]string{"operation": "other", "type": "query", "outcome": "ok"})
	if want := float64(sent - metrics.MaxOperationNames); other != want {
		t.Errorf("other = %v, want %v (the names past the bound)", other, want)
	}
	if got := counter(fams, "sodoan_graphql_operations_total", map[string]string{"operation": "Op0", "type": "query", "outcome": "ok"}); got != 1 {
		t.Errorf("Op0 = %v, want its own series", got)
	}
}

// BenchmarkRequest is the cost metrics add to a request through the whole
// handler (tracing off): compare the off and on runs, e.g.
// go test -run '^$' -bench Request -count 6 ./internal/metrics.
func BenchmarkRequest(b *testing.B) {
	for _, tt := range []struct {
		name string
		on   bool
	}{{"metrics=off", false}, {"metrics=on", true}} {
		b.Run(tt.name, func(b *testing.B) {
			m := metrics.New("bench")
			e := apitest.New(b, func(o *httpserver.Options) {
				if tt.on {
					o.Instrument = httpserver.Instrumentation{
						Routed:  []func(http.Handler) http.Handler{m.HTTP},
						GraphQL: []graphql.HandlerExtension{m.GraphQL()},
					}
				}
			})
			if err := m.Register(metrics.NewPoolCollector(e.Pool)); err != nil {
				b.Fatal(err)
			}
			// Anonymous and without SQL, so the handler's own work is
			// most of what is measured.
			e = e.Anonymous()
			const query = `query Ping { __typename }`
			e.Do(b, query, nil) // warm the parsed-query cache
			b.ReportAllocs()
			for b.Loop() {
				if resp := e.Do(b, query, nil); len(resp.Errors) > 0 {
					b.Fatal(resp.Errors)
				}
			}
		})
	}
}
