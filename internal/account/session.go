package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/ctxvalue"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/validate"
)

// Session is a successful sign-in.
type Session struct {
	Token     string // shown once; only its hash is stored
	ExpiresAt time.Time
	Account   *Account
}

// ErrBadCredentials is the one answer to every failed sign-in, so that a
// caller learns nothing about which usernames exist or which are locked.
func errBadCredentials() error {
	var v validate.Errors
	v.Add(nil, validate.BadCredentials,
		"Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đang bị khóa. Sau nhiều lần sai, tài khoản tạm khóa 15 phút.",
		"Wrong username or password, or the account is locked. After repeated failures the account locks for 15 minutes.")
	return v.Err()
}

// Client describes where a sign-in comes from, for the session record.
type Client struct {
	UserAgent string
	IP        string
}

var clientKey ctxvalue.Key[Client]

// WithClient returns ctx carrying the caller's description.
func WithClient(ctx context.Context, c Client) context.Context { return clientKey.With(ctx, c) }

// ClientFrom returns the caller's description, if ctx has one.
func ClientFrom(ctx context.Context) Client {
	c, _ := clientKey.From(ctx)
	return c
}

// Login checks a username (or email) and password and starts a session.
// Each failure is logged, answered more slowly than the last, and after
// Policy.MaxFailures in a row the account locks for Policy.LockFor. A
// login name with no account goes through the same steps against a
// stand-in record (a dummy hash, failures counted in memory), so its
// answers come as late and as alike as a real account's.
func (s *Store) Login(ctx context.Context, login, password string, c Client) (*Session, error) {
	start := time.Now()
	login = strings.ToLower(strings.TrimSpace(login))
	log := zerolog.Ctx(ctx)
	var cr credentials
	err := s.pool.QueryRow(ctx, `SELECT id, password_hash, active FROM accounts
		WHERE username = $1 OR lower(email) = $1 ORDER BY username = $1 DESC LIMIT 1`, login).
		Scan(&cr.id, &cr.hash, &cr.active)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		cr = credentials{}
	case err != nil:
		return nil, fmt.Errorf("look up account: %w", err)
	}
	ok, err := s.attempt(ctx, start, cr, password, func(now time.Time) (int, *time.Time, error) {
		if cr.id == 0 {
			failures, locked := s.strangers.reserve(login, now, s.policy)
			return failures, locked, nil
		}
		return s.reserveAttempt(ctx, cr.id, now)
	}, func(failures int, locked *time.Time) {
		if cr.id == 0 {
			log.Warn().Str("login", login).Str("ip", c.IP).Int("failures", failures).Msg("sign-in failed: no such account")
			return
		}
		ev := log.Warn().Int64("account_id", cr.id).Str("ip", c.IP).Int("failures", failures)
		if locked != nil {
			ev = ev.Time("locked_until", *locked)
		}
		ev.Bool("active", cr.active).Msg("sign-in failed")
	}, func(until time.Time) {
		ev := log.Warn().Str("ip", c.IP).Time("locked_until", until)
		if cr.id == 0 {
			ev.Str("login", login).Msg("sign-in refused: no such account, locked like one")
			return
		}
		ev.Int64("account_id", cr.id).Msg("sign-in refused: account locked")
	})
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errBadCredentials()
	}
	out, err := s.StartSession(ctx, cr.id, c)
	if err != nil {
		return nil, err
	}
	log.Info().Int64("account_id", cr.id).Str("ip", c.IP).Msg("signed in")
	return out, nil
}

// credentials is what a password attempt is checked against: an account's
// record, or for a login name with no account (id 0) a stand-in.
type credentials struct {
	id     int64
	hash   string
	active bool
}

