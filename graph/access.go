package graph

import (
	"context"
	"slices"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/validate"
)

// Write checks: each mutation asks whether the caller manages the unit its
// target belongs to (see package access). A target that does not exist
// passes here so that the store reports it as a NOT_FOUND userError on the
// right field.

// canUnit allows managers of the unit (and administrators).
func (r *Resolver) canUnit(ctx context.Context, unitID int64) error {
	p := access.From(ctx)
	if !p.SignedIn() {
		return access.ErrSignIn
	}
	if p.Admin {
		return nil
	}
	u, err := loadOne(ctx, loaders(ctx).Unit, unitID)
	if err != nil || u == nil {
		return err
	}
	return p.RequireManage(u.Path)
}

// canUnitOrRoot is canUnit for an optional parent: a unit without a parent
// is the top of a tree, which only an administrator may create.
func (r *Resolver) canUnitOrRoot(ctx context.Context, parentID *int64) error {
	if parentID == nil {
		return access.From(ctx).RequireAdmin()
	}
	return r.canUnit(ctx, *parentID)
}

// canUnitPlacement allows moving, archiving or changing the level of a unit
// to managers of its parent: a branch secretary runs her branch but does
// not close or restructure it.
func (r *Resolver) canUnitPlacement(ctx context.Context, unitID int64) error {
	p := access.From(ctx)
	if !p.SignedIn() {
		return access.ErrSignIn
	}
	u, err := loadOne(ctx, loaders(ctx).Unit, unitID)
	if err != nil || u == nil {
		return err
	}
	return r.canUnitOrRoot(ctx, u.ParentID)
}

// allowed turns a permission check's refusal into false, keeping other
// errors (the database failing) as errors.
func allowed(err error) (bool, error) {
	if err == nil {
		return true, nil
	}
	if ae, ok := apperr.As(err); ok && (ae.Code == apperr.Forbidden || ae.Code == apperr.Unauthenticated) {
		return false, nil
	}
	return false, err
}

func (r *Resolver) canMember(ctx context.Context, id int64) error {
	m, err := loadOne(ctx, loaders(ctx).Member, id)
	if err != nil {
		return err
	}
	if m == nil {
		return signedIn(ctx)
	}
	return r.canUnit(ctx, m.UnitID)
}

