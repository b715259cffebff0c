// Package testdb gives each test its own PostgreSQL database, cloned from a
// template migrated with the server's own migrations, so tests run in
// parallel against a real server and leave nothing behind.
//
// The server is found the way the product finds its own (internal/dblocate):
// TEST_DATABASE_URL if set (a server where the user may create databases),
// else PostgreSQL on localhost:5432, else a throwaway cluster started from
// the machine's PostgreSQL binaries for the life of the test binary.
// DATABASE_URL is deliberately not used: tests must never touch the database
// a developer points the server at.
package testdb

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver pgtestdb opens
	"github.com/peterldowns/pgtestdb"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/dblocate"
	"github.com/sodoan/sodoan/migrations"
)

// server is found once per test binary; Main stops it if it is a cluster
// this binary started.
var server = struct {
	once sync.Once
	db   *dblocate.Database
	dir  string
	err  error
}{}

func find() (*dblocate.Database, error) {
	server.once.Do(func() {
		dir, err := os.MkdirTemp("", "sodoan-test-pg-")
		if err != nil {
			server.err = err
			return
		}
		server.dir = dir
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		server.db, server.err = dblocate.Find(ctx, dblocate.Options{
			URL:        os.Getenv("TEST_DATABASE_URL"),
			Name:       "sodoan_test",
			ClusterDir: dir,
			Log:        zerolog.Nop(),
		})
	})
	return server.db, server.err
}

// Main runs the package's tests and then stops a throwaway cluster if one
// was started. Use it from TestMain: func TestMain(m *testing.M) { testdb.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	if server.db != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := server.db.Close(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "testdb: stop cluster:", err)
		}
		cancel()
	}
	if server.dir != "" {
		_ = os.RemoveAll(server.dir)
	}
	os.Exit(code)
}

// Migrated returns a pool on a new database at the newest migration.
func Migrated(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Open(t, URL(t, migrator{}), db.PoolOptions{MaxConns: 8})
}

// Empty returns a pool on a new database with no migration applied, for
// tests of the migrations themselves.
func Empty(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Open(t, URL(t, pgtestdb.NoopMigrator{}), db.PoolOptions{MaxConns: 8})
}

// URL creates a new database prepared by m and returns its URL.
func URL(t testing.TB, m pgtestdb.Migrator) string {
	t.Helper()
	found, err := find()
	if err != nil {
		t.Fatalf("testdb: no PostgreSQL for tests: %v", err)
	}
	cc, err := pgconn.ParseConfig(found.URL)
	if err != nil {
		t.Fatalf("testdb: parse server URL: %v", err)
	}
	conf := pgtestdb.Config{
		DriverName: "pgx",
		Host:       cc.Host,
		Port:       fmt.Sprint(cc.Port),
		User:       cc.User,
		Password:   cc.Password,
		Database:   cc.Database,
		Options:    "sslmode=disable",
	}
	return pgtestdb.Custom(t, conf, m).URL()
}

// Open opens a pool on url with opts, as the server would, and closes it
// when the test ends.
func Open(t testing.TB, url string, opts db.PoolOptions) *pgxpool.Pool {
	t.Helper()
	pool, err := db.Open(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("testdb: open pool: %v", err)
	}
	// Registered after the cleanup that drops the database (pgtestdb's, or
	// the pool that made it), so it runs first: the pool must be closed
	// before the database is dropped.
	t.Cleanup(pool.Close)
	return pool
}

// Map runs a query of (key, value) rows on pool and returns them as a map,
// failing the test if the query does.
func Map[K comparable, V any](t testing.TB, pool *pgxpool.Pool, sql string, args ...any) map[K]V {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		t.Fatalf("testdb: %s: %v", sql, err)
	}
	out := map[K]V{}
	var k K
	var v V
	if _, err := pgx.ForEachRow(rows, []any{&k, &v}, func() error { out[k] = v; return nil }); err != nil {
		t.Fatalf("testdb: %s: %v", sql, err)
	}
	return out
}

// Column runs a query of one column on pool and returns its values in
// order, failing the test if the query does.
func Column[T any](t testing.TB, pool *pgxpool.Pool, sql string, args ...any) []T {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("testdb: %s: %v", sql, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		t.Fatalf("testdb: %s: %v", sql, err)
	}
	return out
}

// Unreachable returns a pool on an address where nothing listens (port 1 on
// loopback), for tests of what a server does while the database is away.
func Unreachable(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return Open(t, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", db.PoolOptions{MaxConns: 2})
}

// migrator prepares the template with the server's own migration code, so
// every test also exercises the path production takes.
type migrator struct{}

// Hash names the template after the migration files' contents: editing a
// migration makes a new template instead of reusing a stale one.
func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", path, len(b))
		h.Write(b)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

func (migrator) Migrate(ctx context.Context, _ *sql.DB, conf pgtestdb.Config) error {
	pool, err := db.Open(ctx, conf.URL(), db.PoolOptions{MaxConns: 4})
	if err != nil {
		return err
	}
	defer pool.Close()
	return db.NewMigrator(pool, zerolog.Nop()).Up(ctx)
}

// Cluster starts a throwaway PostgreSQL cluster of the test's own, for tests
// that stop or restart the database; it is stopped and removed at cleanup.
// Without the PostgreSQL server binaries (initdb, pg_ctl, postgres; see
// dblocate.ErrNoBinaries) the test is skipped, saying what to install.
// The databases named are created in it.
func Cluster(t testing.TB, databases ...string) *dblocate.Cluster {
	t.Helper()
	parent, err := dblocate.TempParent("sodoan-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	c, err := dblocate.NewCluster(parent+"/data", nil)
	if errors.Is(err, dblocate.ErrNoBinaries) {
		// A machine with a PostgreSQL server to test against but without
		// its binaries (a server in Docker): only this part cannot run.
		_ = os.RemoveAll(parent)
		t.Skipf("testdb: this test stops and restarts a PostgreSQL cluster of its own, so it needs more than a server: %v", err)
	}
	if err != nil {
		_ = os.RemoveAll(parent)
		t.Fatalf("testdb: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if _, err := c.Start(ctx); err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() {
		_ = c.Stop(context.Background(), "immediate")
		_ = os.RemoveAll(parent)
	})
	for _, name := range databases {
		if err := c.EnsureDatabase(ctx, name); err != nil {
			t.Fatalf("testdb: %v", err)
		}
	}
	return c
}
