package report

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
)

// TargetsByIDs returns plan targets by id, for node(id:) and the audit
// log's links; ids that do not exist are left out.
func (s *Store) TargetsByIDs(ctx context.Context, ids []int64) (map[int64]*Target, error) {
	return db.ByIDs(ctx, s.pool, "plan_targets", targetColumns, ids, func(r pgx.Row) (*Target, error) {
		t, err := scanTarget(r)
		return &t, err
	}, func(t *Target) int64 { return t.ID })
}
