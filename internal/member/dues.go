package member

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/validate"
)

// MaxDuesCategoryBatch bounds one call setting members' dues category.
const MaxDuesCategoryBatch = 1000

// SetDuesCategory sets what many members pay union dues by (a branch whose
// members all earn a salary sets them all at once), and returns them.
func (s *Store) SetDuesCategory(ctx context.Context, memberIDs []int64, c dues.Category) ([]*Member, error) {
	var v validate.Errors
	switch {
	case len(memberIDs) == 0:
		v.Add(validate.Input("memberIds"), validate.Required, "Cần ít nhất một đoàn viên.", "At least one member is needed.")
	case len(memberIDs) > MaxDuesCategoryBatch:
		v.Add(validate.Input("memberIds"), validate.OutOfRange, fmt.Sprintf("Mỗi lần tối đa %d đoàn viên.", MaxDuesCategoryBatch),
			fmt.Sprintf("At most %d members at a time.", MaxDuesCategoryBatch))
	}
	seen := make(map[int64]bool, len(memberIDs))
	for i, id := range memberIDs {
		if seen[id] {
			v.Add(validate.Input("memberIds", i), validate.Duplicate, "Đoàn viên bị lặp lại.", "The member appears twice.")
		}
		seen[id] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out []*Member
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		// Only rows whose category changes are written (and audited).
		if _, err := tx.Exec(ctx, `UPDATE members SET dues_category = $2, version = version + 1, updated_at = now()
			WHERE id = ANY ($1) AND dues_category <> $2`, memberIDs, c); err != nil {
			return fmt.Errorf("set dues category: %w", err)
		}
		list, err := db.Collect(ctx, tx, "read members", scanOne, `SELECT `+memberColumns+` FROM members m WHERE m.id = ANY ($1)`, memberIDs)
		if err != nil {
			return err
		}
		byID := make(map[int64]*Member, len(list))
		for _, m := range list {
			byID[m.ID] = m
		}
		out = out[:0]
		for i, id := range memberIDs {
			if m := byID[id]; m != nil {
				out = append(out, m)
			} else {
				v.Add(validate.Input("memberIds", i), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
			}
		}
		return v.Err()
	})
	return out, err
}
