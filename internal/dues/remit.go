package dues

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// RemittanceStatus is where a remittance stands.
type RemittanceStatus string

const (
	RemittancePending   RemittanceStatus = "PENDING"
	RemittanceConfirmed RemittanceStatus = "CONFIRMED"
	RemittanceReturned  RemittanceStatus = "RETURNED"
)

// Remittance is dues a unit sent to the level above (nộp đoàn phí cấp
// trên). The receiving unit confirms it arrived, which fixes Onward, the
// part it owes its own level above; or returns it with the reason.
type Remittance struct {
	ID         int64
	UnitID     int64 // the sender
	ToUnitID   int64
	Amount     int64
	SentOn     time.Time
	Number     *string
	Note       *string
	Status     RemittanceStatus
	AnsweredOn *time.Time
	AnswerNote *string
	Onward     *int64
	Version    int32
}

const remittanceColumns = `r.id, r.unit_id, r.to_unit_id, r.amount, r.sent_on, r.number, r.note, r.status,
	r.answered_on, r.answer_note, r.onward, r.version`

var scanRemittance = db.Scanner(func(r *Remittance) []any {
	return []any{&r.ID, &r.UnitID, &r.ToUnitID, &r.Amount, &r.SentOn, &r.Number, &r.Note, &r.Status,
		&r.AnsweredOn, &r.AnswerNote, &r.Onward, &r.Version}
})

var remittanceNamed = versionlock.Named{VI: "khoản nộp đoàn phí", EN: "dues remittance"}

// owedSQL is what unit $1 owes the level above: the upward parts of its
// collections and of the remittances it confirmed, less what it has sent
// (unless returned). Negative when it sent more than it owed.
const owedSQL = `(SELECT coalesce(sum(upward), 0) FROM dues_collections WHERE unit_id = $1)
	+ (SELECT coalesce(sum(onward), 0) FROM dues_remittances WHERE to_unit_id = $1 AND status = 'CONFIRMED')
	- (SELECT coalesce(sum(amount), 0) FROM dues_remittances WHERE unit_id = $1 AND status <> 'RETURNED')`

// RemitInput sends dues to the level above. Amount nil sends all that is owed.
type RemitInput struct {
	UnitID int64
	Amount *int64
	SentOn time.Time
	Number *string
	Note   *string
}

