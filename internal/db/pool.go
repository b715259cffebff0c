// Package db opens the connection pool, applies migrations and answers
// whether the database is ready to serve.
package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
)

// PoolOptions are the pool settings the server exposes as configuration.
type PoolOptions struct {
	MaxConns int32
	// StatementTimeout cancels any one statement that runs longer, so a
	// runaway query cannot hold a connection; 0 leaves PostgreSQL's default
	// (none), which bulk loads want.
	StatementTimeout time.Duration
	// IdleInTxTimeout ends a session that sits in an open transaction doing
	// nothing (a stuck request), releasing its locks; 0: no limit.
	IdleInTxTimeout time.Duration
	// Tracer also sees every statement (e.g. OpenTelemetry spans), beside
	// the statement counter; nil: none, at no cost.
	Tracer pgx.QueryTracer
}

// Open creates a pool for url. It does not wait for the database: pgxpool
// connects lazily, so a server can start while PostgreSQL is still coming up
// and recovers by itself when it returns.
func Open(ctx context.Context, url string, opts PoolOptions) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included; keep it out.
		return nil, errors.New("parse database URL: not a valid PostgreSQL connection string")
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "sodoan"
	// Statements are prepared and cached per connection, and PostgreSQL
	// plans each once for any values (force_generic_plan). Left to choose
	// (auto), it planned the loaders' lookups (id = ANY($1)) afresh on
	// every run, since a custom plan for one id always looks cheaper than
	// a plan for an array of any length: planbench showed the ids folded
	// into every plan, and forcing the generic plan halved what a member's
	// page or a node by ID costs PostgreSQL (210 to 110 µs of its CPU per
	// request). Where the values decide the plan, the code asks for a plan
	// of its own: search patterns (Args.Bind) and the yearly report, whose
	// subtree may be a branch or a whole province (report.Store sets
	// plan_cache_mode for its transaction).
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	if opts.StatementTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	}
	if opts.IdleInTxTimeout > 0 {
		cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = strconv.FormatInt(opts.IdleInTxTimeout.Milliseconds(), 10)
	}
	cfg.ConnConfig.Tracer = statementTracer{}
	if opts.Tracer != nil {
		cfg.ConnConfig.Tracer = multitracer.New(statementTracer{}, opts.Tracer)
	}
	// A health check every half minute drops connections to a restarted server
	// before a request trips over them.
	cfg.HealthCheckPeriod = 30 * time.Second
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	return pool, nil
}

// WaitReachable pings until the database answers or timeout passes, logging
// each failed attempt, so a server started alongside its database waits for it.
func WaitReachable(ctx context.Context, pool *pgxpool.Pool, timeout time.Duration, log zerolog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	delay := 200 * time.Millisecond
	for {
		pingCtx, cancelPing := context.WithTimeout(ctx, 3*time.Second)
		err := pool.Ping(pingCtx)
		cancelPing()
		if err == nil {
			return nil
		}
		log.Warn().Err(err).Dur("retry_in", delay).Msg("database not reachable yet")
		select {
		case <-ctx.Done():
			return fmt.Errorf("database not reachable after %s: %w", timeout, err)
		case <-time.After(delay):
		}
		delay = min(delay*2, 3*time.Second)
	}
}
