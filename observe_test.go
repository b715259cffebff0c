package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/peterldowns/pgtestdb"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/testdb"
)

// collector stands in for an OpenTelemetry collector's OTLP/HTTP port,
// keeping what it is sent.
type collector struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	if r.URL.Path == "/v1/traces" {
		c.bodies = append(c.bodies, body)
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
}

func (c *collector) received() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Join(c.bodies, nil)
}

// With METRICS_ADDR and an OTLP endpoint set, serve answers /metrics on
// its own port (and not on the API's), and the spans of a request are at
// the collector by the time the process has exited: shutdown flushes them.
func TestServeExportsMetricsAndTraces(t *testing.T) {
	t.Parallel()
	otlp := &collector{}
	coll := httptest.NewServer(otlp)
	defer coll.Close()
	metricsAddr := freePort(t)
	addr, cmd, logs, exited := startServerOn(t, testdb.URL(t, pgtestdb.NoopMigrator{}),
		"METRICS_ADDR="+metricsAddr, "OTEL_EXPORTER_OTLP_ENDPOINT="+coll.URL, "OTEL_SERVICE_NAME=sodoan-test")

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", strings.NewReader(`{"query":"query Ping { __typename }"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, body := get("http://" + metricsAddr + "/metrics")
	if status != http.StatusOK || !strings.Contains(body, `sodoan_graphql_operations_total{operation="Ping",outcome="ok",type="query"} 1`) ||
		!strings.Contains(body, "sodoan_db_pool_max_connections") {
		t.Errorf("metrics: %d\n%s", status, body)
	}
	if status, _ := get("http://" + addr + "/metrics"); status != http.StatusNotFound {
		t.Errorf("the API port answers /metrics with %d, want 404", status)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	awaitCleanExit(t, exited, logs)
	id, _ := hex.DecodeString(traceID)
	got := otlp.received()
	for _, want := range [][]byte{id, []byte("query Ping"), []byte("POST /graphql"), []byte("sodoan-test")} {
		if !bytes.Contains(got, want) {
			t.Errorf("the collector was not sent %q (%d bytes received)", want, len(got))
		}
	}
}

// Unconfigured, observability wraps nothing and installs nothing, so it
// costs requests nothing.
func TestObservabilityOffAddsNothing(t *testing.T) {
	t.Parallel()
	cfg, err := config.Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	obs, err := startObservability(context.Background(), cfg, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	defer obs.close()
	if in := obs.instrument(); len(in.Routed) != 0 || len(in.GraphQL) != 0 {
		t.Errorf("instrumentation with nothing configured: %+v", in)
	}
	if tr := obs.sqlTracer(); tr != nil {
		t.Errorf("SQL tracer with tracing off: %T", tr)
	}
}
