package member

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/patch"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

const (
	maxFullName = 200
	maxAddress  = 500
	maxDecision = 100
	maxExternal = 300
	maxNote     = 2000
	maxCard     = 30
	// maxBatch bounds the members of one batch call (AgeOut).
	maxBatch = 1000
	// The Union's statute admits young people aged 16 to 30.
	minAdmissionAge = 16
	maxAdmissionAge = 30
)

// CreateInput is a new member.
type CreateInput struct {
	UnitID                  int64
	FullName                string
	Gender                  Gender
	BirthDate               time.Time
	JoinedOn                time.Time
	AdmissionDecisionNumber *string
	Arrival                 *Arrival
	CardNumber              *string
	Position                Position
	Phone                   *string
	Email                   *string
	Address                 *string
	DuesCategory            dues.Category // empty: unsalaried
}

// Arrival describes a member transferring in from outside this system.
type Arrival struct {
	FromExternal   string
	On             time.Time
	DecisionNumber *string
}

// branchCheck records why unitID cannot hold members, if it cannot: members
// meet in branches (chi đoàn), so only a branch that is not archived can.
func branchCheck(ctx context.Context, tx pgx.Tx, v *validate.Errors, field []string, unitID int64) error {
	var level string
	var archived bool
	// FOR SHARE holds the branch open until this transaction ends: archiving
	// takes the row FOR UPDATE, so it waits and then counts this member, or
	// goes first and this check sees it archived.
	err := tx.QueryRow(ctx, `SELECT level, archived_at IS NOT NULL FROM units WHERE id = $1 FOR SHARE`, unitID).Scan(&level, &archived)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		v.Add(field, validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
	case err != nil:
		return fmt.Errorf("check unit %d: %w", unitID, err)
	case level != "BRANCH":
		v.Add(field, validate.NotAllowed, "Đoàn viên chỉ sinh hoạt tại chi đoàn.", "Members belong to a branch (chi đoàn).")
	case archived:
		v.Add(field, validate.NotAllowed, "Chi đoàn đã lưu trữ.", "The branch is archived.")
	}
	return nil
}

func (s *Store) checkDetails(v *validate.Errors, m *Member) {
	today := s.today()
	m.FullName = v.Text(validate.Input("fullName"), m.FullName, true, maxFullName)
	v.DateRange(validate.Input("birthDate"), m.BirthDate, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), today)
	if !v.Has(validate.Input("birthDate")) {
		earliest := m.BirthDate.AddDate(minAdmissionAge, 0, 0)
		latest := m.BirthDate.AddDate(maxAdmissionAge+1, 0, -1)
		if m.JoinedOn.Before(earliest) || m.JoinedOn.After(latest) {
			v.Add(validate.Input("joinedOn"), validate.OutOfRange,
				fmt.Sprintf("Tuổi vào Đoàn phải từ %d đến %d (ngày vào Đoàn từ %s đến %s).", minAdmissionAge, maxAdmissionAge,
					dates.Format(earliest), dates.Format(latest)),
				fmt.Sprintf("Age at joining must be %d to %d (joined between %s and %s).", minAdmissionAge, maxAdmissionAge,
					earliest.Format(time.DateOnly), latest.Format(time.DateOnly)))
		}
	}
	if m.JoinedOn.After(today) {
		v.Add(validate.Input("joinedOn"), validate.OutOfRange, "Ngày vào Đoàn không được sau hôm nay.", "The joining date cannot be in the future.")
	}
	m.CardNumber = v.OptionalText(validate.Input("cardNumber"), m.CardNumber, maxCard)
	if m.CardNumber != nil && !cardPattern(*m.CardNumber) {
		v.Add(validate.Input("cardNumber"), validate.Invalid,
			"Số thẻ chỉ gồm chữ, số và các dấu . / -.",
			"A card number holds only letters, digits and . / -.")
	}
	m.Phone = v.Phone(validate.Input("phone"), m.Phone)
	m.Email = v.Email(validate.Input("email"), m.Email)
	m.Address = v.OptionalText(validate.Input("address"), m.Address, maxAddress)
}

