package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
)

// Changing an account takes managing everything the account reaches: a
// caller may reset the password of, deactivate, reactivate or change the
// roles of an account whose home is her branch only if she also manages
// every unit it holds a role on (and its member record's branch), and only
// an administrator changes an administrator. Each target account's home
// unit is branch A; its roles sit above, beside or below the caller.
func TestAccountManagementMatrix(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	e := c.env
	unit := func(id string) *int64 { return ptr(key(t, model.KindUnit, id)) }

	type target struct {
		name  string
		setup func(t *testing.T, id int64) // gives the fresh account its roles
		// managers are the callers who manage the target.
		managers []string
	}
	officerOf := func(u string) func(t *testing.T, id int64) {
		return func(t *testing.T, id int64) { e.Grant(t, id, account.Officer, unit(u)) }
	}
	all := []string{"admin", "bloc officer", "branch A secretary"}
	targets := []target{
		{"no role", func(*testing.T, int64) {}, all},
		{"officer of branch A (the secretary's own unit)", officerOf(c.branchA), all},
		{"officer of branch B (beside the secretary)", officerOf(c.branchB), blocManagers},
		{"officer of the bloc (above the secretary)", officerOf(c.bloc), blocManagers},
		{"officer of the province (above both)", officerOf(c.province), []string{"admin"}},
		{"officer of the district (beside the bloc)", officerOf(c.district), []string{"admin"}},
		{"officers of branch A and the province", func(t *testing.T, id int64) {
			e.Grant(t, id, account.Officer, unit(c.branchA))
			e.Grant(t, id, account.Officer, unit(c.province))
		}, []string{"admin"}},
		{"member record in branch B", nil, blocManagers},
		{"administrator", func(t *testing.T, id int64) { e.Grant(t, id, account.Admin, nil) }, []string{"admin"}},
	}
	newTarget := func(t *testing.T, tg target) int64 {
		var member *int64
		if tg.setup == nil {
			member = ptr(key(t, model.KindMember, c.member(t, c.branchB, uniq("Trần Văn Bình"), nil)))
		}
		id := e.Account(t, strings.ReplaceAll(uniq("muctieu"), " ", ""), unit(c.branchA), member)
		if tg.setup != nil {
			tg.setup(t, id)
		}
		return id
	}

	type mutation struct {
		name, input string
		// prepare readies the target and returns the input.
		prepare func(t *testing.T, id int64) map[string]any
	}
	accountID := func(id int64) string { return model.EncodeID(model.KindAccount, id) }
	mutations := []mutation{
		{"accountSetPassword", "AccountSetPasswordInput", func(t *testing.T, id int64) map[string]any {
			return map[string]any{"id": accountID(id), "newPassword": "mật khẩu của kẻ leo thang"}
		}},
		{"accountSetActive", "AccountSetActiveInput", func(t *testing.T, id int64) map[string]any {
			return map[string]any{"id": accountID(id), "active": false}
		}},
		{"accountSetActive", "AccountSetActiveInput", func(t *testing.T, id int64) map[string]any {
			if _, err := e.Pool.Exec(context.Background(), `UPDATE accounts SET active = false WHERE id = $1`, id); err != nil {
				t.Fatal(err)
			}
			return map[string]any{"id": accountID(id), "active": true}
		}},
		{"roleGrant", "RoleInput", func(t *testing.T, id int64) map[string]any {
			// Without the role already (branch A is every caller's), so the grant changes something.
			if _, err := e.Pool.Exec(context.Background(), `DELETE FROM account_roles WHERE account_id = $1 AND unit_id = $2`,
				id, *unit(c.branchA)); err != nil {
				t.Fatal(err)
			}
			return map[string]any{"accountId": accountID(id), "kind": "OFFICER", "unitId": c.branchA}
		}},
		{"roleRevoke", "RoleInput", func(t *testing.T, id int64) map[string]any {
			if _, err := e.Pool.Exec(context.Background(), `INSERT INTO account_roles (account_id, role, unit_id)
				VALUES ($1, 'OFFICER', $2) ON CONFLICT DO NOTHING`, id, *unit(c.branchA)); err != nil {
				t.Fatal(err)
			}
			return map[string]any{"accountId": accountID(id), "kind": "OFFICER", "unitId": c.branchA}
		}},
	}

	// state is what a refused call must leave as it was.
	state := func(t *testing.T, id int64) string {
		var s string
		if err := e.Pool.QueryRow(context.Background(), `SELECT a.version || ':' || a.active || ':' || a.password_hash || ':' ||
			(SELECT count(*) FROM account_roles WHERE account_id = a.id) || ':' ||
			(SELECT count(*) FROM sessions WHERE account_id = a.id AND revoked_at IS NULL)
			FROM accounts a WHERE a.id = $1`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, m := range mutations {
		for _, tg := range targets {
			for _, caller := range all {
				t.Run(fmt.Sprintf("%s/%s/%s", m.name, tg.name, caller), func(t *testing.T) {
					id := newTarget(t, tg)
					e.Session(t, id) // a live session, which deactivation and a new password would end
					input := m.prepare(t, id)
					before, audit := state(t, id), e.Count(t, "audit_log")
					resp := c.as(caller).Do(t, fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { userErrors { field code } } }`,
						m.input, m.name), map[string]any{"input": input})
					after := state(t, id)
					if slices.Contains(tg.managers, caller) {
						if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"userErrors":[]`) || after == before {
							t.Errorf("refused or no change: %s %+v", resp.Data, resp.Errors)
						}
						return
					}
					if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
						t.Errorf("want FORBIDDEN, got %s %+v", resp.Data, resp.Errors)
					}
					if after != before || e.Count(t, "audit_log") != audit {
						t.Errorf("refused, but the account changed: %s -> %s", before, after)
					}
				})
			}
		}
	}
}

