package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"slices"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/validate"
)

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
// field. The @personal directive calls it for every field so marked.
func personal(ctx context.Context, m *member.Member) error {
	path, err := unitPath(ctx, m)
	if err != nil {
		return err
	}
	if !readsPersonal(ctx, m.ID, m.UnitID, path) {
		return access.ErrPersonal
	}
	return nil
}

// readsPersonal is the one decision on reading a member's personal data
// (the fields marked @personal, the personal keys of the audit log's row
// images, the members an age filter matches): the member themself and
// the managers of the unit at unitPath may, and a read by anyone but the
// member is noted for the audit log under unitID.
func readsPersonal(ctx context.Context, memberID, unitID int64, unitPath string) bool {
	p := access.From(ctx)
	if !p.SeesPersonal(memberID, unitPath) {
		return false
	}
	access.NoteRead(ctx, p, memberID, unitID)
	return true
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

// roleTarget decodes a role grant or revocation (its rule is roleRule).
func roleTarget(in model.RoleInput) (int64, *int64, error) {
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
	return id, unitID, v.Err()
}

func notYourself(field string) error {
	var v validate.Errors
	v.Add(validate.Path("input", field), validate.NotAllowed, "Không thể tự khóa tài khoản của mình.", "You cannot deactivate your own account.")
	return v.Err()
}

// personalKeys are, per audited table, the columns of the audit log's row
// images that are a member's personal details (see personal): nil means
// every column but the keys naming the record.
var personalKeys = map[string][]string{
	"members":        {"birth_date", "card_number", "phone", "email", "address"},
	"member_events":  nil,
	"member_ratings": nil,
	// A referral is the member's, and tells political affiliation.
	"party_referrals":  nil,
	"member_transfers": nil,
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
	unitID, path, err := auditSubject(ctx, *e.MemberID, e.UnitID)
	if err != nil {
		return nil, err
	}
	if readsPersonal(ctx, *e.MemberID, unitID, path) {
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

// auditSubject returns the unit (id and path) whose rule applies to a
// member's personal data in an audit entry: the member's own unit, or for
// a member since deleted, the unit the entry belongs to (none: only an
// administrator or the member may read it).
func auditSubject(ctx context.Context, memberID int64, entryUnit *int64) (int64, string, error) {
	m, err := loadOne(ctx, loaders(ctx).Member, memberID)
	if err != nil {
		return 0, "", err
	}
	if m != nil {
		path, err := unitPath(ctx, m)
		return m.UnitID, path, err
	}
	if entryUnit == nil {
		return 0, "", nil
	}
	u, err := loadOne(ctx, loaders(ctx).Unit, *entryUnit)
	if err != nil || u == nil {
		return *entryUnit, "", err
	}
	return u.ID, u.Path, nil
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

// directives implements the schema's directives: @personal puts every field
// so marked behind personal.
func directives() DirectiveRoot {
	return DirectiveRoot{Personal: func(ctx context.Context, obj any, next graphql.Resolver) (any, error) {
		m, ok := obj.(*member.Member)
		if !ok {
			return nil, fmt.Errorf("@personal on a field of %T, not of a member", obj)
		}
		if err := personal(ctx, m); err != nil {
			return nil, err
		}
		return next(ctx)
	}}
}