func cardPattern(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '/' || r == '-') {
			return false
		}
	}
	return true
}

// duplicateCard turns the database's unique violation into a field error:
// two secretaries entering the same card at once both pass the check, and
// the constraint decides.
func duplicateCard(err error) error {
	return db.Duplicate(err, "members_card_number_key", validate.Input("cardNumber"),
		"Số thẻ đoàn viên đã có người khác dùng.",
		"Another member has this card number.")
}

// Create adds a member to a branch and records how they arrived: admitted
// on joinedOn, or transferred in from outside this system.
func (s *Store) Create(ctx context.Context, c CreateInput) (*Member, error) {
	m := &Member{
		UnitID: c.UnitID, FullName: c.FullName, Gender: c.Gender, BirthDate: c.BirthDate, JoinedOn: c.JoinedOn,
		CardNumber: c.CardNumber, Position: c.Position, Phone: c.Phone, Email: c.Email, Address: c.Address, Status: Active,
		DuesCategory: c.DuesCategory,
	}
	if m.Position == "" {
		m.Position = PlainMember
	}
	if m.DuesCategory == "" {
		m.DuesCategory = dues.Unsalaried
	}
	var v validate.Errors
	s.checkDetails(&v, m)
	admission := v.OptionalText(validate.Input("admissionDecisionNumber"), c.AdmissionDecisionNumber, maxDecision)
	var arrival Arrival
	if c.Arrival != nil {
		arrival = *c.Arrival
		arrival.FromExternal = v.Text(validate.Input("arrival", "fromExternal"), arrival.FromExternal, true, maxExternal)
		arrival.DecisionNumber = v.OptionalText(validate.Input("arrival", "decisionNumber"), arrival.DecisionNumber, maxDecision)
		v.NotBefore(validate.Input("arrival", "on"), arrival.On, m.JoinedOn, "ngày vào Đoàn", "joining date")
		v.NotFuture(validate.Input("arrival", "on"), arrival.On, s.today())
	}

	var created *Member
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		if err := branchCheck(ctx, tx, &v, validate.Input("unitId"), m.UnitID); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var err error
		created, err = scanMember(tx.QueryRow(ctx, `INSERT INTO members AS m
			(unit_id, full_name, gender, birth_date, joined_on, card_number, position, phone, email, address, dues_category)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+memberColumns,
			m.UnitID, m.FullName, m.Gender, m.BirthDate, m.JoinedOn, m.CardNumber, m.Position, m.Phone, m.Email, m.Address, m.DuesCategory))
		if err != nil {
			return 0, duplicateCard(fmt.Errorf("insert member: %w", err))
		}
		if c.Arrival != nil {
			_, err = tx.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, decision_number, from_external, to_unit_id)
				VALUES ($1, 'TRANSFERRED', $2, $3, $4, $5)`, created.ID, arrival.On, arrival.DecisionNumber, arrival.FromExternal, created.UnitID)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, decision_number, unit_id)
				VALUES ($1, 'ADMITTED', $2, $3, $4)`, created.ID, created.JoinedOn, admission, created.UnitID)
		}
		if err != nil {
			return 0, fmt.Errorf("record member %d's arrival: %w", created.ID, err)
		}
		return created.ID, nil
	})
	return created, err
}

// UpdateInput corrects a member's details; nil fields are kept.
type UpdateInput struct {
	ID           int64
	Version      int32
	FullName     *string
	Gender       *Gender
	BirthDate    *time.Time
	JoinedOn     *time.Time
	CardNumber   patch.Optional[string]
	Position     *Position
	Phone        patch.Optional[string]
	Email        patch.Optional[string]
	Address      patch.Optional[string]
	DuesCategory *dues.Category
}

// lockCurrent locks the member being changed and checks the caller's version.
func lockCurrent(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Member, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+memberColumns+` FROM members m WHERE m.id = $1 FOR UPDATE`, id, version,
		scanOne, func(m *Member) int32 { return m.Version }, memberNamed)
}

var memberNamed = versionlock.Named{VI: "đoàn viên", EN: "member"}

// Update corrects a member's details.
func (s *Store) Update(ctx context.Context, u UpdateInput) (*Member, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockCurrent, func(tx pgx.Tx, m *Member) (*Member, error) {
		patch.Set(&m.FullName, u.FullName)
		patch.Set(&m.Gender, u.Gender)
		patch.Set(&m.BirthDate, u.BirthDate)
		patch.Set(&m.JoinedOn, u.JoinedOn)
		patch.Set(&m.Position, u.Position)
		patch.Set(&m.DuesCategory, u.DuesCategory)
		u.CardNumber.Apply(&m.CardNumber)
		u.Phone.Apply(&m.Phone)
		u.Email.Apply(&m.Email)
		u.Address.Apply(&m.Address)
		var v validate.Errors
		s.checkDetails(&v, m)
		if err := v.Err(); err != nil {
			return nil, err
		}
		updated, err := scanMember(tx.QueryRow(ctx, `UPDATE members AS m SET full_name = $2, gender = $3, birth_date = $4,
			joined_on = $5, card_number = $6, position = $7, phone = $8, email = $9, address = $10,
			dues_category = $11, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+memberColumns,
			m.ID, m.FullName, m.Gender, m.BirthDate, m.JoinedOn, m.CardNumber, m.Position, m.Phone, m.Email, m.Address, m.DuesCategory))
		if err != nil {
			return nil, duplicateCard(fmt.Errorf("update member %d: %w", m.ID, err))
		}
		return updated, nil
	})
}

