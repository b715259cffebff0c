package graph_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

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
	tr := newTree(t, apitest.LoaderWait(25*time.Millisecond))
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
		"units with their members and activities": `query($n: Int) { units(first: $n) { edges { node { name
			members(filter: {statuses: [ACTIVE]}, first: 3) { totalCount edges { node { fullName } } }
			activities(filter: {year: 2022}, first: 2) { totalCount edges { node { title } } } } } } }`,
		"units with their activities' figures": `query($n: Int) { units(first: $n) { edges { node { name
			activities(first: 2) { edges { node { title participantCount volunteerHours
				participants(first: 2) { edges { node { member { fullName } } } } } } } } } } }`,
		"campaigns with their activities": `query($n: Int) { campaigns(first: $n) { edges { node { name
			activities(first: 3) { totalCount edges { node { title } } } } } } }`,
		"units with stats": `query($n: Int) { units(first: $n) { edges { node { name parent { name } ancestors { name } stats(year: 2022) { activities } } } } }`,
	}
	// A loader waits a millisecond to gather keys; on a busy machine a few keys can
	// miss the window and go in a second batch, so this test's loaders wait
	// 25 ms, and the fewest statements of a few runs is the query's shape,
	// which is what must not grow (with a 1 ms window and three runs, a
	// loaded CI machine split a batch in every one of them).
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

// A nested list's first page, batched across parents, is the same page the
// top-level list gives for that parent, and its cursor walks on correctly.
func TestNestedListsMatchTopLevel(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	campaign := tr.campaign(t, tr.province, "Tháng Thanh niên", 2022)
	for i := range 5 {
		tr.member(t, tr.branchA, fmt.Sprintf("Nguyễn Văn %c", 'A'+i), nil)
		tr.member(t, tr.branchB, fmt.Sprintf("Trần Thị %c", 'A'+i), map[string]any{"gender": "MALE"})
		tr.activity(t, tr.branchA, fmt.Sprintf("Sinh hoạt %d", i), map[string]any{"campaignId": campaign, "startsOn": fmt.Sprintf("2022-0%d-10", i+1)})
		tr.activity(t, tr.branchB, fmt.Sprintf("Lao động %d", i), map[string]any{"startsOn": fmt.Sprintf("2022-0%d-12", i+1)})
	}
	type conn struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				Name  string `json:"fullName"`
				Title string
			}
		}
		PageInfo struct {
			HasNextPage bool
			EndCursor   string
		}
	}
	const mSel = `totalCount edges { node { fullName } } pageInfo { hasNextPage endCursor }`
	const aSel = `totalCount edges { node { title } } pageInfo { hasNextPage endCursor }`
	var nested struct {
		Units struct {
			Edges []struct {
				Node struct {
					ID         string
					Members    conn
					Activities conn
					InCampaign conn
				}
			}
		}
		Campaign struct{ Activities conn } `json:"node"`
	}
	tr.env.MustDo(t, `query($c: ID!) { units(first: 10) { edges { node { id
		members(filter: {gender: MALE}, orderBy: NAME, first: 2) { `+mSel+` }
		activities(filter: {year: 2022}, orderBy: STARTS_ON, first: 3) { `+aSel+` }
		inCampaign: activities(filter: {campaignId: $c}, first: 2) { `+aSel+` } } } }
		node(id: $c) { ... on Campaign { activities(first: 2) { `+aSel+` } } } }`, map[string]any{"c": campaign}, &nested)
	if len(nested.Units.Edges) != 5 {
		t.Fatalf("%d units", len(nested.Units.Edges))
	}
	for _, u := range nested.Units.Edges {
		var flat struct{ Members, Activities, InCampaign conn }
		tr.env.MustDo(t, `query($u: ID!, $c: ID!) { members(filter: {unitId: $u, gender: MALE}, orderBy: NAME, first: 2) { `+mSel+` }
			activities(filter: {unitId: $u, year: 2022}, orderBy: STARTS_ON, first: 3) { `+aSel+` }
			inCampaign: activities(filter: {unitId: $u, campaignId: $c}, first: 2) { `+aSel+` } }`,
			map[string]any{"u": u.Node.ID, "c": campaign}, &flat)
		if fmt.Sprint(flat.InCampaign) != fmt.Sprint(u.Node.InCampaign) {
			t.Errorf("unit %s's activities in the campaign, nested %+v, top-level %+v", u.Node.ID, u.Node.InCampaign, flat.InCampaign)
		}
		if fmt.Sprint(flat.Members) != fmt.Sprint(u.Node.Members) || fmt.Sprint(flat.Activities) != fmt.Sprint(u.Node.Activities) {
			t.Errorf("unit %s nested:\n%+v\n%+v\ntop-level:\n%+v\n%+v", u.Node.ID, u.Node.Members, u.Node.Activities, flat.Members, flat.Activities)
		}
		if u.Node.Members.PageInfo.HasNextPage {
			var next struct{ Node struct{ Members conn } }
			tr.env.MustDo(t, `query($u: ID!, $a: String) { node(id: $u) { ... on Unit { members(filter: {gender: MALE}, orderBy: NAME, first: 2, after: $a) { `+mSel+` } } } }`,
				map[string]any{"u": u.Node.ID, "a": u.Node.Members.PageInfo.EndCursor}, &next)
			if len(next.Node.Members.Edges) == 0 || next.Node.Members.Edges[0].Node.Name <= u.Node.Members.Edges[1].Node.Name {
				t.Errorf("second page after the nested first: %+v", next.Node.Members)
			}
		}
	}
	if c := nested.Campaign.Activities; c.TotalCount != 5 || len(c.Edges) != 2 || c.Edges[0].Node.Title != "Sinh hoạt 4" || !c.PageInfo.HasNextPage {
		t.Errorf("campaign's activities: %+v", c)
	}
}

