// Package account keeps accounts, their roles on the organisation tree and
// their sign-in sessions, and reads the audit log.
package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hashicorp/golang-lru/v2/expirable"
	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/validate"
)

// RoleKind is what a role allows; see package access.
type RoleKind string

const (
	Admin   RoleKind = "ADMIN"
	Officer RoleKind = "OFFICER"
	// MemberRole is not granted: an account has it when linked to a member.
	MemberRole RoleKind = "MEMBER"
)

// Account is a person who signs in.
type Account struct {
	ID          int64
	Username    string
	Email       *string
	DisplayName string
	UnitID      *int64
	MemberID    *int64
	Active      bool
	Version     int32
}

// Role is a role an account holds; UnitID is nil for ADMIN.
type Role struct {
	AccountID int64
	Kind      RoleKind
	UnitID    *int64
	// Lapsed is set for a role on a unit since archived (dissolved, merged
	// away, split up): it grants nothing any more. Ended says how.
	Lapsed bool
	Ended  *UnitEnd
}

// UnitEnd is how a role's unit ended.
type UnitEnd struct {
	ArchivedAt time.Time
	// The decision that ended the unit, when it ended by one (package org's
	// unit_changes): DISSOLVE, MERGE or SPLIT; "" for a plain archive.
	Kind           string
	EffectiveOn    *time.Time
	DecisionNumber *string
}

// LapseNote explains a lapsed role in Vietnamese and English; "" for a role in
// force.
func (r *Role) LapseNote() (vi, en string) {
	if !r.Lapsed || r.Ended == nil {
		return "", ""
	}
	e := r.Ended
	if e.Kind == "" || e.EffectiveOn == nil || e.DecisionNumber == nil {
		day := e.ArchivedAt.In(dates.Vietnam)
		return "Quyền không còn hiệu lực: đơn vị đã giải thể (lưu trữ) ngày " + dates.Format(day) + ".",
			"The role has lapsed: the unit was dissolved (archived) on " + day.Format(time.DateOnly) + "."
	}
	viHow, enHow := "giải thể", "dissolved"
	switch e.Kind {
	case "MERGE":
		viHow, enHow = "hợp nhất vào đơn vị khác", "merged into another unit"
	case "SPLIT":
		viHow, enHow = "chia tách", "split up"
	}
	return "Quyền không còn hiệu lực: đơn vị đã " + viHow + " từ ngày " + dates.Format(*e.EffectiveOn) +
			" theo quyết định số " + *e.DecisionNumber + ".",
		"The role has lapsed: the unit was " + enHow + " as of " + e.EffectiveOn.Format(time.DateOnly) +
			" by decision " + *e.DecisionNumber + "."
}

// Policy holds the sign-in rules.
type Policy struct {
	IdleTimeout time.Duration // a session unused this long ends
	MaxAge      time.Duration // a session ends this long after sign-in regardless
	MaxFailures int           // consecutive failures before the account locks
	LockFor     time.Duration
	// SlowStep is how much longer each consecutive failure makes the answer
	// wait, up to SlowMax, so guessing gets slower before the lock.
	SlowStep, SlowMax time.Duration
	// PrincipalCache is how long whom a token signs in may be remembered
	// between requests (0: look it up every time). It is used only while an
	// access watch tells the store of every committed change (Connected,
	// Changed), so changes by any server process take effect at once.
	PrincipalCache time.Duration
}

// DefaultPolicy suits an office: a working day's session.
var DefaultPolicy = Policy{
	IdleTimeout: 2 * time.Hour, MaxAge: 12 * time.Hour,
	MaxFailures: 5, LockFor: 15 * time.Minute,
	SlowStep: 300 * time.Millisecond, SlowMax: 2 * time.Second,
}

// Store reads and writes accounts and sessions.
type Store struct {
	pool   db.DB
	policy Policy
	now    func() time.Time
	// pause waits until d after start before a refused password attempt
	// is answered; verify checks a password against a hash. Tests replace
	// both to see the slowdown asked for and the hash checked.
	pause  func(ctx context.Context, start time.Time, d time.Duration)
	verify func(hash, password string) (bool, error)
	// strangers counts failed sign-ins of login names with no account.
	strangers  *strangers
	principals *principalCache // nil: no cache
	// rejected remembers tokens that signed no one in; such a token never
	// becomes valid (sessions only end), so a client resending a stale one
	// costs no lookup.
	rejected *expirable.LRU[string, struct{}]
}

