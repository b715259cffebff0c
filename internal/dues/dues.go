// Package dues keeps union dues (đoàn phí): the monthly rates members pay
// by, what each unit collects from its members, and the money each level
// remits to the level above, keeping its share.
//
// The rules are records with the day they take effect (migration 39):
// rates per member category, set by a unit for itself and every unit
// below (the highest rate in force along a member's path applies, so the
// levels above set the least that may be asked), and the share a level
// keeps (2/3 since 2011). Each collection and each confirmed remittance
// fixes, when it is written, the part owed upward under the share of its
// day; what a unit owes the level above is those parts less what it has
// sent.
package dues

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
)

// Category is what a member pays by.
type Category string

const (
	// Unsalaried members: pupils, students, members without a wage.
	Unsalaried Category = "UNSALARIED"
	// Salaried members: those who earn a wage or salary.
	Salaried Category = "SALARIED"
	// Abroad: members living abroad, who keep their dues locally.
	Abroad Category = "ABROAD"
)

// Categories are every category, in the order lists show them.
var Categories = []Category{Unsalaried, Salaried, Abroad}

// Wording is the category's Vietnamese name.
func (c Category) Wording() string {
	switch c {
	case Unsalaried:
		return "Không hưởng lương"
	case Salaried:
		return "Hưởng lương"
	case Abroad:
		return "Ở nước ngoài"
	}
	return string(c)
}

// MaxMonthly bounds a monthly amount (a rate, or what one member pays for
// a month): far above any real rate, low enough that no sum overflows.
const MaxMonthly int64 = 10_000_000

// MaxRemittance bounds one remittance, as money.MaxContribution bounds a
// contribution.
const MaxRemittance int64 = 1_000_000_000_000

// Store reads and writes dues.
type Store struct {
	pool db.DB
	now  func() time.Time
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store { return &Store{pool: pool, now: time.Now} }

func (s *Store) today() time.Time { return dates.Today(s.now()) }

// monthOf is the first day of the month of t.
func monthOf(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }

// Share is the part of dues a level keeps, from a day on.
type Share struct {
	ValidFrom time.Time
	Kept, Of  int
}

// upward is the part of amount a level that keeps s sends up: what is
// left after its share, rounded to the nearest đồng (so 8.000 đ sends
// 2.667 đ and keeps 5.333 đ).
func (s Share) upward(amount int64) int64 {
	if s.Of == 0 {
		return 0
	}
	rest := int64(s.Of - s.Kept)
	return (amount*rest + int64(s.Of)/2) / int64(s.Of)
}

// shareOn is the share in force on day; without one a level keeps all.
func shareOn(ctx context.Context, q db.DB, day time.Time) (Share, error) {
	sh := Share{Kept: 1, Of: 1}
	err := q.QueryRow(ctx, `SELECT valid_from, kept_numerator, kept_of FROM dues_shares WHERE valid_from <= $1
		ORDER BY valid_from DESC LIMIT 1`, day).Scan(&sh.ValidFrom, &sh.Kept, &sh.Of)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return sh, fmt.Errorf("dues share on %s: %w", day.Format(time.DateOnly), err)
	}
	return sh, nil
}

// Shares are the shares kept, the newest first.
func (s *Store) Shares(ctx context.Context) ([]*Share, error) {
	return db.Collect(ctx, s.pool, "list dues shares", db.Scanner(func(sh *Share) []any {
		return []any{&sh.ValidFrom, &sh.Kept, &sh.Of}
	}), `SELECT valid_from, kept_numerator, kept_of FROM dues_shares ORDER BY valid_from DESC`)
}
