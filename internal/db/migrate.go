package db

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/migrations"
)

// migrationsTable is golang-migrate's default; named here because the
// readiness check reads it directly.
const migrationsTable = "schema_migrations"

// Migrator applies the embedded migrations to one database. golang-migrate
// holds a PostgreSQL advisory lock while it works, so several servers starting
// at once apply each migration exactly once.
type Migrator struct {
	pool *pgxpool.Pool
	log  zerolog.Logger
}

// NewMigrator returns a Migrator that works through pool.
func NewMigrator(pool *pgxpool.Pool, log zerolog.Logger) *Migrator {
	return &Migrator{pool: pool, log: log}
}

// Up applies every pending migration.
func (m *Migrator) Up(ctx context.Context) error {
	return m.run(ctx, "up", func(mg *migrate.Migrate) error { return mg.Up() })
}

// Down reverts the newest steps migrations; steps <= 0 reverts them all.
func (m *Migrator) Down(ctx context.Context, steps int) error {
	return m.run(ctx, "down", func(mg *migrate.Migrate) error {
		if steps <= 0 {
			return mg.Down()
		}
		return mg.Steps(-steps)
	})
}

// Force records version as applied and clean without running anything: the
// way out after a failed migration has been repaired by hand.
func (m *Migrator) Force(ctx context.Context, version int) error {
	return m.run(ctx, "force", func(mg *migrate.Migrate) error { return mg.Force(version) })
}

// Version reports the applied version and whether the last migration failed
// half-way (dirty). A database never migrated reports 0, false.
func (m *Migrator) Version(ctx context.Context) (version uint, dirty bool, err error) {
	err = m.run(ctx, "version", func(mg *migrate.Migrate) error {
		version, dirty, err = mg.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			return nil
		}
		return err
	})
	return version, dirty, err
}

func (m *Migrator) run(ctx context.Context, what string, fn func(*migrate.Migrate) error) error {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return fmt.Errorf("read embedded migrations: %w", err)
	}
	// Migrations get their own connection without the server's statement
	// timeout: rewriting a big table may rightly take longer than any request.
	cfg := m.pool.Config()
	cfg.MaxConns = 1
	delete(cfg.ConnConfig.RuntimeParams, "statement_timeout")
	delete(cfg.ConnConfig.RuntimeParams, "idle_in_transaction_session_timeout")
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("migrate %s: connect: %w", what, err)
	}
	defer pool.Close()
	sqlDB := stdlib.OpenDBFromPool(pool)
	defer sqlDB.Close()
	driver, err := pgxmigrate.WithInstance(sqlDB, &pgxmigrate.Config{MigrationsTable: migrationsTable})
	if err != nil {
		return fmt.Errorf("migrate %s: connect: %w", what, err)
	}
	mg, err := migrate.NewWithInstance("iofs", src, "pgx5", driver)
	if err != nil {
		return fmt.Errorf("migrate %s: %w", what, err)
	}
	defer mg.Close()
	mg.Log = migrateLogger{m.log}

	// golang-migrate has no context parameter; GracefulStop makes it stop
	// after the migration in progress when ctx ends.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			mg.GracefulStop <- true
		case <-done:
		}
	}()

	if err := fn(mg); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("migrate %s: %w", what, err)
	}
	return nil
}

type migrateLogger struct{ log zerolog.Logger }

func (l migrateLogger) Printf(format string, v ...any) {
	l.log.Info().Str("component", "migrate").Msg(strings.TrimSpace(fmt.Sprintf(format, v...)))
}
func (l migrateLogger) Verbose() bool { return false }

// LatestVersion is the newest migration embedded in this binary.
var LatestVersion = sync.OnceValue(func() uint {
	var latest uint
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		panic(fmt.Sprintf("read embedded migrations: %v", err))
	}
	for _, e := range entries {
		var v uint
		if _, err := fmt.Sscanf(e.Name(), "%d_", &v); err == nil && v > latest {
			latest = v
		}
	}
	return latest
})

// Why the database cannot serve: it does not answer, or its schema is not
// the one this binary was built for.
var (
	ErrUnreachable      = errors.New("database unreachable")
	ErrSchemaNotCurrent = errors.New("database schema not current")
)

// AppliedVersion reads the applied migration straight from the version
// table: one cheap statement, fit for a readiness probe polled every few
// seconds (Migrator.Version takes the migration lock).
func AppliedVersion(ctx context.Context, pool *pgxpool.Pool) (version uint, dirty bool, err error) {
	err = pool.QueryRow(ctx, `SELECT version, dirty FROM `+migrationsTable+` LIMIT 1`).Scan(&version, &dirty)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("read applied migration: %w", err)
	}
	return version, dirty, nil
}

// CheckReady answers whether the database is reachable and its schema is the
// one this binary expects.
func CheckReady(ctx context.Context, pool *pgxpool.Pool) error {
	version, dirty, err := AppliedVersion(ctx, pool)
	switch {
	case err != nil:
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == pgerrcode.UndefinedTable {
			return fmt.Errorf("%w: no migration applied", ErrSchemaNotCurrent)
		}
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	case dirty:
		return fmt.Errorf("%w: migration %d failed half-way (dirty)", ErrSchemaNotCurrent, version)
	case version != LatestVersion():
		return fmt.Errorf("%w: schema at version %d, this server needs %d", ErrSchemaNotCurrent, version, LatestVersion())
	}
	return nil
}
