package report

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// TargetsByIDs returns plan targets by id, for node(id:) and the audit
// log's links; ids that do not exist are left out.
func (s *Store) TargetsByIDs(ctx context.Context, ids []int64) (map[int64]*Target, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+targetColumns+` FROM plan_targets WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("plan targets by id: %w", err)
	}
	list, err := pgx.CollectRows(rows, scanTarget)
	if err != nil {
		return nil, fmt.Errorf("plan targets by id: %w", err)
	}
	out := make(map[int64]*Target, len(list))
	for i := range list {
		out[list[i].ID] = &list[i]
	}
	return out, nil
}