// Lists over a large subtree (more than subtree.MaxSmall units) walk the
// table in order, over a small one read unit by unit; both give the same
// order and pages.
func TestListShapesAgree(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var names []string
	var days []string
	for i := range 42 {
		b := tr.unit(t, &tr.bloc, "BRANCH", fmt.Sprintf("Chi đoàn số %02d", i))
		name := fmt.Sprintf("Đoàn viên %02d", (i*17)%42)
		names = append(names, name)
		tr.member(t, b, name, nil)
		day := fmt.Sprintf("2022-%02d-%02d", 1+(i*5)%12, 1+(i*7)%28)
		days = append(days, day)
		tr.activity(t, b, "Hoạt động "+day, map[string]any{"startsOn": day})
	}
	slices.Sort(names)
	slices.Sort(days)
	slices.Reverse(days)
	walk := func(query, unit string, pick func(json.RawMessage) ([]string, string, bool)) []string {
		var all []string
		after := ""
		for {
			vars := map[string]any{"u": unit}
			if after != "" {
				vars["a"] = after
			}
			resp := tr.env.Do(t, query, vars)
			if len(resp.Errors) > 0 {
				t.Fatalf("%+v", resp.Errors)
			}
			got, end, more := pick(resp.Data)
			all = append(all, got...)
			if !more {
				return all
			}
			after = end
		}
	}
	// pageOf reads the list named list of a response: each row's one
	// field, the end cursor and whether more follow.
	pageOf := func(list string) func(json.RawMessage) ([]string, string, bool) {
		return func(data json.RawMessage) ([]string, string, bool) {
			var out map[string]struct {
				Edges    []struct{ Node map[string]string }
				PageInfo struct {
					HasNextPage bool
					EndCursor   string
				}
			}
			_ = json.Unmarshal(data, &out)
			var got []string
			for _, e := range out[list].Edges {
				for _, v := range e.Node {
					got = append(got, v)
				}
			}
			return got, out[list].PageInfo.EndCursor, out[list].PageInfo.HasNextPage
		}
	}
	members, activities := pageOf("members"), pageOf("activities")
	const mq = `query($u: ID!, $a: String) { members(filter: {unitId: $u}, first: 10, after: $a) { edges { node { fullName } } pageInfo { hasNextPage endCursor } } }`
	const aq = `query($u: ID!, $a: String) { activities(filter: {unitId: $u}, first: 10, after: $a) { edges { node { startsOn } } pageInfo { hasNextPage endCursor } } }`
	// The bloc holds 45 units (large); branch A is one (small).
	if got := walk(mq, tr.bloc, members); !slices.Equal(got, names) {
		t.Errorf("bloc's members by name:\n got %v\nwant %v", got, names)
	}
	if got := walk(aq, tr.bloc, activities); !slices.Equal(got, days) {
		t.Errorf("bloc's activities newest first:\n got %v\nwant %v", got, days)
	}
	// Nested under the bloc, the first pages are read unit by unit.
	var nested struct {
		Node struct {
			Members, Activities struct {
				TotalCount int
				Edges      []struct {
					Node struct{ FullName, StartsOn string }
				}
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { node(id: $u) { ... on Unit { members(first: 10) { totalCount edges { node { fullName } } }
		activities(first: 10) { totalCount edges { node { startsOn } } } } } }`, map[string]any{"u": tr.bloc}, &nested)
	var gotNames, gotDays []string
	for i := range nested.Node.Members.Edges {
		gotNames = append(gotNames, nested.Node.Members.Edges[i].Node.FullName)
		gotDays = append(gotDays, nested.Node.Activities.Edges[i].Node.StartsOn)
	}
	if nested.Node.Members.TotalCount != 42 || nested.Node.Activities.TotalCount != 42 ||
		!slices.Equal(gotNames, names[:10]) || !slices.Equal(gotDays, days[:10]) {
		t.Errorf("bloc's nested lists: %v %v, counts %d %d", gotNames, gotDays, nested.Node.Members.TotalCount, nested.Node.Activities.TotalCount)
	}
}

// A page of a report's pledges is loaded in one statement, however the
// loader's waits split the figures' resolvers. With a loader that waits a
// nanosecond, each pledge would be a statement of its own.
func TestReportPledgesLoadOnce(t *testing.T) {
	t.Parallel()
	tr := newTree(t, apitest.LoaderWait(time.Nanosecond))
	for i := range 12 {
		tr.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }",
			map[string]any{"unitId": tr.branchA, "year": 2022, "title": fmt.Sprintf("Cam kết %d", i)}, nil)
	}
	count := func(selection string) (int, int) {
		t.Helper()
		resp := tr.env.Do(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { pledges(first: 50) { edges { node { `+selection+` } } } } }`,
			map[string]any{"u": tr.province})
		if len(resp.Errors) > 0 {
			t.Fatalf("%+v", resp.Errors)
		}
		var data struct {
			YearlyReport struct {
				Pledges struct{ Edges []json.RawMessage }
			}
		}
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		return len(data.YearlyReport.Pledges.Edges), statements(t, tr.env, resp.RequestID)
	}
	n, figuresOnly := count("signed")
	m, withPledges := count("signed pledge { title }")
	if n != 12 || m != 12 {
		t.Fatalf("%d and %d pledges listed, want 12", n, m)
	}
	if withPledges != figuresOnly+1 {
		t.Errorf("%d statements with the pledges' titles, %d without: want one more, all pledges in one load", withPledges, figuresOnly)
	}
}

// A pledges page the connection refuses reads no pledges: the report
// runs the statements it would without the field, and the field fails.
func TestRefusedPledgesPageReadsNothing(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }",
		map[string]any{"unitId": tr.branchA, "year": 2022, "title": "Cam kết học tập suốt đời"}, nil)
	run := func(selection string) (int, int) {
		t.Helper()
		resp := tr.env.Do(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { newsPublished `+selection+` } }`,
			map[string]any{"u": tr.province})
		return len(resp.Errors), statements(t, tr.env, resp.RequestID)
	}
	_, without := run("")
	refusedErrors, refused := run("pledges(first: 0) { totalCount }")
	readErrors, read := run("pledges(first: 5) { totalCount }")
	if refusedErrors != 1 || readErrors != 0 {
		t.Fatalf("errors: %d with first 0 (want 1), %d with first 5 (want 0)", refusedErrors, readErrors)
	}
	if refused != without || read != without+1 {
		t.Errorf("statements: %d without pledges, %d for a refused page (want the same), %d for a page (want one more)", without, refused, read)
	}
}

// A list asked only for its count reads no page: fewer statements than
// the same list with its edges, and the same count; a fragment selecting
// the edges still reads them.
func TestCountOnlyLists(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	for _, title := range []string{"Ngày Chủ nhật xanh", "Hiến máu nhân đạo", "Tiếp sức mùa thi"} {
		tr.env.MustMutate(t, "activityCreate", "ActivityCreateInput", "activity { id }", map[string]any{"unitId": tr.branchA,
			"title": title, "kind": "VOLUNTEER_WORK", "workArea": "YOUTH_VOLUNTEERING", "startsOn": "2022-04-10"}, nil)
	}
	ask := func(q string) (int, int, int) {
		t.Helper()
		resp := tr.env.Do(t, q, map[string]any{"u": tr.bloc})
		if len(resp.Errors) > 0 {
			t.Fatalf("%+v", resp.Errors)
		}
		var out struct {
			Activities struct {
				TotalCount int
				Edges      []json.RawMessage
			}
		}
		if err := json.Unmarshal(resp.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out.Activities.TotalCount, len(out.Activities.Edges), statements(t, tr.env, resp.RequestID)
	}
	count, noEdges, countOnly := ask(`query($u: ID!) { activities(filter: {unitId: $u}) { totalCount } }`)
	full, edges, withPage := ask(`query($u: ID!) { activities(filter: {unitId: $u}) { totalCount ... on ActivityConnection { edges { node { title } } } } }`)
	if count != 3 || full != 3 || noEdges != 0 || edges != 3 {
		t.Errorf("counts %d and %d, edges %d and %d", count, full, noEdges, edges)
	}
	if countOnly >= withPage {
		t.Errorf("the count alone sent %d statements, the count and the page %d: the page was read for nothing", countOnly, withPage)
	}
	var units struct{ Units struct{ TotalCount int } }
	tr.env.MustDo(t, `query($u: ID!) { units(filter: {withinUnitId: $u}) { totalCount } }`, map[string]any{"u": tr.bloc}, &units)
	if units.Units.TotalCount < 3 {
		t.Errorf("units below the bloc: %d", units.Units.TotalCount)
	}
}

// A page of activities loads its nodes' totals and first pages of
// participants for the whole page, ahead of the nodes (graph/prefetch.go):
// what each node answers is what it answers asked alone, through its own
// loaders, whatever the aliases, page sizes, later pages and deferred
// fields the query mixes.
func TestPrefetchedActivityFields(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var members []string
	for i := range 4 {
		members = append(members, tr.member(t, tr.branchA, fmt.Sprintf("Người tham gia %d", i), nil))
	}
	var ids []string
	for i := range 3 {
		a := tr.activity(t, tr.branchA, fmt.Sprintf("Sinh hoạt chi đoàn %d", i), nil)
		var list []map[string]any
		for _, m := range members[:i+2] {
			list = append(list, map[string]any{"memberId": m, "volunteerHours": 1.5})
		}
		tr.record(t, a, list...)
		ids = append(ids, a)
	}
	const fields = `participantCount volunteerHours contributionTotal
		participants(first: 2) { edges { cursor node { role member { fullName } } } }
		more: participants(first: 3) { edges { node { member { id } } } }`
	type node map[string]any
	alone := map[string]node{}
	for _, id := range ids {
		var out struct{ Activity node }
		tr.env.MustDo(t, `query($id: ID!) { activity(id: $id) { id `+fields+` } }`, map[string]any{"id": id}, &out)
		alone[id] = out.Activity
	}
	lists := map[string]string{
		"the activities query": `query($u: ID!) { activities(filter: {unitId: $u}) { edges { node { id ` + fields + ` } } } }`,
		"a unit's activities":  `query($u: ID!) { unit(id: $u) { activities { edges { node { id ` + fields + ` } } } } }`,
		"units' activities":    `query($u: ID!) { units(filter: {withinUnitId: $u}) { edges { node { activities { edges { node { id ` + fields + ` } } } } } } }`,
	}
	for name, q := range lists {
		resp := tr.env.Do(t, q, map[string]any{"u": tr.branchA})
		if len(resp.Errors) > 0 {
			t.Fatalf("%s: %+v", name, resp.Errors)
		}
		seen := 0
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				if id, ok := v["id"].(string); ok && alone[id] != nil {
					seen++
					for k, want := range alone[id] {
						if got, _ := json.Marshal(v[k]); string(got) != string(must(json.Marshal(want))) {
							t.Errorf("%s: %s of %s is %s in the list, %s alone", name, k, id, got, must(json.Marshal(want)))
						}
					}
					return
				}
				for _, c := range v {
					walk(c)
				}
			case []any:
				for _, c := range v {
					walk(c)
				}
			}
		}
		var data any
		if err := json.Unmarshal(resp.Data, &data); err != nil {
			t.Fatal(err)
		}
		walk(data)
		if seen != len(ids) {
			t.Errorf("%s: found %d of the %d activities in %s", name, seen, len(ids), resp.Data)
		}
	}
	// A deferred count comes in a later part, resolved as gqlgen always
	// does, with what the node itself answers.
	body, _ := json.Marshal(map[string]any{"query": `query($u: ID!) { activities(filter: {unitId: $u}) { edges { node { id
		participantCount ... @defer { deferredCount: participantCount } } } } }`, "variables": map[string]any{"u": tr.branchA}})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "multipart/mixed; deferSpec=20220824, application/json")
	req.Header.Set("Authorization", "Bearer "+tr.env.AdminToken)
	rec := httptest.NewRecorder()
	tr.env.Handler.ServeHTTP(rec, req)
	for n := 2; n <= 4; n++ {
		if got := strings.Count(rec.Body.String(), fmt.Sprintf(`"deferredCount":%d`, n)); got != 1 {
			t.Errorf("deferred count %d appears %d times in %s", n, got, rec.Body)
		}
	}
	// A later page of participants is read on its own, as before.
	var first struct {
		Activity struct {
			Participants struct{ Edges []struct{ Cursor string } }
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { activity(id: $id) { participants(first: 1) { edges { cursor } } } }`,
		map[string]any{"id": ids[2]}, &first)
	var later struct {
		Activities struct {
			Edges []struct {
				Node struct {
					ID           string
					Participants struct {
						Edges []struct {
							Node struct{ Member struct{ FullName string } }
						}
					}
				}
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!, $after: String) { activities(filter: {unitId: $u}) { edges { node { id
		participants(first: 1, after: $after) { edges { node { member { fullName } } } } } } } }`,
		map[string]any{"u": tr.branchA, "after": first.Activity.Participants.Edges[0].Cursor}, &later)
	for _, e := range later.Activities.Edges {
		if e.Node.ID == ids[2] && (len(e.Node.Participants.Edges) != 1 || e.Node.Participants.Edges[0].Node.Member.FullName != "Người tham gia 1") {
			t.Errorf("the page after the first participant: %+v", e.Node.Participants)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// The page's nodes take their prefetched fields without waiting on their
// loaders: with loaders that wait three seconds for keys, a lone page of
// activities with their counts and participants answers well before one
// wait is over (read through the loaders, each level would pay it). A
// page size the field refuses is reported on the field, as without the
// prefetch.
func TestPrefetchSkipsTheLoadersWait(t *testing.T) {
	t.Parallel()
	tr := newTree(t, apitest.LoaderWait(3*time.Second))
	m := tr.member(t, tr.branchA, "Đoàn viên chờ", nil)
	a := tr.activity(t, tr.branchA, "Ra quân tình nguyện", nil)
	tr.record(t, a, map[string]any{"memberId": m, "volunteerHours": 2})
	start := time.Now()
	var out struct {
		Activities struct {
			Edges []struct {
				Node struct {
					ParticipantCount int
					Participants     struct {
						Edges []struct {
							Node struct{ Member struct{ FullName string } }
						}
					}
				}
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { activities(filter: {unitId: $u}) { edges { node { participantCount
		participants(first: 5) { edges { node { member { fullName } } } } } } } }`, map[string]any{"u": tr.branchA}, &out)
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("the page took %s: its nodes waited on their loaders", took)
	}
	if e := out.Activities.Edges; len(e) != 1 || e[0].Node.ParticipantCount != 1 ||
		len(e[0].Node.Participants.Edges) != 1 || e[0].Node.Participants.Edges[0].Node.Member.FullName != "Đoàn viên chờ" {
		t.Errorf("answer %+v", out)
	}
	for _, first := range []int{-1} {
		resp := tr.env.Do(t, `query($u: ID!, $n: Int) { activities(filter: {unitId: $u}) { edges { node { participantCount
			participants(first: $n) { edges { node { member { fullName } } } } } } } }`, map[string]any{"u": tr.branchA, "n": first})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
			!strings.Contains(strings.Join(pathOf(resp.Errors[0].Path), "."), "participants") {
			t.Errorf("participants(first: %d): %+v", first, resp.Errors)
		}
	}
}

func pathOf(p []any) []string {
	out := make([]string, len(p))
	for i, v := range p {
		out[i] = fmt.Sprint(v)
	}
	return out
}
