// Package versionlock is optimistic locking: an update or delete names the
// version of the record its caller read, and is refused when the record has
// changed since.
package versionlock

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/validate"
)

// Named says what a record is called in messages, in Vietnamese and English.
type Named struct{ VI, EN string }

// Lock reads the record an update or delete names (query selects it by $1
// FOR UPDATE) and checks it is still at the version the caller read: a
// missing record is NOT_FOUND on input.id, a changed one CONFLICT on
// input.version, both as field errors the user can act on.
func Lock[T any](ctx context.Context, tx pgx.Tx, query string, id int64, version int32,
	scan func(pgx.Row) (*T, error), versionOf func(*T) int32, what Named) (*T, error) {
	rec, err := Row(ctx, tx, query, id, scan, validate.Input("id"), what)
	if err != nil {
		return nil, err
	}
	if versionOf(rec) != version {
		return nil, validate.StaleError(validate.Input("version"))
	}
	return rec, nil
}

// Row reads and locks the record query selects by $1 FOR UPDATE, whatever
// its version; a missing record is NOT_FOUND on field.
func Row[T any](ctx context.Context, tx pgx.Tx, query string, id int64,
	scan func(pgx.Row) (*T, error), field []string, what Named) (*T, error) {
	rec, err := scan(tx.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		var v validate.Errors
		v.Add(field, validate.NotFound, "Không tìm thấy "+what.VI+".", "No such "+what.EN+".")
		return nil, v.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s %d: %w", what.EN, id, err)
	}
	return rec, nil
}

// Delete deletes from table, in one transaction, the record id names once
// lock has locked it at the version the caller read (lock is an update's
// lock, such as one made with Lock).
func Delete[T any](ctx context.Context, conn db.DB, table string, id int64, version int32,
	lock func(context.Context, pgx.Tx, int64, int32) (*T, error)) error {
	return DeleteUnless(ctx, conn, table, id, version, lock, nil)
}

// DeleteUnless is Delete for a record that may be in use: refuse, run on
// the locked record (when not nil), returns why it may not be deleted (a
// field error) or nil, and the record is deleted only on nil.
func DeleteUnless[T any](ctx context.Context, conn db.DB, table string, id int64, version int32,
	lock func(context.Context, pgx.Tx, int64, int32) (*T, error), refuse func(context.Context, pgx.Tx, *T) error) error {
	return db.InTx(ctx, conn, func(tx pgx.Tx) error {
		rec, err := lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if refuse != nil {
			if err := refuse(ctx, tx, rec); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE id = $1`, id); err != nil {
			return fmt.Errorf("delete %d from %s: %w", id, table, err)
		}
		return nil
	})
}

// Update runs change, in one transaction, on the record id names once lock
// has locked it at the version the caller read, and returns the record as
// change wrote it.
func Update[T any](ctx context.Context, conn db.DB, id int64, version int32,
	lock func(context.Context, pgx.Tx, int64, int32) (*T, error), change func(tx pgx.Tx, cur *T) (*T, error)) (*T, error) {
	var out *T
	err := db.InTx(ctx, conn, func(tx pgx.Tx) error {
		cur, err := lock(ctx, tx, id, version)
		if err != nil {
			return err
		}
		out, err = change(tx, cur)
		return err
	})
	return out, err
}
