// Package config reads the server's settings from environment variables,
// applies defaults and validates them once at start.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/caarlos0/env/v11"

	"github.com/sodoan/sodoan/internal/origins"
)

// Environment selects development conveniences (GraphiQL, introspection,
// readable logs) or production defaults.
type Environment string

const (
	Development Environment = "development"
	Production  Environment = "production"
)

// Config holds every setting. The env tags are the variable names documented
// in the README; keep the two in step.
type Config struct {
	Env Environment `env:"APP_ENV" envDefault:"development"`

	// HTTPAddr is where the HTTP server listens.
	HTTPAddr          string        `env:"HTTP_ADDR" envDefault:":8080"`
	ReadHeaderTimeout time.Duration `env:"HTTP_READ_HEADER_TIMEOUT" envDefault:"5s"`
	ReadTimeout       time.Duration `env:"HTTP_READ_TIMEOUT" envDefault:"30s"`
	WriteTimeout      time.Duration `env:"HTTP_WRITE_TIMEOUT" envDefault:"60s"`
	IdleTimeout       time.Duration `env:"HTTP_IDLE_TIMEOUT" envDefault:"120s"`
	ShutdownGrace     time.Duration `env:"SHUTDOWN_GRACE" envDefault:"25s"`
	// RequestTimeout is each API request's deadline; its SQL is cancelled
	// when it passes. Must be shorter than HTTP_WRITE_TIMEOUT so the client
	// still gets the TIMEOUT answer.
	RequestTimeout time.Duration `env:"REQUEST_TIMEOUT" envDefault:"30s"`
	// TrustedProxies are the reverse proxies (CIDRs) whose X-Forwarded-For
	// names the real client, for rate limits and session records.
	TrustedProxies []string `env:"TRUSTED_PROXIES" envSeparator:","`
	// CORSAllowedOrigins are the web origins whose pages may call the API
	// (see internal/origins for the patterns). Unset: http://localhost:* and
	// http://127.0.0.1:* in development, none in production.
	CORSAllowedOrigins []string `env:"CORS_ALLOWED_ORIGINS" envSeparator:","`

	// DatabaseURL, when empty, makes the server find or start a database
	// itself (see internal/dblocate).
	DatabaseURL  string `env:"DATABASE_URL"`
	DatabaseName string `env:"DATABASE_NAME" envDefault:"sodoan"`
	// LocalClusterDir is where a project-local PostgreSQL keeps its data when
	// no server is reachable.
	LocalClusterDir string        `env:"PG_LOCAL_DIR" envDefault:".pgdata"`
	DBMaxConns      int32         `env:"DB_MAX_CONNS" envDefault:"16"`
	DBWaitTimeout   time.Duration `env:"DB_WAIT_TIMEOUT" envDefault:"30s"`
	// DBStatementTimeout and DBIdleInTxTimeout are PostgreSQL's
	// statement_timeout and idle_in_transaction_session_timeout for the
	// server's connections (bulk commands such as gendata run without them).
	DBStatementTimeout time.Duration `env:"DB_STATEMENT_TIMEOUT" envDefault:"30s"`
	DBIdleInTxTimeout  time.Duration `env:"DB_IDLE_IN_TRANSACTION_TIMEOUT" envDefault:"60s"`
	AutoMigrate        bool          `env:"AUTO_MIGRATE" envDefault:"true"`
	// DemoData "auto" loads the demo into an empty database when serving in
	// development; "off" never does. Production never loads it on its own.
	DemoData string `env:"DEMO_DATA" envDefault:"auto"`

	// Sessions end after SessionIdle unused or SessionMaxAge after sign-in.
	SessionIdle   time.Duration `env:"SESSION_IDLE_TIMEOUT" envDefault:"2h"`
	SessionMaxAge time.Duration `env:"SESSION_MAX_AGE" envDefault:"12h"`
	// SessionCache is how long a server remembers whom a token signs in.
	// Every server's changes apply at once: the database announces them
	// (LISTEN/NOTIFY, package accesswatch), and while a server is not
	// listening it does not use its cache.
	SessionCache time.Duration `env:"SESSION_CACHE_TTL" envDefault:"2s"`

	// MediaDir holds uploaded photos; UploadMaxBytes bounds one photo.
	MediaDir       string `env:"MEDIA_DIR" envDefault:".media"`
	UploadMaxBytes int64  `env:"UPLOAD_MAX_BYTES" envDefault:"10485760"`

	// Ceilings on one GraphQL operation.
	MaxComplexity int `env:"GRAPHQL_MAX_COMPLEXITY" envDefault:"20000"`
	MaxDepth      int `env:"GRAPHQL_MAX_DEPTH" envDefault:"12"`
	MaxTokens     int `env:"GRAPHQL_MAX_TOKENS" envDefault:"5000"`
	// MaxAliases bounds aliased fields in one document; MaxFieldRepeats
	// how often one field may be asked for in one selection.
	MaxAliases      int `env:"GRAPHQL_MAX_ALIASES" envDefault:"30"`
	MaxFieldRepeats int `env:"GRAPHQL_MAX_FIELD_REPEATS" envDefault:"5"`
	// Introspection and Suggestions ("did you mean ...?" in validation
	// errors) default to on in development and off in production.
	Introspection *bool `env:"GRAPHQL_INTROSPECTION"`
	Suggestions   *bool `env:"GRAPHQL_SUGGESTIONS"`

	// Rate limits, in complexity points per minute (the cost the complexity
	// limit computes, at least 1 per request): per signed-in account, and per
	// client address for anonymous callers. Login attempts per address are
	// limited on their own.
	RatePoints          int `env:"RATE_LIMIT_POINTS" envDefault:"100000"`
	RateAnonymousPoints int `env:"RATE_LIMIT_ANONYMOUS_POINTS" envDefault:"20000"`
	LoginAttempts       int `env:"LOGIN_ATTEMPTS_PER_MINUTE" envDefault:"10"`
	BadTokens           int `env:"BAD_TOKENS_PER_MINUTE" envDefault:"30"`
	// HeavyPerCaller bounds the operations with subtree aggregates (stats,
	// reports) one caller runs at once; more wait their turn.
	HeavyPerCaller int `env:"HEAVY_QUERIES_PER_CALLER" envDefault:"2"`
	// ExportsPerMinute bounds report downloads (/exports/report) per client
	// address; each builds a whole yearly report.
	ExportsPerMinute int `env:"EXPORTS_PER_MINUTE" envDefault:"10"`
	// Chromium prints reports as PDF; without it the PDF export says so
	// and the others work.
	Chromium string `env:"CHROMIUM" envDefault:"/usr/bin/chromium"`

	// MetricsAddr is where Prometheus scrapes GET /metrics, apart from the
	// API's port; empty: no metrics.
	MetricsAddr string `env:"METRICS_ADDR"`
	// Profiling serves Go's runtime profiles (GET /debug/pprof/...) on
	// METRICS_ADDR too, for measuring where a server's time goes; never on
	// the API's port.
	Profiling bool `env:"PROFILING" envDefault:"false"`

	// Tracing is on when an OTLP endpoint is set (the OpenTelemetry
	// variables; spans go over OTLP/HTTP). Other OTEL_EXPORTER_OTLP_*
	// settings (headers, timeout, certificates) and OTEL_TRACES_SAMPLER are
	// read by the exporter and SDK themselves.
	OTLPEndpoint       string `env:"OTEL_EXPORTER_OTLP_ENDPOINT"`
	OTLPTracesEndpoint string `env:"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"`
	OTLPProtocol       string `env:"OTEL_EXPORTER_OTLP_PROTOCOL"`
	OTLPTracesProtocol string `env:"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"`
	OTelServiceName    string `env:"OTEL_SERVICE_NAME" envDefault:"sodoan"`
	OTelSDKDisabled    bool   `env:"OTEL_SDK_DISABLED"`

	LogLevel string `env:"LOG_LEVEL" envDefault:"info"`
	// LogFormat is json, console, or empty: console in development when
	// the logs go to a terminal, else json (see ConsoleLogs).
	LogFormat string `env:"LOG_FORMAT"`
}

