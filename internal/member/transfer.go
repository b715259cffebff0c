package member

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// TransferStatus is where a two-step transfer stands.
type TransferStatus string

const (
	TransferPending  TransferStatus = "PENDING"
	TransferAccepted TransferStatus = "ACCEPTED"
	TransferReturned TransferStatus = "RETURNED"
	// TransferWithdrawn: the sending unit took it back before an answer.
	TransferWithdrawn TransferStatus = "WITHDRAWN"
)

// MemberTransfer is a transfer between two branches of the system (chuyển
// sinh hoạt Đoàn): issued by the sending unit with its number, then
// accepted (the member moves on AnsweredOn) or returned by the receiving
// unit. MemberName is the member's name, which the receiving unit's
// officers see before the member is theirs.
type MemberTransfer struct {
	ID         int64
	MemberID   int64
	MemberName string
	FromUnitID int64
	ToUnitID   int64
	Number     *string
	IssuedOn   time.Time
	Status     TransferStatus
	AnsweredOn *time.Time
	AnswerNote *string
	Note       *string
	Version    int32
}

const transferColumns = `t.id, t.member_id, m.full_name, t.from_unit_id, t.to_unit_id, t.number, t.issued_on, t.status,
	t.answered_on, t.answer_note, t.note, t.version`

const transferFrom = ` FROM member_transfers t JOIN members m ON m.id = t.member_id`

var scanTransfer = db.Scanner(func(t *MemberTransfer) []any {
	return []any{&t.ID, &t.MemberID, &t.MemberName, &t.FromUnitID, &t.ToUnitID, &t.Number, &t.IssuedOn, &t.Status,
		&t.AnsweredOn, &t.AnswerNote, &t.Note, &t.Version}
})

var transferNamed = versionlock.Named{VI: "giấy giới thiệu sinh hoạt Đoàn", EN: "transfer"}

// IssueInput is a sending unit's transfer of an active member.
type IssueInput struct {
	MemberID int64
	Version  int32
	ToUnitID int64
	Number   *string
	IssuedOn time.Time
	Note     *string
}

// IssueTransfer issues a transfer of an active member to a branch of
// another unit: nothing moves until the receiving unit accepts it. The
// member must be at the version read (so the sender saw their latest
// record) and have no other transfer pending.
func (s *Store) IssueTransfer(ctx context.Context, in IssueInput) (*MemberTransfer, error) {
	var v validate.Errors
	in.Number = v.OptionalText(validate.Input("number"), in.Number, maxDecision)
	in.Note = v.OptionalText(validate.Input("note"), in.Note, maxNote)
	var out *MemberTransfer
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		m, err := lockCurrent(ctx, tx, in.MemberID, in.Version)
		if err != nil {
			return 0, mapFields(err, map[string][]string{"id": validate.Input("memberId")})
		}
		if err := s.checkMove(ctx, tx, &v, m, in.IssuedOn, validate.Input("memberId"), validate.Input("issuedOn")); err != nil {
			return 0, err
		}
		if in.ToUnitID == m.UnitID {
			v.Add(validate.Input("toUnitId"), validate.NotAllowed, "Đoàn viên đang sinh hoạt tại chi đoàn này.", "The member is already in this branch.")
		} else if err := branchCheck(ctx, tx, &v, validate.Input("toUnitId"), in.ToUnitID); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var id int64
		err = tx.QueryRow(ctx, `INSERT INTO member_transfers (member_id, from_unit_id, to_unit_id, number, issued_on, note)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.ID, m.UnitID, in.ToUnitID, in.Number, in.IssuedOn, in.Note).Scan(&id)
		if err != nil {
			return 0, db.Duplicate(fmt.Errorf("issue transfer of member %d: %w", m.ID, err), "member_transfers_one_pending",
				validate.Input("memberId"), "Đoàn viên đang có giấy giới thiệu chờ chi đoàn nhận trả lời.",
				"The member already has a transfer waiting for its answer.")
		}
		out, err = scanTransfer(tx.QueryRow(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = $1`, id))
		if err != nil {
			return 0, fmt.Errorf("read transfer %d: %w", id, err)
		}
		return id, nil
	})
	return out, err
}

