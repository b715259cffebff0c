// Package apitest sets up what an API test needs: a fresh migrated database,
// the server's real HTTP handler on it, and a GraphQL client that goes
// through that handler as a frontend would.
package apitest

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/99designs/gqlgen/client"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/testdb"
)

// Env is one test's server.
type Env struct {
	Pool    *pgxpool.Pool
	Handler http.Handler
	Client  *client.Client
	logs    *syncBuffer
}

// Option changes how New builds the server.
type Option func(*httpserver.Options)

// Production builds the handler as APP_ENV=production would.
func Production(o *httpserver.Options) { o.Development = false }

// New returns a server on a fresh migrated database.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	return NewOn(t, testdb.Migrated(t), opts...)
}

// NewOn returns a server on pool.
func NewOn(t testing.TB, pool *pgxpool.Pool, opts ...Option) *Env {
	t.Helper()
	logs := &syncBuffer{}
	o := httpserver.Options{
		Pool:        pool,
		Log:         zerolog.New(logs),
		Development: true,
		Version:     "test",
	}
	for _, opt := range opts {
		opt(&o)
	}
	h := httpserver.Routes(o)
	return &Env{Pool: pool, Handler: h, Client: client.New(h, client.Path("/graphql")), logs: logs}
}

// Logs returns what the server has logged so far, one JSON object a line.
func (e *Env) Logs() string { return e.logs.String() }

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
