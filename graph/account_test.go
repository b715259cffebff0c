package graph_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
)

type loginOut struct {
	Token      *string
	ExpiresAt  *string
	Account    *struct{ Username string }
	UserErrors []apitest.UserError
}

func login(t *testing.T, e *apitest.Env, user, password string) loginOut {
	t.Helper()
	var out struct{ Login loginOut }
	resp := e.Anonymous().Do(t, `mutation($in: LoginInput!) { login(input: $in) {
		token expiresAt account { username } userErrors { field message code } } }`,
		map[string]any{"in": map[string]any{"login": user, "password": password}})
	if len(resp.Errors) > 0 {
		t.Fatalf("login: %+v", resp.Errors)
	}
	if err := jsonInto(resp.Data, &out); err != nil {
		t.Fatal(err)
	}
	return out.Login
}

func me(t *testing.T, e *apitest.Env, token string) (username string, status int) {
	t.Helper()
	resp := e.As(token).Do(t, `{ me { username } }`, nil)
	var out struct{ Me *struct{ Username string } }
	_ = jsonInto(resp.Data, &out)
	if out.Me != nil {
		username = out.Me.Username
	}
	return username, resp.Status
}

// An officer makes an account through the API; its holder signs in by
// username or email, is known to `me`, and signs out.
func TestAccountSignInAndOut(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var created struct{ Account struct{ ID string } }
	tr.env.MustMutate(t, "accountCreate", "AccountCreateInput", "account { id }", map[string]any{
		"username": " Bithu.VPTU ", "email": "bithu@ninhthuan.gov.vn", "displayName": "Nguyễn Thị Thanh Tâm",
		"password": "mật khẩu của bí thư", "unitId": tr.branchA,
	}, &created)
	tr.env.MustMutate(t, "roleGrant", "RoleInput", "account { roles { kind unit { id } } }",
		map[string]any{"accountId": created.Account.ID, "kind": "OFFICER", "unitId": tr.branchA}, nil)

	byName := login(t, tr.env, "bithu.vptu", "mật khẩu của bí thư")
	byEmail := login(t, tr.env, "BITHU@ninhthuan.gov.vn", "mật khẩu của bí thư")
	for _, l := range []loginOut{byName, byEmail} {
		if l.Token == nil || len(*l.Token) < 43 || l.Account == nil || l.Account.Username != "bithu.vptu" || len(l.UserErrors) != 0 {
			t.Fatalf("login = %+v", l)
		}
	}
	if u, status := me(t, tr.env, *byName.Token); u != "bithu.vptu" || status != 200 {
		t.Errorf("me = %q (%d)", u, status)
	}

	// Only a hash of the token is stored, and the password as argon2id.
	var stored, hashed int
	var hash string
	ctx := context.Background()
	_ = tr.env.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE token_hash = sha256(convert_to($1, 'UTF8'))),
		count(*) FILTER (WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%') FROM sessions`, *byName.Token).Scan(&hashed, &stored)
	_ = tr.env.Pool.QueryRow(ctx, `SELECT password_hash FROM accounts WHERE username = 'bithu.vptu'`).Scan(&hash)
	if hashed != 1 || stored != 0 || !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("stored secrets: %d hashed, %d plain, hash %q", hashed, stored, hash[:min(len(hash), 32)])
	}

	var out struct{ Logout struct{ LoggedOut bool } }
	tr.env.As(*byName.Token).MustDo(t, `mutation { logout { loggedOut } }`, nil, &out)
	if !out.Logout.LoggedOut {
		t.Error("logout did not end the session")
	}
	if _, status := me(t, tr.env, *byName.Token); status != 401 {
		t.Errorf("after logout: status %d, want 401", status)
	}
	if u, _ := me(t, tr.env, *byEmail.Token); u != "bithu.vptu" {
		t.Error("logging out one session ended another")
	}
}