// AnswerInput is the receiving unit's answer to a pending transfer.
type AnswerInput struct {
	ID      int64
	Version int32
	On      time.Time
	// Note is why a transfer is returned (required then), or a remark.
	Note *string
}

func lockTransfer(ctx context.Context, tx pgx.Tx, id int64, version int32) (*MemberTransfer, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = $1 FOR UPDATE OF t`, id, version,
		scanTransfer, func(t *MemberTransfer) int32 { return t.Version }, transferNamed)
}

// checkAnswer validates an answer to t on a.On: t is still pending, the
// day is not before its issue nor in the future.
func (s *Store) checkAnswer(v *validate.Errors, t *MemberTransfer, a *AnswerInput) {
	switch t.Status {
	case TransferPending:
	case TransferWithdrawn:
		v.Add(validate.Input("id"), validate.NotAllowed, "Đơn vị gửi đã rút lại giấy giới thiệu.", "The sending unit has withdrawn the transfer.")
	default:
		v.Add(validate.Input("id"), validate.NotAllowed, "Giấy giới thiệu đã được trả lời.", "The transfer has already been answered.")
	}
	v.NotBefore(validate.Input("on"), a.On, t.IssuedOn, "ngày giới thiệu", "transfer's issue")
	v.NotFuture(validate.Input("on"), a.On, s.today())
	a.Note = v.OptionalText(validate.Input("note"), a.Note, maxNote)
}

// AcceptTransfer accepts a pending transfer: the member moves to the
// receiving branch on a.On, the event recording the move names the
// transfer (and its number as the decision). Refused when the member has
// meanwhile left the Union or the sending branch.
func (s *Store) AcceptTransfer(ctx context.Context, a AnswerInput) (*MemberTransfer, error) {
	return versionlock.Update(ctx, s.pool, a.ID, a.Version, lockTransfer, func(tx pgx.Tx, t *MemberTransfer) (*MemberTransfer, error) {
		var v validate.Errors
		s.checkAnswer(&v, t, &a)
		m, err := versionlock.Row(ctx, tx, `SELECT `+memberColumns+` FROM members m WHERE m.id = $1 FOR UPDATE`, t.MemberID,
			scanOne, validate.Input("id"), memberNamed)
		if err != nil {
			return nil, err
		}
		if t.Status == TransferPending {
			if m.UnitID != t.FromUnitID {
				v.Add(validate.Input("id"), validate.NotAllowed, "Đoàn viên không còn sinh hoạt tại chi đoàn đã giới thiệu.",
					"The member is no longer in the branch that issued the transfer.")
			} else if err := s.checkMove(ctx, tx, &v, m, a.On, validate.Input("id"), validate.Input("on")); err != nil {
				return nil, err
			}
			if err := branchCheck(ctx, tx, &v, validate.Input("id"), t.ToUnitID); err != nil {
				return nil, err
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO member_events
			(member_id, kind, occurred_on, decision_number, from_unit_id, to_unit_id, note, transfer_id)
			VALUES ($1, 'TRANSFERRED', $2, $3, $4, $5, $6, $7)`,
			m.ID, a.On, t.Number, t.FromUnitID, t.ToUnitID, a.Note, t.ID); err != nil {
			return nil, fmt.Errorf("record accepted transfer %d: %w", t.ID, err)
		}
		if _, err := tx.Exec(ctx, `UPDATE members SET unit_id = $2, version = version + 1, updated_at = now() WHERE id = $1`,
			m.ID, t.ToUnitID); err != nil {
			return nil, fmt.Errorf("move member %d: %w", m.ID, err)
		}
		return answer(ctx, tx, t.ID, TransferAccepted, a)
	})
}