// The climb the matrix rules out, end to end: the secretary of branch A
// cannot reset the password of an account of her branch that is an
// officer of the bloc, so she cannot sign in as it.
func TestNoClimbingThroughPasswordReset(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	id := c.env.Account(t, "phobithu.khoi", ptr(key(t, model.KindUnit, c.branchA)), nil)
	c.env.Grant(t, id, account.Officer, ptr(key(t, model.KindUnit, c.bloc)))
	resp := c.as("branch A secretary").Do(t, `mutation($id: ID!) { accountSetPassword(input: {id: $id, newPassword: "mật khẩu tôi biết"}) {
		userErrors { code } } }`, map[string]any{"id": model.EncodeID(model.KindAccount, id)})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("reset: %s %+v", resp.Data, resp.Errors)
	}
	if l := login(t, c.env, "phobithu.khoi", "mật khẩu tôi biết"); l.Token != nil {
		t.Fatal("signed in as the bloc officer with the password the secretary set")
	}
	if l := login(t, c.env, "phobithu.khoi", apitest.TestPassword); l.Token == nil {
		t.Fatalf("the holder's own password no longer works: %+v", l.UserErrors)
	}
}

// The accounts list holds the accounts the caller manages, as its
// description says: not an account whose home is her branch but which
// holds a role above it or ADMIN, nor one linked to a member elsewhere.
func TestAccountsListsOnlyManagedAccounts(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	branch := ptr(key(t, model.KindUnit, c.branchA))
	managed := c.env.Account(t, "thuky.chidoan", branch, nil)
	c.env.Grant(t, managed, account.Officer, branch)
	above := c.env.Account(t, "phobithu.khoi2", branch, nil)
	c.env.Grant(t, above, account.Officer, ptr(key(t, model.KindUnit, c.bloc)))
	admin := c.env.Account(t, "quantri.chidoan", branch, nil)
	c.env.Grant(t, admin, account.Admin, nil)
	var out struct {
		Accounts struct {
			Edges      []struct{ Node struct{ Username string } }
			TotalCount int
		}
	}
	c.as("branch A secretary").MustDo(t, `{ accounts(first: 100) { edges { node { username } } totalCount } }`, nil, &out)
	seen := map[string]bool{}
	for _, e := range out.Accounts.Edges {
		seen[e.Node.Username] = true
	}
	if !seen["thuky.chidoan"] || seen["phobithu.khoi2"] || seen["quantri.chidoan"] || out.Accounts.TotalCount != len(out.Accounts.Edges) {
		t.Errorf("the branch secretary lists %v (total %d): want the account she manages, not the bloc officer's or the administrator's",
			seen, out.Accounts.TotalCount)
	}
}

