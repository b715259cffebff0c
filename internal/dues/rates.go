package dues

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/validate"
)

// Rate is a monthly amount a unit set for one category of its members and
// everyone below it, from ValidFrom (a month's first day) until the unit
// sets the category again.
type Rate struct {
	ID             int64
	UnitID         int64
	Category       Category
	MonthlyAmount  int64
	ValidFrom      time.Time
	DecisionNumber *string
}

const rateColumns = `r.id, r.unit_id, r.category, r.monthly_amount, r.valid_from, r.decision_number`

var scanRate = db.Scanner(func(r *Rate) []any {
	return []any{&r.ID, &r.UnitID, &r.Category, &r.MonthlyAmount, &r.ValidFrom, &r.DecisionNumber}
})

// pathRates are the rates a unit's members may pay by: every rate set by
// the unit or a unit above it, at any time.
type pathRates []*Rate

// loadPathRates reads the rates set along unitID's path; without self,
// only those of the units above it.
func loadPathRates(ctx context.Context, q db.DB, unitID int64, self bool) (pathRates, error) {
	return db.Collect(ctx, q, "load dues rates", scanRate, `SELECT `+rateColumns+`
		FROM units u JOIN units a ON a.path @> u.path AND ($2 OR a.id <> u.id) JOIN dues_rates r ON r.unit_id = a.id
		WHERE u.id = $1`, unitID, self)
}

// at is the rate of category c in force in month: of each unit on the
// path, the one it set last on or before the month; of those, the
// highest. ok is false when no unit has set one.
func (rs pathRates) at(c Category, month time.Time) (rate *Rate, ok bool) {
	latest := map[int64]*Rate{}
	for _, r := range rs {
		if r.Category != c || r.ValidFrom.After(month) {
			continue
		}
		if cur, seen := latest[r.UnitID]; !seen || r.ValidFrom.After(cur.ValidFrom) {
			latest[r.UnitID] = r
		}
	}
	for _, r := range latest {
		if rate == nil || r.MonthlyAmount > rate.MonthlyAmount || (r.MonthlyAmount == rate.MonthlyAmount && r.ID > rate.ID) {
			rate = r
		}
	}
	return rate, rate != nil
}

