package award

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/patch"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

const (
	maxTitle       = 500
	maxIssuer      = 300
	maxDecision    = 100
	maxReason      = 2000
	maxDescription = 5000
	maxSigners     = 1000
)

// Issuer names who gave a commendation: a unit of the tree (Name may then
// override how its name is printed), or a body outside it by name and level.
type Issuer struct {
	UnitID *int64
	Name   *string
	Level  *org.Level
}

// CommendationInput is a commendation's fields.
type CommendationInput struct {
	Form              Form
	Title             string
	Issuer            Issuer
	DecisionNumber    *string
	DecisionDate      *time.Time
	Year              int
	Reason            *string
	RecipientMemberID *int64
	RecipientUnitID   *int64
}

// unitRef is what the checks need to know of a unit.
type unitRef struct {
	Level    org.Level
	Path     string
	Name     string
	Archived bool
}

func loadUnit(ctx context.Context, tx pgx.Tx, id int64) (*unitRef, error) {
	var u unitRef
	err := tx.QueryRow(ctx, `SELECT level, path::text, name, archived_at IS NOT NULL FROM units WHERE id = $1`, id).
		Scan(&u.Level, &u.Path, &u.Name, &u.Archived)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load unit %d: %w", id, err)
	}
	return &u, nil
}

func within(path, root string) bool {
	return path == root || len(path) > len(root) && path[:len(root)] == root && path[len(root)] == '.'
}