// A wrong username, a wrong password and a locked account get the same
// answer; repeated failures lock the account; each failure is logged.
func TestSignInFailuresAndLockout(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.QuickSignIns)
	e.Account(t, "thuquy", nil, nil)

	unknown := login(t, e, "khongco", apitest.TestPassword)
	wrong := login(t, e, "thuquy", "sai mật khẩu rồi")
	if len(unknown.UserErrors) != 1 || len(wrong.UserErrors) != 1 || unknown.UserErrors[0].Message != wrong.UserErrors[0].Message ||
		unknown.UserErrors[0].Code != "INVALID_CREDENTIALS" || wrong.UserErrors[0].Code != "INVALID_CREDENTIALS" || wrong.Token != nil {
		t.Fatalf("unknown user %+v, wrong password %+v: want the same INVALID_CREDENTIALS", unknown.UserErrors, wrong.UserErrors)
	}
	for range account.DefaultPolicy.MaxFailures - 1 {
		login(t, e, "thuquy", "vẫn sai mật khẩu")
	}
	locked := login(t, e, "thuquy", apitest.TestPassword)
	if locked.Token != nil || len(locked.UserErrors) != 1 || locked.UserErrors[0].Message != wrong.UserErrors[0].Message {
		t.Fatalf("right password while locked: %+v", locked)
	}
	if n := strings.Count(e.Logs(), "sign-in failed"); n != account.DefaultPolicy.MaxFailures+1 {
		t.Errorf("%d failures logged, want %d", n, account.DefaultPolicy.MaxFailures+1)
	}
	if !strings.Contains(e.Logs(), "sign-in refused: account locked") {
		t.Error("the refusal while locked is not logged")
	}
	// Once the lock has passed, the right password works and the count resets.
	if _, err := e.Pool.Exec(context.Background(), `UPDATE accounts SET locked_until = now() - interval '1 second' WHERE username = 'thuquy'`); err != nil {
		t.Fatal(err)
	}
	if ok := login(t, e, "thuquy", apitest.TestPassword); ok.Token == nil {
		t.Fatalf("after the lock: %+v", ok)
	}
}

// Guesses sent all at once are each counted before any password is
// checked, so a burst checks no more passwords than the lock allows: once
// MaxFailures are counted the rest are refused unchecked, and the right
// password sent after them is refused too. (Counted after the check, all
// of a burst were checked while the count was still low, and the right
// password among them signed in.)
func TestSignInBurstIsCountedBeforeChecking(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.QuickSignIns)
	e.Account(t, "thukho", nil, nil)
	for _, check := range []struct {
		name string
		send func(e *apitest.Env, guess string)
	}{
		// Do, not login or Mutate: these run off the test's goroutine.
		{"login", func(e *apitest.Env, guess string) {
			if resp := e.Anonymous().Do(t, `mutation($in: LoginInput!) { login(input: $in) { token } }`,
				map[string]any{"in": map[string]any{"login": "thukho", "password": guess}}); len(resp.Errors) > 0 {
				t.Errorf("login: %+v", resp.Errors)
			}
		}},
		{"passwordChange", func(e *apitest.Env, guess string) {
			if resp := e.Do(t, `mutation($in: PasswordChangeInput!) { passwordChange(input: $in) { userErrors { code } } }`,
				map[string]any{"in": map[string]any{"currentPassword": guess, "newPassword": "mật khẩu mới dài hơn"}}); len(resp.Errors) > 0 {
				t.Errorf("passwordChange: %+v", resp.Errors)
			}
		}},
	} {
		var id int64
		if err := e.Pool.QueryRow(context.Background(), `UPDATE accounts SET failed_logins = 0, locked_until = NULL
			WHERE username = 'thukho' RETURNING id`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		sender := e
		if check.name == "passwordChange" {
			sender = e.As(e.Session(t, id))
		}
		const burst = 4 * 5
		var wg sync.WaitGroup
		for i := range burst {
			wg.Add(1)
			go func() {
				defer wg.Done()
				check.send(sender, fmt.Sprintf("đoán sai lần %d", i))
			}()
		}
		wg.Wait()
		var failures int
		if err := e.Pool.QueryRow(context.Background(), `SELECT failed_logins FROM accounts WHERE id = $1`, id).Scan(&failures); err != nil {
			t.Fatal(err)
		}
		if failures != account.DefaultPolicy.MaxFailures {
			t.Errorf("%s: %d of %d guesses sent at once were checked, want %d", check.name, failures, burst, account.DefaultPolicy.MaxFailures)
		}
		if check.name == "login" {
			if ok := login(t, e, "thukho", apitest.TestPassword); ok.Token != nil {
				t.Errorf("the right password after a burst of %d wrong ones signed in", burst)
			}
		}
	}
	// Counting the attempt and clearing the count are bookkeeping: signing
	// in logs no change to the account.
	var id int64
	if err := e.Pool.QueryRow(context.Background(), `UPDATE accounts SET failed_logins = 0, locked_until = NULL
		WHERE username = 'thukho' RETURNING id`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	count := func() (n int) {
		if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE entity = 'accounts' AND record_id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	if ok := login(t, e, "thukho", apitest.TestPassword); ok.Token == nil {
		t.Fatal("the right password does not sign in")
	}
	if n := count() - before; n != 0 {
		t.Errorf("signing in logged %d changes to the account", n)
	}
}

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id := e.Account(t, "canbo", nil, nil)
	for _, tt := range []struct {
		name, sql string
	}{
		{"idle", `UPDATE sessions SET last_seen_at = now() - interval '3 hours' WHERE account_id = $1`},
		{"absolute", `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE account_id = $1`},
		{"account deactivated", `UPDATE accounts SET active = false WHERE id = $1`},
	} {
		token := e.Session(t, id)
		if _, status := me(t, e, token); status != 200 {
			t.Fatalf("%s: fresh session refused", tt.name)
		}
		if _, err := e.Pool.Exec(context.Background(), tt.sql, id); err != nil {
			t.Fatal(err)
		}
		resp := e.As(token).Do(t, `{ me { username } }`, nil)
		if resp.Status != 401 || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("%s: %d %+v, want 401 UNAUTHENTICATED", tt.name, resp.Status, resp.Errors)
		}
		_, _ = e.Pool.Exec(context.Background(), `UPDATE accounts SET active = true WHERE id = $1`, id)
	}
}