// attempt checks password against cr, the one path of every password
// check (signing in, changing one's password). reserve counts the attempt
// as a failure before the password is checked, or reports the lock that
// refuses it, in one step: attempts made at once are each counted before
// any is checked, so a burst of guesses checks no more passwords than the
// lock allows (counting afterwards, all of a burst got checked while the
// count was still low). Then one argon2id verification whatever the
// outcome; a right password clears the count; a refusal is answered no
// earlier than the slowdown for that many failures after start, however
// long the work took, so neither an unknown name nor a locked account
// answers sooner or later than a wrong password would.
func (s *Store) attempt(ctx context.Context, start time.Time, cr credentials, password string,
	reserve func(now time.Time) (int, *time.Time, error), failedLog func(int, *time.Time), lockedLog func(time.Time)) (bool, error) {
	hash := cr.hash
	if cr.id == 0 {
		hash = dummyHash()
	}
	now := s.now()
	failures, locked, err := reserve(now)
	if err != nil {
		return false, err
	}
	ok, err := s.verify(hash, password)
	if err != nil {
		return false, fmt.Errorf("account %d: %w", cr.id, err)
	}
	if failures == 0 && locked != nil {
		lockedLog(*locked)
		s.pause(ctx, start, s.policy.SlowMax)
		return false, nil
	}
	if ok && cr.active && cr.id != 0 {
		if err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
			_, err := tx.Exec(ctx, `UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1`, cr.id)
			return err
		}); err != nil {
			return false, fmt.Errorf("clear failed password attempts: %w", err)
		}
		return true, nil
	}
	failedLog(failures, locked)
	s.pause(ctx, start, min(time.Duration(failures)*s.policy.SlowStep, s.policy.SlowMax))
	return false, nil
}

// reserveAttempt counts a password attempt on an account as a failure
// until it proves right, in one statement so that attempts made at once
// are all counted, and locks the account when the count reaches
// Policy.MaxFailures. While the account is locked it counts nothing and
// returns 0 failures and the end of the lock. Otherwise it returns the
// count, and the end of the lock this attempt started, if it did.
func (s *Store) reserveAttempt(ctx context.Context, id int64, now time.Time) (int, *time.Time, error) {
	var failures int
	var locked *time.Time
	refused := false
	err := db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		refused = false
		err := tx.QueryRow(ctx, `UPDATE accounts SET failed_logins = failed_logins + 1, last_failed_at = $2,
			locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $4 ELSE locked_until END
			WHERE id = $1 AND (locked_until IS NULL OR locked_until <= $2)
			RETURNING failed_logins, CASE WHEN failed_logins >= $3 THEN locked_until END`,
			id, now, s.policy.MaxFailures, now.Add(s.policy.LockFor)).Scan(&failures, &locked)
		if errors.Is(err, pgx.ErrNoRows) {
			refused = true
			return tx.QueryRow(ctx, `SELECT locked_until FROM accounts WHERE id = $1`, id).Scan(&locked)
		}
		return err
	})
	if err == nil && refused {
		if locked == nil {
			locked = &now // unlocked since: refused all the same, once
		}
		return 0, locked, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("record password attempt: %w", err)
	}
	return failures, locked, nil
}

// pauseUntil waits until d after start (at once if that has passed).
func pauseUntil(ctx context.Context, start time.Time, d time.Duration) {
	if wait := d - time.Since(start); wait > 0 {
		sleepCtx(ctx, wait)
	}
}