func (r *Resolver) canMembers(ctx context.Context, ids []int64) error {
	for _, id := range ids {
		if err := r.canMember(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

func (r *Resolver) canActivity(ctx context.Context, id int64) error {
	a, err := loadOne(ctx, loaders(ctx).Activity, id)
	if err != nil {
		return err
	}
	if a == nil {
		return signedIn(ctx)
	}
	return r.canUnit(ctx, a.UnitID)
}

func (r *Resolver) canCampaign(ctx context.Context, id int64) error {
	c, err := loadOne(ctx, loaders(ctx).Campaign, id)
	if err != nil {
		return err
	}
	if c == nil {
		return signedIn(ctx)
	}
	return r.canUnit(ctx, c.UnitID)
}

func (r *Resolver) canContribution(ctx context.Context, id int64) error {
	c, err := loadOne(ctx, loaders(ctx).Contribution, id)
	if err != nil {
		return err
	}
	if c == nil {
		return signedIn(ctx)
	}
	return r.canActivity(ctx, c.ActivityID)
}

func (r *Resolver) canPledge(ctx context.Context, id int64) error {
	p, err := loadOne(ctx, loaders(ctx).Pledge, id)
	if err != nil {
		return err
	}
	if p == nil {
		return signedIn(ctx)
	}
	return r.canUnit(ctx, p.UnitID)
}

// canCommend allows recording a commendation to managers of the issuing
// unit when it is in the tree, else to managers of the recipient.
func (r *Resolver) canCommend(ctx context.Context, issuerUnitID, memberID, unitID *int64) error {
	switch {
	case issuerUnitID != nil:
		return r.canUnit(ctx, *issuerUnitID)
	case memberID != nil:
		return r.canMember(ctx, *memberID)
	case unitID != nil:
		return r.canUnit(ctx, *unitID)
	}
	return signedIn(ctx)
}

func (r *Resolver) canCommendation(ctx context.Context, id int64) error {
	c, err := loadOne(ctx, loaders(ctx).Commendation, id)
	if err != nil {
		return err
	}
	if c == nil {
		return signedIn(ctx)
	}
	return r.canCommend(ctx, c.IssuerUnitID, c.MemberID, c.UnitID)
}

func signedIn(ctx context.Context) error {
	if !access.From(ctx).SignedIn() {
		return access.ErrSignIn
	}
	return nil
}

// Read checks.

// unitPath is the path of a member's unit, for the rules in package access.
func unitPath(ctx context.Context, m *member.Member) (string, error) {
	u, err := loadOne(ctx, loaders(ctx).Unit, m.UnitID)
	if err != nil || u == nil {
		return "", err
	}
	return u.Path, nil
}

// seesPerson reports whether the caller may see that m exists (its name,
// position and branch).
func seesPerson(ctx context.Context, m *member.Member) (bool, error) {
	path, err := unitPath(ctx, m)
	if err != nil {
		return false, err
	}
	return access.From(ctx).SeesPerson(m.ID, m.UnitID, path), nil
}

// visibleMember returns m if the caller may see it, else FORBIDDEN.
func visibleMember(ctx context.Context, m *member.Member, err error) (*member.Member, error) {
	if err != nil || m == nil {
		return m, err
	}
	ok, err := seesPerson(ctx, m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, forbiddenPerson(ctx)
	}
	return m, nil
}

func forbiddenPerson(ctx context.Context) error {
	if !access.From(ctx).SignedIn() {
		return access.ErrSignIn
	}
	return access.ErrForbidden
}

// personal returns nil when the caller may read m's personal data, and
// notes the read for the audit log; else the FORBIDDEN error to put at the
// field.
func personal(ctx context.Context, m *member.Member) error {
	path, err := unitPath(ctx, m)
	if err != nil {
		return err
	}
	p := access.From(ctx)
	if !p.SeesPersonal(m.ID, path) {
		return access.ErrPersonal
	}
	access.NoteRead(ctx, p, m.ID, m.UnitID)
	return nil
}

// visibleCommendation returns c unless its recipient is a member the caller
// may not see.
func visibleCommendation(ctx context.Context, c *award.Commendation, err error) (*award.Commendation, error) {
	if err != nil || c == nil || c.MemberID == nil {
		return c, err
	}
	m, err := loadOne(ctx, loaders(ctx).Member, *c.MemberID)
	if err != nil {
		return nil, err
	}
	if _, err := visibleMember(ctx, m, nil); err != nil {
		return nil, err
	}
	return c, nil
}

// canCommendationUpdate checks the commendation as it is and, when the
// issuer changes to a unit of the tree, that unit too.
func (r *Resolver) canCommendationUpdate(ctx context.Context, id int64, issuer *award.Issuer) error {
	if err := r.canCommendation(ctx, id); err != nil {
		return err
	}
	if issuer != nil && issuer.UnitID != nil {
		return r.canUnit(ctx, *issuer.UnitID)
	}
	return nil
}

// firstErr returns the first non-nil error.
func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// roleTarget decodes and checks a role grant or revocation: the caller
// manages the unit, and only administrators hand out ADMIN. That the caller
// manages the account itself (everything it reaches) is checked by the
// store, with the account locked.
func (r *Resolver) roleTarget(ctx context.Context, in model.RoleInput) (int64, *int64, error) {
	id, err := inputID(model.KindAccount, in.AccountID, "accountId")
	if err != nil {
		return 0, nil, err
	}
	unitID, err := optionalInputID(model.KindUnit, value(in.UnitID), "unitId")
	if err != nil {
		return 0, nil, err
	}
	var v validate.Errors
	switch in.Kind {
	case account.Admin:
		if unitID != nil {
			v.Add(validate.Path("input", "unitId"), validate.Invalid, "Quyền quản trị không gắn với đơn vị; bỏ trống trường này.",
				"ADMIN covers everything; leave unitId out.")
		}
	case account.Officer:
		if unitID == nil {
			v.Add(validate.Path("input", "unitId"), validate.Required, "Cần chọn đơn vị cho quyền cán bộ.", "OFFICER needs a unit.")
		}
	default:
		v.Add(validate.Path("input", "kind"), validate.NotAllowed, "Quyền đoàn viên đến từ liên kết hồ sơ đoàn viên, không cấp riêng.",
			"MEMBER comes from the link to a member record; it is not granted.")
	}
	if err := v.Err(); err != nil {
		return 0, nil, err
	}
	if in.Kind == account.Admin {
		return id, nil, access.From(ctx).RequireAdmin()
	}
	return id, unitID, r.canUnit(ctx, *unitID)
}

func notYourself(field string) error {
	var v validate.Errors
	v.Add(validate.Path("input", field), validate.NotAllowed, "Không thể tự khóa tài khoản của mình.", "You cannot deactivate your own account.")
	return v.Err()
}

// auditKinds maps audited tables to the kinds of their global IDs.
var auditKinds = map[string]model.Kind{
	"units": model.KindUnit, "members": model.KindMember, "activities": model.KindActivity,
	"campaigns": model.KindCampaign, "contributions": model.KindContribution,
	"commendations": model.KindCommendation, "pledges": model.KindPledge, "accounts": model.KindAccount,
}

// personalKeys are, per audited table, the columns of the audit log's row
// images that are a member's personal details (see personal): nil means
// every column but the keys naming the record.
var personalKeys = map[string][]string{
	"members":        {"birth_date", "card_number", "phone", "email", "address"},
	"member_events":  nil,
	"member_ratings": nil,
}

// recordKeys name a row in an image; they stay when the rest is personal.
var recordKeys = map[string]bool{"id": true, "member_id": true, "year": true}

// auditImage returns a row image of an audit entry as the reader may see
// it: a member's personal details are shown, and their reading logged,
// under the same rule as the member's own fields (personal); for anyone
// else those keys are null.
func auditImage(ctx context.Context, e *account.AuditEntry, image map[string]any) (map[string]any, error) {
	keys, ok := personalKeys[e.Entity]
	if image == nil || !ok || e.MemberID == nil {
		return image, nil
	}
	isPersonal := func(k string) bool {
		if keys == nil {
			return !recordKeys[k]
		}
		return slices.Contains(keys, k)
	}
	sees, unitID, err := seesPersonalOf(ctx, *e.MemberID, e.UnitID)
	if err != nil {
		return nil, err
	}
	p := access.From(ctx)
	if sees {
		access.NoteRead(ctx, p, *e.MemberID, unitID)
		return image, nil
	}
	out := make(map[string]any, len(image))
	for k, v := range image {
		if isPersonal(k) {
			v = nil
		}
		out[k] = v
	}
	return out, nil
}

// seesPersonalOf reports whether the caller may read the personal details
// of member, and the unit the read is logged under: the member's own unit,
// or for a member since deleted, the unit the entry belongs to.
func seesPersonalOf(ctx context.Context, memberID int64, entryUnit *int64) (bool, int64, error) {
	p := access.From(ctx)
	m, err := loadOne(ctx, loaders(ctx).Member, memberID)
	if err != nil {
		return false, 0, err
	}
	if m != nil {
		path, err := unitPath(ctx, m)
		if err != nil {
			return false, 0, err
		}
		return p.SeesPersonal(m.ID, path), m.UnitID, nil
	}
	if entryUnit == nil {
		return p.Admin || p.IsSelf(memberID), 0, nil
	}
	u, err := loadOne(ctx, loaders(ctx).Unit, *entryUnit)
	if err != nil || u == nil {
		return p.Admin || p.IsSelf(memberID), *entryUnit, err
	}
	return p.SeesPersonal(memberID, u.Path), u.ID, nil
}

// canSeeAccount allows reading an account to its holder and to those who
// manage it by the accounts list's rule (account.Store.ManagedOf, the
// same condition): every unit it holds a role on, its home unit and its
// member record's branch within the caller's units, and no ADMIN role
// unless the caller is one. By home unit alone, node(id:) showed a branch
// secretary the administrators and officers the list hides from her.
func (r *Resolver) canSeeAccount(ctx context.Context, id int64) error {
	return r.seeAccount(ctx, id)()
}

// seeAccount starts canSeeAccount's check and returns a thunk that waits
// for it, so that nodes(ids:) checks its accounts in one batch.
func (r *Resolver) seeAccount(ctx context.Context, id int64) func() error {
	p := access.From(ctx)
	switch {
	case !p.SignedIn():
		return func() error { return access.ErrSignIn }
	case p.Admin || p.AccountID == id:
		return func() error { return nil }
	}
	load := loaders(ctx).ManagedAccount.LoadThunk(ctx, id)
	return func() error {
		managed, err := load()
		if err != nil {
			return err
		}
		if !managed {
			return access.ErrForbidden
		}
		return nil
	}
}