// NewStore returns a Store on pool with the given sign-in policy.
func NewStore(pool db.DB, policy Policy) *Store {
	return &Store{pool: pool, policy: policy, now: time.Now, pause: pauseUntil, verify: VerifyPassword, strangers: newStrangers(),
		principals: newPrincipalCache(policy.PrincipalCache),
		rejected:   expirable.NewLRU[string, struct{}](10_000, nil, 10*time.Minute)}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

const accountColumns = `a.id, a.username, a.email, a.display_name, a.unit_id, a.member_id, a.active, a.version`

var scanAccount = db.Scanner(func(a *Account) []any {
	return []any{&a.ID, &a.Username, &a.Email, &a.DisplayName, &a.UnitID, &a.MemberID, &a.Active, &a.Version}
})

// ByIDs returns the accounts with the given IDs, keyed by ID.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]*Account, error) {
	return db.ByIDs(ctx, s.pool, "accounts a", accountColumns, ids, scanAccount, func(a *Account) int64 { return a.ID })
}

// ManagedOf reports which of ids p manages, by the accounts list's rule
// (Filter.Visible, access.ManagesAccount), so that reading an account by
// its ID shows no account the list would leave out.
func (s *Store) ManagedOf(ctx context.Context, p *access.Principal, ids []int64) (map[int64]bool, error) {
	var args db.Args
	conds := append([]string{"a.id = ANY(" + args.Add(ids) + ")"}, Filter{Visible: p}.where(&args)...)
	rows, err := s.pool.Query(ctx, `SELECT a.id FROM accounts a LEFT JOIN units u ON u.id = a.unit_id`+db.Where(conds), args...)
	if err != nil {
		return nil, fmt.Errorf("managed accounts: %w", err)
	}
	managed, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("managed accounts: %w", err)
	}
	out := make(map[int64]bool, len(managed))
	for _, id := range managed {
		out[id] = true
	}
	return out, nil
}

