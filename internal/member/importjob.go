package member

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/validate"
)

// ImportInlineRows is the most rows imported within the request; a longer
// list is imported in the background (StartImport, RunImport) and its
// progress read with ImportByID.
const ImportInlineRows = 2000

// staleImport is how long a running import's row may stay unchanged: one
// that has not moved for longer was cut off with its server, and its
// transaction rolled back. An import of the longest list takes seconds.
const staleImport = 2 * time.Minute

// StartImport writes the log row of a background import of rows rows into
// a branch, RUNNING, and claims the request's idempotency key for it: the
// same request resent gets this import back, running or done.
//
// started is false when the key had already started it: run it only once.
func (s *Store) StartImport(ctx context.Context, unitID int64, uploadID *int64, rows int) (id int64, started bool, err error) {
	err = idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		var v validate.Errors
		if err := branchCheck(ctx, tx, &v, validate.Input("unitId"), unitID); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO member_imports
				(unit_id, account_id, upload_id, created, updated, unchanged, summary, status, stage, rows_total)
			VALUES ($1, nullif(current_setting('sodoan.account_id', true), '')::bigint, $2, 0, 0, 0, '{}', 'RUNNING', 'CHECKING', $3)
			RETURNING id`, unitID, uploadID, rows).Scan(&id); err != nil {
			return 0, fmt.Errorf("start member import: %w", err)
		}
		return id, nil
	})
	if replayed, ok := idempotency.ReplayOf(err); ok {
		return replayed, false, nil
	}
	return id, err == nil, err
}

// RunImport runs a started import (in.JobID) to its end, which its log
// row tells: DONE, or FAILED with the list's problems or as interrupted.
// The error is for the server's log; the user reads the row.
func (s *Store) RunImport(ctx context.Context, in ImportInput) error {
	res, err := s.Import(idempotency.Without(ctx), in)
	if err == nil && len(res.Problems) == 0 {
		return nil // the import's transaction wrote DONE
	}
	failure, summary := ImportInterrupted, []byte(`{}`)
	if err == nil {
		failure = ImportProblems
		if summary, err = json.Marshal(map[string]any{"problems": res.Problems}); err != nil {
			return fmt.Errorf("member import %d: %w", *in.JobID, err)
		}
	}
	// Recorded even when ctx was cancelled (the server shutting down).
	done, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, ferr := s.pool.Exec(done, `UPDATE member_imports SET status = 'FAILED', stage = NULL, failure = $2, summary = $3,
		updated_at = now() WHERE id = $1 AND status = 'RUNNING'`, *in.JobID, failure, summary); ferr != nil {
		return fmt.Errorf("record failed member import %d: %w (after %v)", *in.JobID, ferr, err)
	}
	if err != nil {
		return fmt.Errorf("member import %d: %w", *in.JobID, err)
	}
	return nil
}

// importStage records that a background import has moved on to stage.
func (s *Store) importStage(ctx context.Context, id int64, stage ImportStage) error {
	if _, err := s.pool.Exec(ctx, `UPDATE member_imports SET stage = $2, updated_at = now() WHERE id = $1 AND status = 'RUNNING'`,
		id, stage); err != nil {
		return fmt.Errorf("member import %d at %s: %w", id, stage, err)
	}
	return nil
}

// ImportByID reads an import's log row: a finished import's outcome, or
// how a running one goes. A running import whose row has not moved for
// staleImport reads as FAILED, interrupted.
func (s *Store) ImportByID(ctx context.Context, id int64) (*ImportResult, error) {
	res := &ImportResult{ID: id}
	var summary []byte
	var stale bool
	row := s.pool.QueryRow(ctx, `SELECT unit_id, created, updated, unchanged, summary, status, stage, rows_total, failure,
			status = 'RUNNING' AND updated_at < now() - $2::interval
		FROM member_imports WHERE id = $1`, id, staleImport.String())
	got, err := db.OrNil(row, func(row pgx.Row) (*ImportResult, error) {
		return res, row.Scan(&res.UnitID, &res.Created, &res.Updated, &res.Unchanged, &summary, &res.Status, &res.Stage,
			&res.RowsTotal, &res.Failure, &stale)
	}, "read member import %d", id)
	if err != nil || got == nil {
		return nil, err
	}
	if stale {
		res.Status, res.Stage = ImportFailed, nil
		f := ImportInterrupted
		res.Failure = &f
	}
	var s2 struct {
		Changes  []ImportChange
		Problems []ImportProblem
	}
	if err := json.Unmarshal(summary, &s2); err != nil {
		return nil, fmt.Errorf("read member import %d: %w", id, err)
	}
	res.Changes, res.Problems = s2.Changes, s2.Problems
	slices.SortFunc(res.Changes, func(a, b ImportChange) int { return a.Line - b.Line })
	return res, nil
}
