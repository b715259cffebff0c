// Command server is the Sổ Đoàn GraphQL backend: records, dashboards and
// year-end reports for Ho Chi Minh Communist Youth Union branches.
//
//	server [serve] [--no-migrate]     run the HTTP server (the default)
//	server migrate up                 apply pending migrations
//	server migrate down [N|all]       revert the newest N migrations (default 1)
//	server migrate version            print the applied migration
//	server migrate force VERSION      mark VERSION as applied after a manual repair
//	server seed [--before-reform]     load the demo into an empty database
//	server gendata [--members N] [--seed S]  province-sized data for benchmarks
//	server figures verify|rebuild [--unit ID] [--year Y]  check or repair the kept report figures
//	server reportbench [--members N] [--runs R] [--only sections|writes]  time every report section
//	server planbench [--members N] [--out FILE]  the executed plan of every dashboard and report statement
//	server user create --username U --name N (--admin | --officer-of UNIT) [--email E]
//	                                  create an account; the password is read from the terminal or stdin
//	server schema                     print the GraphQL schema as one SDL file (schema.graphql)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	"github.com/caarlos0/env/v11"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/dblocate"
	"github.com/sodoan/sodoan/internal/figures"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/metrics"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/seed"
)

// version is set at build time: go build -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], env.ToMap(os.Environ()), os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		var usage usageError
		if errors.As(err, &usage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `usage:
  server [serve] [--no-migrate]     run the HTTP server (default)
  server migrate up                 apply pending migrations
  server migrate down [N|all]       revert the newest N migrations (default 1)
  server migrate version            print the applied migration
  server migrate force VERSION      mark VERSION applied after a manual repair
  server seed [--before-reform]     load the demo (Vietnamese sample records) into an empty database;
                                    --before-reform stops its history before the 2025 reform
  server gendata [--members N] [--seed S]
                                    fill an empty database with a province-sized dataset (benchmarks)
  server loadbench [--members N] [--duration D] [--out FILE] [--queries 1,2,...] [--cpuprofile FILE]
                                    dashboard queries over HTTP at concurrency 1, 16, 64 vs hand-written SQL
  server figures verify|rebuild [--unit ID] [--year Y]
                                    compare the report figures kept as records are written with the records
                                    (exit 1 on a difference), or recompute them
  server reportbench [--members N] [--runs R] [--only sections|writes]
                                    every section of the yearly report for a branch, a bloc and the province
  server planbench [--members N] [--out FILE]
                                    the executed plan of every statement behind the dashboard queries and the
                                    report sections (EXPLAIN ANALYZE by auto_explain), flagging wide reads
  server user create --username U --name N (--admin | --officer-of UNIT_ID) [--email E]
                                    create an account; password from the terminal or stdin
  server schema                     print the GraphQL schema (SDL) that schema.graphql holds
Settings come from environment variables; see README.md.`

// run is main without the process: it takes everything it uses as arguments
// so tests can call it.
func run(ctx context.Context, args []string, environ map[string]string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if cmd == "schema" {
		// Needs no settings or database: make generate runs it anywhere.
		if len(args) > 0 {
			return usageError{"schema takes no arguments\n" + usage}
		}
		_, err := io.WriteString(stdout, graph.SDL())
		return err
	}

	cfg, err := config.Load(environ)
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	console := cfg.ConsoleLogs(isTerminal(stderr))
	log := newLogger(cfg, console, stderr)

	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		noMigrate := fs.Bool("no-migrate", false, "do not apply pending migrations at start")
		if err := fs.Parse(args); err != nil {
			return usageError{err.Error()}
		}
		var bannerOut io.Writer // the banner goes with readable logs only
		if console {
			bannerOut = stderr
		}
		return serve(ctx, cfg, log, !*noMigrate && cfg.AutoMigrate, bannerOut)
	case "migrate":
		return migrateCommand(ctx, cfg, log, args, stdout)
	case "user":
		return userCommand(ctx, cfg, log, args, stdin, stdout)
	case "loadbench":
		return loadbenchCommand(ctx, cfg, log, args, stdout)
	case "figures":
		return figuresCommand(ctx, cfg, log, args, stdout)
	case "reportbench":
		return reportbenchCommand(ctx, cfg, log, args, stdout)
	case "planbench":
		return planbenchCommand(ctx, cfg, log, args, stdout)
	case "gendata":
		return gendataCommand(ctx, cfg, log, args, stdout)
	case "seed":
		var opts seed.Options
		switch {
		case len(args) == 1 && args[0] == "--before-reform":
			opts.BeforeReform = true
		case len(args) > 0:
			return usageError{"seed takes no arguments but --before-reform\n" + usage}
		}
		return seedCommand(ctx, cfg, log, stdout, opts)
	default:
		return usageError{fmt.Sprintf("unknown command %q\n%s", cmd, usage)}
	}
}

func ptr[T any](v T) *T { return &v }

