// Package metrics measures the server for Prometheus: GraphQL operations by
// name, type and outcome, HTTP requests by route and status, SQL statements
// per request, the connection pool, rate-limit refusals, and the Go runtime
// and process. It is served on an address of its own (METRICS_ADDR), never
// on the public API port.
//
// Every label takes values from a bounded set, so a client cannot grow the
// number of series: operation names are the first MaxOperationNames seen
// (then "other"), error codes are the server's own, routes are the mux's
// patterns.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/sodoan/sodoan/internal/db"
)

const namespace = "sodoan"

// MaxOperationNames bounds the operation names that get series of their
// own; operations named after that are counted as "other".
const MaxOperationNames = 100

// maxCodes bounds the distinct error codes used as outcomes; the server
// has about twenty.
const maxCodes = 40

// durationBuckets span a cached lookup to a yearly report (seconds).
var durationBuckets = []float64{.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// statementBuckets are SQL statements per request: a constant handful when
// every list is batched, many more when something is not (N+1).
var statementBuckets = []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144}

// Metrics holds the server's collectors in a registry of its own (no
// global state). On a nil *Metrics, HTTP, GraphQL and Refused add nothing,
// so wiring code need not check whether metrics are on.
type Metrics struct {
	registry *prometheus.Registry

	operations        *prometheus.CounterVec
	operationDuration *prometheus.HistogramVec
	httpRequests      *prometheus.CounterVec
	httpDuration      *prometheus.HistogramVec
	statements        *prometheus.HistogramVec
	refusals          *prometheus.CounterVec

	names *boundedSet
	codes *boundedSet
}

// New returns the server's metrics, with the Go runtime and process
// collectors and a build-info gauge carrying version.
func New(version string) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		operations: counter("graphql", "operations_total",
			"GraphQL operations answered, by operation name, type (query, mutation) and outcome (ok or the first error's code, server faults first).",
			"operation", "type", "outcome"),
		operationDuration: histogram("graphql", "operation_duration_seconds",
			"Time from receiving a GraphQL operation to its answer, parsing and validation included, by operation type.",
			durationBuckets, "type"),
		httpRequests: counter("http", "requests_total", "HTTP requests answered, by route pattern and status code.", "route", "status"),
		httpDuration: histogram("http", "request_duration_seconds", "Time to answer an HTTP request, by route pattern.",
			durationBuckets, "route"),
		statements: histogram("http", "request_sql_statements", "SQL statements one HTTP request sent to PostgreSQL, by route pattern.",
			statementBuckets, "route"),
		refusals: counter("rate_limit", "refusals_total",
			"Requests refused by a rate limit, by limit (account, anonymous, login, export; bad_token: unknown tokens past their address's budget, answered after a queued lookup).",
			"kind"),
		names: newBoundedSet(MaxOperationNames),
		codes: newBoundedSet(maxCodes),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: namespace, Name: "build_info", Help: "Always 1; the version label is the running build.",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		build, m.operations, m.operationDuration, m.httpRequests, m.httpDuration, m.statements, m.refusals,
	)
	return m
}

// counter is a labelled counter of the server's namespace.
func counter(subsystem, name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: namespace, Subsystem: subsystem, Name: name, Help: help}, labels)
}

// histogram is a labelled histogram of the server's namespace.
func histogram(subsystem, name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: namespace, Subsystem: subsystem, Name: name, Help: help, Buckets: buckets,
	}, labels)
}

// Handler serves the metrics in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// Register adds a collector, such as PoolCollector, to the registry.
func (m *Metrics) Register(c prometheus.Collector) error {
	return m.registry.Register(c)
}

// Refusal kinds, one per rate limit.
const (
	RefusedAccount   = "account"
	RefusedAnonymous = "anonymous"
	RefusedLogin     = "login"
	RefusedBadToken  = "bad_token"
	RefusedExport    = "export"
)

// Refused returns the function to call when the kind limit refuses a
// request (see ratelimit.OnRefuse), or nil on a nil *Metrics.
func (m *Metrics) Refused(kind string) func() {
	if m == nil {
		return nil
	}
	c := m.refusals.WithLabelValues(kind)
	return c.Inc
}

// HTTP measures each request by the route pattern that served it. It must
// wrap the http.ServeMux directly and pass the request on unchanged: the
// mux writes the matched pattern into that request. Requests no pattern
// matched are counted under "unmatched", so random paths add no series.
func (m *Metrics) HTTP(next http.Handler) http.Handler {
	if m == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		m.httpRequests.WithLabelValues(route, strconv.Itoa(sw.status)).Inc()
		m.httpDuration.WithLabelValues(route).Observe(time.Since(start).Seconds())
		if c := db.StatementCounterFrom(r.Context()); c != nil {
			m.statements.WithLabelValues(route).Observe(float64(c.Count()))
		}
	})
}

// statusWriter remembers the status the handler answered with.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets streamed answers (@defer's parts) out as they are written.
func (w *statusWriter) Flush() {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}