// TransferInput moves an active member.
type TransferInput struct {
	ID             int64
	Version        int32
	ToUnitID       *int64
	ToExternal     *string
	On             time.Time
	DecisionNumber *string
	Note           *string
}

// checkMove validates the date and active status common to every departure:
// errors about the member go on idField, about the date on onField.
func (s *Store) checkMove(ctx context.Context, tx pgx.Tx, v *validate.Errors, m *Member, on time.Time, idField, onField []string) error {
	if m.Status != Active {
		v.Add(idField, validate.NotAllowed, "Đoàn viên không còn sinh hoạt.", "The member is no longer active.")
	}
	v.NotBefore(onField, on, m.JoinedOn, "ngày vào Đoàn", "joining date")
	// A member may have no events at all (records entered before the
	// history was kept, or a history repaired by hand): nothing to be after.
	var last *time.Time
	if err := tx.QueryRow(ctx, `SELECT max(occurred_on) FROM member_events WHERE member_id = $1`, m.ID).
		Scan(&last); err != nil {
		return fmt.Errorf("last event of member %d: %w", m.ID, err)
	}
	if last != nil && !v.Has(onField) {
		v.NotBefore(onField, on, *last, "sự kiện gần nhất của đoàn viên", "member's latest recorded event")
	}
	v.NotFuture(onField, on, s.today())
	return nil
}

