package org

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// Committees (ban chấp hành) and their posts, with dates (migration 000014).
// A post belongs to the unit whose committee it is in: when the unit moves
// the post goes with it, when the unit ends the post ends the day before.
// The holder is a member anywhere in the tree (so an officer of a higher
// unit, a member of its office branch, can sit on a lower committee), or
// an account (an officer who is not a member, e.g. past 30), or a person
// named in full for anyone else.

// Title is a post in a committee.
type Title string

const (
	TitleSecretary       Title = "SECRETARY"                 // Bí thư
	TitleDeputySecretary Title = "DEPUTY_SECRETARY"          // Phó Bí thư
	TitleStandingMember  Title = "STANDING_COMMITTEE_MEMBER" // Ủy viên Ban Thường vụ
	TitleCommitteeMember Title = "COMMITTEE_MEMBER"          // Ủy viên Ban Chấp hành
)

func (t Title) rank() int {
	switch t {
	case TitleSecretary:
		return 1
	case TitleDeputySecretary:
		return 2
	case TitleStandingMember:
		return 3
	case TitleCommitteeMember:
		return 4
	}
	return 0
}

// Valid reports whether t is one of the titles.
func (t Title) Valid() bool { return t.rank() > 0 }

// VI is the title as a document prints it.
func (t Title) VI() string {
	switch t {
	case TitleSecretary:
		return "Bí thư"
	case TitleDeputySecretary:
		return "Phó Bí thư"
	case TitleStandingMember:
		return "Ủy viên Ban Thường vụ"
	case TitleCommitteeMember:
		return "Ủy viên Ban Chấp hành"
	}
	return string(t)
}

// Position is one person's post in one unit's committee over a stretch of time.
type Position struct {
	ID         int64
	UnitID     int64
	TermID     *int64
	Title      Title
	MemberID   *int64
	AccountID  *int64
	HolderName *string
	// Holder is the name to print: the member's full name, the account's
	// display name, or HolderName.
	Holder         string
	ValidFrom      time.Time
	ValidTo        *time.Time
	DecisionNumber *string
	Version        int32
}

const positionColumns = `p.id, p.unit_id, p.term_id, p.title, p.member_id, p.account_id, p.holder_name,
	coalesce(m.full_name, a.display_name, p.holder_name, ''), p.valid_from, p.valid_to, p.decision_number, p.version`

const positionFrom = ` FROM positions p LEFT JOIN members m ON m.id = p.member_id LEFT JOIN accounts a ON a.id = p.account_id`

var scanPosition = db.Scanner(func(p *Position) []any {
	return []any{&p.ID, &p.UnitID, &p.TermID, &p.Title, &p.MemberID, &p.AccountID,
		&p.HolderName, &p.Holder, &p.ValidFrom, &p.ValidTo, &p.DecisionNumber, &p.Version}
})

// AppointInput puts someone in a post. Exactly one of MemberID, AccountID
// and HolderName names the holder; To nil means until further notice.
type AppointInput struct {
	UnitID         int64
	TermID         *int64
	Title          Title
	MemberID       *int64
	AccountID      *int64
	HolderName     *string
	From           time.Time
	To             *time.Time
	DecisionNumber *string
}

const maxHolderName = 200