// StartSession opens a session for an account whose holder has proved who
// they are (Login, after checking the password; tests and tools that hold
// the database already). It clears the account's failed sign-ins.
func (s *Store) StartSession(ctx context.Context, accountID int64, c Client) (*Session, error) {
	token, tokenHash, err := newToken()
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := &Session{Token: token, ExpiresAt: now.Add(s.policy.MaxAge)}
	err = db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		out.Account, err = scanAccount(tx.QueryRow(ctx, `UPDATE accounts a SET failed_logins = 0, locked_until = NULL
			WHERE id = $1 RETURNING `+accountColumns, accountID))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO sessions (account_id, token_hash, created_at, last_seen_at, expires_at, user_agent, ip)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`, accountID, tokenHash, now, out.ExpiresAt, trim(c.UserAgent, 300), trim(c.IP, 100))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("start session: %w", err)
	}
	return out, nil
}

func trim(s string, n int) *string {
	if s == "" {
		return nil
	}
	if len(s) > n {
		s = s[:n]
	}
	return &s
}

// narrowLevel is true for a role's unit u whose subtree is small (see
// access.Scope.Narrow).
const narrowLevel = `u.level IN ('GRASSROOTS', 'BRANCH')`

// touchEvery limits how often a session's last use is written.
const touchEvery = time.Minute

// Connected is told by the access watch (package accesswatch) whether it
// is listening: the principal cache is used only while it is, since only
// then is every change another server commits heard at once.
func (s *Store) Connected(on bool) { s.principals.watch(on) }

// Changed is told by the access watch that a change to accounts, roles,
// sessions or the tree was committed (by any server): what the principal
// cache remembers may be wrong now, so it goes.
func (s *Store) Changed() { s.principals.forget() }

// Remembered returns whom token signs in if that is in the principal cache,
// without asking the database; nil otherwise.
func (s *Store) Remembered(token string) *access.Principal {
	p, _ := s.principals.get(string(hashToken(token)))
	return p
}

// Rejected reports whether token was recently found to sign no one in.
func (s *Store) Rejected(token string) bool {
	return s.rejected.Contains(string(hashToken(token)))
}

// Authenticate returns who holds token, or nil when the token is unknown,
// revoked, expired (idle or absolute) or its account is inactive.
func (s *Store) Authenticate(ctx context.Context, token string) (*access.Principal, error) {
	key := string(hashToken(token))
	cached, gen := s.principals.get(key)
	if cached != nil {
		return cached, nil
	}
	if s.rejected.Contains(key) {
		return nil, nil
	}
	now := s.now()
	p := &access.Principal{}
	var lastSeen time.Time
	// One round trip per request: the session, its account and its roles.
	var admin bool
	var unitIDs []int64
	var narrow []bool
	err := s.pool.QueryRow(ctx, `SELECT s.id, s.last_seen_at, a.id, a.username, a.display_name, a.member_id, m.unit_id,
			coalesce(r.admin, false), coalesce(r.unit_ids, '{}'), coalesce(r.narrow, '{}')
		FROM sessions s JOIN accounts a ON a.id = s.account_id LEFT JOIN members m ON m.id = a.member_id
		LEFT JOIN LATERAL (
			SELECT bool_or(ar.role = 'ADMIN') AS admin,
				array_agg(ar.unit_id) FILTER (WHERE ar.role = 'OFFICER') AS unit_ids,
				array_agg(`+narrowLevel+`) FILTER (WHERE ar.role = 'OFFICER') AS narrow
			FROM account_roles ar LEFT JOIN units u ON u.id = ar.unit_id
			WHERE ar.account_id = a.id AND (ar.unit_id IS NULL OR u.archived_at IS NULL)) r ON true
		WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3 AND a.active`,
		hashToken(token), now, now.Add(-s.policy.IdleTimeout)).
		Scan(&p.SessionID, &lastSeen, &p.AccountID, &p.Username, &p.DisplayName, &p.MemberID, &p.MemberUnitID,
			&admin, &unitIDs, &narrow)
	if errors.Is(err, pgx.ErrNoRows) {
		s.rejected.Add(key, struct{}{})
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("authenticate: %w", err)
	}
	p.Admin = admin
	// Scopes are unit ids: where each unit stands is read with each target
	// (access.Scope). A role on a dissolved (archived) unit has lapsed and
	// is left out; a cached principal is dropped when a unit is archived
	// (Store.Changed, told by package accesswatch).
	for i, id := range unitIDs {
		p.Officer = append(p.Officer, access.Scope{UnitID: id, Narrow: narrow[i]})
	}
	if now.Sub(lastSeen) > touchEvery {
		if _, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, p.SessionID, now); err != nil {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}
	s.principals.put(key, p, gen)
	return p, nil
}

// PrincipalOf returns who an active account is, with its roles, or nil;
// for requests authorised by something other than a session (a download
// link made by the account).
func (s *Store) PrincipalOf(ctx context.Context, accountID int64) (*access.Principal, error) {
	p := &access.Principal{}
	err := s.pool.QueryRow(ctx, `SELECT a.id, a.username, a.display_name, a.member_id, m.unit_id
		FROM accounts a LEFT JOIN members m ON m.id = a.member_id WHERE a.id = $1 AND a.active`, accountID).
		Scan(&p.AccountID, &p.Username, &p.DisplayName, &p.MemberID, &p.MemberUnitID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("account %d: %w", accountID, err)
	}
	if err := s.loadRoles(ctx, p); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) loadRoles(ctx context.Context, p *access.Principal) error {
	// As in Authenticate: a role on an archived unit has lapsed.
	rows, err := s.pool.Query(ctx, `SELECT r.role, r.unit_id, coalesce(`+narrowLevel+`, false) FROM account_roles r
		LEFT JOIN units u ON u.id = r.unit_id WHERE r.account_id = $1 AND (r.unit_id IS NULL OR u.archived_at IS NULL)`, p.AccountID)
	if err != nil {
		return fmt.Errorf("roles of account %d: %w", p.AccountID, err)
	}
	var kind RoleKind
	var unitID *int64
	var narrow bool
	_, err = pgx.ForEachRow(rows, []any{&kind, &unitID, &narrow}, func() error {
		switch {
		case kind == Admin:
			p.Admin = true
		case kind == Officer && unitID != nil:
			p.Officer = append(p.Officer, access.Scope{UnitID: *unitID, Narrow: narrow})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("roles of account %d: %w", p.AccountID, err)
	}
	return nil
}

// Logout ends the session.
func (s *Store) Logout(ctx context.Context, sessionID int64) error {
	defer s.principals.forget()
	_, err := s.pool.Exec(ctx, `UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, sessionID)
	if err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// ChangePassword replaces the signed-in account's password after checking
