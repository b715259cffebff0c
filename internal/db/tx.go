package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// DB is what the stores need: a pool in the server, or a transaction when
// several writes must stand or fall together (the demo loader). In a
// transaction, InTx nests as a savepoint.
type DB interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// InTx runs fn in a transaction and commits when fn returns nil; any error
// rolls everything back, so a rejected write changes nothing.
func InTx(ctx context.Context, conn DB, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, conn, fn)
}

// Optional is an input field that can be left out (Set false: keep the
// stored value), given as null (Set, Value nil: clear it) or given a value.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Convert keeps o's Set but swaps its value, e.g. for an ID decoded to its key.
func Convert[T, U any](o Optional[T], v *U) Optional[U] {
	return Optional[U]{Set: o.Set, Value: v}
}