// Appoint records a post in a unit's committee.
func (t *Timeline) Appoint(ctx context.Context, in AppointInput) (*Position, error) {
	var v validate.Errors
	if !in.Title.Valid() {
		v.Add(validate.Input("title"), validate.Invalid, "Chức vụ không hợp lệ.", "Not a committee post.")
	}
	in.HolderName = v.OptionalText(validate.Input("holderName"), in.HolderName, maxHolderName)
	holders := 0
	for _, set := range []bool{in.MemberID != nil, in.AccountID != nil, in.HolderName != nil} {
		if set {
			holders++
		}
	}
	if holders != 1 {
		v.Add(validate.Input("memberId"), validate.Required,
			"Chọn một người giữ chức vụ: đoàn viên, tài khoản cán bộ hoặc họ tên (chỉ một).",
			"Name the holder once: a member, an officer's account or a full name.")
	}
	var out *Position
	err := t.createHeld(ctx, &v, in.UnitID, &in.DecisionNumber, &in.From, &in.To, func(tx pgx.Tx) (int64, error) {
		if err := checkHolder(ctx, tx, &v, in); err != nil {
			return 0, err
		}
		if in.TermID != nil {
			if err := checkTerm(ctx, tx, &v, *in.TermID, in.UnitID, in.From, in.To); err != nil {
				return 0, err
			}
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO positions (unit_id, term_id, title, member_id, account_id, holder_name, valid_from, valid_to, decision_number)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.UnitID, in.TermID, in.Title, in.MemberID, in.AccountID, in.HolderName, in.From, in.To, in.DecisionNumber).Scan(&id)
		if err != nil {
			return 0, positionConflict(fmt.Errorf("insert position: %w", err))
		}
		out, err = scanPosition(tx.QueryRow(ctx, `SELECT `+positionColumns+positionFrom+` WHERE p.id = $1`, id))
		return id, err
	})
	return out, err
}

// createHeld checks a dated committee record's decision number and span
// (normalising them in place), then runs insert in a transaction, with the
// create's idempotency key, once unitID is locked and checked to exist
// throughout the span; insert adds its own checks and returns the new id.
func (t *Timeline) createHeld(ctx context.Context, v *validate.Errors, unitID int64, decision **string,
	from *time.Time, to **time.Time, insert func(pgx.Tx) (int64, error)) error {
	*decision = v.OptionalText(validate.Input("decisionNumber"), *decision, maxDecision)
	*from, *to = checkSpan(v, *from, *to)
	if err := v.Err(); err != nil {
		return err
	}
	return idempotency.InTx(ctx, t.pool, func(tx pgx.Tx) (int64, error) {
		u, err := lockState(ctx, tx, unitID)
		if err != nil {
			return 0, err
		}
		checkHeldWithin(v, u, *from, *to)
		return insert(tx)
	})
}

var (
	fieldFrom = validate.Input("from")
	fieldTo   = validate.Input("to")
)

// checkSpan takes a span's days (dates without their time) and records
// what is wrong with it.
func checkSpan(v *validate.Errors, from time.Time, to *time.Time) (time.Time, *time.Time) {
	from = dateOf(from)
	if to != nil {
		day := dateOf(*to)
		to = &day
	}
	switch {
	case from.IsZero():
		v.Add(fieldFrom, validate.Required, "Cần ngày bắt đầu.", "The start date is required.")
	case from.Before(FoundingDate):
		v.Add(fieldFrom, validate.OutOfRange, "Không được trước ngày thành lập Đoàn (26/03/1931).",
			"Cannot be before the Union's founding (1931-03-26).")
	case to != nil:
		v.NotBefore(fieldTo, *to, from, "ngày bắt đầu", "start date")
	}
	return from, to
}

// checkHeldWithin records why unit u cannot hold a post from `from` to
// `to`: it did not exist yet, or it ended before.
func checkHeldWithin(v *validate.Errors, u *unitState, from time.Time, to *time.Time) {
	switch {
	case u == nil:
		v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
	case u.start == nil:
		v.Add(validate.Input("unitId"), validate.NotAllowed, "Đơn vị không có thời gian tồn tại.", "The unit never existed on any day.")
	case from.Before(*u.start):
		v.Add(fieldFrom, validate.DateOrder,
			fmt.Sprintf("Trước khi đơn vị được thành lập (%s).", dates.Format(*u.start)),
			fmt.Sprintf("Before the unit existed (from %s).", enDate(*u.start)))
	case u.openFrom == nil && (to == nil || to.After(*u.lastDay)):
		v.Add(fieldTo, validate.OutOfRange,
			fmt.Sprintf("Đơn vị đã kết thúc ngày %s; chức vụ phải kết thúc muộn nhất vào ngày đó.", dates.Format(*u.lastDay)),
			fmt.Sprintf("The unit ended on %s; the post must end by then.", enDate(*u.lastDay)))
	}
}

