package graph_test

import (
	"net/http"
	"testing"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
)

// With the principal cache on, a burst of requests checks its session
// once; signing out and role changes made through the API still apply to
// the very next request.
func TestPrincipalCache(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.CachedPrincipals)
	province := env.Create(t, "unit", map[string]any{"level": "PROVINCE", "name": "Tỉnh đoàn Ninh Thuận"})
	unitID, _ := model.DecodeID(model.KindUnit, province)

	officerID := env.Account(t, "canbo.tinh", nil, nil)
	env.Grant(t, officerID, account.Officer, &unitID)
	officer := env.As(env.Session(t, officerID))
	const me = `{ me { username roles { kind } } }`

	first := statements(t, env, officer.Do(t, me, nil).RequestID) // checks the session and caches it
	// The grant's notification (accesswatch) may arrive after that and empty
	// the cache once; from then on the requests are served from it.
	var later []int
	for len(later) < 5 && (len(later) == 0 || later[len(later)-1] != first-1) {
		later = append(later, statements(t, env, officer.Do(t, me, nil).RequestID))
	}
	if later[len(later)-1] != first-1 {
		t.Errorf("first request %d statements, the next %v: the session should be checked once", first, later)
	}

	// What only the province's officer may do: read its yearly report.
	const report = `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { year } }`
	if resp := officer.Do(t, report, map[string]any{"u": province}); len(resp.Errors) > 0 {
		t.Fatalf("the officer reads the province's report: %+v", resp.Errors)
	}

	// The administrator revokes the role: the officer's next request has none.
	env.MustMutate(t, "roleRevoke", "RoleInput", "userErrors { code }", map[string]any{
		"accountId": model.EncodeID(model.KindAccount, officerID), "kind": "OFFICER", "unitId": province}, nil)
	var out struct {
		Me struct{ Roles []struct{ Kind string } }
	}
	officer.MustDo(t, me, nil, &out)
	if len(out.Me.Roles) != 0 {
		t.Errorf("roles after the revoke: %+v", out.Me.Roles)
	}
	// roles above is read from the database; the permission check uses the
	// cached principal, which the revoke must have dropped.
	if resp := officer.Do(t, report, map[string]any{"u": province}); len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("the report after the revoke: %s %+v", resp.Data, resp.Errors)
	}

	// Signing out ends the session for the next request, cache or not.
	officer.MustDo(t, `mutation { logout { loggedOut } }`, nil, nil)
	if resp := officer.Do(t, me, nil); resp.Status != http.StatusUnauthorized {
		t.Errorf("after logout: %d %+v", resp.Status, resp.Errors)
	}
}
