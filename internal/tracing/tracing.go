// Package tracing sends OpenTelemetry traces of the server to an OTLP/HTTP
// collector: a span per HTTP request (continuing the caller's trace when a
// W3C traceparent header names one), per GraphQL operation and per SQL
// statement. It is off unless an endpoint is configured, and off means
// nothing is wrapped or installed, so it then costs nothing.
package tracing

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/exaring/otelpgx"
	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

const instrumentationName = "github.com/sodoan/sodoan"

// Config says where spans go and whom they come from.
type Config struct {
	// Endpoint is the collector's OTLP/HTTP traces URL, such as
	// http://collector:4318/v1/traces; empty turns tracing off.
	Endpoint       string
	ServiceName    string
	ServiceVersion string
	// Log receives export failures (collector unreachable and the like).
	Log zerolog.Logger
}

// Tracing instruments the server with one tracer provider. A nil *Tracing
// is tracing off: its methods return nil or their argument unchanged.
type Tracing struct {
	provider   trace.TracerProvider
	tracer     trace.Tracer
	propagator propagation.TextMapPropagator
	shutdown   func(context.Context) error
}

// New starts tracing as cfg says, or returns nil when cfg.Endpoint is
// empty. Spans are batched and sent in the background; Shutdown sends what
// is left.
func New(ctx context.Context, cfg Config) (*Tracing, error) {
	if cfg.Endpoint == "" {
		return nil, nil
	}
	exporter, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(cfg.Endpoint))
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter for %s: %w", cfg.Endpoint, err)
	}
	res, err := resource.New(ctx,
		resource.WithFromEnv(), resource.WithTelemetrySDK(), resource.WithHost(),
		resource.WithAttributes(semconv.ServiceName(cfg.ServiceName), semconv.ServiceVersion(cfg.ServiceVersion)),
	)
	if err != nil && !errors.Is(err, resource.ErrPartialResource) {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	// Export errors go to the server's log, not the standard logger; the
	// handler is process-wide, which is why only serve calls New.
	log := cfg.Log
	otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
		log.Warn().Err(err).Msg("tracing")
	}))
	// The sampler is the SDK's: parent-based, always on for new traces,
	// unless OTEL_TRACES_SAMPLER says otherwise.
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exporter), sdktrace.WithResource(res))
	t := NewWithProvider(tp)
	t.shutdown = tp.Shutdown
	return t, nil
}

// NewWithProvider instruments with tp (tests pass one that records
// spans in memory).
func NewWithProvider(tp trace.TracerProvider) *Tracing {
	return &Tracing{
		provider:   tp,
		tracer:     tp.Tracer(instrumentationName),
		propagator: propagation.TraceContext{},
		shutdown:   func(context.Context) error { return nil },
	}
}

// Shutdown sends the spans not yet exported and stops; call it once, after
// the HTTP server has stopped.
func (t *Tracing) Shutdown(ctx context.Context) error {
	if t == nil {
		return nil
	}
	if err := t.shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: flush spans: %w", err)
	}
	return nil
}

// HTTP starts a span for each request, a child of the caller's span when
// the request carries a traceparent header. Like metrics.HTTP it should
// wrap the mux closely: the span is named after the route pattern the
// mux matched (GET /media/{name}), seen through the request it passes on.
// Health probes are not traced.
func (t *Tracing) HTTP(next http.Handler) http.Handler {
	if t == nil {
		return next
	}
	return otelhttp.NewHandler(logTraceID(next), "http",
		otelhttp.WithTracerProvider(t.provider),
		otelhttp.WithMeterProvider(metricnoop.NewMeterProvider()),
		otelhttp.WithPropagators(t.propagator),
		otelhttp.WithFilter(func(r *http.Request) bool { return r.URL.Path != "/healthz" && r.URL.Path != "/readyz" }),
		otelhttp.WithSpanNameFormatter(spanName),
	)
}

// logTraceID puts the trace id in the request's log lines, so a log line
// leads to its trace. It passes the request on unchanged.
func logTraceID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sc := trace.SpanContextFromContext(r.Context()); sc.IsValid() {
			zerolog.Ctx(r.Context()).UpdateContext(func(c zerolog.Context) zerolog.Context {
				return c.Str("trace_id", sc.TraceID().String())
			})
		}
		next.ServeHTTP(w, r)
	})
}

// spanName is "METHOD /route", with the method only when the route does
// not already say it, and nothing taken from the request that the server
// did not define (unknown methods and paths).
func spanName(_ string, r *http.Request) string {
	method := r.Method
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
	default:
		method = "HTTP"
	}
	switch {
	case r.Pattern == "":
		return method
	case strings.Contains(r.Pattern, " "):
		return r.Pattern
	default:
		return method + " " + r.Pattern
	}
}

// SQL returns the pgx tracer that makes a span of each statement, batch
// and connection acquisition (db.PoolOptions.Tracer), or nil when off.
// Statement text is recorded, its parameters are not: they hold personal
// data.
func (t *Tracing) SQL() pgx.QueryTracer {
	if t == nil {
		return nil
	}
	return otelpgx.NewTracer(
		otelpgx.WithTracerProvider(t.provider),
		otelpgx.WithMeterProvider(metricnoop.NewMeterProvider()),
	)
}