func checkHolder(ctx context.Context, tx pgx.Tx, v *validate.Errors, in AppointInput) error {
	var found bool
	var field []string
	switch {
	case in.MemberID != nil:
		field = validate.Input("memberId")
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM members WHERE id = $1)`, *in.MemberID).Scan(&found); err != nil {
			return fmt.Errorf("check member %d: %w", *in.MemberID, err)
		}
	case in.AccountID != nil:
		field = validate.Input("accountId")
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM accounts WHERE id = $1)`, *in.AccountID).Scan(&found); err != nil {
			return fmt.Errorf("check account %d: %w", *in.AccountID, err)
		}
	default:
		return nil
	}
	if !found {
		v.Add(field, validate.NotFound, "Không tìm thấy người giữ chức vụ.", "No such holder.")
	}
	return nil
}

func checkTerm(ctx context.Context, tx pgx.Tx, v *validate.Errors, termID, unitID int64, from time.Time, to *time.Time) error {
	var termUnit int64
	var tFrom time.Time
	var tTo *time.Time
	err := tx.QueryRow(ctx, `SELECT unit_id, valid_from, valid_to FROM committee_terms WHERE id = $1`, termID).Scan(&termUnit, &tFrom, &tTo)
	field := validate.Input("termId")
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(field, validate.NotFound, "Không tìm thấy nhiệm kỳ.", "No such committee term.")
	case err != nil:
		return fmt.Errorf("check term %d: %w", termID, err)
	case termUnit != unitID:
		v.Add(field, validate.NotAllowed, "Nhiệm kỳ của đơn vị khác.", "The term is another unit's.")
	case from.Before(tFrom) || tTo != nil && (to == nil || to.After(*tTo)):
		v.Add(field, validate.OutOfRange, "Chức vụ nằm ngoài thời gian của nhiệm kỳ.", "The post lies outside the term's dates.")
	}
	return nil
}

// positionConflict turns the exclusion constraints into field errors: two
// appointments made at once both pass the checks, and the database decides.
func positionConflict(err error) error {
	var v validate.Errors
	switch db.Constraint(err) {
	case "positions_one_secretary":
		v.Add(validate.Input("title"), validate.Conflict,
			"Trong thời gian này đơn vị đã có Bí thư.", "The unit has a secretary for part of this time already.")
	case "positions_member_once", "positions_account_once":
		v.Add(validate.Input("memberId"), validate.Conflict,
			"Người này đã giữ một chức vụ trong ban chấp hành này trong thời gian đó.",
			"This person holds a post in this committee for part of that time already.")
	default:
		return err
	}
	return v.Err()
}

// EndTermInput ends a post: LastDay is the last day it is held.
type EndTermInput struct {
	ID      int64
	Version int32
	LastDay time.Time
}