// Transfer moves an active member to another branch in this system, or out
// of it, and records the move in the member's history.
func (s *Store) Transfer(ctx context.Context, t TransferInput) (*Member, error) {
	return versionlock.Update(ctx, s.pool, t.ID, t.Version, lockCurrent, func(tx pgx.Tx, m *Member) (*Member, error) {
		var v validate.Errors
		if err := s.checkMove(ctx, tx, &v, m, t.On, validate.Input("id"), validate.Input("on")); err != nil {
			return nil, err
		}
		t.ToExternal = v.OptionalText(validate.Input("toExternal"), t.ToExternal, maxExternal)
		t.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), t.DecisionNumber, maxDecision)
		t.Note = v.OptionalText(validate.Input("note"), t.Note, maxNote)
		switch {
		case (t.ToUnitID == nil) == (t.ToExternal == nil):
			v.Add(validate.Input("toUnitId"), validate.Required,
				"Chọn chi đoàn chuyển đến, hoặc ghi tên nơi chuyển đến ngoài hệ thống (chỉ một trong hai).",
				"Give either the branch to move to or the name of a body outside this system, not both.")
		case t.ToUnitID != nil && *t.ToUnitID == m.UnitID:
			v.Add(validate.Input("toUnitId"), validate.NotAllowed, "Đoàn viên đang sinh hoạt tại chi đoàn này.", "The member is already in this branch.")
		case t.ToUnitID != nil:
			if err := branchCheck(ctx, tx, &v, validate.Input("toUnitId"), *t.ToUnitID); err != nil {
				return nil, err
			}
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		unitID, status := m.UnitID, TransferredOut
		if t.ToUnitID != nil {
			unitID, status = *t.ToUnitID, Active
		}
		if _, err := tx.Exec(ctx, `INSERT INTO member_events
			(member_id, kind, occurred_on, decision_number, from_unit_id, to_unit_id, to_external, note)
			VALUES ($1, 'TRANSFERRED', $2, $3, $4, $5, $6, $7)`,
			m.ID, t.On, t.DecisionNumber, m.UnitID, t.ToUnitID, t.ToExternal, t.Note); err != nil {
			return nil, fmt.Errorf("record transfer of member %d: %w", m.ID, err)
		}
		out, err := scanMember(tx.QueryRow(ctx, `UPDATE members AS m SET unit_id = $2, status = $3,
			version = version + 1, updated_at = now() WHERE id = $1 RETURNING `+memberColumns, m.ID, unitID, status))
		if err != nil {
			return nil, fmt.Errorf("transfer member %d: %w", m.ID, err)
		}
		return out, nil
	})
}

// LeaveInput records that an active member aged out or was removed.
type LeaveInput struct {
	ID             int64
	Version        int32
	Reason         Status // AgedOut or Removed
	On             time.Time
	DecisionNumber *string
	Note           *string
	// EarlyReason is needed to age out before AgeLimit, and only then.
	EarlyReason *EarlyReason
}

// Leave records a member's departure from the Union. Ageing out before the
// age limit needs an early reason and a decision number.
func (s *Store) Leave(ctx context.Context, l LeaveInput) (*Member, error) {
	if l.Reason != AgedOut && l.Reason != Removed {
		return nil, fmt.Errorf("leave: reason %q is not a departure", l.Reason)
	}
	return versionlock.Update(ctx, s.pool, l.ID, l.Version, lockCurrent, func(tx pgx.Tx, m *Member) (*Member, error) {
		var v validate.Errors
		l.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), l.DecisionNumber, maxDecision)
		l.Note = v.OptionalText(validate.Input("note"), l.Note, maxNote)
		if err := s.checkLeave(ctx, tx, &v, m, &l, leaveFields{
			id: validate.Input("id"), on: validate.Input("on"), early: validate.Input("earlyReason"),
			decision: validate.Input("decisionNumber")}); err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		return writeLeave(ctx, tx, m, l)
	})
}

// leaveFields are the input fields a departure's errors go on.
type leaveFields struct{ id, on, early, decision []string }

// checkLeave validates one member's departure l into v: the common
// departure checks, and for ageing out the age limit and its exceptions.
func (s *Store) checkLeave(ctx context.Context, tx pgx.Tx, v *validate.Errors, m *Member, l *LeaveInput, f leaveFields) error {
	if err := s.checkMove(ctx, tx, v, m, l.On, f.id, f.on); err != nil || m.Status != Active {
		return err // a member no longer active has been told so
	}
	age := ageOn(m.BirthDate, l.On)
	switch {
	case l.Reason != AgedOut && l.EarlyReason != nil:
		v.Add(f.early, validate.NotAllowed, "Lý do trưởng thành sớm chỉ dùng khi trưởng thành.", "An early reason goes only with ageing out.")
	case l.Reason != AgedOut:
	case age >= AgeLimit && l.EarlyReason != nil:
		v.Add(f.early, validate.NotAllowed,
			fmt.Sprintf("Đoàn viên đã đủ %d tuổi vào ngày trưởng thành; không cần lý do trưởng thành sớm.", AgeLimit),
			fmt.Sprintf("The member is %d or older on that day: no early reason is needed.", AgeLimit))
	case age < AgeLimit && l.EarlyReason == nil:
		v.Add(f.early, validate.Required,
			fmt.Sprintf("Đoàn viên mới %d tuổi vào ngày %s; trưởng thành trước %d tuổi cần lý do Điều lệ cho phép (earlyReason) và số quyết định.",
				age, dates.Format(l.On), AgeLimit),
			fmt.Sprintf("The member is only %d on %s; ageing out before %d needs a reason the Union's rules allow (earlyReason) and a decision number.",
				age, l.On.Format(time.DateOnly), AgeLimit))
	case age < AgeLimit && l.DecisionNumber == nil:
		v.Add(f.decision, validate.Required, "Trưởng thành trước tuổi cần số quyết định.", "Ageing out early needs the decision's number.")
	}
	return nil
}

