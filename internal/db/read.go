package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// The helpers below are the read shapes every store repeats: a count over a
// filtered table, a list of scanned records, one record or none. Each wraps
// its error with what the caller names it, as the stores always did.

// Count returns SELECT count(*) FROM from, filtered by conds; what names
// the count in its error ("count members").
func Count(ctx context.Context, q DB, what, from string, conds []string, args ...any) (int, error) {
	var n int
	if err := q.QueryRow(ctx, `SELECT count(*) FROM `+from+Where(conds), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return n, nil
}

// Collect runs sql and returns the records scan makes of its rows, in
// order; what names the list in its error ("list pledges").
func Collect[T any](ctx context.Context, q DB, what string, scan func(pgx.Row) (T, error), sql string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return list, nil
}

// Grouped runs sql and returns the records scan makes of its rows, in
// order, grouped by groupOf; what names the records in its error.
func Grouped[T any](ctx context.Context, q DB, what string, scan func(pgx.Row) (T, error), groupOf func(T) int64,
	sql string, args ...any) (map[int64][]T, error) {
	list, err := Collect(ctx, q, what, scan, sql, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64][]T{}
	for _, rec := range list {
		out[groupOf(rec)] = append(out[groupOf(rec)], rec)
	}
	return out, nil
}

// GroupedByParent runs sql, a Lateral statement, and adds the records scan
// makes of its rows to into under their parents' ids, which scan reads from
// the last column into parent; what names the records in its error.
func GroupedByParent[T any](ctx context.Context, q DB, what string, scan func(row pgx.Row, parent *int64) (T, error),
	into map[int64][]T, sql string, args ...any) error {
	type child struct {
		rec    T
		parent int64
	}
	list, err := Collect(ctx, q, what, func(r pgx.Row) (child, error) {
		var c child
		var err error
		c.rec, err = scan(r, &c.parent)
		return c, err
	}, sql, args...)
	for _, c := range list {
		into[c.parent] = append(into[c.parent], c.rec)
	}
	return err
}

// OrNil returns the record scan makes of row, or nil when there is no row;
// another error comes back wrapped in what format and args say.
func OrNil[T any](row pgx.Row, scan func(pgx.Row) (*T, error), format string, args ...any) (*T, error) {
	rec, err := scan(row)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), err)
	}
	return rec, nil
}

// Scanner returns the scan function of a record whose columns, in order,
// targets points into: what every store's scanX wrote out by hand.
func Scanner[T any](targets func(*T) []any) func(pgx.Row) (*T, error) {
	return func(row pgx.Row) (*T, error) {
		var rec T
		if err := row.Scan(targets(&rec)...); err != nil {
			return nil, err
		}
		return &rec, nil
	}
}