// RolesOf returns each account's roles, each marked lapsed when its unit
// has been archived, with the decision that ended the unit if one did: the
// latest DISSOLVE of the unit, or MERGE or SPLIT it was a source of, dated
// after the unit's last day (a source kept by a split goes on).
func (s *Store) RolesOf(ctx context.Context, ids []int64) (map[int64][]Role, error) {
	rows, err := s.pool.Query(ctx, `SELECT r.account_id, r.role, r.unit_id, u.archived_at, e.kind, e.effective_on, e.decision_number
		FROM account_roles r LEFT JOIN units u ON u.id = r.unit_id
		LEFT JOIN LATERAL (
			SELECT c.kind, c.effective_on, c.decision_number FROM unit_changes c
			WHERE u.archived_at IS NOT NULL
				AND (c.kind = 'DISSOLVE' AND c.unit_id = u.id
					OR c.kind IN ('MERGE', 'SPLIT') AND EXISTS (SELECT 1 FROM unit_lineage l WHERE l.change_id = c.id AND l.predecessor_id = u.id))
				AND NOT EXISTS (SELECT 1 FROM unit_versions v WHERE v.unit_id = u.id AND (v.valid_to IS NULL OR v.valid_to >= c.effective_on))
			ORDER BY c.effective_on DESC, c.id DESC LIMIT 1) e ON true
		WHERE r.account_id = ANY($1) ORDER BY r.account_id, r.role, r.unit_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	out := make(map[int64][]Role)
	var r Role
	var archivedAt, effective *time.Time
	var kind, decision *string
	_, err = pgx.ForEachRow(rows, []any{&r.AccountID, &r.Kind, &r.UnitID, &archivedAt, &kind, &effective, &decision}, func() error {
		role := r
		if archivedAt != nil {
			role.Lapsed = true
			role.Ended = &UnitEnd{ArchivedAt: *archivedAt, EffectiveOn: effective, DecisionNumber: decision}
			if kind != nil {
				role.Ended.Kind = *kind
			}
		}
		out[r.AccountID] = append(out[r.AccountID], role)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roles: %w", err)
	}
	return out, nil
}

// Filter selects accounts to list.
type Filter struct {
	Visible *access.Principal // only accounts this principal manages (access.ManagesAccount)
	UnitID  *int64            // managed by this unit or one below it
	Search  string
}

// List returns a page of accounts by username.
func (s *Store) List(ctx context.Context, f Filter, p page.Request) (page.Page[*Account], error) {
	var args db.Args
	conds := f.where(&args)
	var after string
	if ok, err := p.Key(&after); err != nil {
		return page.Page[*Account]{}, err
	} else if ok {
		conds = append(conds, "a.username > "+args.Add(after))
	}
	rows, err := s.pool.Query(ctx, `SELECT `+accountColumns+` FROM accounts a LEFT JOIN units u ON u.id = a.unit_id`+
		db.Where(conds)+` ORDER BY a.username LIMIT `+args.Add(p.Limit()), args...)
	if err != nil {
		return page.Page[*Account]{}, fmt.Errorf("list accounts: %w", err)
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Account, error) { return scanAccount(r) })
	if err != nil {
		return page.Page[*Account]{}, fmt.Errorf("list accounts: %w", err)
	}
	return page.Trim(p, list, func(a *Account) []any { return []any{a.Username} }), nil
}

func (f Filter) where(args *db.Args) []string {
	var conds []string
	if f.Visible != nil && !f.Visible.Admin {
		// Managed as access.ManagesAccount decides: the home unit, every
		// OFFICER role and the member record's branch within the caller's
		// units, and no ADMIN role. By home unit alone the list named the
		// administrators and officers above the caller, with their email.
		conds = append(conds, "u.id IS NOT NULL AND "+f.Visible.UnitCondition("u", args),
			`NOT EXISTS (SELECT 1 FROM account_roles r LEFT JOIN units ru ON ru.id = r.unit_id
				WHERE r.account_id = a.id AND (r.role = 'ADMIN' OR NOT (`+f.Visible.UnitCondition("ru", args)+`)))`,
			`(a.member_id IS NULL OR EXISTS (SELECT 1 FROM members m JOIN units mu ON mu.id = m.unit_id
				WHERE m.id = a.member_id AND `+f.Visible.UnitCondition("mu", args)+`))`)
	}
	if f.UnitID != nil {
		conds = append(conds, "u.path <@ (SELECT path FROM units WHERE id = "+args.Add(*f.UnitID)+")")
	}
	if f.Search != "" {
		p := args.Add("%" + strings.ToLower(f.Search) + "%")
		conds = append(conds, "(a.username LIKE "+p+" OR search_normalize(a.display_name) LIKE search_normalize("+p+"))")
	}
	return conds
}

// Count returns how many accounts match f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, s.pool, "count accounts", "accounts a LEFT JOIN units u ON u.id = a.unit_id", conds, args...)
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{2,49}$`)

const (
	minPassword = 10
	maxPassword = 128
	maxDisplay  = 200
)

func checkPassword(v *validate.Errors, field []string, password string) {
	n := utf8.RuneCountInString(password)
	switch {
	case n < minPassword:
		v.Add(field, validate.Invalid, fmt.Sprintf("Mật khẩu cần ít nhất %d ký tự.", minPassword),
			fmt.Sprintf("The password needs at least %d characters.", minPassword))
	case n > maxPassword:
		v.Add(field, validate.TooLong, fmt.Sprintf("Mật khẩu tối đa %d ký tự.", maxPassword),
			fmt.Sprintf("The password may have at most %d characters.", maxPassword))
	}
}

// CreateInput is a new account.
type CreateInput struct {
	Username    string
	Email       *string
	DisplayName string
	Password    string
	UnitID      *int64
	MemberID    *int64
}

// Create adds an account. The caller has checked that the creator manages
// UnitID; Create checks the rest (the member must lie under that unit).
func (s *Store) Create(ctx context.Context, c CreateInput) (*Account, error) {
	var v validate.Errors
	c.Username = strings.ToLower(strings.TrimSpace(c.Username))
	if !usernamePattern.MatchString(c.Username) {
		v.Add(validate.Input("username"), validate.Invalid,
			"Tên đăng nhập gồm 3–50 chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.",
			"Use 3–50 lower-case letters without accents, digits, dots, underscores or hyphens.")
	}
	c.Email = v.Email(validate.Input("email"), c.Email)
	c.DisplayName = v.Text(validate.Input("displayName"), c.DisplayName, true, maxDisplay)
	checkPassword(&v, validate.Input("password"), c.Password)
	if v.Has(validate.Input("password")) {
		return nil, v.Err()
	}
	hash, err := HashPassword(c.Password)
	if err != nil {
		return nil, err
	}
	var out *Account
	err = idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		if c.UnitID != nil {
			var found bool
			err := tx.QueryRow(ctx, `SELECT true FROM units WHERE id = $1`, *c.UnitID).Scan(&found)
			if errors.Is(err, pgx.ErrNoRows) {
				v.Add(validate.Input("unitId"), validate.NotFound, "Không tìm thấy đơn vị.", "No such unit.")
			} else if err != nil {
				return 0, fmt.Errorf("account unit: %w", err)
			}
		}
		if c.MemberID != nil {
			var memberPath string
			err := tx.QueryRow(ctx, `SELECT u.path::text FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1`,
				*c.MemberID).Scan(&memberPath)
			switch {
			case errors.Is(err, pgx.ErrNoRows):
				v.Add(validate.Input("memberId"), validate.NotFound, "Không tìm thấy đoàn viên.", "No such member.")
			case err != nil:
				return 0, fmt.Errorf("account member: %w", err)
			case c.UnitID != nil && !access.PathHas(memberPath, *c.UnitID):
				v.Add(validate.Input("memberId"), validate.NotAllowed, "Đoàn viên không thuộc đơn vị quản lý tài khoản.",
					"The member is not within the account's unit.")
			}
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		out, err = scanAccount(tx.QueryRow(ctx, `INSERT INTO accounts AS a (username, email, display_name, password_hash, unit_id, member_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+accountColumns,
			c.Username, c.Email, c.DisplayName, hash, c.UnitID, c.MemberID))
		if err := duplicateAccount(err); err != nil {
			return 0, err
		}
		return out.ID, nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func duplicateAccount(err error) error {
	var v validate.Errors
	switch db.Constraint(err) {
	case "accounts_username":
		v.Add(validate.Input("username"), validate.Duplicate, "Tên đăng nhập đã có người dùng.", "The username is taken.")
	case "accounts_email":
		v.Add(validate.Input("email"), validate.Duplicate, "Email đã gắn với tài khoản khác.", "The email belongs to another account.")
	case "accounts_member_id_key":
		v.Add(validate.Input("memberId"), validate.Duplicate, "Đoàn viên đã có tài khoản.", "The member already has an account.")
	default:
		if err != nil {
			return fmt.Errorf("insert account: %w", err)
		}
		return nil
	}
	return v.Err()
}

// Grant gives an account a role; granting one it holds changes nothing.
// by is who grants it: it must manage the account as it is (see
// access.Principal.ManagesAccount), checked with the account locked; nil is
// a trusted caller (the command line, the demo loader). Whether by may hand
// out this role on this unit is the caller's check.
func (s *Store) Grant(ctx context.Context, accountID int64, kind RoleKind, unitID *int64, by *access.Principal) error {
	defer s.principals.forget()
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := guardAccount(ctx, tx, accountID, by, validate.Input("accountId")); err != nil {
			return err
		}
		var byID *int64
		if by != nil && by.AccountID != 0 {
			byID = &by.AccountID
		}
		_, err := tx.Exec(ctx, `INSERT INTO account_roles (account_id, role, unit_id, granted_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (account_id, role, coalesce(unit_id, 0)) DO NOTHING`, accountID, kind, unitID, byID)
		if err != nil {
			return fmt.Errorf("grant: %w", err)
		}
		return nil
	})
}

// lockReach locks an account's row and returns what the account reaches,
// or nil when there is no such account. Every change to an account takes
// this lock first, so a role granted meanwhile cannot slip past the check.
func lockReach(ctx context.Context, tx pgx.Tx, accountID int64) (*access.AccountReach, error) {
	var home, memberPath *string
	err := tx.QueryRow(ctx, `SELECT hu.path::text, mu.path::text FROM accounts a
		LEFT JOIN units hu ON hu.id = a.unit_id
		LEFT JOIN members m ON m.id = a.member_id LEFT JOIN units mu ON mu.id = m.unit_id
		WHERE a.id = $1 FOR UPDATE OF a`, accountID).Scan(&home, &memberPath)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock account %d: %w", accountID, err)
	}
	r := &access.AccountReach{}
	if home != nil {
		r.HomePath = *home
	}
	if memberPath != nil {
		r.Paths = append(r.Paths, *memberPath)
	}
	rows, err := tx.Query(ctx, `SELECT r.role, coalesce(u.path::text, '') FROM account_roles r
		LEFT JOIN units u ON u.id = r.unit_id WHERE r.account_id = $1`, accountID)
	if err != nil {
		return nil, fmt.Errorf("roles of account %d: %w", accountID, err)
	}
	var kind RoleKind
	var path string
	_, err = pgx.ForEachRow(rows, []any{&kind, &path}, func() error {
		switch kind {
		case Admin:
			r.Admin = true
		case Officer:
			r.Paths = append(r.Paths, path)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roles of account %d: %w", accountID, err)
	}
	return r, nil
}

// guardAccount locks the account and checks that by may change it (nil:
// a trusted caller); a missing account is NOT_FOUND on field.
func guardAccount(ctx context.Context, tx pgx.Tx, accountID int64, by *access.Principal, field []string) error {
	reach, err := lockReach(ctx, tx, accountID)
	if err != nil {
		return err
	}
	if reach == nil {
		return accountNotFound(field)
	}
	if by != nil {
		return by.RequireManageAccount(*reach)
	}
	return nil
}

// Revoke takes a role away; by is checked as for Grant. The last
// administrator's ADMIN role stays: with none left, nobody could manage the
// top of the tree.
func (s *Store) Revoke(ctx context.Context, accountID int64, kind RoleKind, unitID *int64, by *access.Principal) error {
	defer s.principals.forget()
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := guardAccount(ctx, tx, accountID, by, validate.Input("accountId")); err != nil {
			return err
		}
		if kind == Admin {
			if _, err := tx.Exec(ctx, `LOCK TABLE account_roles IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return fmt.Errorf("revoke: %w", err)
			}
			var others int
			err := tx.QueryRow(ctx, `SELECT count(*) FROM account_roles r JOIN accounts a ON a.id = r.account_id
				WHERE r.role = 'ADMIN' AND a.active AND r.account_id <> $1`, accountID).Scan(&others)
			if err != nil {
				return fmt.Errorf("revoke: %w", err)
			}
			if others == 0 {
				var v validate.Errors
				v.Add(validate.Input("kind"), validate.NotAllowed, "Không thể bỏ quyền của quản trị viên cuối cùng.",
					"The last administrator cannot lose the role.")
				return v.Err()
			}
		}
		tag, err := tx.Exec(ctx, `DELETE FROM account_roles WHERE account_id = $1 AND role = $2 AND unit_id IS NOT DISTINCT FROM $3`,
			accountID, kind, unitID)
		if err != nil {
			return fmt.Errorf("revoke: %w", err)
		}
		if tag.RowsAffected() == 0 {
			var v validate.Errors
			v.Add(validate.Input("kind"), validate.NotFound, "Tài khoản không có quyền này.", "The account does not hold this role.")
			return v.Err()
		}
		return nil
	})
}

// SetActive turns an account on or off; turning it off ends its sessions.
// by is checked as for Grant.
func (s *Store) SetActive(ctx context.Context, accountID int64, active bool, by *access.Principal) (*Account, error) {
	defer s.principals.forget()
	var out *Account
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := guardAccount(ctx, tx, accountID, by, validate.Input("id")); err != nil {
			return err
		}
		var err error
		out, err = scanAccount(tx.QueryRow(ctx, `UPDATE accounts a SET active = $2, failed_logins = 0, locked_until = NULL,
			updated_at = now(), version = version + 1 WHERE id = $1 RETURNING `+accountColumns, accountID, active))
		if errors.Is(err, pgx.ErrNoRows) {
			return accountNotFound(validate.Input("id"))
		}
		if err != nil {
			return fmt.Errorf("set active: %w", err)
		}
		if !active {
			return revokeSessions(ctx, tx, accountID, 0)
		}
		return nil
	})
	return out, err
}

func accountNotFound(field []string) error {
	var v validate.Errors
	v.Add(field, validate.NotFound, "Không tìm thấy tài khoản.", "No such account.")
	return v.Err()
}

func revokeSessions(ctx context.Context, tx pgx.Tx, accountID, except int64) error {
	_, err := tx.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE account_id = $1 AND id <> $2 AND revoked_at IS NULL`,
		accountID, except)
	if err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}