func (s *Store) checkCommendation(ctx context.Context, tx pgx.Tx, v *validate.Errors, c *CommendationInput) (issuerName *string, issuerLevel org.Level, err error) {
	c.Title = v.Text(validate.Input("title"), c.Title, true, maxTitle)
	c.DecisionNumber = v.OptionalText(validate.Input("decisionNumber"), c.DecisionNumber, maxDecision)
	c.Reason = v.OptionalText(validate.Input("reason"), c.Reason, maxReason)
	c.Issuer.Name = v.OptionalText(validate.Input("issuer", "name"), c.Issuer.Name, maxIssuer)
	v.Year(validate.Input("year"), c.Year)
	today := s.now()
	if c.Year > today.Year() {
		v.Add(validate.Input("year"), validate.OutOfRange, "Chưa thể khen thưởng cho năm sau.", "Cannot commend for a future year.")
	}
	if c.DecisionDate != nil {
		if c.DecisionDate.After(today) {
			v.Add(validate.Input("decisionDate"), validate.OutOfRange, "Ngày quyết định không được sau hôm nay.", "The decision date cannot be in the future.")
		} else if c.DecisionDate.Year() < c.Year {
			v.Add(validate.Input("decisionDate"), validate.DateOrder,
				"Quyết định không thể ban hành trước năm được khen thưởng.",
				"The decision cannot predate the year it commends.")
		}
	}

	var issuer *unitRef
	switch {
	case c.Issuer.UnitID != nil:
		if issuer, err = loadUnit(ctx, tx, *c.Issuer.UnitID); err != nil {
			return nil, "", err
		}
		if issuer == nil {
			v.Add(validate.Input("issuer", "unitId"), validate.NotFound, "Không tìm thấy đơn vị khen thưởng.", "No such issuing unit.")
		} else {
			issuerLevel = issuer.Level
			if c.Issuer.Level != nil && *c.Issuer.Level != issuer.Level {
				v.Add(validate.Input("issuer", "level"), validate.Invalid,
					"Cấp khen thưởng lấy theo đơn vị khen thưởng; bỏ trống trường này.",
					"The level comes from the issuing unit; leave this out.")
			}
		}
		issuerName = c.Issuer.Name
	case c.Issuer.Name == nil:
		v.Add(validate.Input("issuer", "name"), validate.Required,
			"Chọn đơn vị khen thưởng trong hệ thống, hoặc ghi tên cơ quan khen thưởng.",
			"Choose the issuing unit, or give the issuing body's name.")
	case c.Issuer.Level == nil:
		v.Add(validate.Input("issuer", "level"), validate.Required, "Cần ghi cấp của cơ quan khen thưởng.", "The issuing body's level is required.")
	default:
		issuerName, issuerLevel = c.Issuer.Name, *c.Issuer.Level
	}

	// The recipient: a member or a unit, and inside the issuer's subtree when
	// the issuer is a unit of the tree.
	switch {
	case (c.RecipientMemberID == nil) == (c.RecipientUnitID == nil):
		v.Add(validate.Input("recipientMemberId"), validate.Required,
			"Chọn một người nhận: đoàn viên hoặc tập thể (chỉ một).",
			"Give one recipient: a member or a unit, not both.")
	case c.RecipientMemberID != nil:
		var path string
		err := tx.QueryRow(ctx, `SELECT u.path::text FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1`,
			*c.RecipientMemberID).Scan(&path)
		if errors.Is(err, pgx.ErrNoRows) {
			v.Add(validate.Input("recipientMemberId"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
		} else if err != nil {
			return nil, "", fmt.Errorf("recipient member: %w", err)
		} else if issuer != nil && !within(path, issuer.Path) {
			v.Add(validate.Input("recipientMemberId"), validate.NotAllowed,
				"Đoàn viên không thuộc đơn vị khen thưởng.", "The member is not within the issuing unit.")
		}
	default:
		rec, err := loadUnit(ctx, tx, *c.RecipientUnitID)
		if err != nil {
			return nil, "", err
		}
		if rec == nil {
			v.Add(validate.Input("recipientUnitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
		} else if issuer != nil && (!within(rec.Path, issuer.Path) || rec.Path == issuer.Path) {
			v.Add(validate.Input("recipientUnitId"), validate.NotAllowed,
				"Tập thể được khen phải là đơn vị trực thuộc đơn vị khen thưởng.",
				"A commended unit must sit below the issuing unit.")
		}
	}
	return issuerName, issuerLevel, nil
}

// CreateCommendation records a commendation.
func (s *Store) CreateCommendation(ctx context.Context, c CommendationInput) (*Commendation, error) {
	var out *Commendation
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		var v validate.Errors
		name, level, err := s.checkCommendation(ctx, tx, &v, &c)
		if err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		out, err = scanCommendation(tx.QueryRow(ctx, `INSERT INTO commendations AS c (form, title, issuer_unit_id,
			issuer_name, issuer_level, decision_number, decision_date, year, reason, member_id, unit_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING `+commendationColumns,
			c.Form, c.Title, c.Issuer.UnitID, name, level, c.DecisionNumber, c.DecisionDate, c.Year, c.Reason,
			c.RecipientMemberID, c.RecipientUnitID))
		if err != nil {
			return 0, fmt.Errorf("insert commendation: %w", err)
		}
		return out.ID, nil
	})
	return out, err
}

// CommendationUpdate changes a commendation; nil fields are kept. The
// recipient cannot change.
type CommendationUpdate struct {
	ID             int64
	Version        int32
	Form           *Form
	Title          *string
	Issuer         *Issuer
	DecisionNumber patch.Optional[string]
	DecisionDate   patch.Optional[time.Time]
	Year           *int
	Reason         patch.Optional[string]
}

func lockCommendation(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Commendation, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+commendationColumns+` FROM commendations c WHERE c.id = $1 FOR UPDATE`, id, version,
		scanCommendation, func(c *Commendation) int32 { return c.Version }, versionlock.Named{VI: "khen thưởng", EN: "commendation"})
}

// UpdateCommendation corrects a commendation.
func (s *Store) UpdateCommendation(ctx context.Context, u CommendationUpdate) (*Commendation, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockCommendation, func(tx pgx.Tx, cur *Commendation) (*Commendation, error) {
		c := CommendationInput{Form: cur.Form, Title: cur.Title, DecisionNumber: cur.DecisionNumber,
			DecisionDate: cur.DecisionDate, Year: int(cur.Year), Reason: cur.Reason,
			RecipientMemberID: cur.MemberID, RecipientUnitID: cur.UnitID,
			Issuer: Issuer{UnitID: cur.IssuerUnitID, Name: cur.IssuerName}}
		if cur.IssuerUnitID == nil {
			level := cur.IssuerLevel
			c.Issuer.Level = &level
		}
		patch.Set(&c.Form, u.Form)
		patch.Set(&c.Title, u.Title)
		patch.Set(&c.Issuer, u.Issuer)
		u.DecisionNumber.Apply(&c.DecisionNumber)
		u.DecisionDate.Apply(&c.DecisionDate)
		patch.Set(&c.Year, u.Year)
		u.Reason.Apply(&c.Reason)
		var v validate.Errors
		name, level, err := s.checkCommendation(ctx, tx, &v, &c)
		if err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanCommendation(tx.QueryRow(ctx, `UPDATE commendations AS c SET form = $2, title = $3,
			issuer_unit_id = $4, issuer_name = $5, issuer_level = $6, decision_number = $7, decision_date = $8,
			year = $9, reason = $10, version = version + 1, updated_at = now()
			WHERE id = $1 RETURNING `+commendationColumns,
			cur.ID, c.Form, c.Title, c.Issuer.UnitID, name, level, c.DecisionNumber, c.DecisionDate, c.Year, c.Reason))
		if err != nil {
			return nil, fmt.Errorf("update commendation %d: %w", cur.ID, err)
		}
		return out, nil
	})
}