// ageOn is how old someone born on birth is on day: whole years, the
// birthday itself counting.
func ageOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

// writeLeave records a checked departure: the event, and the member's status.
func writeLeave(ctx context.Context, tx pgx.Tx, m *Member, l LeaveInput) (*Member, error) {
	if _, err := tx.Exec(ctx, `INSERT INTO member_events (member_id, kind, occurred_on, decision_number, unit_id, note, early_reason)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.ID, string(l.Reason), l.On, l.DecisionNumber, m.UnitID, l.Note, l.EarlyReason); err != nil {
		return nil, fmt.Errorf("record departure of member %d: %w", m.ID, err)
	}
	out, err := scanMember(tx.QueryRow(ctx, `UPDATE members AS m SET status = $2, version = version + 1, updated_at = now()
		WHERE id = $1 RETURNING `+memberColumns, m.ID, l.Reason))
	if err != nil {
		return nil, fmt.Errorf("update member %d: %w", m.ID, err)
	}
	return out, nil
}

// AgeOutMember is one member of a batch ageing out, at the version read.
type AgeOutMember struct {
	ID          int64
	Version     int32
	EarlyReason *EarlyReason
}

// AgeOutInput ages out many members on one day by one decision.
type AgeOutInput struct {
	Members        []AgeOutMember
	On             time.Time
	DecisionNumber *string
	Note           *string
}

// AgeOut records that the members aged out (trưởng thành), as a
// grassroots union does for all who reached the limit at once: each
// member as Leave would, all or nothing. Errors about a member go on its
// place in the list.
func (s *Store) AgeOut(ctx context.Context, in AgeOutInput) ([]*Member, error) {
	var v validate.Errors
	in.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), in.DecisionNumber, maxDecision)
	in.Note = v.OptionalText(validate.Input("note"), in.Note, maxNote)
	switch {
	case len(in.Members) == 0:
		v.Add(validate.Input("members"), validate.Required, "Cần ít nhất một đoàn viên.", "At least one member is needed.")
	case len(in.Members) > maxBatch:
		v.Add(validate.Input("members"), validate.OutOfRange, fmt.Sprintf("Tối đa %d đoàn viên một lần.", maxBatch),
			fmt.Sprintf("At most %d members at a time.", maxBatch))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	ids := make([]int64, len(in.Members))
	for i, am := range in.Members {
		ids[i] = am.ID
	}
	var out []*Member
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		out = out[:0] // InTx may run this again after a deadlock
		locked, err := db.Collect(ctx, tx, "lock members to age out", scanOne,
			`SELECT `+memberColumns+` FROM members m WHERE m.id = ANY ($1) ORDER BY m.id FOR UPDATE`, ids)
		if err != nil {
			return err
		}
		byID := make(map[int64]*Member, len(locked))
		for _, m := range locked {
			byID[m.ID] = m
		}
		leaves := make([]LeaveInput, len(in.Members))
		seen := make(map[int64]bool, len(in.Members))
		for i, am := range in.Members {
			at := func(field string) []string { return validate.Input("members", i, field) }
			m := byID[am.ID]
			switch {
			case seen[am.ID]:
				v.Add(at("id"), validate.Duplicate, "Đoàn viên bị lặp lại.", "The member appears twice.")
				continue
			case m == nil:
				v.Add(at("id"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
				continue
			case m.Version != am.Version:
				v.Stale(at("version"))
				continue
			}
			seen[am.ID] = true
			leaves[i] = LeaveInput{ID: am.ID, Version: am.Version, Reason: AgedOut, On: in.On,
				DecisionNumber: in.DecisionNumber, Note: in.Note, EarlyReason: am.EarlyReason}
			if err := s.checkLeave(ctx, tx, &v, m, &leaves[i], leaveFields{
				id: at("id"), on: at("id"), early: at("earlyReason"), decision: validate.Input("decisionNumber")}); err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		for i, l := range leaves {
			m, err := writeLeave(ctx, tx, byID[in.Members[i].ID], l)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Delete removes a member entered by mistake. A member with any recorded
// part in the branch's life stays: their departure is recorded with Leave.
func (s *Store) Delete(ctx context.Context, id int64, version int32) error {
	return versionlock.DeleteUnless(ctx, s.pool, "members", id, version, lockCurrent, func(ctx context.Context, tx pgx.Tx, m *Member) error {
		var used bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participations WHERE member_id = $1)
			OR EXISTS (SELECT 1 FROM commendations WHERE member_id = $1)
			OR EXISTS (SELECT 1 FROM member_ratings WHERE member_id = $1)
			OR EXISTS (SELECT 1 FROM pledge_signatures WHERE member_id = $1)
			OR EXISTS (SELECT 1 FROM party_referrals WHERE member_id = $1)`, m.ID).Scan(&used); err != nil {
			return fmt.Errorf("check member %d before deleting: %w", m.ID, err)
		}
		if !used {
			return nil
		}
		var v validate.Errors
		v.Add(validate.Input("id"), validate.NotAllowed,
			"Đoàn viên đã có dữ liệu hoạt động, khen thưởng, xếp loại, cam kết hoặc giới thiệu kết nạp Đảng; hãy ghi nhận chuyển đi, trưởng thành hoặc xóa tên thay vì xóa.",
			"The member has participations, commendations, ratings, pledges or Party referrals; record their departure instead of deleting.")
		return v.Err()
	})
}

