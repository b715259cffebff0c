package graph_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// statements returns how many SQL statements the request with id sent,
// from the server's request log.
func statements(t *testing.T, e *apitest.Env, requestID string) int {
	t.Helper()
	for line := range strings.SplitSeq(e.Logs(), "\n") {
		var entry struct {
			RequestID     string `json:"request_id"`
			Message       string
			SQLStatements *int `json:"sql_statements"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.RequestID == requestID && entry.Message == "request" && entry.SQLStatements != nil {
			return *entry.SQLStatements
		}
	}
	t.Fatalf("no request log line for %s", requestID)
	return 0
}

// The statements a dashboard query sends do not grow with the rows it
// returns: every nested field is loaded in batches.
func TestNoNPlusOne(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	campaign := tr.campaign(t, tr.province, "Tháng Thanh niên", 2022)
	var members []string
	for i := range 6 {
		members = append(members, tr.member(t, tr.branchA, fmt.Sprintf("Đoàn viên %d", i), nil))
	}
	for i := range 12 {
		tr.unit(t, &tr.bloc, "BRANCH", fmt.Sprintf("Chi đoàn thêm %d", i))
		var p struct{ Pledge struct{ ID string } }
		tr.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }",
			map[string]any{"unitId": tr.branchA, "year": 2022, "title": fmt.Sprintf("Cam kết %d", i)}, &p)
		tr.env.MustMutate(t, "pledgeSign", "PledgeSignInput", "pledge { id }",
			map[string]any{"pledgeId": p.Pledge.ID, "memberIds": members[:3], "signedOn": "2022-03-01"}, nil)
	}
	for i := range 12 {
		a := tr.activity(t, tr.branchA, fmt.Sprintf("Hoạt động %d", i), map[string]any{"campaignId": campaign,
			"guests": []map[string]any{{"name": "Khách mời"}}})
		var list []map[string]any
		for _, m := range members {
			list = append(list, map[string]any{"memberId": m, "volunteerHours": 2})
		}
		tr.record(t, a, list...)
		tr.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }",
			map[string]any{"activityId": a, "kind": "CASH", "description": "Tiền", "value": 1000}, nil)
		tr.commend(t, map[string]any{"form": "GIAY_KHEN", "title": fmt.Sprintf("Khen %d", i), "year": 2022,
			"issuer": map[string]any{"unitId": tr.branchA}, "recipientMemberId": members[i%len(members)]})
	}

	queries := map[string]string{
		"activities with participants": `query($n: Int) { activities(first: $n) { totalCount edges { node { title unit { name }
			campaign { name } guests { name } contributions { value } contributionTotal participantCount volunteerHours
			participants(first: 50) { totalCount edges { node { role member { fullName unit { name } } } } } } } } }`,
		"members with their records": `query($n: Int) { members(first: $n) { totalCount edges { node { fullName unit { name parent { name } }
			phone volunteerHours(year: 2022) ratings { level } events { kind }
			participations(year: 2022, first: 3) { totalCount edges { node { role activity { title } } } }
			commendations(first: 3) { totalCount edges { node { title } } } } } } }`,
		"commendations with recipients": `query($n: Int) { commendations(first: $n) { totalCount edges { node { title
			issuer { unit { name } name level } recipient { ... on Member { fullName unit { name } } ... on Unit { name } } } } } }`,
		"pledges with signatures": `query($n: Int) { pledges(first: $n) { edges { node { title signedCount
			signatures(first: 5) { totalCount edges { node { signedOn member { fullName } } } } } } } }`,
		"units with their children": `query($n: Int) { units(first: $n) { edges { node { name
			children(first: 5) { totalCount edges { node { name level } } } } } } }`,
		"units with stats": `query($n: Int) { units(first: $n) { edges { node { name parent { name } ancestors { name } stats(year: 2022) { activities } } } } }`,
	}
	// A loader waits a millisecond to gather keys; on a busy machine a few keys can
	// miss the window and go in a second batch. The fewest statements of a
	// few runs is the query's shape, which is what must not grow.
	fewest := func(q string, n int) int {
		best := 1 << 30
		for range 3 {
			resp := tr.env.Do(t, q, map[string]any{"n": n})
			if len(resp.Errors) > 0 {
				t.Fatalf("%+v", resp.Errors)
			}
			best = min(best, statements(t, tr.env, resp.RequestID))
		}
		return best
	}
	for name, q := range queries {
		a, b := fewest(q, 2), fewest(q, 12)
		t.Logf("%s: %d statements for 2 rows, %d for 12", name, a, b)
		if b != a {
			t.Errorf("%s: %d statements for 2 rows but %d for 12: something is loaded row by row", name, a, b)
		}
	}
}