// DeleteCommendation deletes a commendation.
func (s *Store) DeleteCommendation(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "commendations", id, version, lockCommendation)
}

// PledgeInput is a pledge's fields.
type PledgeInput struct {
	UnitID      int64
	Year        int
	Title       string
	Description *string
}

func duplicatePledge(err error) error {
	return db.Duplicate(err, "pledges_unit_id_year_title_key", validate.Input("title"),
		"Đơn vị đã có cam kết này trong năm.",
		"The unit already has this pledge for the year.")
}

// CreatePledge adds a pledge.
func (s *Store) CreatePledge(ctx context.Context, p PledgeInput) (*Pledge, error) {
	var v validate.Errors
	p.Title = v.Text(validate.Input("title"), p.Title, true, maxTitle)
	p.Description = v.OptionalText(validate.Input("description"), p.Description, maxDescription)
	v.Year(validate.Input("year"), p.Year)
	var out *Pledge
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		if err := org.CheckOpen(ctx, tx, &v, validate.Input("unitId"), p.UnitID); err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var err error
		out, err = scanPledge(tx.QueryRow(ctx, `INSERT INTO pledges AS p (unit_id, year, title, description)
			VALUES ($1, $2, $3, $4) RETURNING `+pledgeColumns, p.UnitID, p.Year, p.Title, p.Description))
		if err != nil {
			return 0, duplicatePledge(fmt.Errorf("insert pledge: %w", err))
		}
		return out.ID, nil
	})
	return out, err
}

const lockPledgeSQL = `SELECT ` + pledgeColumns + ` FROM pledges p WHERE p.id = $1 FOR UPDATE`

var pledgeNamed = versionlock.Named{VI: "cam kết", EN: "pledge"}

// lockPledge locks the pledge field names, whatever its version.
func lockPledge(ctx context.Context, tx pgx.Tx, field []string, id int64) (*Pledge, error) {
	return versionlock.Row(ctx, tx, lockPledgeSQL, id, scanPledge, field, pledgeNamed)
}

// lockPledgeAt locks the pledge an update or delete names at the version
// the caller read.
func lockPledgeAt(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Pledge, error) {
	return versionlock.Lock(ctx, tx, lockPledgeSQL, id, version, scanPledge,
		func(p *Pledge) int32 { return p.Version }, pledgeNamed)
}

// PledgeUpdate changes a pledge; nil fields are kept.
type PledgeUpdate struct {
	ID          int64
	Version     int32
	Title       *string
	Description patch.Optional[string]
}

