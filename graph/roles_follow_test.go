package graph_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/org"
)

// twoServers is one database served by two server processes' handlers,
// each with its principal cache on (long enough that only the access watch
// can explain a change showing).
type twoServers struct {
	*tree
	one, two *apitest.Env
}

func newTwoServers(t *testing.T) *twoServers {
	t.Helper()
	one := apitest.New(t, apitest.CachedPrincipals)
	two := apitest.NewOn(t, one.Pool, apitest.CachedPrincipals).As(one.AdminToken)
	s := &twoServers{tree: &tree{env: one}, one: one, two: two}
	s.province = s.unit(t, nil, "PROVINCE", "Tỉnh đoàn Ninh Thuận")
	s.district = s.unit(t, &s.province, "DISTRICT", "Huyện đoàn Ninh Hải")
	s.bloc = s.unit(t, &s.province, "BLOC", "Đoàn khối Doanh nghiệp tỉnh")
	s.branchA = s.unit(t, &s.district, "BRANCH", "Chi đoàn xã Vĩnh Hải")
	s.branchB = s.unit(t, &s.district, "BRANCH", "Chi đoàn xã Nhơn Hải")
	return s
}

// officer makes an account with an OFFICER role on unit and returns its token.
func (s *twoServers) officer(t *testing.T, username, unit string) string {
	t.Helper()
	u := key(t, model.KindUnit, unit)
	id := s.one.Account(t, username, &u, nil)
	s.one.Grant(t, id, account.Officer, &u)
	return s.one.Session(t, id)
}

const membersCount = `{ members(first: 5) { totalCount edges { node { fullName } } } }`

func memberCount(t *testing.T, e *apitest.Env) int {
	t.Helper()
	var out struct{ Members struct{ TotalCount int } }
	e.MustDo(t, membersCount, nil, &out)
	return out.Members.TotalCount
}

