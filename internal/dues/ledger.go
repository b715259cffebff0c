package dues

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// Ledger is a unit's dues for a year: money by the day it changed hands
// (collected, received, sent), member-months by the month they pay for.
type Ledger struct {
	UnitID int64
	Year   int
	// Collected is what the unit collected from its members in the year,
	// over MemberMonths member-months.
	Collected    int64
	MemberMonths int
	// Received is the remittances from the units below it confirmed in
	// the year; Pending those waiting for its confirmation (of any year).
	Received int64
	Pending  int64
	// Upward is the part of the year's collections and receipts owed to
	// the level above; Kept the rest, the unit's own.
	Upward int64
	Kept   int64
	// Remitted is what the unit sent up in the year (unless returned), of
	// which Confirmed the level above has confirmed.
	Remitted  int64
	Confirmed int64
	// Owed is what the unit owes the level above now, over all years.
	Owed int64
	// Months are the payments for each month of the year, January first.
	Months [12]MonthPaid
}

// MonthPaid is how many members paid a month to the unit, and how much.
type MonthPaid struct {
	Payers int
	Amount int64
}

// Ledger computes a unit's dues for year.
func (s *Store) Ledger(ctx context.Context, unitID int64, year int) (*Ledger, error) {
	start, end := yearBounds(year)
	l := &Ledger{UnitID: unitID, Year: year}
	var upwardCollected, onward int64
	b := &pgx.Batch{}
	b.Queue(`SELECT coalesce(sum(total), 0), coalesce(sum(member_months), 0)::int, coalesce(sum(upward), 0)
		FROM dues_collections WHERE unit_id = $1 AND collected_on BETWEEN $2 AND $3`, unitID, start, end).
		QueryRow(func(row pgx.Row) error { return row.Scan(&l.Collected, &l.MemberMonths, &upwardCollected) })
	b.Queue(`SELECT coalesce(sum(amount) FILTER (WHERE status = 'CONFIRMED' AND answered_on BETWEEN $2 AND $3), 0),
			coalesce(sum(onward) FILTER (WHERE status = 'CONFIRMED' AND answered_on BETWEEN $2 AND $3), 0),
			coalesce(sum(amount) FILTER (WHERE status = 'PENDING'), 0)
		FROM dues_remittances WHERE to_unit_id = $1`, unitID, start, end).
		QueryRow(func(row pgx.Row) error { return row.Scan(&l.Received, &onward, &l.Pending) })
	b.Queue(`SELECT coalesce(sum(amount) FILTER (WHERE status <> 'RETURNED'), 0),
			coalesce(sum(amount) FILTER (WHERE status = 'CONFIRMED'), 0)
		FROM dues_remittances WHERE unit_id = $1 AND sent_on BETWEEN $2 AND $3`, unitID, start, end).
		QueryRow(func(row pgx.Row) error { return row.Scan(&l.Remitted, &l.Confirmed) })
	b.Queue(`SELECT `+owedSQL, unitID).QueryRow(func(row pgx.Row) error { return row.Scan(&l.Owed) })
	b.Queue(`SELECT extract(month FROM month)::int, count(*)::int, sum(amount) FROM dues_payments
		WHERE unit_id = $1 AND month BETWEEN $2 AND $3 GROUP BY 1`, unitID, start, end).Query(func(rows pgx.Rows) error {
		var m int
		var mp MonthPaid
		_, err := pgx.ForEachRow(rows, []any{&m, &mp.Payers, &mp.Amount}, func() error {
			l.Months[m-1] = mp
			return nil
		})
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, fmt.Errorf("dues ledger of unit %d for %d: %w", unitID, year, err)
	}
	l.Upward = upwardCollected + onward
	l.Kept = l.Collected + l.Received - l.Upward
	return l, nil
}

// Arrear is a member's months unpaid in a year, and what they come to at
// the member's rate.
type Arrear struct {
	MemberID int64
	Months   []int
	// Amount is nil when a month has no rate for the member's category.
	Amount *int64
}

// MaxArrears bounds one list of members in arrears: a branch's members,
// with room.
const MaxArrears = 1000

// Outstanding lists the members who spent months of year up to through
// (1 to 12) in unitID, in the Union, without paying their dues for them
// (to this unit or another), in the list's order of names, at most first.
func (s *Store) Outstanding(ctx context.Context, unitID int64, year, through, first int) ([]*Arrear, error) {
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	last := time.Date(year, time.Month(through), 1, 0, 0, 0, 0, time.UTC)
	// The unit's stays of the months first (its index), then their members
	// by name: ordered and limited in one step, the planner would walk
	// every member of the country by name to find the unit's.
	rows, err := s.pool.Query(ctx, `WITH st AS MATERIALIZED (
			SELECT member_id, entered_on, left_on FROM member_stays
			WHERE unit_id = $1 AND entered_on < $3::date + interval '1 month' AND (left_on IS NULL OR left_on > $2::date)),
		owing AS MATERIALIZED (
			SELECT st.member_id, array_agg(DISTINCT extract(month FROM mo.month)::int) AS months
			FROM st JOIN generate_series($2::date, $3::date, interval '1 month') AS mo (month)
				ON st.entered_on < mo.month + interval '1 month' AND (st.left_on IS NULL OR st.left_on > mo.month)
			WHERE NOT EXISTS (SELECT FROM dues_payments p WHERE p.member_id = st.member_id AND p.month = mo.month::date)
			GROUP BY st.member_id)
		SELECT o.member_id, m.dues_category, o.months FROM owing o JOIN members m ON m.id = o.member_id
		ORDER BY m.sort_name, m.id LIMIT $4`, unitID, start, last, min(max(first, 0), MaxArrears))
	if err != nil {
		return nil, fmt.Errorf("dues outstanding in unit %d: %w", unitID, err)
	}
	var out []*Arrear
	var cats []Category
	var a Arrear
	var c Category
	if _, err := pgx.ForEachRow(rows, []any{&a.MemberID, &c, &a.Months}, func() error {
		months := slices.Clone(a.Months)
		slices.Sort(months)
		out = append(out, &Arrear{MemberID: a.MemberID, Months: months})
		cats = append(cats, c)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("dues outstanding in unit %d: %w", unitID, err)
	}
	if len(out) == 0 {
		return out, nil
	}
	rates, err := loadPathRates(ctx, s.pool, unitID, true)
	if err != nil {
		return nil, err
	}
	for i, ar := range out {
		var sum int64
		priced := true
		for _, m := range ar.Months {
			r, ok := rates.at(cats[i], time.Date(year, time.Month(m), 1, 0, 0, 0, 0, time.UTC))
			if !ok {
				priced = false
				break
			}
			sum += r.MonthlyAmount
		}
		if priced {
			ar.Amount = &sum
		}
	}
	return out, nil
}