// Remit records dues a unit sends to the unit above it. It may send what
// it owes or part of it, not more (a slip of a digit would otherwise go
// up the tree); the top of the tree sends to no one.
func (s *Store) Remit(ctx context.Context, in RemitInput) (*Remittance, error) {
	var v validate.Errors
	v.NotFuture(validate.Input("sentOn"), in.SentOn, s.today())
	if in.Amount != nil && (*in.Amount < 1 || *in.Amount > MaxRemittance) {
		v.Add(validate.Input("amount"), validate.OutOfRange, "Từ 1 đ đến "+money.Format(MaxRemittance)+".",
			"From 1 to "+money.Group(MaxRemittance)+" đồng.")
	}
	in.Number = v.OptionalText(validate.Input("number"), in.Number, 100)
	in.Note = v.OptionalText(validate.Input("note"), in.Note, 2000)
	var out *Remittance
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		// The unit's row is locked for update so two remittances of one
		// unit take turns, each seeing what the other sent.
		parent, err := lockUnit(ctx, tx, &v, in.UnitID, "NO KEY UPDATE")
		switch {
		case err != nil:
			return 0, err
		case parent == nil:
			v.Add(validate.Input("unitId"), validate.NotAllowed, "Đơn vị cao nhất không nộp đoàn phí lên đâu.",
				"The top unit has no level above to remit to.")
			return 0, v.Err()
		}
		var owed int64
		if err := tx.QueryRow(ctx, `SELECT `+owedSQL, in.UnitID).Scan(&owed); err != nil {
			return 0, fmt.Errorf("dues owed by unit %d: %w", in.UnitID, err)
		}
		amount := owed
		switch {
		case in.Amount == nil && owed <= 0:
			v.Add(validate.Input("amount"), validate.NotAllowed, "Đơn vị không còn đoàn phí phải nộp cấp trên.",
				"The unit owes the level above no dues.")
		case in.Amount == nil:
		case *in.Amount > owed && !v.Has(validate.Input("amount")):
			v.Add(validate.Input("amount"), validate.OutOfRange,
				fmt.Sprintf("Vượt quá số đoàn phí phải nộp cấp trên (%s).", money.Format(max(owed, 0))),
				fmt.Sprintf("More than the %s đồng owed to the level above.", money.Group(max(owed, 0))))
		default:
			amount = *in.Amount
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		out, err = scanRemittance(tx.QueryRow(ctx, `INSERT INTO dues_remittances AS r (unit_id, to_unit_id, amount, sent_on, number, note)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+remittanceColumns, in.UnitID, *parent, amount, in.SentOn, in.Number, in.Note))
		if err != nil {
			return 0, fmt.Errorf("insert dues remittance: %w", err)
		}
		return out.ID, nil
	})
	return out, err
}

// AnswerInput is the receiving unit's answer to a remittance.
type AnswerInput struct {
	ID      int64
	Version int32
	On      time.Time
	// Note is why a remittance is returned (required then), or a remark.
	Note *string
}

func lockRemittance(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Remittance, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+remittanceColumns+` FROM dues_remittances r WHERE r.id = $1 FOR UPDATE`, id, version,
		scanRemittance, func(r *Remittance) int32 { return r.Version }, remittanceNamed)
}

func (s *Store) checkAnswer(v *validate.Errors, r *Remittance, a *AnswerInput) {
	if r.Status != RemittancePending {
		v.Add(validate.Input("id"), validate.NotAllowed, "Khoản nộp đã được xác nhận hoặc trả lại.",
			"The remittance has already been confirmed or returned.")
	}
	v.NotBefore(validate.Input("on"), a.On, r.SentOn, "ngày nộp", "remittance's sending")
	v.NotFuture(validate.Input("on"), a.On, s.today())
	a.Note = v.OptionalText(validate.Input("note"), a.Note, 2000)
}

// ConfirmRemittance records that a remittance arrived on a.On: the
// receiving unit keeps its share of it and owes the rest upward.
func (s *Store) ConfirmRemittance(ctx context.Context, a AnswerInput) (*Remittance, error) {
	return versionlock.Update(ctx, s.pool, a.ID, a.Version, lockRemittance, func(tx pgx.Tx, r *Remittance) (*Remittance, error) {
		var v validate.Errors
		s.checkAnswer(&v, r, &a)
		if err := v.Err(); err != nil {
			return nil, err
		}
		var parent *int64
		if err := tx.QueryRow(ctx, `SELECT parent_id FROM units WHERE id = $1`, r.ToUnitID).Scan(&parent); err != nil {
			return nil, fmt.Errorf("receiving unit %d: %w", r.ToUnitID, err)
		}
		var onward int64
		if parent != nil {
			share, err := shareOn(ctx, tx, a.On)
			if err != nil {
				return nil, err
			}
			onward = share.upward(r.Amount)
		}
		return answer(ctx, tx, r.ID, RemittanceConfirmed, a, &onward)
	})
}

// ReturnRemittance returns a remittance that did not arrive as recorded,
// with the reason (a.Note, required): the sender owes it again.
func (s *Store) ReturnRemittance(ctx context.Context, a AnswerInput) (*Remittance, error) {
	return versionlock.Update(ctx, s.pool, a.ID, a.Version, lockRemittance, func(tx pgx.Tx, r *Remittance) (*Remittance, error) {
		var v validate.Errors
		s.checkAnswer(&v, r, &a)
		if a.Note == nil && !v.Has(validate.Input("note")) {
			v.Add(validate.Input("note"), validate.Required, "Ghi lý do trả lại khoản nộp.", "Say why the remittance is returned.")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		return answer(ctx, tx, r.ID, RemittanceReturned, a, nil)
	})
}

func answer(ctx context.Context, tx pgx.Tx, id int64, status RemittanceStatus, a AnswerInput, onward *int64) (*Remittance, error) {
	out, err := scanRemittance(tx.QueryRow(ctx, `UPDATE dues_remittances AS r SET status = $2, answered_on = $3, answer_note = $4,
		onward = $5, version = version + 1, updated_at = now() WHERE id = $1 RETURNING `+remittanceColumns, id, status, a.On, a.Note, onward))
	if err != nil {
		return nil, fmt.Errorf("answer dues remittance %d: %w", id, err)
	}
	return out, nil
}

// RemittancesByIDs returns remittances keyed by id.
func (s *Store) RemittancesByIDs(ctx context.Context, ids []int64) (map[int64]*Remittance, error) {
	return db.ByIDs(ctx, s.pool, "dues_remittances r", remittanceColumns, ids, scanRemittance, func(r *Remittance) int64 { return r.ID })
}

// RemittanceList selects a unit's remittances: those it received (In) or
// sent, of one status (any when nil), the newest First.
type RemittanceList struct {
	UnitID int64
	In     bool
	Status *RemittanceStatus
	First  int
}

// Remittances lists a unit's remittances in or out, newest first.
func (s *Store) Remittances(ctx context.Context, l RemittanceList) ([]*Remittance, error) {
	side := "r.unit_id"
	if l.In {
		side = "r.to_unit_id"
	}
	return db.Collect(ctx, s.pool, "list dues remittances", scanRemittance, `SELECT `+remittanceColumns+` FROM dues_remittances r
		WHERE `+side+` = $1 AND ($2::text IS NULL OR r.status = $2) ORDER BY r.sent_on DESC, r.id DESC LIMIT $3`,
		l.UnitID, l.Status, min(max(l.First, 0), MaxListed))
}
