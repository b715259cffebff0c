package db_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/peterldowns/pgtestdb"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// catalog lists what the migrations can create in a database: extensions,
// and every relation, function, type and trigger outside the system schemas.
// The migration bookkeeping table is left out: it stays after a full down.
func catalog(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	return testdb.Column[string](t, pool, `
		SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
		UNION ALL
		SELECT 'relation ' || n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relname NOT LIKE 'schema_migrations%'
		UNION ALL
		SELECT 'function ' || n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
		UNION ALL
		SELECT 'type ' || n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
		 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND t.typname NOT LIKE 'schema_migrations%' AND t.typname NOT LIKE '\_schema_migrations%'
		UNION ALL
		SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'
		ORDER BY 1`)
}

// Every migration's down really reverts its up: after up, down all and up
// again, the database is as it was before and then as it was after.
func TestMigrationsUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Empty(t)
	m := db.NewMigrator(pool, zerolog.Nop())

	empty := catalog(t, pool)
	if err := m.Up(ctx); err != nil {
		t.Fatalf("up: %v", err)
	}
	migrated := catalog(t, pool)
	if slices.Equal(empty, migrated) {
		t.Fatal("up changed nothing in the catalog")
	}
	assertVersion(t, m, db.LatestVersion())

	if err := m.Down(ctx, 0); err != nil {
		t.Fatalf("down: %v", err)
	}
	if got := catalog(t, pool); !slices.Equal(got, empty) {
		t.Errorf("down left the database different from before up:\n got  %v\n want %v", got, empty)
	}
	assertVersion(t, m, 0)

	if err := m.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if got := catalog(t, pool); !slices.Equal(got, migrated) {
		t.Errorf("second up differs from the first:\n got  %v\n want %v", got, migrated)
	}
	assertVersion(t, m, db.LatestVersion())
}

// Each down step reverts exactly one migration.
func TestMigrateDownOneStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Migrated(t)
	m := db.NewMigrator(pool, zerolog.Nop())
	if err := m.Down(ctx, 1); err != nil {
		t.Fatal(err)
	}
	// Migration numbers are consecutive.
	assertVersion(t, m, db.LatestVersion()-1)
}

// Several servers starting together against a new database all succeed and
// the migrations are applied once (golang-migrate's advisory lock).
func TestConcurrentUpIsSafe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.URL(t, pgtestdb.NoopMigrator{})

	const servers = 4
	errs := make(chan error, servers)
	for range servers {
		go func() {
			pool, err := db.Open(ctx, url, db.PoolOptions{MaxConns: 2})
			if err != nil {
				errs <- err
				return
			}
			defer pool.Close()
			errs <- db.NewMigrator(pool, zerolog.Nop()).Up(ctx)
		}()
	}
	for range servers {
		if err := <-errs; err != nil {
			t.Errorf("concurrent up: %v", err)
		}
	}
	pool, err := db.Open(ctx, url, db.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := db.CheckReady(ctx, pool); err != nil {
		t.Errorf("after concurrent up: %v", err)
	}
}

func TestCheckReady(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("migrated", func(t *testing.T) {
		t.Parallel()
		if err := db.CheckReady(ctx, testdb.Migrated(t)); err != nil {
			t.Errorf("want ready, got %v", err)
		}
	})
	t.Run("never migrated", func(t *testing.T) {
		t.Parallel()
		if err := db.CheckReady(ctx, testdb.Empty(t)); !errors.Is(err, db.ErrSchemaNotCurrent) {
			t.Errorf("want ErrSchemaNotCurrent, got %v", err)
		}
	})
	t.Run("behind", func(t *testing.T) {
		t.Parallel()
		pool := testdb.Migrated(t)
		if err := db.NewMigrator(pool, zerolog.Nop()).Down(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckReady(ctx, pool); !errors.Is(err, db.ErrSchemaNotCurrent) {
			t.Errorf("want ErrSchemaNotCurrent, got %v", err)
		}
	})
	t.Run("dirty", func(t *testing.T) {
		t.Parallel()
		pool := testdb.Migrated(t)
		if _, err := pool.Exec(ctx, `UPDATE schema_migrations SET dirty = true`); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckReady(ctx, pool); !errors.Is(err, db.ErrSchemaNotCurrent) {
			t.Errorf("want ErrSchemaNotCurrent, got %v", err)
		}
	})
	t.Run("unreachable", func(t *testing.T) {
		t.Parallel()
		if err := db.CheckReady(ctx, testdb.Unreachable(t)); !errors.Is(err, db.ErrUnreachable) {
			t.Errorf("want ErrUnreachable, got %v", err)
		}
	})
}

func assertVersion(t *testing.T, m *db.Migrator, want uint) {
	t.Helper()
	v, dirty, err := m.Version(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if v != want || dirty {
		t.Errorf("version %d dirty %t, want %d clean", v, dirty, want)
	}
}
