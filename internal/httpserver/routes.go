// Package httpserver puts the GraphQL endpoint, health probes and the
// development GraphiQL page behind one handler with request logging, and
// runs it with graceful shutdown.
package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"time"

	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// maxRequestBody bounds what a client may send to /graphql. The largest
// legitimate document (a batch of participants) is far below it.
const maxRequestBody = 1 << 20

// Options is what the routes need from the rest of the program.
type Options struct {
	Pool *pgxpool.Pool
	Log  zerolog.Logger
	// Development turns on GraphiQL at / and schema introspection.
	Development bool
	Version     string
	// Sessions sets sign-in rules; the zero value means account.DefaultPolicy.
	Sessions account.Policy
	// Limits bound each GraphQL operation; the zero value means graph.DefaultLimits.
	Limits graph.Limits
	// Media is where uploaded photos live; the zero value means .media and 10 MiB.
	Media news.Media
	// Introspection and Suggestions disclose the schema; nil follows
	// Development.
	Introspection, Suggestions *bool
	// RateLimits budget each caller; the zero value does not limit.
	RateLimits graph.RateLimits
	// RequestTimeout is each API request's deadline; 0 means none.
	RequestTimeout time.Duration
	// TrustedProxies may name the real client in X-Forwarded-For.
	TrustedProxies []netip.Prefix
}

// Routes returns the server's whole HTTP handler.
func Routes(o Options) http.Handler {
	if o.Sessions == (account.Policy{}) {
		o.Sessions = account.DefaultPolicy
	}
	resolver := graph.NewResolver(o.Pool, o.Version, o.Sessions)
	gql := graph.NewHandler(resolver, graph.HandlerOptions{
		Introspection: orDefault(o.Introspection, o.Development), Suggestions: orDefault(o.Suggestions, o.Development),
		Limits: o.Limits, RateLimits: o.RateLimits,
	})

	if o.RateLimits.BadTokens != nil && o.RateLimits.TokenLookups == nil {
		o.RateLimits.TokenLookups = ratelimit.NewGate(graph.DefaultTokenLookups)
	}
	tokens := tokenChecks{accounts: resolver.AccountStore, bad: o.RateLimits.BadTokens, lookups: o.RateLimits.TokenLookups}

	mux := http.NewServeMux()
	mux.Handle("/graphql", guardGraphQL(maxRequestBody, withDeadline(o.RequestTimeout, withRateHeaders(
		withAuth(tokens, withLoaders(resolver.Stores(), gql))))))
	if o.Media.Dir == "" {
		o.Media.Dir = ".media"
	}
	if o.Media.MaxBytes == 0 {
		o.Media.MaxBytes = 10 << 20
	}
	mux.Handle("POST /uploads/photos", withAuth(tokens, uploadPhoto(resolver.NewsStore, o.Media)))
	mux.Handle("GET /media/{name}", serveMedia(o.Media))
	mux.Handle("GET /exports/report", exportReport(resolver.AccountStore, resolver.ReportStore))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", readiness(o.Pool))
	if o.Development {
		mux.Handle("GET /{$}", playground.Handler("Sổ Đoàn – GraphiQL", "/graphql"))
	}
	return withRequestLogging(o.Log, withClient(o.TrustedProxies, i18n.Middleware(mux)))
}

func orDefault(set *bool, def bool) bool {
	if set != nil {
		return *set
	}
	return def
}

// withLoaders gives each request its own batching loaders.
func withLoaders(stores loader.Stores, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(loader.With(r.Context(), loader.New(stores))))
	})
}

// readiness answers 200 when the database is reachable and migrated to the
// version this binary expects, 503 otherwise, so a load balancer stops
// sending traffic while the database is away and resumes when it is back.
func readiness(pool *pgxpool.Pool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.CheckReady(ctx, pool); err != nil {
			hlog.FromRequest(r).Warn().Err(err).Msg("not ready")
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": reasonFor(err)})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	}
}

// reasonFor keeps probe output short and free of connection details.
func reasonFor(err error) string {
	if errors.Is(err, db.ErrSchemaNotCurrent) {
		return "database schema is not at the version this server needs"
	}
	return "database unreachable"
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// withRequestLogging gives every request an id (echoed in X-Request-Id and
// present in every log line and INTERNAL error of that request) and logs one
// line per request with its status and duration.
func withRequestLogging(log zerolog.Logger, next http.Handler) http.Handler {
	h := hlog.AccessHandler(func(r *http.Request, status, size int, d time.Duration) {
		ev := hlog.FromRequest(r).Info().
			Str("method", r.Method).
			Str("path", r.URL.Path).
			Int("status", status).
			Int("size", size).
			Float64("duration_ms", float64(d.Microseconds())/1000)
		if c, ok := r.Context().Value(statementsKey{}).(*db.StatementCounter); ok {
			ev = ev.Int64("sql_statements", c.Count())
		}
		ev.Msg("request")
	})(next)
	h = withStatementCount(h)
	h = hlog.RequestIDHandler("request_id", "X-Request-Id")(h)
	return hlog.NewHandler(log)(h)
}

type statementsKey struct{}

// withStatementCount counts the SQL statements each request sends, for the
// request log line (and the tests that hold it to a constant).
func withStatementCount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &db.StatementCounter{}
		ctx := db.WithStatementCounter(context.WithValue(r.Context(), statementsKey{}, c), c)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