// Changing one's password ends the other sessions and keeps this one;
// deactivating an account ends all of its sessions.
func TestPasswordChangeAndDeactivation(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id := e.Account(t, "phobithu", nil, nil)
	here, elsewhere := e.Session(t, id), e.Session(t, id)

	ue := e.As(here).Mutate(t, "passwordChange", "PasswordChangeInput", "account { username }",
		map[string]any{"currentPassword": "không phải mật khẩu", "newPassword": "mật khẩu mới dài hơn"}, nil)
	if got := codes(ue); len(got) != 1 || got[0] != "input.currentPassword:INVALID_CREDENTIALS" {
		t.Errorf("wrong current password: %v", got)
	}
	ue = e.As(here).Mutate(t, "passwordChange", "PasswordChangeInput", "account { username }",
		map[string]any{"currentPassword": apitest.TestPassword, "newPassword": "ngắn"}, nil)
	if got := codes(ue); len(got) != 1 || got[0] != "input.newPassword:INVALID" {
		t.Errorf("short new password: %v", got)
	}
	e.As(here).MustMutate(t, "passwordChange", "PasswordChangeInput", "account { username }",
		map[string]any{"currentPassword": apitest.TestPassword, "newPassword": "mật khẩu mới dài hơn"}, nil)
	if _, status := me(t, e, here); status != 200 {
		t.Error("the session that changed the password was ended")
	}
	if _, status := me(t, e, elsewhere); status != 401 {
		t.Error("another session survived the password change")
	}
	if l := login(t, e, "phobithu", "mật khẩu mới dài hơn"); l.Token == nil {
		t.Error("the new password does not sign in")
	}

	var acc struct{ Me struct{ ID string } }
	e.As(here).MustDo(t, `{ me { id } }`, nil, &acc)
	e.MustMutate(t, "accountSetActive", "AccountSetActiveInput", "account { active }", map[string]any{"id": acc.Me.ID, "active": false}, nil)
	if _, status := me(t, e, here); status != 401 {
		t.Error("a deactivated account's session still works")
	}
	if l := login(t, e, "phobithu", "mật khẩu mới dài hơn"); l.Token != nil {
		t.Error("a deactivated account signed in")
	}

	// Nobody locks themselves out, and the last administrator stays one.
	var admin struct{ Me struct{ ID string } }
	e.MustDo(t, `{ me { id } }`, nil, &admin)
	ue = e.Mutate(t, "accountSetActive", "AccountSetActiveInput", "account { active }", map[string]any{"id": admin.Me.ID, "active": false}, nil)
	if got := codes(ue); len(got) != 1 || got[0] != "input.id:NOT_ALLOWED" {
		t.Errorf("deactivating oneself: %v", got)
	}
	ue = e.Mutate(t, "roleRevoke", "RoleInput", "account { id }", map[string]any{"accountId": admin.Me.ID, "kind": "ADMIN"}, nil)
	if got := codes(ue); len(got) != 1 || got[0] != "input.kind:NOT_ALLOWED" {
		t.Errorf("revoking the last admin: %v", got)
	}
}