// Rates are the rates unitID's members pay in the month of on, one per
// category that has one.
func (s *Store) Rates(ctx context.Context, unitID int64, on time.Time) ([]*Rate, error) {
	rs, err := loadPathRates(ctx, s.pool, unitID, true)
	if err != nil {
		return nil, err
	}
	var out []*Rate
	for _, c := range Categories {
		if r, ok := rs.at(c, monthOf(on)); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// RatesSetBy are the rates unitID itself has set, the newest first.
func (s *Store) RatesSetBy(ctx context.Context, unitID int64) ([]*Rate, error) {
	return db.Collect(ctx, s.pool, "list dues rates", scanRate, `SELECT `+rateColumns+` FROM dues_rates r
		WHERE r.unit_id = $1 ORDER BY r.valid_from DESC, r.category`, unitID)
}

// RateInput sets the monthly amount of a category for a unit's members
// from a month on.
type RateInput struct {
	UnitID         int64
	Category       Category
	MonthlyAmount  int64
	FromYear       int
	FromMonth      int
	DecisionNumber *string
}

// firstYear is the first year dues are recorded for: the rates of 2011.
const firstYear = 2011

// checkMonth checks a year and month given as two fields.
func checkMonth(v *validate.Errors, yearField, monthField []string, year, month, lastYear int) time.Time {
	if year < firstYear || year > lastYear {
		v.Add(yearField, validate.OutOfRange, fmt.Sprintf("Năm từ %d đến %d.", firstYear, lastYear),
			fmt.Sprintf("A year from %d to %d.", firstYear, lastYear))
	}
	if month < 1 || month > 12 {
		v.Add(monthField, validate.OutOfRange, "Tháng từ 1 đến 12.", "A month from 1 to 12.")
	}
	return time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC)
}

// checkMonthly checks an amount paid or asked per month.
func checkMonthly(v *validate.Errors, field []string, amount int64) {
	if amount < 1 || amount > MaxMonthly {
		v.Add(field, validate.OutOfRange, "Mỗi tháng từ 1 đ đến "+money.Format(MaxMonthly)+".",
			"From 1 to "+money.Group(MaxMonthly)+" đồng a month.")
	}
}

// SetRate sets a unit's rate for a category from a month on, replacing one
// it set for the same month. A rate below the one the levels above have
// in force then is refused: they set the least that may be asked.
func (s *Store) SetRate(ctx context.Context, in RateInput) (*Rate, error) {
	var v validate.Errors
	checkMonthly(&v, validate.Input("monthlyAmount"), in.MonthlyAmount)
	from := checkMonth(&v, validate.Input("fromYear"), validate.Input("fromMonth"), in.FromYear, in.FromMonth, s.today().Year()+1)
	in.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), in.DecisionNumber, 100)
	var out *Rate
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockUnit(ctx, tx, &v, in.UnitID, "SHARE"); err != nil {
			return err
		}
		above, err := loadPathRates(ctx, tx, in.UnitID, false)
		if err != nil {
			return err
		}
		if floor, ok := above.at(in.Category, from); ok && in.MonthlyAmount < floor.MonthlyAmount && !v.Has(validate.Input("monthlyAmount")) {
			v.Add(validate.Input("monthlyAmount"), validate.OutOfRange,
				fmt.Sprintf("Thấp hơn mức %s/tháng cấp trên quy định cho đối tượng này từ %02d/%d.",
					money.Format(floor.MonthlyAmount), floor.ValidFrom.Month(), floor.ValidFrom.Year()),
				fmt.Sprintf("Below the %s đồng a month a level above has set for this category from %d-%02d.",
					money.Group(floor.MonthlyAmount), floor.ValidFrom.Year(), floor.ValidFrom.Month()))
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = scanRate(tx.QueryRow(ctx, `INSERT INTO dues_rates AS r (unit_id, category, monthly_amount, valid_from, decision_number)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (unit_id, category, valid_from) DO UPDATE SET monthly_amount = EXCLUDED.monthly_amount,
				decision_number = EXCLUDED.decision_number, updated_at = now()
			RETURNING `+rateColumns, in.UnitID, in.Category, in.MonthlyAmount, from, in.DecisionNumber))
		if err != nil {
			return fmt.Errorf("set dues rate of unit %d: %w", in.UnitID, err)
		}
		return nil
	})
	return out, err
}

// RemoveRate removes the rate a unit set for a category from a month, set
// by mistake: the rate it replaced is in force again.
func (s *Store) RemoveRate(ctx context.Context, unitID int64, c Category, year, month int) error {
	var v validate.Errors
	from := checkMonth(&v, validate.Input("fromYear"), validate.Input("fromMonth"), year, month, 9999)
	if err := v.Err(); err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM dues_rates WHERE unit_id = $1 AND category = $2 AND valid_from = $3`, unitID, c, from)
		if err != nil {
			return fmt.Errorf("remove dues rate of unit %d: %w", unitID, err)
		}
		if tag.RowsAffected() == 0 {
			v.Add(validate.Input("fromMonth"), validate.NotFound, "Đơn vị không đặt mức đóng nào cho đối tượng này từ tháng đó.",
				"The unit set no rate for this category from that month.")
			return v.Err()
		}
		return nil
	})
}

// lockUnit locks the unit a write is for (mode: SHARE against a
// concurrent change of the tree, NO KEY UPDATE to take turns with another
// write of the unit) and returns its parent; without such a unit it
// returns the field error.
func lockUnit(ctx context.Context, tx pgx.Tx, v *validate.Errors, unitID int64, mode string) (parent *int64, err error) {
	err = tx.QueryRow(ctx, `SELECT parent_id FROM units WHERE id = $1 FOR `+mode, unitID).Scan(&parent)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
		return nil, v.Err()
	case err != nil:
		return nil, fmt.Errorf("lock unit %d: %w", unitID, err)
	}
	return parent, nil
}
