package db

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// InTx runs fn in a transaction and commits when fn returns nil; any error
// rolls everything back, so a rejected write changes nothing.
func InTx(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, pool, fn)
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