// Error names the variable that is wrong and why, so an operator can fix it
// without reading code.
type Error struct {
	Var     string
	Message string
}

func (e *Error) Error() string { return e.Var + ": " + e.Message }

// IntrospectionOn reports whether the schema may be read by introspection.
func (c Config) IntrospectionOn() bool { return orDevelopment(c.Introspection, c.Env) }

// SuggestionsOn reports whether validation errors may suggest field names.
func (c Config) SuggestionsOn() bool { return orDevelopment(c.Suggestions, c.Env) }

func orDevelopment(set *bool, env Environment) bool {
	if set != nil {
		return *set
	}
	return env == Development
}

// CORSOrigins returns the origin patterns whose pages may call the API:
// CORS_ALLOWED_ORIGINS when set, else the local ones in development and
// none in production.
func (c Config) CORSOrigins() []string {
	switch {
	case len(c.CORSAllowedOrigins) > 0:
		return c.CORSAllowedOrigins
	case c.Env == Development:
		return origins.Local()
	}
	return []string{}
}

// TrustedProxyPrefixes returns TRUSTED_PROXIES parsed (validated by Load).
func (c Config) TrustedProxyPrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, cidr := range c.TrustedProxies {
		if p, err := netip.ParsePrefix(strings.TrimSpace(cidr)); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// OTLPTracesURL is where spans are sent, or "" when tracing is off: the
// traces endpoint as given, else the general endpoint with /v1/traces
// appended, as the OpenTelemetry specification says.
func (c Config) OTLPTracesURL() string {
	switch {
	case c.OTelSDKDisabled:
		return ""
	case c.OTLPTracesEndpoint != "":
		return c.OTLPTracesEndpoint
	case c.OTLPEndpoint != "":
		return strings.TrimRight(c.OTLPEndpoint, "/") + "/v1/traces"
	}
	return ""
}

// ConsoleLogs reports whether logs are written as readable lines rather
// than JSON: as LOG_FORMAT says when it is set, else in development when
// they go to a terminal (a person reading), never otherwise (a collector).
func (c Config) ConsoleLogs(terminal bool) bool {
	switch c.LogFormat {
	case "console":
		return true
	case "json":
		return false
	}
	return c.Env == Development && terminal
}

// LoadDemo reports whether serve should fill an empty database with the demo.
func (c Config) LoadDemo() bool { return c.DemoData == "auto" && c.Env == Development }

// Load reads the variables from lookup (os.LookupEnv in production; a map in
// tests) and validates them. All problems are reported together.
func Load(environ map[string]string) (Config, error) {
	var cfg Config
	err := env.ParseWithOptions(&cfg, env.Options{Environment: environ})
	var errs []error
	if err != nil {
		errs = append(errs, translate(err)...)
	}
	errs = append(errs, cfg.validate()...)
	return cfg, errors.Join(errs...)
}

var dbNamePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

func (c Config) validate() []error {
	var errs []error
	bad := func(v, format string, args ...any) {
		errs = append(errs, &Error{Var: v, Message: fmt.Sprintf(format, args...)})
	}
	if c.Env != Development && c.Env != Production {
		bad("APP_ENV", "must be %q or %q, got %q", Development, Production, c.Env)
	}
	if _, port, err := net.SplitHostPort(c.HTTPAddr); err != nil || port == "" {
		bad("HTTP_ADDR", "must be host:port or :port (e.g. :8080), got %q", c.HTTPAddr)
	}
	c.checkTimeouts(bad)
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("DATABASE_URL", "must start with postgres:// or postgresql://")
	}
	if !dbNamePattern.MatchString(c.DatabaseName) {
		bad("DATABASE_NAME", "must be lower-case letters, digits and underscores, got %q", c.DatabaseName)
	}
	if c.DBMaxConns < 2 || c.DBMaxConns > 1000 {
		bad("DB_MAX_CONNS", "must be between 2 and 1000, got %d", c.DBMaxConns)
	}
	switch c.LogLevel {
	case "trace", "debug", "info", "warn", "error":
	default:
		bad("LOG_LEVEL", "must be one of trace, debug, info, warn, error, got %q", c.LogLevel)
	}
	if c.SessionCache < 0 || c.SessionCache > time.Minute {
		bad("SESSION_CACHE_TTL", "must be between 0s (off) and 1m, got %s", c.SessionCache)
	}
	if c.SessionIdle > c.SessionMaxAge {
		bad("SESSION_IDLE_TIMEOUT", "must not be longer than SESSION_MAX_AGE (%s), got %s", c.SessionMaxAge, c.SessionIdle)
	}
	if c.UploadMaxBytes < 1<<10 || c.UploadMaxBytes > 100<<20 {
		bad("UPLOAD_MAX_BYTES", "must be between 1024 and 104857600, got %d", c.UploadMaxBytes)
	}
	if c.RequestTimeout >= c.WriteTimeout {
		bad("REQUEST_TIMEOUT", "must be shorter than HTTP_WRITE_TIMEOUT (%s), got %s", c.WriteTimeout, c.RequestTimeout)
	}
	for _, cidr := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(strings.TrimSpace(cidr)); err != nil {
			bad("TRUSTED_PROXIES", "must be a comma-separated list of CIDRs such as 10.0.0.0/8, got %q", cidr)
		}
	}
	if _, err := origins.Parse(c.CORSAllowedOrigins); err != nil {
		bad("CORS_ALLOWED_ORIGINS", "must be a comma-separated list of origins such as https://dash.example.org or http://localhost:*: %v", err)
	}
	c.checkLimits(bad)
	if c.DemoData != "auto" && c.DemoData != "off" {
		bad("DEMO_DATA", "must be auto or off, got %q", c.DemoData)
	}
	c.checkTelemetry(bad)
	if c.LogFormat != "" && c.LogFormat != "json" && c.LogFormat != "console" {
		bad("LOG_FORMAT", "must be json or console (or unset: console in development on a terminal, else json), got %q", c.LogFormat)
	}
	return errs
}