func newLogger(cfg config.Config, console bool, w io.Writer) zerolog.Logger {
	if console {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	level, _ := zerolog.ParseLevel(cfg.LogLevel) // validated by config.Load
	return zerolog.New(w).Level(level).With().Timestamp().Str("service", "sodoan").Logger()
}

// openDatabase finds the database (see internal/dblocate), opens a pool and
// waits until it answers. close releases both in the right order.
// tracer, when not nil, also sees every statement (tracing).
func openDatabase(ctx context.Context, cfg config.Config, log zerolog.Logger, tracer pgx.QueryTracer) (pool *pgxpool.Pool, close func(), found *dblocate.Database, err error) {
	found, err = dblocate.Find(ctx, dblocate.Options{
		URL:        cfg.DatabaseURL,
		Name:       cfg.DatabaseName,
		ClusterDir: cfg.LocalClusterDir,
		Log:        log,
	})
	if err != nil {
		return nil, nil, nil, err
	}
	stopCluster := func() {
		stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := found.Close(stopCtx); err != nil {
			log.Error().Err(err).Msg("stop local PostgreSQL")
		}
	}
	logDatabase(log, found)

	pool, err = db.Open(ctx, found.URL, db.PoolOptions{
		MaxConns: cfg.DBMaxConns, StatementTimeout: cfg.DBStatementTimeout, IdleInTxTimeout: cfg.DBIdleInTxTimeout,
		Tracer: tracer,
	})
	if err != nil {
		stopCluster()
		return nil, nil, nil, err
	}
	close = func() { pool.Close(); stopCluster() }
	if err := db.WaitReachable(ctx, pool, cfg.DBWaitTimeout, log); err != nil {
		close()
		return nil, nil, nil, err
	}
	return pool, close, found, nil
}

// openMigrated is openDatabase for the commands that write records (seed,
// gendata, loadbench, user create): they bring the schema up to date first.
func openMigrated(ctx context.Context, cfg config.Config, log zerolog.Logger) (*pgxpool.Pool, func(), error) {
	pool, closeDB, _, err := openDatabase(ctx, cfg, log, nil)
	if err != nil {
		return nil, nil, err
	}
	if err := db.NewMigrator(pool, log).Up(ctx); err != nil {
		closeDB()
		return nil, nil, err
	}
	return pool, closeDB, nil
}

// logDatabase says which database is used, without its password.
func logDatabase(log zerolog.Logger, found *dblocate.Database) {
	ev := log.Info().Str("source", string(found.Source))
	if cc, err := pgconn.ParseConfig(found.URL); err == nil {
		ev = ev.Str("host", cc.Host).Uint16("port", cc.Port).Str("database", cc.Database).Str("user", cc.User)
	}
	ev.Msg("using database")
}

// serve runs the HTTP server; bannerOut, when not nil, gets the start-up
// banner (see banner.go).
func serve(ctx context.Context, cfg config.Config, log zerolog.Logger, migrate bool, bannerOut io.Writer) error {
	tuneGC(log)
	// Bind first: a port already in use should fail before anything else starts.
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s (HTTP_ADDR): %w", cfg.HTTPAddr, err)
	}
	defer ln.Close()

	obs, err := startObservability(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer obs.close()

	pool, closeDB, found, err := openDatabase(ctx, cfg, log, obs.sqlTracer())
	if err != nil {
		return err
	}
	defer closeDB()

	if migrate {
		if err := db.NewMigrator(pool, log).Up(ctx); err != nil {
			return err
		}
	}

	// The members' year rows follow the calendar while the server runs,
	// the first move at once but not in the way of starting (once a year
	// it writes a year's rows for every unit; reports of the new year
	// count from the stays until it has).
	go figures.KeepHorizon(ctx, pool, log, 6*time.Hour)

	if cfg.LoadDemo() {
		if err := loadDemoIfEmpty(ctx, pool, log); err != nil {
			return err
		}
	}

	h := httpserver.Routes(httpserver.Options{
		Context:     ctx,
		Pool:        pool,
		Log:         log,
		Development: cfg.Env == config.Development,
		Version:     version,
		Sessions:    sessionPolicy(cfg),
		Media:       news.Media{Dir: cfg.MediaDir, MaxBytes: cfg.UploadMaxBytes},
		Limits: graph.Limits{Complexity: cfg.MaxComplexity, Depth: cfg.MaxDepth, Tokens: cfg.MaxTokens,
			Aliases: cfg.MaxAliases, FieldRepeats: cfg.MaxFieldRepeats},
		Introspection: ptr(cfg.IntrospectionOn()),
		Suggestions:   ptr(cfg.SuggestionsOn()),
		RateLimits: graph.RateLimits{
			Accounts:  ratelimit.New(cfg.RatePoints, obs.countRefusals(metrics.RefusedAccount)),
			Anonymous: ratelimit.New(cfg.RateAnonymousPoints, obs.countRefusals(metrics.RefusedAnonymous)),
			Logins:    ratelimit.New(cfg.LoginAttempts, obs.countRefusals(metrics.RefusedLogin)),
			BadTokens: ratelimit.New(cfg.BadTokens, obs.countRefusals(metrics.RefusedBadToken)),

			HeavyPerCaller: cfg.HeavyPerCaller,
		},
		Exports:        ratelimit.New(cfg.ExportsPerMinute, obs.countRefusals(metrics.RefusedExport)),
		RequestTimeout: cfg.RequestTimeout,
		TrustedProxies: cfg.TrustedProxyPrefixes(),
		Instrument:     obs.instrument(),
		AllowedOrigins: cfg.CORSOrigins(),
		Chromium:       cfg.Chromium,
	})
	timeouts := httpserver.Timeouts{
		ReadHeader:    cfg.ReadHeaderTimeout,
		Read:          cfg.ReadTimeout,
		Write:         cfg.WriteTimeout,
		Idle:          cfg.IdleTimeout,
		ShutdownGrace: cfg.ShutdownGrace,
	}
	stopMetrics := obs.serveMetrics(pool, timeouts)
	defer stopMetrics()
	if bannerOut != nil {
		writeBanner(bannerOut, newBanner(ctx, cfg, ln.Addr(), found, pool, log))
	}
	return httpserver.Serve(ctx, ln, h, timeouts, log)
}

func migrateCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"migrate needs up, down, version or force\n" + usage}
	}
	action, rest := args[0], args[1:]

	var step func(m *db.Migrator) error
	switch action {
	case "up":
		step = func(m *db.Migrator) error { return m.Up(ctx) }
	case "down":
		steps := 1
		if len(rest) > 0 {
			if rest[0] == "all" {
				steps = 0
			} else if n, err := strconv.Atoi(rest[0]); err == nil && n > 0 {
				steps = n
			} else {
				return usageError{fmt.Sprintf("migrate down takes a positive number or all, got %q", rest[0])}
			}
		}
		step = func(m *db.Migrator) error { return m.Down(ctx, steps) }
	case "force":
		if len(rest) != 1 {
			return usageError{"migrate force needs the version to record"}
		}
		v, err := strconv.Atoi(rest[0])
		if err != nil || v < 0 {
			return usageError{fmt.Sprintf("migrate force takes a migration number, got %q", rest[0])}
		}
		step = func(m *db.Migrator) error { return m.Force(ctx, v) }
	case "version":
		step = func(*db.Migrator) error { return nil }
	default:
		return usageError{fmt.Sprintf("unknown migrate action %q\n%s", action, usage)}
	}

	pool, closeDB, _, err := openDatabase(ctx, cfg, log, nil)
	if err != nil {
		return err
	}
	defer closeDB()
	m := db.NewMigrator(pool, log)
	if err := step(m); err != nil {
		return err
	}
	v, dirty, err := m.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema version %d (dirty: %t); this build's newest is %d\n", v, dirty, db.LatestVersion())
	return nil
}