// RatingInput is one member's rating.
type RatingInput struct {
	MemberID int64
	Level    RatingLevel
	Comment  *string
}

// Rate records ratings for a year, replacing earlier ones; all or nothing.
// A year's ratings are of the members in the Union at its end (31
// December; for the year under way, those active now, since no departure
// can be dated ahead), the members the yearly report counts: a member who
// left during the year is refused. Each rating keeps the unit the member
// was in at the year's end, where the report counts it.
func (s *Store) Rate(ctx context.Context, year int, ratings []RatingInput) ([]*Rating, error) {
	v := s.checkRatedYear(year)
	if len(ratings) == 0 {
		v.Add(validate.Input("ratings"), validate.Required, "Cần ít nhất một đoàn viên.", "At least one rating is needed.")
	}
	seen := make(map[int64]bool, len(ratings))
	ids := make([]int64, len(ratings))
	for i := range ratings {
		ratings[i].Comment = v.OptionalText(validate.Input("ratings", i, "comment"), ratings[i].Comment, maxNote)
		if seen[ratings[i].MemberID] {
			v.Add(validate.Input("ratings", i, "memberId"), validate.Duplicate, "Đoàn viên bị lặp lại.", "The member appears twice.")
		}
		seen[ratings[i].MemberID] = true
		ids[i] = ratings[i].MemberID
	}
	var out []*Rating
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		out = out[:0] // InTx may run this again after a deadlock
		units, err := unitsAtYearEnd(ctx, tx, ids, year)
		if err != nil {
			return err
		}
		for i, r := range ratings {
			unit, found := units[r.MemberID]
			switch {
			case !found:
				v.Add(validate.Input("ratings", i, "memberId"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
			case unit == nil && !v.Has(validate.Input("year")):
				v.Add(validate.Input("ratings", i, "memberId"), validate.NotAllowed,
					fmt.Sprintf("Đoàn viên không còn sinh hoạt Đoàn vào cuối năm %d (đã chuyển đi, trưởng thành hoặc bị xóa tên trong năm, hoặc vào Đoàn sau đó); chỉ xếp loại đoàn viên sinh hoạt đến cuối năm.", year),
					fmt.Sprintf("The member was not in the Union at the end of %d (left during the year, or joined later); only members in it at the year's end are rated.", year))
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		for _, r := range ratings {
			var rt Rating
			err := tx.QueryRow(ctx, `INSERT INTO member_ratings (member_id, year, level, comment, unit_id)
				VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (member_id, year) DO UPDATE SET level = EXCLUDED.level, comment = EXCLUDED.comment,
					unit_id = EXCLUDED.unit_id, updated_at = now()
				RETURNING member_id, year, level, comment, unit_id`,
				r.MemberID, year, r.Level, r.Comment, *units[r.MemberID]).
				Scan(&rt.MemberID, &rt.Year, &rt.Level, &rt.Comment, &rt.UnitID)
			if err != nil {
				return fmt.Errorf("rate member %d: %w", r.MemberID, err)
			}
			out = append(out, &rt)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkRatedYear validates the year of ratings being written or removed.
func (s *Store) checkRatedYear(year int) *validate.Errors {
	var v validate.Errors
	v.Year(validate.Input("year"), year)
	if year > s.today().Year() {
		v.Add(validate.Input("year"), validate.OutOfRange, "Chưa thể xếp loại cho năm sau.", "A future year cannot be rated yet.")
	}
	return &v
}

// unitsAtYearEnd is, for each of the members that exist (locked against
// changes meanwhile), the unit they were in at the end of year, nil for a
// member not in the Union then: their stay (member_stays) on 31 December.
func unitsAtYearEnd(ctx context.Context, tx pgx.Tx, ids []int64, year int) (map[int64]*int64, error) {
	units, err := db.ByID[*int64](ctx, tx, `SELECT m.id, st.unit_id FROM members m
		LEFT JOIN member_stays st ON st.member_id = m.id AND st.entered_on <= make_date($2, 12, 31)
			AND (st.left_on IS NULL OR st.left_on > make_date($2, 12, 31))
		WHERE m.id = ANY ($1) FOR SHARE OF m`, ids, year)
	if err != nil {
		return nil, fmt.Errorf("units of members to rate at the end of %d: %w", year, err)
	}
	return units, nil
}

// Unrate removes the ratings of a year from the members given (a rating
// given by mistake, or to the wrong member) and returns how many there
// were; all or nothing. A member with no rating that year is an error, so
// a mistyped member is not taken for a removed rating.
func (s *Store) Unrate(ctx context.Context, year int, memberIDs []int64) (int, error) {
	v := s.checkRatedYear(year)
	if len(memberIDs) == 0 {
		v.Add(validate.Input("memberIds"), validate.Required, "Cần ít nhất một đoàn viên.", "At least one member is needed.")
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	var removed int
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `DELETE FROM member_ratings WHERE year = $1 AND member_id = ANY ($2) RETURNING member_id`, year, memberIDs)
		if err != nil {
			return fmt.Errorf("remove ratings of %d: %w", year, err)
		}
		gone, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return fmt.Errorf("remove ratings of %d: %w", year, err)
		}
		was := make(map[int64]bool, len(gone))
		for _, id := range gone {
			was[id] = true
		}
		seen := make(map[int64]bool, len(memberIDs))
		for i, id := range memberIDs {
			switch {
			case seen[id]:
				v.Add(validate.Input("memberIds", i), validate.Duplicate, "Đoàn viên bị lặp lại.", "The member appears twice.")
			case !was[id]:
				v.Add(validate.Input("memberIds", i), validate.NotFound,
					fmt.Sprintf("Đoàn viên chưa được xếp loại năm %d.", year), fmt.Sprintf("The member has no rating for %d.", year))
			}
			seen[id] = true
		}
		removed = len(gone)
		return v.Err() // rolls the deletions back
	})
	if err != nil {
		return 0, err
	}
	return removed, nil
}
