// Package subtree is how lists over a unit's subtree choose to read: unit
// by unit when the subtree is small, else by walking the whole table in the
// list's order. It remembers which subtrees are small.
package subtree

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sodoan/sodoan/internal/db"
)

// ByUnit reads a list over a unit's subtree unit by unit: inner selects
// one unit's rows (its conditions name that unit u.id) in the list's order,
// with the page's limit, from the unit's own index; the subtree of the
// unit whose id is the SQL expression root is merged in outerOrder (inner's
// columns as x.*). Cheap when the subtree is small, whatever the table's
// size.
func ByUnit(root, inner, outerOrder, limit string) string {
	return `SELECT x.* FROM units u CROSS JOIN LATERAL (` + inner + `) x
		WHERE u.path <@ (SELECT path FROM units WHERE id = ` + root + `) ORDER BY ` + outerOrder + ` LIMIT ` + limit
}

// MaxSmall is the most units a subtree may hold for its lists to be
// read unit by unit (each unit's first page from its own index, merged).
// Above it, a list walks the whole table in its order and keeps the rows
// in the subtree, which stops early because they are common.
const MaxSmall = 40

// Sizes answers whether units' subtrees are small (at most MaxSmall
// units, itself included: a branch has one, a province thousands), which
// lists use to choose how to read. Answers are remembered for a minute:
// they only choose how a list is read, never what it holds, so one made
// stale by a new or moved unit costs at most some speed. The zero value is
// not usable; see NewSizes.
type Sizes struct {
	mu    sync.Mutex
	small map[int64]subtreeAnswer
}

type subtreeAnswer struct {
	small bool
	at    time.Time
}

// NewSizes returns an empty Sizes.
func NewSizes() *Sizes {
	return &Sizes{small: map[int64]subtreeAnswer{}}
}

// Small reports whether unitID's subtree is small.
func (t *Sizes) Small(ctx context.Context, conn db.DB, unitID int64) (bool, error) {
	small, _, err := t.Split(ctx, conn, []int64{unitID})
	return len(small) == 1, err
}

// Split sorts unitIDs into those with small subtrees and those with large
// ones, asking the database (in one statement) only about units it has not
// asked about within the minute.
func (t *Sizes) Split(ctx context.Context, conn db.DB, unitIDs []int64) (small, large []int64, err error) {
	now := time.Now()
	var unknown []int64
	known := make(map[int64]bool, len(unitIDs))
	t.mu.Lock()
	for _, id := range unitIDs {
		if a, ok := t.small[id]; ok && now.Sub(a.at) < time.Minute {
			known[id] = a.small
		} else {
			unknown = append(unknown, id)
		}
	}
	t.mu.Unlock()
	if len(unknown) > 0 {
		sizes, err := db.ByID[int](ctx, conn, `SELECT p.id, (SELECT count(*) FROM (SELECT 1 FROM units u
				WHERE u.path <@ (SELECT path FROM units WHERE id = p.id) LIMIT $2) s)
			FROM unnest($1::bigint[]) AS p(id)`, unknown, MaxSmall+1)
		if err != nil {
			return nil, nil, fmt.Errorf("size of units' subtrees: %w", err)
		}
		t.mu.Lock()
		if len(t.small) > 100_000 { // more units than any deployment has: start afresh
			clear(t.small)
		}
		for _, id := range unknown {
			known[id] = sizes[id] <= MaxSmall
			t.small[id] = subtreeAnswer{small: known[id], at: now}
		}
		t.mu.Unlock()
	}
	for _, id := range unitIDs {
		if known[id] {
			small = append(small, id)
		} else {
			large = append(large, id)
		}
	}
	return small, large, nil
}
