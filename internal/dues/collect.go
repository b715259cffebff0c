package dues

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// Collection is what a unit collected from its members on a day (a phiếu
// thu đoàn phí): Total over MemberMonths member-months, of which Upward is
// owed to the level above under the share of that day.
type Collection struct {
	ID           int64
	UnitID       int64
	CollectedOn  time.Time
	Total        int64
	Upward       int64
	MemberMonths int32
	Note         *string
	Version      int32
}

// Kept is the part of the collection the unit keeps.
func (c *Collection) Kept() int64 { return c.Total - c.Upward }

const collectionColumns = `c.id, c.unit_id, c.collected_on, c.total, c.upward, c.member_months, c.note, c.version`

var scanCollection = db.Scanner(func(c *Collection) []any {
	return []any{&c.ID, &c.UnitID, &c.CollectedOn, &c.Total, &c.Upward, &c.MemberMonths, &c.Note, &c.Version}
})

var collectionNamed = versionlock.Named{VI: "phiếu thu đoàn phí", EN: "dues collection"}

// Payment is one member's dues for one month.
type Payment struct {
	CollectionID int64
	MemberID     int64
	Month        time.Time // the month's first day
	Amount       int64
}

// PaymentInput is what one member paid: the months of a year, each at
// MonthlyAmount, or at the member's rate when it is nil.
type PaymentInput struct {
	MemberID      int64
	Year          int
	Months        []int
	MonthlyAmount *int64
}

// CollectionInput records a collection.
type CollectionInput struct {
	UnitID      int64
	CollectedOn time.Time
	Note        *string
	Payments    []PaymentInput
}

// MaxPayments bounds the members' entries of one collection: a large
// branch's whole list, with room.
const MaxPayments = 1000

// payer is a member paying, as the collection checks them.
type payer struct {
	unitID   int64
	category Category
	stays    []stay
}

// stay is a span [from, to) a member spent in a unit; to is nil while it lasts.
type stay struct {
	unitID int64
	from   time.Time
	to     *time.Time
}

// during reports whether the stay overlaps the month starting on month.
func (s stay) during(month time.Time) bool {
	return s.from.Before(month.AddDate(0, 1, 0)) && (s.to == nil || s.to.After(month))
}

