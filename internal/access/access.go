// Package access decides who may read and write what. Every mutation and
// every read of personal data asks it, so the rules live in one place:
//
//   - an administrator may do everything;
//   - an officer of a unit reads and writes that unit and everything below it
//     (a branch secretary is an officer of her branch, a bloc officer of the
//     bloc), wherever the unit moves, until it is dissolved (archived);
//   - a member signed in reads their own record in full, and sees the names
//     and positions of their own branch's members (the roster) without their
//     personal details;
//   - anyone else (anonymous) sees units, public activity summaries and
//     aggregates, and nothing about any person.
package access

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/ctxvalue"
	"github.com/sodoan/sodoan/internal/db"
)

// Scope is a unit and everything below it, named by the unit's id alone.
// Where the unit stands is read afresh with each target (its path, loaded
// for the request), never remembered here: a unit that moves takes its
// officers' reach with it at once, on every server.
type Scope struct {
	UnitID int64
	// Narrow marks a grassroots union or a branch, whose subtree is a few
	// units: SQL conditions are shaped for that. It is a hint to the
	// planner only, read with the role: it changes how fast a condition
	// runs, never what it matches.
	Narrow bool
}

// Contains reports whether the unit at path lies in the scope: whether the
// scope's unit is one of the ids path is made of ("1.5.23" lies in the
// scopes of units 1, 5 and 23).
func (s Scope) Contains(path string) bool {
	return PathHas(path, s.UnitID)
}

// PathHas reports whether id is one of the labels of the ltree path, that
// is whether the unit at path is unit id or lies below it.
func PathHas(path string, id int64) bool {
	var buf [20]byte
	label := strconv.AppendInt(buf[:0], id, 10)
	for path != "" {
		head, rest, _ := strings.Cut(path, ".")
		if head == string(label) {
			return true
		}
		path = rest
	}
	return false
}

// Principal is who is asking. The zero value is anonymous.
type Principal struct {
	AccountID   int64
	Username    string
	DisplayName string
	SessionID   int64
	Admin       bool
	Officer     []Scope
	// MemberID links the account to the member record of the person, and
	// MemberUnitID is that member's branch (for the roster).
	MemberID     *int64
	MemberUnitID *int64
}

// Anonymous is nobody signed in.
var Anonymous = &Principal{}

// SignedIn reports whether p is an account.
func (p *Principal) SignedIn() bool { return p.AccountID != 0 }

// Manages reports whether p may read and write the unit at path and
// everything below it.
func (p *Principal) Manages(path string) bool {
	if p.Admin {
		return true
	}
	for _, s := range p.Officer {
		if s.Contains(path) {
			return true
		}
	}
	return false
}

// AccountReach is everything an account's holder can act on: its home
// unit (whose officers manage it), the unit of each OFFICER role, the
// branch of its member record, and whether it is ADMIN.
type AccountReach struct {
	HomePath string // "" for an account outside the tree (administrators' own)
	Admin    bool
	Paths    []string
}

// ManagesAccount reports whether p may change an account (its password,
// whether it is active, its roles): p must manage every unit the account
// reaches, and only an administrator manages an administrator. Otherwise
// an officer could reset the password of an account that reaches above her
// and sign in as it.
func (p *Principal) ManagesAccount(r AccountReach) bool {
	if p.Admin {
		return true
	}
	if r.Admin || r.HomePath == "" || !p.Manages(r.HomePath) {
		return false
	}
	for _, path := range r.Paths {
		if !p.Manages(path) {
			return false
		}
	}
	return true
}

// RequireManageAccount returns nil when p may change the account that has
// reach r, else the error to show.
func (p *Principal) RequireManageAccount(r AccountReach) error {
	return p.require(p.ManagesAccount(r))
}

// IsSelf reports whether memberID is p's own member record.
func (p *Principal) IsSelf(memberID int64) bool {
	return p.MemberID != nil && *p.MemberID == memberID
}