// Reading an account by its ID (node, nodes) follows the accounts list's
// rule: each caller reads by ID exactly the accounts her list holds (and
// her own), so an account whose home is her branch but which holds a role
// above it, or ADMIN, or whose member record is elsewhere, is not shown.
func TestAccountByIDFollowsTheList(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	branch := ptr(key(t, model.KindUnit, c.branchA))
	targets := map[string]int64{}
	targets["thuky.chidoan"] = c.env.Account(t, "thuky.chidoan", branch, nil)
	c.env.Grant(t, targets["thuky.chidoan"], account.Officer, branch)
	targets["phobithu.khoi2"] = c.env.Account(t, "phobithu.khoi2", branch, nil)
	c.env.Grant(t, targets["phobithu.khoi2"], account.Officer, ptr(key(t, model.KindUnit, c.bloc)))
	targets["quantri.chidoan"] = c.env.Account(t, "quantri.chidoan", branch, nil)
	c.env.Grant(t, targets["quantri.chidoan"], account.Admin, nil)
	targets["doanvien.chidoanb"] = c.env.Account(t, "doanvien.chidoanb", branch,
		ptr(key(t, model.KindMember, c.member(t, c.branchB, uniq("Lê Thị Cúc"), nil))))
	ids := make([]string, 0, len(targets))
	for _, id := range targets {
		ids = append(ids, model.EncodeID(model.KindAccount, id))
	}
	for _, caller := range []string{"admin", "bloc officer", "branch A secretary"} {
		var list struct {
			Accounts struct {
				Edges []struct{ Node struct{ Username string } }
			}
		}
		c.as(caller).MustDo(t, `{ accounts(first: 100) { edges { node { username } } } }`, nil, &list)
		listed := map[string]bool{}
		for _, e := range list.Accounts.Edges {
			listed[e.Node.Username] = true
		}
		for _, id := range ids {
			var name string
			for n, v := range targets {
				if model.EncodeID(model.KindAccount, v) == id {
					name = n
				}
			}
			one := c.as(caller).Do(t, `query($id: ID!) { node(id: $id) { ... on Account { username } } }`, map[string]any{"id": id})
			shown := !strings.Contains(string(one.Data), `"node":null`) && len(one.Errors) == 0
			if shown != listed[name] {
				t.Errorf("%s: node(id:) of %s shown %v, listed %v: %s %+v", caller, name, shown, listed[name], one.Data, one.Errors)
			}
			var many struct{ Nodes []*struct{ Username string } }
			resp := c.as(caller).Do(t, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Account { username } } }`, map[string]any{"ids": []string{id}})
			if err := json.Unmarshal(resp.Data, &many); err != nil {
				t.Fatalf("%s: nodes: %s %+v", caller, resp.Data, resp.Errors)
			}
			if shown := len(many.Nodes) == 1 && many.Nodes[0] != nil; shown != listed[name] {
				t.Errorf("%s: nodes(ids:) of %s shown %v, listed %v: %s %+v", caller, name, shown, listed[name], resp.Data, resp.Errors)
			}
		}
		if caller == "branch A secretary" && (!listed["thuky.chidoan"] || listed["phobithu.khoi2"] || listed["quantri.chidoan"] || listed["doanvien.chidoanb"]) {
			t.Errorf("the branch secretary lists %v", listed)
		}
	}
}
