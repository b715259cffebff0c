// Package apitest sets up what an API test needs: a fresh migrated database,
// the server's real HTTP handler on it, and a GraphQL client that goes
// through that handler as a frontend would.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/99designs/gqlgen/client"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/testdb"
)

// Env is one test's server, and whom its requests are sent as.
type Env struct {
	Pool    *pgxpool.Pool
	Handler http.Handler
	Client  *client.Client
	logs    *SyncBuffer
	// token is sent as the bearer token; "" sends none (anonymous).
	token string
	// AdminToken signs in as the administrator New creates.
	AdminToken string
	// remoteAddr is the client address requests come from.
	remoteAddr string
}

// From returns e sending requests from the client address ip.
func (e *Env) From(ip string) *Env {
	c := *e
	c.remoteAddr = ip + ":40000"
	return &c
}

// TestPassword is the password of the accounts the helpers create.
const TestPassword = "mật khẩu thử nghiệm"

var testHash = sync.OnceValue(func() string {
	h, err := account.HashPassword(TestPassword)
	if err != nil {
		panic(err)
	}
	return h
})

// As returns e sending requests with token ("" for anonymous).
func (e *Env) As(token string) *Env {
	c := *e
	c.token = token
	return &c
}

// Anonymous returns e sending requests without signing in.
func (e *Env) Anonymous() *Env { return e.As("") }

// Account creates an account with TestPassword directly in the database,
// optionally linked to a member, and returns its id. Roles are granted with
// Grant.
func (e *Env) Account(t testing.TB, username string, unitID, memberID *int64) int64 {
	t.Helper()
	var id int64
	err := e.Pool.QueryRow(context.Background(), `INSERT INTO accounts (username, display_name, password_hash, unit_id, member_id)
		VALUES ($1, $1, $2, $3, $4) RETURNING id`, username, testHash(), unitID, memberID).Scan(&id)
	if err != nil {
		t.Fatalf("create account %s: %v", username, err)
	}
	return id
}

// Grant gives an account a role directly in the database.
func (e *Env) Grant(t testing.TB, accountID int64, kind account.RoleKind, unitID *int64) {
	t.Helper()
	if _, err := e.Pool.Exec(context.Background(), `INSERT INTO account_roles (account_id, role, unit_id) VALUES ($1, $2, $3)`,
		accountID, kind, unitID); err != nil {
		t.Fatalf("grant %s: %v", kind, err)
	}
}

// Session opens a session for an account without its password and returns
// the token.
func (e *Env) Session(t testing.TB, accountID int64) string {
	t.Helper()
	s, err := account.NewStore(e.Pool, account.DefaultPolicy).StartSession(context.Background(), accountID, account.Client{})
	if err != nil {
		t.Fatalf("session: %v", err)
	}
	return s.Token
}

// Option changes how New builds the server.
type Option func(*httpserver.Options)

// Production builds the handler as APP_ENV=production would.
func Production(o *httpserver.Options) { o.Development = false }

// LoaderWait makes each request's loaders collect keys for d: a test that
// counts statements gives them a window a busy machine cannot miss.
func LoaderWait(d time.Duration) Option {
	return func(o *httpserver.Options) { o.LoaderWait = d }
}

// New returns a server on a fresh migrated database, with an administrator
// account whose session the requests use (As and Anonymous change that).
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	e := NewOn(t, testdb.Migrated(t), opts...)
	e.AdminToken = AdminSession(t, e.Pool)
	e.token = e.AdminToken
	return e
}

// AdminSession creates an administrator in the migrated database pool and
// returns a session token for it: New's, and that of a test whose server is
// a process of its own.
func AdminSession(t testing.TB, pool *pgxpool.Pool) string {
	t.Helper()
	e := &Env{Pool: pool}
	admin := e.Account(t, "admin", nil, nil)
	e.Grant(t, admin, account.Admin, nil)
	return e.Session(t, admin)
}

// NewOn returns a server on pool, sending requests anonymously.
func NewOn(t testing.TB, pool *pgxpool.Pool, opts ...Option) *Env {
	t.Helper()
	logs := &SyncBuffer{}
	// The server's background work (the access watch) ends with the test.
	ctx, stop := context.WithCancel(context.Background())
	var background sync.WaitGroup
	t.Cleanup(func() { stop(); background.Wait() })
	o := httpserver.Options{
		Context:     ctx,
		Background:  &background,
		Pool:        pool,
		Log:         zerolog.New(logs),
		Development: true,
		Version:     "test",
		// Uploaded photos go to the test's own folder, not the package's.
		Media: news.Media{Dir: t.TempDir()},
	}
	for _, opt := range opts {
		opt(&o)
	}
	h := httpserver.Routes(o)
	return &Env{Pool: pool, Handler: h, Client: client.New(h, client.Path("/graphql")), logs: logs, remoteAddr: "192.0.2.1:40000"}
}

// Logs returns what the server has logged so far, one JSON object a line.
func (e *Env) Logs() string { return e.logs.String() }

// SyncBuffer is a buffer that one goroutine may write (a server's log)
// while another reads it (the test).
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Response is a GraphQL response as a client sees it.
type Response struct {
	Status    int         // HTTP status
	RequestID string      // X-Request-Id
	Header    http.Header // all response headers
	Data      json.RawMessage
	Errors    []struct {
		Message    string
		Path       []any
		Extensions map[string]any
	}
}