// Collect records a collection: every month of every entry must be one the
// member spent in the Union, in this unit (or is in it now and pays late
// or ahead), not paid before, and paid at no less than the member's rate.
// All of it is written, or nothing, with every problem named by entry and
// month.
func (s *Store) Collect(ctx context.Context, in CollectionInput) (*Collection, error) {
	var v validate.Errors
	today := s.today()
	v.NotFuture(validate.Input("collectedOn"), in.CollectedOn, today)
	in.Note = v.OptionalText(validate.Input("note"), in.Note, 2000)
	switch {
	case len(in.Payments) == 0:
		v.Add(validate.Input("payments"), validate.Required, "Ghi ít nhất một đoàn viên đóng đoàn phí.", "List at least one member's payment.")
	case len(in.Payments) > MaxPayments:
		v.Add(validate.Input("payments"), validate.OutOfRange, fmt.Sprintf("Mỗi phiếu thu tối đa %d đoàn viên.", MaxPayments),
			fmt.Sprintf("At most %d members in one collection.", MaxPayments))
		return nil, v.Err()
	}
	listed := map[paidKey]bool{} // the months listed, to find one listed twice
	var memberIDs []int64
	seenMember := map[int64]bool{}
	for i, p := range in.Payments {
		f := func(parts ...any) []string { return validate.Input(append([]any{"payments", i}, parts...)...) }
		switch {
		case len(p.Months) == 0:
			v.Add(f("months"), validate.Required, "Ghi các tháng đã đóng.", "List the months paid.")
		case len(p.Months) > 12:
			// A year has twelve: a longer list is a mistake, and its
			// checks are not worth making.
			v.Add(f("months"), validate.OutOfRange, "Một năm có tối đa 12 tháng; ghi mỗi năm một dòng.",
				"A year has at most 12 months; give each year its own entry.")
			continue
		}
		if p.MonthlyAmount != nil {
			checkMonthly(&v, f("monthlyAmount"), *p.MonthlyAmount)
		}
		if !seenMember[p.MemberID] {
			seenMember[p.MemberID] = true
			memberIDs = append(memberIDs, p.MemberID)
		}
		for j, m := range p.Months {
			month := checkMonth(&v, f("year"), f("months", j), p.Year, m, today.Year()+1)
			k := paidKey{p.MemberID, month}
			if listed[k] {
				v.Add(f("months", j), validate.Duplicate, fmt.Sprintf("Tháng %02d/%d đã ghi ở trên cho đoàn viên này.", m, p.Year),
					fmt.Sprintf("%d-%02d is listed above for this member.", p.Year, m))
			}
			listed[k] = true
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var out *Collection
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		parent, err := lockUnit(ctx, tx, &v, in.UnitID, "SHARE")
		if err != nil {
			return 0, err
		}
		payers, err := loadPayers(ctx, tx, memberIDs)
		if err != nil {
			return 0, err
		}
		paid, err := paidBefore(ctx, tx, memberIDs)
		if err != nil {
			return 0, err
		}
		rates, err := loadPathRates(ctx, tx, in.UnitID, true)
		if err != nil {
			return 0, err
		}
		var rows struct {
			members []int64
			months  []time.Time
			amounts []int64
		}
		for i, p := range in.Payments {
			f := func(parts ...any) []string { return validate.Input(append([]any{"payments", i}, parts...)...) }
			who, ok := payers[p.MemberID]
			if !ok {
				v.Add(f("memberId"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
				continue
			}
			for j, m := range p.Months {
				month := time.Date(p.Year, time.Month(m), 1, 0, 0, 0, 0, time.UTC)
				label := fmt.Sprintf("%02d/%d", m, p.Year)
				if on, done := paid[paidKey{p.MemberID, month}]; done {
					v.Add(f("months", j), validate.Duplicate, fmt.Sprintf("Tháng %s đã đóng (phiếu thu ngày %s).", label, dates.Format(on)),
						fmt.Sprintf("%d-%02d is already paid (collected on %s).", p.Year, m, on.Format(time.DateOnly)))
					continue
				}
				if !who.inUnitDuring(in.UnitID, month) {
					v.Add(f("months", j), validate.NotAllowed, fmt.Sprintf("Tháng %s đoàn viên không sinh hoạt Đoàn tại đơn vị này.", label),
						fmt.Sprintf("In %d-%02d the member was not in the Union in this unit.", p.Year, m))
					continue
				}
				amount, ok := amountFor(&v, f("monthlyAmount"), rates, who.category, month, p.MonthlyAmount)
				if !ok {
					continue
				}
				rows.members = append(rows.members, p.MemberID)
				rows.months = append(rows.months, month)
				rows.amounts = append(rows.amounts, amount)
			}
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		share, err := shareOn(ctx, tx, in.CollectedOn)
		if err != nil {
			return 0, err
		}
		total := money.Sum(rows.amounts...)
		upward := share.upward(total)
		if parent == nil {
			upward = 0 // the top keeps all
		}
		out, err = scanCollection(tx.QueryRow(ctx, `INSERT INTO dues_collections AS c (unit_id, collected_on, total, upward, member_months, note)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+collectionColumns,
			in.UnitID, in.CollectedOn, total, upward, len(rows.amounts), in.Note))
		if err != nil {
			return 0, fmt.Errorf("insert dues collection: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO dues_payments (collection_id, unit_id, member_id, month, amount)
			SELECT $1, $2, p.member_id, p.month, p.amount FROM unnest($3::bigint[], $4::date[], $5::bigint[]) AS p (member_id, month, amount)`,
			out.ID, in.UnitID, rows.members, rows.months, rows.amounts); err != nil {
			return 0, db.Duplicate(fmt.Errorf("insert dues payments: %w", err), "dues_payments_pkey", validate.Input("payments"),
				"Một tháng trong phiếu vừa được ghi ở phiếu thu khác; tải lại rồi ghi lại.",
				"A month in this collection was just recorded by another one; reload and try again.")
		}
		return out.ID, nil
	})
	return out, err
}

// amountFor is what a member of category pays for month: given, it must
// be no less than the rate; else the rate, which must exist.
func amountFor(v *validate.Errors, field []string, rates pathRates, c Category, month time.Time, given *int64) (int64, bool) {
	rate, ok := rates.at(c, month)
	switch {
	case given == nil && !ok:
		v.Add(field, validate.Required, fmt.Sprintf("Chưa có mức đóng cho đối tượng %q; ghi số tiền mỗi tháng.", c.Wording()),
			fmt.Sprintf("No rate is set for %s members; give the monthly amount.", c))
		return 0, false
	case given == nil:
		return rate.MonthlyAmount, true
	case ok && *given < rate.MonthlyAmount:
		v.Add(field, validate.OutOfRange, fmt.Sprintf("Thấp hơn mức đóng %s/tháng của đối tượng %q.", money.Format(rate.MonthlyAmount), c.Wording()),
			fmt.Sprintf("Below the rate of %s đồng a month for %s members.", money.Group(rate.MonthlyAmount), c))
		return 0, false
	}
	return *given, true
}

// inUnitDuring reports whether the member may pay unitID for month: they
// were in the Union then, and in this unit then or now.
func (p payer) inUnitDuring(unitID int64, month time.Time) bool {
	inUnion, here := false, false
	for _, s := range p.stays {
		if s.during(month) {
			inUnion = true
			here = here || s.unitID == unitID
		}
	}
	return inUnion && (here || p.unitID == unitID)
}

// loadPayers locks the members paying (against a concurrent move) and
// reads their units, categories and stays.
func loadPayers(ctx context.Context, tx pgx.Tx, ids []int64) (map[int64]*payer, error) {
	out := map[int64]*payer{}
	rows, err := tx.Query(ctx, `SELECT m.id, m.unit_id, m.dues_category FROM members m WHERE m.id = ANY ($1) FOR SHARE`, ids)
	if err != nil {
		return nil, fmt.Errorf("lock paying members: %w", err)
	}
	var id int64
	var p payer
	if _, err := pgx.ForEachRow(rows, []any{&id, &p.unitID, &p.category}, func() error {
		out[id] = &payer{unitID: p.unitID, category: p.category}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("lock paying members: %w", err)
	}
	rows, err = tx.Query(ctx, `SELECT member_id, unit_id, entered_on, left_on FROM member_stays WHERE member_id = ANY ($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("read paying members' stays: %w", err)
	}
	var st stay
	if _, err := pgx.ForEachRow(rows, []any{&id, &st.unitID, &st.from, &st.to}, func() error {
		if p := out[id]; p != nil {
			p.stays = append(p.stays, st)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("read paying members' stays: %w", err)
	}
	return out, nil
}

type paidKey struct {
	member int64
	month  time.Time
}

// paidBefore is the months the members have paid, with the day each was collected.
func paidBefore(ctx context.Context, tx pgx.Tx, ids []int64) (map[paidKey]time.Time, error) {
	out := map[paidKey]time.Time{}
	rows, err := tx.Query(ctx, `SELECT p.member_id, p.month, c.collected_on FROM dues_payments p
		JOIN dues_collections c ON c.id = p.collection_id WHERE p.member_id = ANY ($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("read months paid: %w", err)
	}
	var k paidKey
	var on time.Time
	_, err = pgx.ForEachRow(rows, []any{&k.member, &k.month, &on}, func() error {
		out[k] = on
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read months paid: %w", err)
	}
	return out, nil
}

func lockCollection(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Collection, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+collectionColumns+` FROM dues_collections c WHERE c.id = $1 FOR UPDATE`, id, version,
		scanCollection, func(c *Collection) int32 { return c.Version }, collectionNamed)
}

// DeleteCollection deletes a collection entered by mistake, with its
// payments: its months are unpaid again, and what the unit owes upward
// falls by its part.
func (s *Store) DeleteCollection(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "dues_collections", id, version, lockCollection)
}

// CollectionsByIDs returns collections keyed by id.
func (s *Store) CollectionsByIDs(ctx context.Context, ids []int64) (map[int64]*Collection, error) {
	return db.ByIDs(ctx, s.pool, "dues_collections c", collectionColumns, ids, scanCollection, func(c *Collection) int64 { return c.ID })
}

// PaymentsOf returns each collection's payments, by member and month, keyed by collection.
func (s *Store) PaymentsOf(ctx context.Context, collectionIDs []int64) (map[int64][]*Payment, error) {
	return db.Grouped(ctx, s.pool, "load dues payments", db.Scanner(func(p *Payment) []any {
		return []any{&p.CollectionID, &p.MemberID, &p.Month, &p.Amount}
	}), func(p *Payment) int64 { return p.CollectionID },
		`SELECT collection_id, member_id, month, amount FROM dues_payments WHERE collection_id = ANY ($1)
		ORDER BY collection_id, member_id, month`, collectionIDs)
}

// MaxListed bounds one list of collections or remittances.
const MaxListed = 200

// Collections lists a unit's collections of a year, the latest first.
func (s *Store) Collections(ctx context.Context, unitID int64, year, first int) ([]*Collection, error) {
	start, end := yearBounds(year)
	return db.Collect(ctx, s.pool, "list dues collections", scanCollection, `SELECT `+collectionColumns+` FROM dues_collections c
		WHERE c.unit_id = $1 AND c.collected_on BETWEEN $2 AND $3 ORDER BY c.collected_on DESC, c.id DESC LIMIT $4`,
		unitID, start, end, min(max(first, 0), MaxListed))
}

// yearBounds are 1 January and 31 December of year.
func yearBounds(year int) (start, end time.Time) {
	return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)
}