// rename renames unit as the caller; it returns the error code ("" when it
// went through).
func (s *twoServers) rename(t *testing.T, e *apitest.Env, unit string) string {
	t.Helper()
	resp := e.Do(t, `mutation($in: UnitUpdateInput!) { unitUpdate(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": unit, "version": s.version(t, unit), "name": uniq("Chi đoàn")}})
	switch {
	case len(resp.Errors) > 0:
		return resp.Errors[0].Extensions["code"].(string)
	case !strings.Contains(string(resp.Data), `"userErrors":[]`):
		return string(resp.Data)
	}
	return ""
}

// servers are the two servers by name.
func (s *twoServers) servers() map[string]*apitest.Env {
	return map[string]*apitest.Env{"one": s.one, "two": s.two}
}

// lists is how many members a caller (who, signed in with token) lists.
type lists struct {
	who, token string
	members    int
}

// checkLists checks on both servers that each caller lists the members
// wanted (when says when, for the message), and says whether all did.
func (s *twoServers) checkLists(t *testing.T, when string, want ...lists) bool {
	t.Helper()
	ok := true
	for name, e := range s.servers() {
		for _, w := range want {
			if n := memberCount(t, e.As(w.token)); n != w.members {
				t.Errorf("server %s: %s lists %d members %s, want %d", name, w.who, n, when, w.members)
				ok = false
			}
		}
	}
	return ok
}

// renameUntilRefused renames unit as e's caller until it is refused as
// FORBIDDEN or two seconds have passed (the notice arrives within
// milliseconds; the cache lives a minute), and returns the last code.
func (s *twoServers) renameUntilRefused(t *testing.T, e *apitest.Env, unit string) string {
	t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	code := s.rename(t, e, unit)
	for code != "FORBIDDEN" && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		code = s.rename(t, e, unit)
	}
	return code
}

// A branch moved to another district keeps its secretary's role: on both
// servers, with their caches warm, her next request writes the branch and
// lists its members, and the district it left no longer reaches it.
func TestRoleFollowsMovedUnit(t *testing.T) {
	t.Parallel()
	s := newTwoServers(t)
	s.member(t, s.branchA, "Trần Thị Mỹ Duyên", nil)
	s.member(t, s.branchA, "Lê Văn Phúc", nil)
	other := s.unit(t, &s.province, "DISTRICT", "Huyện đoàn Thuận Bắc")
	secretary := s.officer(t, "bithu.vinhhai", s.branchA)
	left := s.officer(t, "huyendoan.ninhhai", s.district)
	joined := s.officer(t, "huyendoan.thuanbac", other)

	// Warm each server's cache, and check the tree before the move.
	if !s.checkLists(t, "before the move", lists{"the secretary", secretary, 2}, lists{"the district", left, 2},
		lists{"the other district", joined, 0}) {
		t.FailNow()
	}

	s.one.MustMutate(t, "unitMove", "UnitMoveInput", "userErrors { code }",
		map[string]any{"id": s.branchA, "version": s.version(t, s.branchA), "parentId": other}, nil)

	s.checkLists(t, "right after the move", lists{"the secretary", secretary, 2}, lists{"the district it left", left, 0},
		lists{"the district it joined", joined, 2})
	for name, e := range s.servers() {
		if code := s.rename(t, e.As(secretary), s.branchA); code != "" {
			t.Errorf("server %s: the secretary renaming her moved branch: %s", name, code)
		}
		if code := s.rename(t, e.As(joined), s.branchA); code != "" {
			t.Errorf("server %s: the new district renaming the branch: %s", name, code)
		}
		if code := s.rename(t, e.As(left), s.branchA); code != "FORBIDDEN" {
			t.Errorf("server %s: the old district renaming the branch: %q, want FORBIDDEN", name, code)
		}
	}
}

// A role on a dissolved unit lapses on every server as soon as the
// dissolution commits, though each server had the officer's session cached,
// and the role says why.
func TestRoleLapsesWhenUnitDissolved(t *testing.T) {
	t.Parallel()
	s := newTwoServers(t)
	secretary := s.officer(t, "bithu.nhonhai", s.branchB)
	for name, e := range s.servers() {
		if code := s.rename(t, e.As(secretary), s.branchB); code != "" {
			t.Fatalf("server %s: the secretary renaming her branch before: %s", name, code)
		}
	}

	// Dissolved by a third party (neither server's store sees it).
	today := time.Now().In(time.FixedZone("ICT", 7*3600))
	if _, err := org.NewTimeline(s.one.Pool).Dissolve(context.Background(), org.DissolveDecision{
		UnitID:  key(t, model.KindUnit, s.branchB),
		Decided: org.Decided{EffectiveOn: time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC), DecisionNumber: "57-QĐ/HĐTN"},
	}); err != nil {
		t.Fatalf("dissolve: %v", err)
	}

	for name, e := range s.servers() {
		if code := s.renameUntilRefused(t, e.As(secretary), s.branchB); code != "FORBIDDEN" {
			t.Errorf("server %s: the secretary of the dissolved branch renaming it: %q, want FORBIDDEN", name, code)
		}
		var me struct {
			Me struct {
				Roles []struct {
					Kind   string
					Lapsed bool
					Note   *string
				}
			}
		}
		e.As(secretary).MustDo(t, `{ me { roles { kind lapsed note } } }`, nil, &me)
		if len(me.Me.Roles) != 1 || !me.Me.Roles[0].Lapsed || me.Me.Roles[0].Note == nil ||
			!strings.Contains(*me.Me.Roles[0].Note, "57-QĐ/HĐTN") || !strings.Contains(*me.Me.Roles[0].Note, "giải thể") {
			t.Errorf("server %s: roles after the dissolution: %+v", name, me.Me.Roles)
		}
		resp := e.As(secretary).Do(t, `{ me { roles { note } } }`, nil, "Accept-Language", "en")
		if !strings.Contains(string(resp.Data), "dissolved as of") {
			t.Errorf("server %s: English note: %s", name, resp.Data)
		}
	}

	// A role in force says so.
	district := s.officer(t, "huyendoan.ninhhai", s.district)
	var me struct {
		Me struct {
			Roles []struct {
				Lapsed bool
				Note   *string
			}
		}
	}
	s.two.As(district).MustDo(t, `{ me { roles { lapsed note } } }`, nil, &me)
	if len(me.Me.Roles) != 1 || me.Me.Roles[0].Lapsed || me.Me.Roles[0].Note != nil {
		t.Errorf("a role in force: %+v", me.Me.Roles)
	}
}

// A role revoked through one server applies on the other at its next
// request after the notice, cache or not.
func TestRevokeSeenByOtherServer(t *testing.T) {
	t.Parallel()
	s := newTwoServers(t)
	secretary := s.officer(t, "bithu.vinhhai", s.branchA)
	if code := s.rename(t, s.two.As(secretary), s.branchA); code != "" {
		t.Fatalf("before the revoke: %s", code)
	}
	s.one.MustMutate(t, "roleRevoke", "RoleInput", "userErrors { code }", map[string]any{
		"accountId": model.EncodeID(model.KindAccount, accountOf(t, s.one, "bithu.vinhhai")), "kind": "OFFICER", "unitId": s.branchA}, nil)
	if code := s.renameUntilRefused(t, s.two.As(secretary), s.branchA); code != "FORBIDDEN" {
		t.Errorf("the other server after the revoke: %q, want FORBIDDEN", code)
	}
}

func accountOf(t *testing.T, e *apitest.Env, username string) int64 {
	t.Helper()
	var id int64
	if err := e.Pool.QueryRow(context.Background(), `SELECT id FROM accounts WHERE username = $1`, username).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}
