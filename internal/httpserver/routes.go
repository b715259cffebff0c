// Package httpserver puts the GraphQL endpoint, health probes and the
// development GraphiQL page (internal/graphiql) behind one handler with
// request logging, CORS, compression and cache headers, and runs it with
// graceful shutdown.
package httpserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/accesswatch"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/graphiql"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/imagedecode"
	"github.com/sodoan/sodoan/internal/jobs"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/origins"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/requestid"
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
	// Media is where uploaded photos live; the zero value means .media, 10 MiB
	// and the default decode budget.
	Media news.Media
	// Introspection and Suggestions disclose the schema; nil follows
	// Development.
	Introspection, Suggestions *bool
	// RateLimits budget each caller; the zero value does not limit.
	RateLimits graph.RateLimits
	// Exports budgets report downloads per client address; nil does not limit.
	Exports *ratelimit.Limiter
	// RequestTimeout is each API request's deadline; 0 means none.
	RequestTimeout time.Duration
	// TrustedProxies may name the real client in X-Forwarded-For.
	TrustedProxies []netip.Prefix
	// Instrument adds metrics and tracing; the zero value adds none.
	Instrument Instrumentation
	// AllowedOrigins are the origin patterns (see internal/origins) whose
	// pages may call the API from a browser; nil means origins.Local() in
	// development and none in production.
	AllowedOrigins []string
	// Chromium is the browser that prints PDF exports; empty means
	// /usr/bin/chromium.
	Chromium string
	// Context bounds the server's background work: while it lasts, an
	// access watch (package accesswatch) keeps the principal cache in step
	// with every server's changes. Nil starts none, and without one the
	// cache is not used (Sessions.PrincipalCache has no effect).
	Context context.Context
	// LoaderWait is how long each request's loaders collect keys before
	// they query; 0 means loader.DefaultWait.
	LoaderWait time.Duration
	// Background, if set, counts the background work Routes starts, so a
	// caller can wait for it to end after Context is done (a test, before
	// its database is dropped).
	Background *sync.WaitGroup
}

// Routes returns the server's whole HTTP handler.
func Routes(o Options) http.Handler {
	if o.Sessions == (account.Policy{}) {
		o.Sessions = account.DefaultPolicy
	}
	resolver := graph.NewResolver(o.Pool, o.Version, o.Sessions)
	resolver.Jobs = jobs.New(o.Context, o.Background)
	if o.Context != nil && o.Sessions.PrincipalCache > 0 {
		done := accesswatch.Start(o.Context, o.Pool.Config().ConnConfig, resolver.AccountStore, accesswatch.Options{Log: o.Log})
		if o.Background != nil {
			o.Background.Add(1)
			go func() { <-done; o.Background.Done() }()
		}
	}
	introspection := orDefault(o.Introspection, o.Development)
	gql := graph.NewHandler(resolver, graph.HandlerOptions{
		Introspection: introspection, Suggestions: orDefault(o.Suggestions, o.Development),
		Limits: o.Limits, RateLimits: o.RateLimits, Extensions: o.Instrument.GraphQL,
	})

	if o.RateLimits.BadTokens != nil && o.RateLimits.TokenLookups == nil {
		o.RateLimits.TokenLookups = ratelimit.NewGate(graph.DefaultTokenLookups)
	}
	tokens := tokenChecks{accounts: resolver.AccountStore, bad: o.RateLimits.BadTokens, lookups: o.RateLimits.TokenLookups}

	// Browser dashboards on the allowed origins may call /graphql and upload
	// photos; export links are opened by navigation, which needs no CORS.
	allowed, err := origins.Parse(orOrigins(o.AllowedOrigins, o.Development))
	if err != nil {
		o.Log.Error().Err(err).Msg("CORS origins: none allowed") // config.Load validates them first
	}
	crossOrigin, compress := newCORS(allowed), newCompressor()

	mux := http.NewServeMux()
	api := guardGraphQL(maxRequestBody, o.RateLimits.Anonymous, withDeadline(o.RequestTimeout, withRateHeaders(
		withAuth(tokens, withLoaders(resolver.Stores(), o.LoaderWait, gql)))))
	mux.Handle("/graphql", crossOrigin(compress(withCaching(anonymousMaxAge, api))))
	if o.Media.Dir == "" {
		o.Media.Dir = ".media"
	}
	if o.Media.MaxBytes == 0 {
		o.Media.MaxBytes = 10 << 20
	}
	if o.Media.Decodes == nil {
		o.Media.Decodes = imagedecode.New(imagedecode.DefaultBudget, imagedecode.DefaultQueue)
	}
	mux.Handle("POST /uploads/photos", crossOrigin(withAuth(tokens, uploadPhoto(resolver.NewsStore, o.Media))))
	mux.Handle("OPTIONS /uploads/photos", crossOrigin(allowOnly(http.MethodPost)))
	mux.Handle("POST /uploads/member-lists", crossOrigin(withAuth(tokens, uploadMemberList(resolver.MemberStore))))
	mux.Handle("OPTIONS /uploads/member-lists", crossOrigin(allowOnly(http.MethodPost)))
	mux.HandleFunc("GET /templates/member-list.xlsx", memberListTemplate)
	mux.Handle("GET /exports/members", exportMembers(resolver.AccountStore, resolver.ReportStore, resolver.MemberStore, o.Exports))
	mux.Handle("GET /media/{name}", serveMedia(o.Media))
	mux.Handle("GET /exports/report", exportReport(resolver.AccountStore, resolver.ReportStore, resolver.Timeline, o.Exports, orChromium(o.Chromium)))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", readiness(o.Pool))
	// GraphiQL and the schema file are useful only where the schema may be read.
	if introspection {
		ide := compress(graphiql.New())
		mux.Handle("GET /{$}", ide)
		mux.Handle("GET "+graphiql.AssetPrefix, ide)
		mux.Handle("GET /graphql/schema.graphql", crossOrigin(compress(serveSchema(graph.SDL()))))
	}
	return withRequestLogging(o.Log, withClient(o.TrustedProxies, i18n.Middleware(o.Instrument.wrap(noSniff(mux)))))
}

// noSniff tells browsers to trust every answer's Content-Type: the schema
// file, probes, export pages and errors are text a browser must not take
// for script or HTML.
func noSniff(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		next.ServeHTTP(w, r)
	})
}

// orOrigins is the allowed origins, or the local ones in development when
// none are set.
func orOrigins(set []string, development bool) []string {
	if set == nil && development {
		return origins.Local()
	}
	return set
}

// serveSchema answers the schema as SDL, what codegen tools read; it
// discloses as much as introspection, so it is there only where that is.
func serveSchema(sdl string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = io.WriteString(w, sdl)
	}
}

func orDefault(set *bool, def bool) bool {
	if set != nil {
		return *set
	}
	return def
}

// withLoaders gives each request its own batching loaders.
func withLoaders(stores loader.Stores, wait time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(loader.With(r.Context(), loader.New(stores, wait))))
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

// withRequestLogging gives every request an id (the client's X-Request-Id
// when it is a short safe token, else a new one; echoed in X-Request-Id and
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
	h = requestid.Middleware(h)
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

// orChromium is the browser to print PDFs with: the one configured, else
// Debian's.
func orChromium(path string) string {
	if path == "" {
		return "/usr/bin/chromium"
	}
	return path
}