// complaint records that variable v is wrong. validate's checks all report
// through one, so the errors come in validate's order.
type complaint func(v, format string, args ...any)

// checkTimeouts requires every timeout and session lifetime to be
// positive: none of them can be turned off with zero.
func (c Config) checkTimeouts(bad complaint) {
	for v, d := range map[string]time.Duration{
		"HTTP_READ_HEADER_TIMEOUT":       c.ReadHeaderTimeout,
		"HTTP_READ_TIMEOUT":              c.ReadTimeout,
		"HTTP_WRITE_TIMEOUT":             c.WriteTimeout,
		"HTTP_IDLE_TIMEOUT":              c.IdleTimeout,
		"SHUTDOWN_GRACE":                 c.ShutdownGrace,
		"REQUEST_TIMEOUT":                c.RequestTimeout,
		"DB_STATEMENT_TIMEOUT":           c.DBStatementTimeout,
		"DB_IDLE_IN_TRANSACTION_TIMEOUT": c.DBIdleInTxTimeout,
		"DB_WAIT_TIMEOUT":                c.DBWaitTimeout,
		"SESSION_IDLE_TIMEOUT":           c.SessionIdle,
		"SESSION_MAX_AGE":                c.SessionMaxAge,
	} {
		if d <= 0 {
			bad(v, "must be a positive duration such as 30s, got %s", d)
		}
	}
}