// EndTerm ends a post on its last day (or moves the end it had).
func (t *Timeline) EndTerm(ctx context.Context, in EndTermInput) (*Position, error) {
	var v validate.Errors
	in.LastDay = dateOf(in.LastDay)
	if in.LastDay.IsZero() {
		v.Add(validate.Input("lastDay"), validate.Required, "Cần ngày kết thúc.", "The last day is required.")
		return nil, v.Err()
	}
	var out *Position
	err := db.InTx(ctx, t.pool, func(tx pgx.Tx) error {
		p, err := versionlock.Lock(ctx, tx, `SELECT `+positionColumns+positionFrom+` WHERE p.id = $1 FOR UPDATE OF p`, in.ID, in.Version,
			scanPosition, func(p *Position) int32 { return p.Version }, versionlock.Named{VI: "chức vụ", EN: "post"})
		if err != nil {
			return err
		}
		v.NotBefore(validate.Input("lastDay"), in.LastDay, p.ValidFrom, "ngày bắt đầu giữ chức vụ", "post's start date")
		u, err := lockState(ctx, tx, p.UnitID)
		if err != nil {
			return err
		}
		if u != nil && u.openFrom == nil && u.lastDay != nil && in.LastDay.After(*u.lastDay) {
			v.Add(validate.Input("lastDay"), validate.OutOfRange,
				fmt.Sprintf("Đơn vị đã kết thúc ngày %s.", dates.Format(*u.lastDay)),
				fmt.Sprintf("The unit ended on %s.", enDate(*u.lastDay)))
		}
		if p.TermID != nil {
			// A post in a term ends within it, as Appoint's checkTerm requires.
			var termEnd *time.Time
			if err := tx.QueryRow(ctx, `SELECT valid_to FROM committee_terms WHERE id = $1`, *p.TermID).Scan(&termEnd); err != nil {
				return fmt.Errorf("term %d of position %d: %w", *p.TermID, p.ID, err)
			}
			if termEnd != nil && in.LastDay.After(*termEnd) {
				v.Add(validate.Input("lastDay"), validate.OutOfRange,
					fmt.Sprintf("Sau ngày kết thúc nhiệm kỳ (%s).", dates.Format(*termEnd)),
					fmt.Sprintf("After the term's last day (%s).", enDate(*termEnd)))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE positions SET valid_to = $2, version = version + 1, updated_at = now() WHERE id = $1`,
			p.ID, in.LastDay); err != nil {
			return positionConflict(fmt.Errorf("end position %d: %w", p.ID, err))
		}
		out, err = scanPosition(tx.QueryRow(ctx, `SELECT `+positionColumns+positionFrom+` WHERE p.id = $1`, p.ID))
		return err
	})
	return out, err
}

// CommitteeAsOf returns the posts of a unit's committee held on the day on,
// secretary first: the committee a report dated that day prints.
func (t *Timeline) CommitteeAsOf(ctx context.Context, unitID int64, on time.Time) ([]*Position, error) {
	rows, err := t.pool.Query(ctx, `SELECT `+positionColumns+positionFrom+`
		WHERE p.unit_id = $1 AND p.during @> $2::date
		ORDER BY array_position(ARRAY['SECRETARY', 'DEPUTY_SECRETARY', 'STANDING_COMMITTEE_MEMBER', 'COMMITTEE_MEMBER'], p.title),
			search_normalize(coalesce(m.full_name, a.display_name, p.holder_name, '')), p.id`, unitID, dateOf(on))
	if err != nil {
		return nil, fmt.Errorf("committee of unit %d as of %s: %w", unitID, on.Format(time.DateOnly), err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Position, error) { return scanPosition(r) })
	if err != nil {
		return nil, fmt.Errorf("committee of unit %d as of %s: %w", unitID, on.Format(time.DateOnly), err)
	}
	return list, nil
}

// Term is a committee's term of office (nhiệm kỳ).
type Term struct {
	ID             int64
	UnitID         int64
	Name           string
	ValidFrom      time.Time
	ValidTo        *time.Time
	DecisionNumber *string
	Version        int32
}

// TermInput opens a committee term.
type TermInput struct {
	UnitID         int64
	Name           string // "Nhiệm kỳ 2022 – 2027"
	From           time.Time
	To             *time.Time
	DecisionNumber *string
}

// StartTerm records a committee term of a unit; terms of one unit do not overlap.
func (t *Timeline) StartTerm(ctx context.Context, in TermInput) (*Term, error) {
	var v validate.Errors
	in.Name = v.Text(validate.Input("name"), in.Name, true, maxHolderName)
	var out *Term
	err := t.createHeld(ctx, &v, in.UnitID, &in.DecisionNumber, &in.From, &in.To, func(tx pgx.Tx) (int64, error) {
		if err := v.Err(); err != nil {
			return 0, err
		}
		var term Term
		err := tx.QueryRow(ctx, `INSERT INTO committee_terms (unit_id, name, valid_from, valid_to, decision_number)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, unit_id, name, valid_from, valid_to, decision_number, version`,
			in.UnitID, in.Name, in.From, in.To, in.DecisionNumber).
			Scan(&term.ID, &term.UnitID, &term.Name, &term.ValidFrom, &term.ValidTo, &term.DecisionNumber, &term.Version)
		if db.Constraint(err) == "committee_terms_no_overlap" {
			v.Add(fieldFrom, validate.Conflict, "Trùng thời gian với một nhiệm kỳ khác của đơn vị.", "Overlaps another term of the unit.")
			return 0, v.Err()
		}
		if err != nil {
			return 0, fmt.Errorf("insert committee term: %w", err)
		}
		out = &term
		return term.ID, nil
	})
	return out, err
}