// Every write leaves who, when, what, before and after in the audit log;
// officers read their subtree's log; nobody can change it.
func TestAuditLog(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	secretary := c.as("branch A secretary")
	resp := secretary.Do(t, `mutation($in: MemberUpdateInput!) { memberUpdate(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": c.memberA2, "version": 1, "phone": "0912 888 999"}})
	if len(resp.Errors) > 0 || resp.RequestID == "" {
		t.Fatalf("update: %+v (request id %q)", resp.Errors, resp.RequestID)
	}

	type entry struct {
		Action, Entity string
		RequestID      *string
		RecordID       *string
		Account        *struct{ Username string }
		Member         *struct{ FullName string }
		Before, After  map[string]any
	}
	read := func(role string, filter map[string]any) ([]entry, []string) {
		var out struct {
			AuditLog struct{ Edges []struct{ Node entry } }
		}
		r := c.as(role).Do(t, `query($f: AuditFilter) { auditLog(filter: $f, first: 100) { edges { node {
			action entity requestId recordId account { username } member { fullName } before after } } } }`, map[string]any{"f": filter})
		var errs []string
		for _, e := range r.Errors {
			errs = append(errs, e.Extensions["code"].(string))
		}
		_ = jsonInto(r.Data, &out)
		var list []entry
		for _, e := range out.AuditLog.Edges {
			list = append(list, e.Node)
		}
		return list, errs
	}

	list, errs := read("bloc officer", map[string]any{"memberId": c.memberA2, "actions": []string{"UPDATE"}})
	if len(errs) > 0 || len(list) != 1 {
		t.Fatalf("bloc officer's view: %+v %v", list, errs)
	}
	u := list[0]
	if u.Entity != "members" || u.RecordID == nil || *u.RecordID != c.memberA2 || u.Account == nil || u.Account.Username != "bithu.a" ||
		u.RequestID == nil || *u.RequestID != resp.RequestID || u.Before["phone"] == u.After["phone"] || u.After["phone"] != "0912 888 999" ||
		u.Member == nil || u.Member.FullName != "Phạm Minh Khoa" {
		t.Errorf("audit entry = %+v", u)
	}
	if _, hasHash := u.After["password_hash"]; hasHash {
		t.Error("audit entry carries a password hash")
	}

	// An officer's read of the member's personal data is logged as a READ.
	_, personalQuery := personalFields()
	c.as("bloc officer").MustDo(t, personalQuery, map[string]any{"id": c.memberA2}, nil)
	reads, _ := read("admin", map[string]any{"memberId": c.memberA2, "actions": []string{"READ"}})
	if len(reads) == 0 || reads[0].Account == nil || reads[0].Account.Username != "doankhoi" {
		t.Errorf("personal read not logged: %+v", reads)
	}

	if list, _ := read("district officer", map[string]any{"memberId": c.memberA2}); len(list) != 0 {
		t.Errorf("district officer reads branch A's log: %+v", list)
	}
	if _, errs := read("member of A", nil); len(errs) != 1 || errs[0] != "FORBIDDEN" {
		t.Errorf("member reading the log: %v", errs)
	}

	for _, sql := range []string{`UPDATE audit_log SET action = 'READ'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		if _, err := c.env.Pool.Exec(context.Background(), sql); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", sql, err)
		}
	}
}

// An account's member record must lie within the unit that manages the
// account; one elsewhere is refused on memberId and nothing is written.
func TestAccountMemberWithinItsUnit(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	inA, inB := tr.member(t, tr.branchA, "Lê Thị Ngọc", nil), tr.member(t, tr.branchB, "Trần Văn Lộc", nil)
	create := func(username, unit, member string) []string {
		return codes(tr.env.Mutate(t, "accountCreate", "AccountCreateInput", "account { id }", map[string]any{
			"username": username, "displayName": username, "password": "mật khẩu đủ dài", "unitId": unit, "memberId": member}, nil))
	}
	before := tr.env.Count(t, "accounts")
	if got := create("ngoai.donvi", tr.branchA, inB); !slices.Equal(got, []string{"input.memberId:NOT_ALLOWED"}) {
		t.Errorf("a member of another branch: %v", got)
	}
	if tr.env.Count(t, "accounts") != before {
		t.Error("the refused account was written")
	}
	if got := create("trong.donvi", tr.bloc, inA); len(got) > 0 {
		t.Errorf("a member of a branch below the account's unit: %v", got)
	}
}