// checkLimits requires the GraphQL and rate limits to be at least one:
// none of them can be lifted with zero.
func (c Config) checkLimits(bad complaint) {
	for v, n := range map[string]int{
		"GRAPHQL_MAX_COMPLEXITY": c.MaxComplexity, "GRAPHQL_MAX_DEPTH": c.MaxDepth, "GRAPHQL_MAX_TOKENS": c.MaxTokens,
		"GRAPHQL_MAX_ALIASES": c.MaxAliases, "GRAPHQL_MAX_FIELD_REPEATS": c.MaxFieldRepeats,
		"RATE_LIMIT_POINTS": c.RatePoints, "RATE_LIMIT_ANONYMOUS_POINTS": c.RateAnonymousPoints,
		"LOGIN_ATTEMPTS_PER_MINUTE": c.LoginAttempts, "BAD_TOKENS_PER_MINUTE": c.BadTokens,
		"EXPORTS_PER_MINUTE": c.ExportsPerMinute, "HEAVY_QUERIES_PER_CALLER": c.HeavyPerCaller,
	} {
		if n < 1 {
			bad(v, "must be a positive whole number, got %d", n)
		}
	}
}

// checkTelemetry checks where metrics and traces go: the metrics port is
// kept off the public one, and traces go over OTLP/HTTP only.
func (c Config) checkTelemetry(bad complaint) {
	if c.MetricsAddr != "" {
		if _, port, err := net.SplitHostPort(c.MetricsAddr); err != nil || port == "" {
			bad("METRICS_ADDR", "must be host:port or :port (e.g. :9090), or empty for no metrics, got %q", c.MetricsAddr)
		} else if c.MetricsAddr == c.HTTPAddr {
			bad("METRICS_ADDR", "must differ from HTTP_ADDR: metrics are not served on the public port")
		}
	}
	if c.Profiling && c.MetricsAddr == "" {
		bad("PROFILING", "needs METRICS_ADDR: profiles are served on the metrics port only")
	}
	for v, u := range map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": c.OTLPEndpoint, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": c.OTLPTracesEndpoint} {
		if p, err := url.Parse(u); u != "" && (err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "") {
			bad(v, "must be an http:// or https:// URL such as http://localhost:4318, got %q", u)
		}
	}
	for v, p := range map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": c.OTLPProtocol, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": c.OTLPTracesProtocol} {
		if p != "" && p != "http/protobuf" {
			bad(v, "only http/protobuf is supported (send to the collector's OTLP/HTTP port, usually 4318), got %q", p)
		}
	}
}

