package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/metrics"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/tracing"
)

// observability is what serve measures and traces with; each part is nil
// when its configuration leaves it off.
type observability struct {
	metrics   *metrics.Metrics
	metricsLn net.Listener
	tracing   *tracing.Tracing
	profiling bool
	log       zerolog.Logger
}

// startObservability binds the metrics address (METRICS_ADDR) and starts
// the trace exporter (OTEL_EXPORTER_OTLP_*), as configured.
func startObservability(ctx context.Context, cfg config.Config, log zerolog.Logger) (*observability, error) {
	o := &observability{log: log, profiling: cfg.Profiling}
	if cfg.MetricsAddr != "" {
		ln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return nil, fmt.Errorf("listen on %s (METRICS_ADDR): %w", cfg.MetricsAddr, err)
		}
		o.metrics, o.metricsLn = metrics.New(version), ln
	}
	t, err := tracing.New(ctx, tracing.Config{
		Endpoint: cfg.OTLPTracesURL(), ServiceName: cfg.OTelServiceName, ServiceVersion: version, Log: log,
	})
	if err != nil {
		o.close()
		return nil, err
	}
	o.tracing = t
	if t != nil {
		log.Info().Str("endpoint", cfg.OTLPTracesURL()).Msg("tracing on")
	}
	return o, nil
}

// sqlTracer is the pool's tracer for SQL spans, nil when tracing is off.
func (o *observability) sqlTracer() pgx.QueryTracer { return o.tracing.SQL() }

// countRefusals makes a rate limiter count its refusals under kind.
func (o *observability) countRefusals(kind string) ratelimit.Option {
	return ratelimit.OnRefuse(o.metrics.Refused(kind))
}

// instrument is what the routes add to every request.
func (o *observability) instrument() httpserver.Instrumentation {
	var in httpserver.Instrumentation
	if o.tracing != nil {
		in.Routed = append(in.Routed, o.tracing.HTTP)
		in.GraphQL = append(in.GraphQL, o.tracing.GraphQL())
	}
	if o.metrics != nil {
		in.Routed = append(in.Routed, o.metrics.HTTP)
		in.GraphQL = append(in.GraphQL, o.metrics.GraphQL())
	}
	return in
}

// serveMetrics serves GET /metrics, with the pool's statistics, until the
// returned stop is called: after the API server has drained, so the last
// requests are still scraped.
func (o *observability) serveMetrics(pool *pgxpool.Pool, t httpserver.Timeouts) (stop func()) {
	if o.metrics == nil {
		return func() {}
	}
	if err := o.metrics.Register(metrics.NewPoolCollector(pool)); err != nil {
		o.log.Error().Err(err).Msg("pool metrics")
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", o.metrics.Handler())
	if o.profiling {
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	log := o.log.With().Str("server", "metrics").Logger()
	t.ShutdownGrace = 5 * time.Second
	go func() {
		defer close(done)
		if err := httpserver.Serve(ctx, o.metricsLn, mux, t, log); err != nil {
			log.Error().Err(err).Msg("metrics server")
		}
	}()
	return func() { cancel(); <-done }
}

// close sends the spans not yet exported and releases the metrics port.
func (o *observability) close() {
	if o.metricsLn != nil {
		_ = o.metricsLn.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := o.tracing.Shutdown(ctx); err != nil {
		o.log.Warn().Err(err).Msg("tracing shutdown")
	}
}
