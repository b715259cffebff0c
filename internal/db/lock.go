package db

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/validate"
)

// Named says what a record is called in messages, in Vietnamese and English.
type Named struct{ VI, EN string }

// LockVersion reads the record an update or delete names (query selects it
// by $1 FOR UPDATE) and checks it is still at the version the caller read:
// a missing record is NOT_FOUND on input.id, a changed one CONFLICT on
// input.version, both as field errors the user can act on.
func LockVersion[T any](ctx context.Context, tx pgx.Tx, query string, id int64, version int32,
	scan func(pgx.Row) (*T, error), versionOf func(*T) int32, what Named) (*T, error) {
	rec, err := scan(tx.QueryRow(ctx, query, id))
	if errors.Is(err, pgx.ErrNoRows) {
		var v validate.Errors
		v.Add(validate.Path("input", "id"), validate.NotFound, "Không tìm thấy "+what.VI+".", "No such "+what.EN+".")
		return nil, v.Err()
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s %d: %w", what.EN, id, err)
	}
	if versionOf(rec) != version {
		return nil, validate.StaleError(validate.Path("input", "version"))
	}
	return rec, nil
}