// translate turns the env library's errors, which name Go struct fields, into
// errors that name the environment variable.
func translate(err error) []error {
	var agg env.AggregateError
	if !errors.As(err, &agg) {
		return []error{err}
	}
	out := make([]error, 0, len(agg.Errors))
	for _, e := range agg.Errors {
		var pe env.ParseError
		if errors.As(e, &pe) {
			out = append(out, &Error{Var: varName(pe.Name), Message: fmt.Sprintf("cannot read %s: %v", kind(pe.Type), unwrapParse(pe.Err))})
			continue
		}
		out = append(out, e)
	}
	return out
}

func varName(field string) string {
	f, ok := reflect.TypeOf(Config{}).FieldByName(field)
	if !ok {
		return field
	}
	return f.Tag.Get("env")
}

func kind(t reflect.Type) string {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case reflect.TypeOf(time.Duration(0)):
		return "a duration (e.g. 30s, 2m)"
	case reflect.TypeOf(true):
		return "a boolean (true or false)"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		return "a whole number"
	}
	return "the value"
}

// unwrapParse drops strconv's wording ("strconv.ParseInt: parsing ...") and
// keeps the offending value.
func unwrapParse(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "parsing "); i >= 0 {
		msg = msg[i+len("parsing "):]
	}
	return msg
}
