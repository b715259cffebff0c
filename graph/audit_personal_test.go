package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/sodoan/sodoan/graph/model"
)

// The audit log's row images hold members' personal details, so they follow
// the rule of the member's own fields: shown (and the reading logged as a
// READ) to those who may read them, null for anyone else; and the entry's
// account is shown only to those who may see that account.
func TestAuditLogPersonalData(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	ctx := context.Background()
	// memberA2 leaves for a branch outside the secretary's reach; the
	// entries of her time in branch A stay in branch A's log.
	branchD := c.unit(t, &c.district, "BRANCH", "Chi đoàn xã Phước Đại")
	c.env.MustMutate(t, "memberUpdate", "MemberUpdateInput", "__typename",
		map[string]any{"id": c.memberA2, "version": 1, "phone": "0905 111 222"}, nil)
	c.env.MustMutate(t, "membersRate", "MembersRateInput", "__typename",
		map[string]any{"year": 2022, "ratings": []map[string]any{{"memberId": c.memberA2, "level": "EXCELLENT", "comment": "Gương mẫu"}}}, nil)
	c.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "__typename",
		map[string]any{"id": c.memberA2, "version": 2, "toUnitId": branchD, "on": time.Now().Format(time.DateOnly)}, nil)
	// memberA stays; the bloc officer and the secretary each change it.
	c.as("bloc officer").MustDo(t, `mutation($in: MemberUpdateInput!) { memberUpdate(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": c.memberA, "version": 1, "phone": "0905 333 444"}}, nil)
	c.as("branch A secretary").MustDo(t, `mutation($in: MemberUpdateInput!) { memberUpdate(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": c.memberA, "version": 2, "address": "Phan Rang"}}, nil)

	type entry struct {
		Action, Entity string
		Account        *struct{ Username string }
		Before, After  map[string]any
	}
	read := func(role, memberID string) []entry {
		var out struct {
			AuditLog struct{ Edges []struct{ Node entry } }
		}
		resp := c.as(role).Do(t, `query($m: ID) { auditLog(filter: {memberId: $m}, first: 100) { edges { node {
			action entity account { username } before after } } } }`, map[string]any{"m": memberID})
		if len(resp.Errors) > 0 {
			t.Fatalf("%s: %+v", role, resp.Errors)
		}
		if err := jsonInto(resp.Data, &out); err != nil {
			t.Fatal(err)
		}
		var list []entry
		for _, e := range out.AuditLog.Edges {
			list = append(list, e.Node)
		}
		return list
	}
	reads := func(role, memberID string) int {
		var n int
		if err := c.env.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'READ' AND account_id = $1 AND member_id = $2`,
			c.ids[role], key(t, model.KindMember, memberID)).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	personalIn := func(list []entry) (shown, hidden int) {
		for _, e := range list {
			for _, img := range []map[string]any{e.Before, e.After} {
				switch {
				case img == nil || e.Entity != "members":
				case img["birth_date"] != nil:
					shown++
				case img["full_name"] != nil:
					hidden++
				}
			}
		}
		return shown, hidden
	}

	// The secretary no longer may read memberA2's details: the images in
	// her branch's log keep the name but not the details, and nothing is
	// logged as read.
	list := read("branch A secretary", c.memberA2)
	if shown, hidden := personalIn(list); shown != 0 || hidden == 0 {
		t.Errorf("secretary on a member who left: %d images with details, %d without: %+v", shown, hidden, list)
	}
	for _, e := range list {
		if e.Entity == "members" && e.After != nil && e.After["phone"] != nil {
			t.Errorf("phone shown: %+v", e.After)
		}
	}
	// Her history and ratings are personal through and through: only the
	// keys naming the row stay.
	seen := map[string]bool{}
	for _, e := range list {
		if e.Entity != "member_events" && e.Entity != "member_ratings" {
			continue
		}
		seen[e.Entity] = true
		for k, v := range e.After {
			if v != nil && k != "id" && k != "member_id" && k != "year" {
				t.Errorf("%s: %s shown: %+v", e.Entity, k, e.After)
			}
		}
		if e.After["member_id"] == nil {
			t.Errorf("%s: the row's member is gone too: %+v", e.Entity, e.After)
		}
	}
	if !seen["member_events"] || !seen["member_ratings"] {
		t.Errorf("entries of history and ratings missing from the secretary's view: %v", seen)
	}
	if n := reads("branch A secretary", c.memberA2); n != 0 {
		t.Errorf("%d READs logged for details not shown", n)
	}
	// An administrator may: shown, and the reading is logged.
	if shown, hidden := personalIn(read("admin", c.memberA2)); shown == 0 || hidden != 0 {
		t.Errorf("admin: %d shown, %d hidden", shown, hidden)
	}
	var adminReads int
	if err := c.env.Pool.QueryRow(ctx, `SELECT count(*) FROM audit_log a JOIN account_roles r ON r.account_id = a.account_id AND r.role = 'ADMIN'
		WHERE a.action = 'READ' AND a.member_id = $1`, key(t, model.KindMember, c.memberA2)).Scan(&adminReads); err != nil || adminReads != 1 {
		t.Errorf("admin's reading logged %d times (%v), want once", adminReads, err)
	}

	// memberA is the secretary's: details shown, reading logged once for
	// the request however many entries showed them.
	list = read("branch A secretary", c.memberA)
	if shown, hidden := personalIn(list); shown == 0 || hidden != 0 {
		t.Errorf("secretary on her member: %d shown, %d hidden", shown, hidden)
	}
	if n := reads("branch A secretary", c.memberA); n != 1 {
		t.Errorf("secretary's reading logged %d times, want 1", n)
	}
	// Accounts: her own and those she manages are shown; the bloc
	// officer's and the administrator's are not.
	actors := map[string]int{}
	for _, e := range list {
		name := "<none>"
		if e.Account != nil {
			name = e.Account.Username
		}
		actors[name]++
	}
	if actors["bithu.a"] == 0 || actors["doankhoi"] != 0 || actors["admin"] != 0 {
		t.Errorf("accounts shown to the secretary: %v", actors)
	}
	// The bloc officer manages its own account's unit and branch A.
	list = read("bloc officer", c.memberA)
	actors = map[string]int{}
	for _, e := range list {
		if e.Account != nil {
			actors[e.Account.Username]++
		}
	}
	if actors["bithu.a"] == 0 || actors["doankhoi"] == 0 || actors["admin"] != 0 {
		t.Errorf("accounts shown to the bloc officer: %v", actors)
	}
}