// UpdatePledge changes a pledge's title or description.
func (s *Store) UpdatePledge(ctx context.Context, u PledgeUpdate) (*Pledge, error) {
	return versionlock.Update(ctx, s.pool, u.ID, u.Version, lockPledgeAt, func(tx pgx.Tx, cur *Pledge) (*Pledge, error) {
		var v validate.Errors
		if u.Title != nil {
			cur.Title = v.Text(validate.Input("title"), *u.Title, true, maxTitle)
		}
		if u.Description.Set {
			cur.Description = v.OptionalText(validate.Input("description"), u.Description.Value, maxDescription)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanPledge(tx.QueryRow(ctx, `UPDATE pledges AS p SET title = $2, description = $3,
			version = version + 1, updated_at = now() WHERE id = $1 RETURNING `+pledgeColumns, cur.ID, cur.Title, cur.Description))
		if err != nil {
			return nil, duplicatePledge(fmt.Errorf("update pledge %d: %w", cur.ID, err))
		}
		return out, nil
	})
}

// DeletePledge deletes a pledge and its signatures.
func (s *Store) DeletePledge(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "pledges", id, version, lockPledgeAt)
}

// Sign records members' signatures on a pledge; members already recorded
// keep their first date. Each must be an active member of the pledge's unit
// or a unit below it.
func (s *Store) Sign(ctx context.Context, pledgeID int64, memberIDs []int64, signedOn time.Time) (*Pledge, error) {
	var v validate.Errors
	if len(memberIDs) == 0 {
		v.Add(validate.Input("memberIds"), validate.Required, "Cần ít nhất một đoàn viên.", "At least one member is needed.")
	}
	if len(memberIDs) > maxSigners {
		v.Add(validate.Input("memberIds"), validate.TooLong, fmt.Sprintf("Tối đa %d đoàn viên mỗi lần.", maxSigners),
			fmt.Sprintf("At most %d members at once.", maxSigners))
	}
	v.NotFuture(validate.Input("signedOn"), signedOn, s.now())
	var out *Pledge
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := lockPledge(ctx, tx, validate.Input("pledgeId"), pledgeID)
		if err != nil {
			return err
		}
		type state struct{ active, inTree bool }
		found, err := db.ByIDScan(ctx, tx, `SELECT m.id, m.status = 'ACTIVE',
				u.path <@ (SELECT path FROM units WHERE id = $2)
			FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = ANY($1)`,
			func(st *state) []any { return []any{&st.active, &st.inTree} }, memberIDs, p.UnitID)
		if err != nil {
			return fmt.Errorf("check signers: %w", err)
		}
		for i, id := range memberIDs {
			st, ok := found[id]
			switch {
			case !ok:
				v.Add(validate.Input("memberIds", i), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
			case !st.inTree:
				v.Add(validate.Input("memberIds", i), validate.NotAllowed, "Đoàn viên không thuộc đơn vị của cam kết.",
					"The member does not belong to the pledge's unit.")
			case !st.active:
				v.Add(validate.Input("memberIds", i), validate.NotAllowed, "Đoàn viên không còn sinh hoạt.", "The member is no longer active.")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO pledge_signatures (pledge_id, member_id, signed_on)
			SELECT $1, m, $3 FROM unnest($2::bigint[]) AS m ON CONFLICT DO NOTHING`, p.ID, memberIDs, signedOn); err != nil {
			return fmt.Errorf("record signatures: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}

// Unsign removes members' signatures from a pledge.
func (s *Store) Unsign(ctx context.Context, pledgeID int64, memberIDs []int64) (*Pledge, error) {
	var out *Pledge
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		p, err := lockPledge(ctx, tx, validate.Input("pledgeId"), pledgeID)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM pledge_signatures WHERE pledge_id = $1 AND member_id = ANY($2)`, p.ID, memberIDs); err != nil {
			return fmt.Errorf("remove signatures: %w", err)
		}
		out = p
		return nil
	})
	return out, err
}