// ReturnTransfer returns a pending transfer to its sender with the reason
// (a.Note, required): the member stays where they are.
func (s *Store) ReturnTransfer(ctx context.Context, a AnswerInput) (*MemberTransfer, error) {
	return versionlock.Update(ctx, s.pool, a.ID, a.Version, lockTransfer, func(tx pgx.Tx, t *MemberTransfer) (*MemberTransfer, error) {
		var v validate.Errors
		s.checkAnswer(&v, t, &a)
		if a.Note == nil && !v.Has(validate.Input("note")) {
			v.Add(validate.Input("note"), validate.Required, "Ghi lý do trả lại giấy giới thiệu.", "Say why the transfer is returned.")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		return answer(ctx, tx, t.ID, TransferReturned, a)
	})
}

// WithdrawTransfer withdraws a pending transfer at the sending unit's
// request, with the reason (a.Note, required): the member stays.
func (s *Store) WithdrawTransfer(ctx context.Context, a AnswerInput) (*MemberTransfer, error) {
	return versionlock.Update(ctx, s.pool, a.ID, a.Version, lockTransfer, func(tx pgx.Tx, t *MemberTransfer) (*MemberTransfer, error) {
		var v validate.Errors
		s.checkAnswer(&v, t, &a)
		if a.Note == nil && !v.Has(validate.Input("note")) {
			v.Add(validate.Input("note"), validate.Required, "Ghi lý do rút lại giấy giới thiệu.", "Say why the transfer is withdrawn.")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		return answer(ctx, tx, t.ID, TransferWithdrawn, a)
	})
}

func answer(ctx context.Context, tx pgx.Tx, id int64, status TransferStatus, a AnswerInput) (*MemberTransfer, error) {
	if _, err := tx.Exec(ctx, `UPDATE member_transfers SET status = $2, answered_on = $3, answer_note = $4,
		version = version + 1, updated_at = now() WHERE id = $1`, id, status, a.On, a.Note); err != nil {
		return nil, fmt.Errorf("answer transfer %d: %w", id, err)
	}
	out, err := scanTransfer(tx.QueryRow(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("read transfer %d: %w", id, err)
	}
	return out, nil
}

// TransfersByIDs returns transfers keyed by id.
func (s *Store) TransfersByIDs(ctx context.Context, ids []int64) (map[int64]*MemberTransfer, error) {
	list, err := db.Collect(ctx, s.pool, "load transfers", scanTransfer, `SELECT `+transferColumns+transferFrom+` WHERE t.id = ANY ($1)`, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*MemberTransfer, len(list))
	for _, t := range list {
		out[t.ID] = t
	}
	return out, nil
}

// TransfersOf returns each member's transfers, oldest first, keyed by member.
func (s *Store) TransfersOf(ctx context.Context, memberIDs []int64) (map[int64][]*MemberTransfer, error) {
	return db.Grouped(ctx, s.pool, "load transfers", scanTransfer, func(t *MemberTransfer) int64 { return t.MemberID },
		`SELECT `+transferColumns+transferFrom+` WHERE t.member_id = ANY ($1) ORDER BY t.member_id, t.issued_on, t.id`, memberIDs)
}

// TransferList selects a unit's transfers: those it received (In) or
// sent, of one status, the newest First.
type TransferList struct {
	UnitID int64
	In     bool
	Status TransferStatus
	First  int
}

// MaxTransfersListed bounds one list of transfers.
const MaxTransfersListed = 200

// Transfers lists a unit's transfers in or out, newest first.
func (s *Store) Transfers(ctx context.Context, l TransferList) ([]*MemberTransfer, error) {
	side := "t.from_unit_id"
	if l.In {
		side = "t.to_unit_id"
	}
	return db.Collect(ctx, s.pool, "list transfers", scanTransfer, `SELECT `+transferColumns+transferFrom+`
		WHERE `+side+` = $1 AND t.status = $2 ORDER BY t.issued_on DESC, t.id DESC LIMIT $3`,
		l.UnitID, l.Status, min(max(l.First, 0), MaxTransfersListed))
}

// mapFields moves the errors a lock helper put on its own fields (input.id)
// to the fields of the caller's input.
func mapFields(err error, to map[string][]string) error {
	var inv *apperr.Invalid
	if !errors.As(err, &inv) {
		return err
	}
	moved := &apperr.Invalid{Errors: slices.Clone(inv.Errors)}
	for i, fe := range moved.Errors {
		if len(fe.Field) == 2 && fe.Field[0] == "input" {
			if f, ok := to[fe.Field[1]]; ok {
				moved.Errors[i].Field = f
			}
		}
	}
	return moved
}