// loadDemoIfEmpty fills a brand-new development database with the demo so
// that a first `make run` shows a working product.
func loadDemoIfEmpty(ctx context.Context, pool *pgxpool.Pool, log zerolog.Logger) error {
	empty, err := seed.Empty(ctx, pool)
	if err != nil || !empty {
		return err
	}
	sum, err := seed.Load(ctx, pool)
	if errors.Is(err, seed.ErrNotEmpty) {
		return nil // another server got there first
	}
	if err != nil {
		return err
	}
	log.Info().Str("loaded", sum.String()).Msg("empty database: demo data loaded (DEMO_DATA=off to skip)")
	return nil
}

func seedCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, stdout io.Writer, opts seed.Options) error {
	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	sum, err := seed.LoadWith(ctx, pool, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "demo data loaded: %s\n", sum)
	return nil
}

func sessionPolicy(cfg config.Config) account.Policy {
	p := account.DefaultPolicy
	p.IdleTimeout, p.MaxAge = cfg.SessionIdle, cfg.SessionMaxAge
	p.PrincipalCache = cfg.SessionCache
	return p
}

// Garbage collection defaults, from loadbench's measurements (issue 19):
// a request's garbage is short-lived and the live heap is some 20 MB, so
// collecting at 5× the live heap (GOGC=400) instead of 2× took the nested
// dashboard query from 7.6 ms of CPU a request to 4.9 ms; the soft memory
// limit collects sooner when the heap nears it, which kept the server's
// peak at 143 MB under load instead of 216 MB with GOGC=400 alone.
const (
	defaultGCPercent   = 400
	defaultMemoryLimit = 120 << 20
)

// tuneGC sets the collector's defaults unless the operator set either of
// Go's own variables (GOGC, GOMEMLIMIT), which then rule as usual.
func tuneGC(log zerolog.Logger) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(defaultGCPercent)
	debug.SetMemoryLimit(defaultMemoryLimit)
	log.Debug().Int("gogc", defaultGCPercent).Int64("gomemlimit", defaultMemoryLimit).Msg("garbage collection defaults")
}
