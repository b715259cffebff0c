package subtree

import (
	"context"
	"slices"

	"github.com/sodoan/sodoan/internal/db"
)

// Walk is one list's order over a table of units' rows, from which both of
// its statements are made: the whole table walked in order, or a small
// subtree read unit by unit (ByUnit).
type Walk struct {
	From       string // the table and its alias: "members m"
	UnitColumn string // the row's unit: "m.unit_id"
	OrderBy    string
	OuterOrder string // OrderBy over the per-unit rows (as x.*)
}

// Plain selects columns of the rows matching conds in order, up to limit.
func (w Walk) Plain(columns string, conds []string, limit string) string {
	return `SELECT ` + columns + ` FROM ` + w.From + db.Where(conds) + ` ORDER BY ` + w.OrderBy + ` LIMIT ` + limit
}

// PerUnit is Plain over the subtree of the unit whose id is the SQL
// expression root, read unit by unit.
func (w Walk) PerUnit(root, columns string, conds []string, limit string) string {
	return ByUnit(root, w.Plain(columns, append(slices.Clip(conds), w.UnitColumn+` = u.id`), limit), w.OuterOrder, limit)
}

// Group is units whose lists are read the same way: unit by unit (ByUnit)
// or by walking the table.
type Group struct {
	IDs    []int64
	ByUnit bool
}

// Groups sorts unitIDs as Split does into the groups to read, one
// statement each; an empty group is left out.
func (t *Sizes) Groups(ctx context.Context, conn db.DB, unitIDs []int64) ([]Group, error) {
	small, large, err := t.Split(ctx, conn, unitIDs)
	if err != nil {
		return nil, err
	}
	var out []Group
	for _, g := range []Group{{small, true}, {large, false}} {
		if len(g.IDs) > 0 {
			out = append(out, g)
		}
	}
	return out, nil
}
