package member

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/patch"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// PartyReferral is a member introduced to the Party for admission (giới
// thiệu đoàn viên ưu tú cho Đảng xem xét kết nạp) and, once the Party has
// decided, admitted to it. UnitID is the unit the member was in when
// introduced: the one whose report counts the referral and the admission.
type PartyReferral struct {
	ID                      int64
	MemberID                int64
	UnitID                  int64
	IntroducedOn            time.Time
	DecisionNumber          *string
	AdmittedOn              *time.Time
	AdmissionDecisionNumber *string
	Note                    *string
	Version                 int32
}

const referralColumns = `id, member_id, unit_id, introduced_on, decision_number, admitted_on, admission_decision_number, note, version`

var scanReferral = db.Scanner(func(r *PartyReferral) []any {
	return []any{&r.ID, &r.MemberID, &r.UnitID, &r.IntroducedOn, &r.DecisionNumber, &r.AdmittedOn,
		&r.AdmissionDecisionNumber, &r.Note, &r.Version}
})

var referralNamed = versionlock.Named{VI: "hồ sơ giới thiệu kết nạp Đảng", EN: "Party referral"}

// ReferralInput introduces a member to the Party.
type ReferralInput struct {
	MemberID       int64
	IntroducedOn   time.Time
	DecisionNumber *string
	Note           *string
}

// CreateReferral records that a member was introduced to the Party. The
// member must be in the Union on that day; the referral is of the unit
// they were in.
func (s *Store) CreateReferral(ctx context.Context, in ReferralInput) (*PartyReferral, error) {
	var v validate.Errors
	in.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), in.DecisionNumber, maxDecision)
	in.Note = v.OptionalText(validate.Input("note"), in.Note, maxNote)
	v.NotFuture(validate.Input("introducedOn"), in.IntroducedOn, s.today())
	var out *PartyReferral
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		var unit *int64
		err := tx.QueryRow(ctx, `SELECT st.unit_id FROM members m
			LEFT JOIN member_stays st ON st.member_id = m.id AND st.entered_on <= $2 AND (st.left_on IS NULL OR st.left_on > $2)
			WHERE m.id = $1 FOR SHARE OF m`, in.MemberID, in.IntroducedOn).Scan(&unit)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			v.Add(validate.Input("memberId"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
		case err != nil:
			return 0, fmt.Errorf("member %d to refer: %w", in.MemberID, err)
		case unit == nil && !v.Has(validate.Input("introducedOn")):
			v.Add(validate.Input("introducedOn"), validate.NotAllowed, "Ngày này đoàn viên không sinh hoạt Đoàn.",
				"The member was not in the Union on that day.")
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		out, err = scanReferral(tx.QueryRow(ctx, `INSERT INTO party_referrals (member_id, unit_id, introduced_on, decision_number, note)
			VALUES ($1, $2, $3, $4, $5) RETURNING `+referralColumns, in.MemberID, *unit, in.IntroducedOn, in.DecisionNumber, in.Note))
		if err != nil {
			return 0, duplicateReferral(fmt.Errorf("insert Party referral: %w", err))
		}
		return out.ID, nil
	})
	return out, err
}

func duplicateReferral(err error) error {
	return db.Duplicate(err, "party_referrals_member_id_introduced_on_key", validate.Input("introducedOn"),
		"Đoàn viên đã được giới thiệu vào ngày này.", "The member was already introduced on that day.")
}

// ReferralUpdate records an admission or corrects a referral; fields left
// out are kept, AdmittedOn set to null clears an admission entered by
// mistake.
type ReferralUpdate struct {
	ID                      int64
	Version                 int32
	IntroducedOn            *time.Time
	DecisionNumber          patch.Optional[string]
	AdmittedOn              patch.Optional[time.Time]
	AdmissionDecisionNumber patch.Optional[string]
	Note                    patch.Optional[string]
}

func lockReferral(ctx context.Context, tx pgx.Tx, id int64, version int32) (*PartyReferral, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+referralColumns+` FROM party_referrals WHERE id = $1 FOR UPDATE`, id, version,
		scanReferral, func(r *PartyReferral) int32 { return r.Version }, referralNamed)
}

// UpdateReferral changes a referral: above all, records that the Party
// admitted the member (AdmittedOn, with its decision's number).
func (s *Store) UpdateReferral(ctx context.Context, u ReferralUpdate) (*PartyReferral, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockReferral, func(tx pgx.Tx, cur *PartyReferral) (*PartyReferral, error) {
		r := *cur
		patch.Set(&r.IntroducedOn, u.IntroducedOn)
		u.DecisionNumber.Apply(&r.DecisionNumber)
		u.AdmittedOn.Apply(&r.AdmittedOn)
		u.AdmissionDecisionNumber.Apply(&r.AdmissionDecisionNumber)
		u.Note.Apply(&r.Note)
		var v validate.Errors
		r.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), r.DecisionNumber, maxDecision)
		r.AdmissionDecisionNumber = v.OptionalText(validate.Input("admissionDecisionNumber"), r.AdmissionDecisionNumber, maxDecision)
		r.Note = v.OptionalText(validate.Input("note"), r.Note, maxNote)
		v.NotFuture(validate.Input("introducedOn"), r.IntroducedOn, s.today())
		if r.AdmittedOn != nil {
			v.NotBefore(validate.Input("admittedOn"), *r.AdmittedOn, r.IntroducedOn, "ngày giới thiệu", "introduction")
			v.NotFuture(validate.Input("admittedOn"), *r.AdmittedOn, s.today())
		} else if r.AdmissionDecisionNumber != nil {
			v.Add(validate.Input("admittedOn"), validate.Required, "Số quyết định kết nạp cần ngày kết nạp.",
				"An admission decision needs the admission date.")
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanReferral(tx.QueryRow(ctx, `UPDATE party_referrals SET introduced_on = $2, decision_number = $3,
			admitted_on = $4, admission_decision_number = $5, note = $6, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+referralColumns,
			cur.ID, r.IntroducedOn, r.DecisionNumber, r.AdmittedOn, r.AdmissionDecisionNumber, r.Note))
		if err != nil {
			return nil, duplicateReferral(fmt.Errorf("update Party referral %d: %w", cur.ID, err))
		}
		return out, nil
	})
}

// DeleteReferral deletes a referral entered by mistake.
func (s *Store) DeleteReferral(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "party_referrals", id, version, lockReferral)
}

// ReferralsByIDs returns referrals keyed by id.
func (s *Store) ReferralsByIDs(ctx context.Context, ids []int64) (map[int64]*PartyReferral, error) {
	return db.ByIDs(ctx, s.pool, "party_referrals", referralColumns, ids, scanReferral, func(r *PartyReferral) int64 { return r.ID })
}

// ReferralsOf returns each member's referrals, oldest first, keyed by member.
func (s *Store) ReferralsOf(ctx context.Context, memberIDs []int64) (map[int64][]*PartyReferral, error) {
	return db.Grouped(ctx, s.pool, "load Party referrals", scanReferral, func(r *PartyReferral) int64 { return r.MemberID },
		`SELECT `+referralColumns+` FROM party_referrals WHERE member_id = ANY ($1) ORDER BY member_id, introduced_on, id`, memberIDs)
}
