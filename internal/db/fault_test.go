package db_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/testdb"
)

// The pool's statement_timeout stops a runaway statement, and the error is
// recognised as a timeout rather than the database being away.
func TestStatementTimeout(t *testing.T) {
	t.Parallel()
	pool := testdb.Open(t, testdb.Migrated(t).Config().ConnString(), db.PoolOptions{MaxConns: 2, StatementTimeout: 50 * time.Millisecond})
	start := time.Now()
	_, err := pool.Exec(context.Background(), `SELECT pg_sleep(5)`)
	if !db.TimedOut(err) || db.Unavailable(err) {
		t.Errorf("want a timeout, got %v (timed out %v, unavailable %v)", err, db.TimedOut(err), db.Unavailable(err))
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("statement ran %s despite a 50 ms timeout", took)
	}
}

// A transaction left open and idle is ended by the server, releasing its
// locks, instead of blocking writers until someone notices.
func TestIdleTransactionIsEnded(t *testing.T) {
	t.Parallel()
	pool := testdb.Open(t, testdb.Migrated(t).Config().ConnString(), db.PoolOptions{MaxConns: 2, IdleInTxTimeout: 100 * time.Millisecond})
	ctx := context.Background()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // the server has ended it
	if _, err := tx.Exec(ctx, `SELECT 1`); err != nil {
		t.Fatal(err)
	}
	time.Sleep(400 * time.Millisecond)
	if _, err := tx.Exec(ctx, `SELECT 1`); err == nil {
		t.Error("a transaction idle past the timeout still runs statements")
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	_, refused := testdb.Unreachable(t).Exec(context.Background(), `SELECT 1`)
	// A statement sent after the request's deadline: pgconn calls this safe
	// to retry, but it is a timeout, not an outage.
	tx, err := testdb.Migrated(t).Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // read only
	late, cancel := context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-late.Done()
	_, expired := tx.Exec(late, `SELECT 1`)
	if !db.TimedOut(expired) {
		t.Errorf("a statement after the deadline should be a timeout: %v", expired)
	}
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", refused, true},
		{"server shutting down", &pgconn.PgError{Code: "57P01"}, true},
		{"too many connections", &pgconn.PgError{Code: "53300"}, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"no rows", pgx.ErrNoRows, false},
		{"deadline", context.DeadlineExceeded, false},
		{"statement after the deadline", expired, false},
		{"client went away", context.Canceled, false},
		{"none", nil, false},
	} {
		if got := db.Unavailable(tt.err); got != tt.want {
			t.Errorf("%s (%v): Unavailable = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}

// Two transactions that lock the same rows in opposite orders deadlock;
// PostgreSQL aborts one, InTx runs it again, and both changes land once.
func TestInTxRetriesDeadlockVictim(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL);
		INSERT INTO counters VALUES (1, 0), (2, 0)`); err != nil {
		t.Fatal(err)
	}
	var attempts atomic.Int32
	var bothLocked sync.WaitGroup
	bothLocked.Add(2)
	bump := func(first, second int) error {
		firstRun := true
		return db.InTx(ctx, pool, func(tx pgx.Tx) error {
			attempts.Add(1)
			if _, err := tx.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE id = $1`, first); err != nil {
				return err
			}
			if firstRun {
				firstRun = false
				bothLocked.Done()
				bothLocked.Wait()
			}
			_, err := tx.Exec(ctx, `UPDATE counters SET n = n + 1 WHERE id = $1`, second)
			return err
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- bump(1, 2) }()
	go func() { errs <- bump(2, 1) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction failed despite retries: %v", err)
		}
	}
	if n := attempts.Load(); n != 3 {
		t.Errorf("%d attempts, want 3 (one deadlock victim run again)", n)
	}
	var a, b int
	if err := pool.QueryRow(ctx, `SELECT (SELECT n FROM counters WHERE id = 1), (SELECT n FROM counters WHERE id = 2)`).Scan(&a, &b); err != nil {
		t.Fatal(err)
	}
	if a != 2 || b != 2 {
		t.Errorf("counters %d, %d; want 2, 2 (each change once)", a, b)
	}
}

// Errors that are not conflicts are not retried: a rejected write fails at
// once.
func TestInTxDoesNotRetryOtherErrors(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	calls := 0
	refused := errors.New("refused")
	err := db.InTx(context.Background(), pool, func(pgx.Tx) error { calls++; return refused })
	if !errors.Is(err, refused) || calls != 1 {
		t.Errorf("err %v after %d calls; want refused after 1", err, calls)
	}
}