// the current one, and ends the account's other sessions. The check is a
// password attempt like signing in: a wrong current password counts as a
// failed sign-in (slower answers, then the lock), and while the account is
// locked even the right one is refused, so a borrowed session cannot be
// used to guess the password faster than the sign-in page allows.
func (s *Store) ChangePassword(ctx context.Context, p *access.Principal, current, next string) error {
	start := time.Now()
	log := zerolog.Ctx(ctx)
	var v validate.Errors
	checkPassword(&v, validate.Input("newPassword"), next)
	cr := credentials{id: p.AccountID}
	if err := s.pool.QueryRow(ctx, `SELECT password_hash, active FROM accounts WHERE id = $1`, p.AccountID).
		Scan(&cr.hash, &cr.active); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	ip := ClientFrom(ctx).IP
	ok, err := s.attempt(ctx, start, cr, current, func(now time.Time) (int, *time.Time, error) {
		return s.reserveAttempt(ctx, cr.id, now)
	}, func(failures int, locked *time.Time) {
		ev := log.Warn().Int64("account_id", cr.id).Str("ip", ip).Int("failures", failures)
		if locked != nil {
			ev = ev.Time("locked_until", *locked)
		}
		ev.Msg("password change failed: wrong current password")
	}, func(until time.Time) {
		log.Warn().Int64("account_id", cr.id).Str("ip", ip).Time("locked_until", until).Msg("password change refused: account locked")
	})
	if err != nil {
		return err
	}
	if !ok {
		v.Add(validate.Input("currentPassword"), validate.BadCredentials,
			"Mật khẩu hiện tại không đúng, hoặc tài khoản đang tạm khóa vì nhập sai nhiều lần.",
			"The current password is wrong, or the account is locked after repeated failures.")
	}
	if err := v.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, p.AccountID, next, p.SessionID, nil)
}

// SetPassword gives an account a new password (a manager resetting a
// forgotten one) and ends all its sessions; by is checked as for Grant.
func (s *Store) SetPassword(ctx context.Context, accountID int64, password string, by *access.Principal) error {
	var v validate.Errors
	checkPassword(&v, validate.Input("newPassword"), password)
	if err := v.Err(); err != nil {
		return err
	}
	return s.setPassword(ctx, accountID, password, 0, by)
}

func (s *Store) setPassword(ctx context.Context, accountID int64, password string, keepSession int64, by *access.Principal) error {
	defer s.principals.forget()
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.InTx(ctx, s.pool, func(tx pgx.Tx) error {
		if err := guardAccount(ctx, tx, accountID, by, validate.Input("id")); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = $2, password_changed_at = now(), failed_logins = 0,
			locked_until = NULL, updated_at = now(), version = version + 1 WHERE id = $1`, accountID, hash)
		if err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if tag.RowsAffected() == 0 {
			return accountNotFound(validate.Input("id"))
		}
		return revokeSessions(ctx, tx, accountID, keepSession)
	})
}