// SeesPerson reports whether p may see that a member exists (name,
// position, branch): a manager of the branch, the member, or a fellow
// member of the branch.
func (p *Principal) SeesPerson(memberID, unitID int64, unitPath string) bool {
	return p.Manages(unitPath) || p.IsSelf(memberID) || (p.MemberUnitID != nil && *p.MemberUnitID == unitID)
}

// SeesPersonal reports whether p may read a member's personal details
// (date of birth, card number, phone, email, address, ratings).
func (p *Principal) SeesPersonal(memberID int64, unitPath string) bool {
	return p.Manages(unitPath) || p.IsSelf(memberID)
}

// MemberCondition returns an SQL condition true for the members p may see,
// given the alias of the members table.
func (p *Principal) MemberCondition(member string, args *db.Args) string {
	return p.memberCondition(member, args, true)
}

// PersonalCondition returns an SQL condition true for the members whose
// personal data p may read (SeesPersonal), given the alias of the members
// table: a filter on personal data (an age) may only match those.
func (p *Principal) PersonalCondition(member string, args *db.Args) string {
	return p.memberCondition(member, args, false)
}

// memberCondition is the members p manages, p's own record and, with
// roster, the members of p's branch.
func (p *Principal) memberCondition(member string, args *db.Args, roster bool) string {
	if p.Admin {
		return "true"
	}
	var ors []string
	if len(p.Officer) > 0 {
		ors = append(ors, member+".unit_id IN "+p.scopeSubtree(args))
	}
	if p.MemberID != nil {
		ors = append(ors, member+".id = "+args.Add(*p.MemberID))
	}
	if roster && p.MemberUnitID != nil {
		ors = append(ors, member+".unit_id = "+args.Add(*p.MemberUnitID))
	}
	if len(ors) == 0 {
		return "false"
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// scopeUnits is an SQL expression for the paths of p's scopes as they are
// now, read in the statement itself: a unit moved since p was looked up is
// reached where it stands, and a role on a unit dissolved (archived) since
// reaches nothing. The array is computed once per statement (an InitPlan);
// "path <@ array" is then served by the GiST index on units.path.
func (p *Principal) scopeUnits(args *db.Args) string {
	return "ARRAY(SELECT path FROM units WHERE id = ANY(" + args.Add(p.unitIDs()) + "::bigint[]) AND archived_at IS NULL)"
}

// scopeSubtree is an SQL subquery of the ids of the units in p's scopes as
// they are now (see scopeUnits). Its shape follows the scopes' size, which
// the planner cannot see in either form (the paths are read in the
// statement): for "path <@ ARRAY(...)" it plans for a large subtree, for
// the join of units s to units u for a small one. Measured on 100,000
// members and 2,176 units, a branch secretary's member page took 161 ms
// with the array (a walk over every member by name) and 0.4 ms with the
// join; a province officer's 0.7 ms with the array and 59 ms with the join.
func (p *Principal) scopeSubtree(args *db.Args) string {
	if p.narrow() {
		return "(SELECT u.id FROM units s JOIN units u ON u.path <@ s.path WHERE s.id = ANY(" + args.Add(p.unitIDs()) +
			"::bigint[]) AND s.archived_at IS NULL)"
	}
	return "(SELECT id FROM units WHERE path <@ " + p.scopeUnits(args) + ")"
}

// unitInScope is an SQL condition true when the unit of the row unit is in
// one of p's scopes as they are now, shaped as scopeSubtree.
func (p *Principal) unitInScope(unit string, args *db.Args) string {
	if p.narrow() {
		return unit + ".id IN " + p.scopeSubtree(args)
	}
	return unit + ".path <@ " + p.scopeUnits(args)
}

// narrow reports whether every scope of p is a small subtree (Scope.Narrow).
func (p *Principal) narrow() bool {
	for _, s := range p.Officer {
		if !s.Narrow {
			return false
		}
	}
	return true
}

func (p *Principal) unitIDs() []int64 {
	out := make([]int64, len(p.Officer))
	for i, s := range p.Officer {
		out[i] = s.UnitID
	}
	return out
}

// UnitCondition returns an SQL condition true for the units p manages,
// given the alias of the unit's row.
func (p *Principal) UnitCondition(unit string, args *db.Args) string {
	if p.Admin {
		return "true"
	}
	if len(p.Officer) == 0 {
		return "false"
	}
	return p.unitInScope(unit, args)
}

var principalKey ctxvalue.Key[*Principal]

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context { return principalKey.With(ctx, p) }

// From returns the principal ctx carries, or Anonymous.
func From(ctx context.Context) *Principal {
	if p, ok := principalKey.From(ctx); ok && p != nil {
		return p
	}
	return Anonymous
}

// Errors a client gets when it may not do something.
var (
	ErrSignIn = &apperr.Error{Code: apperr.Unauthenticated,
		Message: "sign in first (send Authorization: Bearer <token> from login)",
		VI:      "Cần đăng nhập trước (gửi Authorization: Bearer <token> lấy từ mutation login)."}
	ErrForbidden = &apperr.Error{Code: apperr.Forbidden,
		Message: "your account may not do this here",
		VI:      "Tài khoản của bạn không có quyền thực hiện việc này tại đơn vị này."}
	ErrPersonal = &apperr.Error{Code: apperr.Forbidden,
		Message: "personal data: only the member and the officers of their unit may see it",
		VI:      "Thông tin cá nhân: chỉ đoàn viên đó và cán bộ phụ trách đơn vị được xem."}
)

// RequireManageOrInherit is RequireManage for a unit that may have ended:
// the managers of any of heirs (the units that carry on its history,
// org.Timeline.HeirsOf) manage it too.
func (p *Principal) RequireManageOrInherit(path string, heirs []string) error {
	for _, h := range heirs {
		if p.SignedIn() && p.Manages(h) {
			return nil
		}
	}
	return p.RequireManage(path)
}

// RequireManage returns nil when p may write the unit at path, else the
// error to show.
func (p *Principal) RequireManage(path string) error {
	return p.require(p.Manages(path))
}

// require is nil when p is allowed, else the error to show: sign in first
// (for anonymous callers) or forbidden.
func (p *Principal) require(allowed bool) error {
	switch {
	case !p.SignedIn():
		return ErrSignIn
	case !allowed:
		return ErrForbidden
	}
	return nil
}

// IsOfficer reports whether p is an administrator or an officer of some
// unit: officers read the audit log (of their units), upload photos and
// filter members by age (of the members they manage).
func (p *Principal) IsOfficer() bool { return p.Admin || len(p.Officer) > 0 }

// RequireOfficer returns nil for an officer (IsOfficer), else the error to
// show.
func (p *Principal) RequireOfficer() error {
	return p.require(p.IsOfficer())
}

// RequireAdmin returns nil for an administrator.
func (p *Principal) RequireAdmin() error {
	return p.require(p.Admin)
}

// Read is a member whose personal data someone other than the member read.
type Read struct {
	MemberID int64
	UnitID   int64
}

// ReadLog gathers a request's personal-data reads so they are written to
// the audit log once, after the response, in one statement.
type ReadLog struct {
	mu   sync.Mutex
	seen map[int64]int64
}

// Add notes that member (of unit) was read.
func (l *ReadLog) Add(member, unit int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = make(map[int64]int64)
	}
	l.seen[member] = unit
}

// Drain returns the reads noted so far and forgets them.
func (l *ReadLog) Drain() []Read {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Read, 0, len(l.seen))
	for m, u := range l.seen {
		out = append(out, Read{MemberID: m, UnitID: u})
	}
	l.seen = nil
	return out
}

var readLogKey ctxvalue.Key[*ReadLog]

// WithReadLog returns ctx carrying l.
func WithReadLog(ctx context.Context, l *ReadLog) context.Context { return readLogKey.With(ctx, l) }

// NoteRead records that p read member's personal data, unless p is the
// member. Without a ReadLog in ctx (outside a request) it does nothing.
func NoteRead(ctx context.Context, p *Principal, member, unit int64) {
	if p.IsSelf(member) {
		return
	}
	if l, ok := readLogKey.From(ctx); ok {
		l.Add(member, unit)
	}
}