// Do posts a query with variables through the handler, with extra headers
// (e.g. Accept-Language), and returns the decoded response.
func (e *Env) Do(t testing.TB, query string, vars map[string]any, headers ...string) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.RemoteAddr = e.remoteAddr
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	resp := Response{Status: rec.Code, RequestID: rec.Header().Get("X-Request-Id"), Header: rec.Header()}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("response is not JSON (%d): %s", rec.Code, rec.Body)
	}
	return resp
}

// MustDo is Do that fails the test on any top-level error and decodes data
// into out.
func (e *Env) MustDo(t testing.TB, query string, vars map[string]any, out any) {
	t.Helper()
	resp := e.Do(t, query, vars)
	if len(resp.Errors) > 0 {
		t.Fatalf("query failed: %+v\nquery: %s\nvars: %v\nserver log:\n%s", resp.Errors, query, vars, e.Logs())
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			t.Fatalf("decode data: %v: %s", err, resp.Data)
		}
	}
}

// UserError is one entry of a payload's userErrors.
type UserError struct {
	Field   []string
	Message string
	Code    string
}

// Mutate runs a mutation named name whose payload has userErrors, and
// returns the payload (decoded into out) and its userErrors.
func (e *Env) Mutate(t testing.TB, name, inputType, selection string, input map[string]any, out any) []UserError {
	t.Helper()
	query := fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { %s userErrors { field message code } } }`, inputType, name, selection)
	var data map[string]json.RawMessage
	e.MustDo(t, query, map[string]any{"input": input}, &data)
	var payload struct{ UserErrors []UserError }
	if err := json.Unmarshal(data[name], &payload); err != nil {
		t.Fatalf("decode %s payload: %v", name, err)
	}
	if out != nil {
		if err := json.Unmarshal(data[name], out); err != nil {
			t.Fatalf("decode %s payload: %v", name, err)
		}
	}
	return payload.UserErrors
}

// MustMutate is Mutate that fails the test on any userError.
func (e *Env) MustMutate(t testing.TB, name, inputType, selection string, input map[string]any, out any) {
	t.Helper()
	if ue := e.Mutate(t, name, inputType, selection, input, out); len(ue) > 0 {
		t.Fatalf("%s: unexpected userErrors %+v for input %v", name, ue, input)
	}
}

// Create runs the create mutation of a kind of record ("unit" runs
// unitCreate with a UnitCreateInput), fails the test on any userError, and
// returns the new record's ID.
func (e *Env) Create(t testing.TB, record string, input map[string]any) string {
	t.Helper()
	var payload map[string]json.RawMessage
	e.MustMutate(t, record+"Create", strings.ToUpper(record[:1])+record[1:]+"CreateInput", record+" { id }", input, &payload)
	var created struct{ ID string }
	if err := json.Unmarshal(payload[record], &created); err != nil || created.ID == "" {
		t.Fatalf("%sCreate returned no %s: %v: %s", record, record, err, payload[record])
	}
	return created.ID
}

// Count returns the number of rows in table, to show a refused write
// changed nothing.
func (e *Env) Count(t testing.TB, table string) int {
	t.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM `+pgx.Identifier{table}.Sanitize()).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// WithRateLimits sets the callers' budgets.
func WithRateLimits(l graph.RateLimits) Option {
	return func(o *httpserver.Options) { o.RateLimits = l }
}

// AnonymousBudget gives anonymous callers points a minute, and callers who
// signed in their default budget.
func AnonymousBudget(points int) Option {
	return WithRateLimits(graph.RateLimits{Anonymous: ratelimit.New(points)})
}

// WithRequestTimeout sets each request's deadline.
func WithRequestTimeout(d time.Duration) Option {
	return func(o *httpserver.Options) { o.RequestTimeout = d }
}

// Raw sends a request as given (method, content type, body) with e's
// token, for tests of what the endpoint refuses before GraphQL runs.
func (e *Env) Raw(method, target, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	req.RemoteAddr = e.remoteAddr
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	return rec
}

// QuickSignIns cuts the slowdown after failed sign-ins to milliseconds, for
// tests that fail many sign-ins.
func QuickSignIns(o *httpserver.Options) {
	o.Sessions = sessions(o.Sessions)
	o.Sessions.SlowStep, o.Sessions.SlowMax = time.Millisecond, 5*time.Millisecond
}

// CachedPrincipals keeps a session's principal for a minute, long enough
// that only the access watch can explain a change showing.
func CachedPrincipals(o *httpserver.Options) {
	o.Sessions = sessions(o.Sessions)
	o.Sessions.PrincipalCache = time.Minute
}

// sessions is p, or account.DefaultPolicy where p is unset, as Routes reads it.
func sessions(p account.Policy) account.Policy {
	if p == (account.Policy{}) {
		return account.DefaultPolicy
	}
	return p
}

// WithLimits sets the limits on each GraphQL operation.
func WithLimits(l graph.Limits) Option {
	return func(o *httpserver.Options) { o.Limits = l }
}

// WithChromium sets the browser that prints PDF exports.
func WithChromium(path string) Option {
	return func(o *httpserver.Options) { o.Chromium = path }
}
