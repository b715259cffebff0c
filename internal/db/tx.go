package db

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sodoan/sodoan/internal/ctxvalue"
)

// DB is what the stores need: a pool in the server, or a transaction when
// several writes must stand or fall together (the demo loader). In a
// transaction, InTx nests as a savepoint.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Actor is who is writing, for the audit log: the database's audit
// triggers read it from transaction-local settings that InTx sets.
type Actor struct {
	AccountID int64 // 0: nobody signed in (or the system)
	RequestID string
}

var actorKey ctxvalue.Key[Actor]

// WithActor returns ctx carrying a, for the writes made on its behalf.
func WithActor(ctx context.Context, a Actor) context.Context { return actorKey.With(ctx, a) }

// ActorFrom returns the actor ctx carries, if any.
func ActorFrom(ctx context.Context) (Actor, bool) { return actorKey.From(ctx) }

// InTx runs fn in a transaction and commits when fn returns nil; any error
// rolls everything back, so a rejected write changes nothing. The actor in
// ctx is handed to the audit triggers first, so no change is logged without
// who made it.
//
// A transaction PostgreSQL aborts as a serialization or deadlock victim, or
// whose connection failed before anything was sent, is run again (a few
// times, with a short pause), so fn must be safe to run more than once:
// every effect it has is inside tx or is overwritten on the next run. In a
// transaction already (conn is a pgx.Tx) InTx is a savepoint and never
// retries; the outermost one does.
func InTx(ctx context.Context, conn DB, fn func(pgx.Tx) error) error {
	_, nested := conn.(pgx.Tx)
	for attempt := 1; ; attempt++ {
		err := runTx(ctx, conn, fn)
		if err == nil || nested || attempt == txAttempts || !retryable(err) {
			return err
		}
		if waitErr := retryDelay(ctx, attempt); waitErr != nil {
			return err
		}
	}
}

func runTx(ctx context.Context, conn DB, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		a, ok := ActorFrom(ctx)
		if !ok {
			if _, err := tx.Exec(ctx, WritePlans); err != nil {
				return fmt.Errorf("plan the transaction's statements: %w", err)
			}
			return fn(tx)
		}
		account := ""
		if a.AccountID != 0 {
			account = strconv.FormatInt(a.AccountID, 10)
		}
		if _, err := tx.Exec(ctx, `SELECT set_config('sodoan.account_id', $1, true), set_config('sodoan.request_id', $2, true),
				set_config('plan_cache_mode', 'auto', true)`, account, a.RequestID); err != nil {
			return fmt.Errorf("name the actor for the audit log: %w", err)
		}
		return fn(tx)
	})
}

// WritePlans lets PostgreSQL choose again, for the rest of a transaction,
// between a plan for any values and one for the values given (the pool
// forces the former, for the lookups of reads; see Open): a write's
// statements and the triggers they fire read tables the transaction may
// have just filled, where a plan made without the values went wrong (a
// bulk fill's participations ran for minutes). Every transaction that
// writes runs it first: InTx does, with the actor.
const WritePlans = `SELECT set_config('plan_cache_mode', 'auto', true)`
