package graph_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
)

// mutationsOutsideTheMatrix are tested elsewhere, since no unit decides
// who may run them.
var mutationsOutsideTheMatrix = map[string]string{
	"login":          "account_test.go",
	"logout":         "account_test.go",
	"passwordChange": "account_test.go",
	"visitRecord":    "news_test.go",
}

// The permission matrix tries every mutation a unit's managers run: a new
// mutation without a case there fails here.
func TestMatrixCoversEveryMutation(t *testing.T) {
	var cased []string
	for _, mc := range mutationCases() {
		name, _, _ := strings.Cut(mc.name, " ")
		cased = append(cased, name)
	}
	for _, f := range graph.NewExecutableSchema(graph.Config{}).Schema().Mutation.Fields {
		if _, ok := mutationsOutsideTheMatrix[f.Name]; !ok && !slices.Contains(cased, f.Name) {
			t.Errorf("mutation %s has no case in mutationCases (access_test.go): say who may run it on branch A", f.Name)
		}
	}
}

// An age is read from a birth date: an age filter matches only members
// whose birth date the caller may read, and those matches are logged as
// reads. Before, an officer of another unit who is a plain member of
// branch A learnt which of her fellow members were over 28.
func TestAgeFilterMatchesOnlyReadableMembers(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	e := c.env
	self := c.member(t, c.branchA, "Đặng Thu Hà", nil) // born 1998, like every fixture member
	branchA, district := key(t, model.KindUnit, c.branchA), key(t, model.KindUnit, c.district)
	id := e.Account(t, "thuha.huyendoan", &branchA, ptr(key(t, model.KindMember, self)))
	e.Grant(t, id, account.Officer, &district)
	elsewhere := e.As(e.Session(t, id))

	for _, q := range []string{
		`query($a: ID!) { members(filter: {unitId: $a, minAge: 18}) { totalCount edges { node { id } } } }`,
		`query($a: ID!) { unit(id: $a) { members(filter: {minAge: 18}) { totalCount edges { node { id } } } } }`,
		`query($a: ID!) { members(filter: {unitId: $a, turns30By: "31/12/2999"}) { totalCount edges { node { id } } } }`,
	} {
		resp := elsewhere.Do(t, q, map[string]any{"a": c.branchA})
		data := string(resp.Data)
		if len(resp.Errors) > 0 || !strings.Contains(data, `"totalCount":1,"edges":[{"node":{"id":"`+self+`"}}]`) {
			t.Errorf("%s as an officer elsewhere who is a member of A: want only herself, got %s %+v", q, data, resp.Errors)
		}
	}

	// The bloc officer reads A's birth dates: the filter matches them, and
	// each match is a logged read.
	reads := func() int {
		var n int
		if err := e.Pool.QueryRow(context.Background(), `SELECT count(DISTINCT member_id) FROM audit_log
			WHERE action = 'READ' AND account_id = $1`, c.ids["bloc officer"]).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := reads()
	var out struct{ Members struct{ TotalCount int } }
	e.As(c.tokens["bloc officer"]).MustDo(t, `query($a: ID!) { members(filter: {unitId: $a, minAge: 18}) { totalCount edges { node { id } } } }`,
		map[string]any{"a": c.branchA}, &out)
	if out.Members.TotalCount != 4 {
		t.Errorf("the bloc officer's age filter matched %d of branch A's 4 members", out.Members.TotalCount)
	}
	if got := reads() - before; got != 4 {
		t.Errorf("%d members' reads logged for the bloc officer's age filter, want 4", got)
	}
}

// Every audit entry of a record type's table carries the record's global
// ID, which node(id:) takes back to the record: posts and plan targets
// carried bare row numbers.
func TestAuditEntriesLinkToTheirRecords(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	e := c.env
	post := c.post(t, c.branchA, "Tin hoạt động", "Nội dung")
	var plan struct {
		Plan struct{ Targets []struct{ ID string } }
	}
	e.MustMutate(t, "planSet", "PlanSetInput", "plan { targets { id } }",
		map[string]any{"unitId": c.branchA, "year": 2023, "targets": []map[string]any{{"metric": "ADMISSIONS", "target": 5}}}, &plan)
	c.activity(t, c.branchA, "Hiến máu", nil)

	var log struct {
		AuditLog struct {
			Edges []struct {
				Node struct{ Entity, RecordID string }
			}
		}
	}
	e.MustDo(t, `{ auditLog(first: 100) { edges { node { entity recordId } } } }`, nil, &log)
	linked := map[string]string{}
	for _, edge := range log.AuditLog.Edges {
		n := edge.Node
		switch n.Entity {
		case "posts", "plan_targets", "units", "members", "activities":
			linked[n.Entity] = n.RecordID
		}
	}
	for _, table := range []string{"posts", "plan_targets", "units", "members", "activities"} {
		id, ok := linked[table]
		if !ok {
			t.Errorf("no audit entry of %s", table)
			continue
		}
		var out struct {
			Node *struct{ ID string } `json:"node"`
		}
		resp := e.Do(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id})
		if err := jsonInto(resp.Data, &out); err != nil || len(resp.Errors) > 0 || out.Node == nil || out.Node.ID != id {
			t.Errorf("%s: the audit entry's recordId %q does not lead back to the record: %s %+v", table, id, resp.Data, resp.Errors)
		}
	}
	if want := plan.Plan.Targets[0].ID; linked["plan_targets"] != want {
		t.Errorf("plan target's audit ID %q, want %q", linked["plan_targets"], want)
	}
	if linked["posts"] != post {
		t.Errorf("post's audit ID %q, want %q", linked["posts"], post)
	}
}
