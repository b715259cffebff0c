package graph_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/apitest"
)

type memberOut struct {
	ID         string
	FullName   string
	Gender     string
	BirthDate  string
	JoinedOn   string
	CardNumber *string
	Position   string
	Phone      *string
	Email      *string
	Status     string
	Version    int
	Unit       struct{ ID string }
	Events     []struct {
		Kind           string
		OccurredOn     string
		DecisionNumber *string
		Unit           *struct{ ID string }
		FromUnit       *struct{ ID string }
		ToUnit         *struct{ ID string }
		FromExternal   *string
		ToExternal     *string
	}
}

const memberFields = `id fullName gender birthDate joinedOn cardNumber position phone email status version unit { id }
	events { kind occurredOn decisionNumber unit { id } fromUnit { id } toUnit { id } fromExternal toExternal }`

func (tr *tree) getMember(t *testing.T, id string) memberOut {
	t.Helper()
	var out struct{ Member memberOut }
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { `+memberFields+` } }`, map[string]any{"id": id}, &out)
	return out.Member
}

func TestMemberCreateReadsBack(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	id := tr.member(t, tr.branchA, "  Nguyễn Thị Hồng Nhung ", map[string]any{
		"gender": "FEMALE", "birthDate": "1997-02-03", "joinedOn": "2013-03-26", "cardNumber": "045123",
		"position": "SECRETARY", "phone": "0912 345 678", "email": "nhung.nt@ninhthuan.gov.vn",
		"admissionDecisionNumber": "12-QĐ/ĐTN",
	})
	m := tr.getMember(t, id)
	if m.FullName != "Nguyễn Thị Hồng Nhung" || m.BirthDate != "1997-02-03" || m.JoinedOn != "2013-03-26" ||
		*m.CardNumber != "045123" || m.Position != "SECRETARY" || *m.Phone != "0912 345 678" ||
		m.Status != "ACTIVE" || m.Unit.ID != tr.branchA || m.Version != 1 {
		t.Errorf("member = %+v", m)
	}
	if len(m.Events) != 1 || m.Events[0].Kind != "ADMITTED" || m.Events[0].OccurredOn != "2013-03-26" ||
		*m.Events[0].DecisionNumber != "12-QĐ/ĐTN" || m.Events[0].Unit.ID != tr.branchA {
		t.Errorf("admission event = %+v", m.Events)
	}

	arrived := tr.member(t, tr.branchA, "Phạm Quốc Huy", map[string]any{
		"arrival": map[string]any{"fromExternal": "Chi đoàn Sở Y tế tỉnh Khánh Hòa", "on": "2022-03-01", "decisionNumber": "03-QĐ/ĐK"},
	})
	a := tr.getMember(t, arrived)
	if len(a.Events) != 1 || a.Events[0].Kind != "TRANSFERRED" || *a.Events[0].FromExternal != "Chi đoàn Sở Y tế tỉnh Khánh Hòa" ||
		a.Events[0].ToUnit == nil || a.Events[0].ToUnit.ID != tr.branchA {
		t.Errorf("arrival event = %+v", a.Events)
	}
}

// Every bad member input is refused with the field at fault and nothing is
// written, neither the member nor its history.
func TestMemberCreateRefused(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.member(t, tr.branchA, "Võ Minh Tâm", map[string]any{"cardNumber": "TAKEN-01"})
	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)

	tr.refused(t, "member", map[string]any{
		"unitId": tr.branchA, "fullName": "Đặng Thu Trang", "gender": "FEMALE",
		"birthDate": "1999-09-09", "joinedOn": "2015-09-09",
	}, []refusal{
		{"blank name", map[string]any{"fullName": " "}, []string{"input.fullName:REQUIRED"}},
		{"name too long", map[string]any{"fullName": strings.Repeat("a", 201)}, []string{"input.fullName:TOO_LONG"}},
		{"born in the future", map[string]any{"birthDate": tomorrow, "joinedOn": tomorrow}, []string{"input.birthDate:OUT_OF_RANGE", "input.joinedOn:OUT_OF_RANGE"}},
		{"joined at 14", map[string]any{"birthDate": "2000-06-01", "joinedOn": "2014-06-01"}, []string{"input.joinedOn:OUT_OF_RANGE"}},
		{"joined at 31", map[string]any{"birthDate": "1980-06-01", "joinedOn": "2011-06-02"}, []string{"input.joinedOn:OUT_OF_RANGE"}},
		{"duplicate card", map[string]any{"cardNumber": "TAKEN-01"}, []string{"input.cardNumber:DUPLICATE"}},
		{"card with spaces", map[string]any{"cardNumber": "12 34"}, []string{"input.cardNumber:INVALID"}},
		{"bad email", map[string]any{"email": "nhung@"}, []string{"input.email:INVALID"}},
		{"bad phone", map[string]any{"phone": "gọi tôi"}, []string{"input.phone:INVALID"}},
		{"into a bloc", map[string]any{"unitId": tr.bloc}, []string{"input.unitId:NOT_ALLOWED"}},
		{"unknown unit", map[string]any{"unitId": "VW5pdDo5OTk5"}, []string{"input.unitId:NOT_FOUND"}},
		{"arrival before joining", map[string]any{"arrival": map[string]any{"fromExternal": "Tỉnh đoàn Bình Thuận", "on": "2010-01-01"}},
			[]string{"input.arrival.on:DATE_ORDER"}},
		{"arrival without origin", map[string]any{"arrival": map[string]any{"fromExternal": "", "on": "2020-01-01"}},
			[]string{"input.arrival.fromExternal:REQUIRED"}},
	}, "members", "member_events")
}

// Dates and amounts are accepted as a secretary types them (29/12/2000,
// "2.450.000 đ"); a date that does not exist, or one written month first,
// is refused before any resolver runs, with a message showing the form
// expected, and writes nothing.
func TestMemberScalarErrors(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	create := func(birth string) apitest.Response {
		return tr.env.Do(t, `mutation($input: MemberCreateInput!) { memberCreate(input: $input) { member { birthDate } } }`,
			map[string]any{"input": map[string]any{"unitId": tr.branchA, "fullName": "Lý Gia Hân", "gender": "FEMALE",
				"birthDate": birth, "joinedOn": "01/01/2017"}})
	}
	for _, birth := range []string{"31/02/2000", "12/29/2000", "29/12/00"} {
		resp := create(birth)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
			!strings.Contains(resp.Errors[0].Message, "26/03/2026") {
			t.Errorf("birthDate %q: want a BAD_USER_INPUT error showing the form 26/03/2026, got %+v", birth, resp.Errors)
		}
	}
	if n := tr.env.Count(t, "members"); n != 0 {
		t.Errorf("%d members written", n)
	}
	var out struct {
		MemberCreate struct{ Member struct{ BirthDate string } }
	}
	resp := create("29/12/2000")
	if len(resp.Errors) != 0 || json.Unmarshal(resp.Data, &out) != nil || out.MemberCreate.Member.BirthDate != "2000-12-29" {
		t.Errorf("birthDate 29/12/2000: %s %+v", resp.Data, resp.Errors)
	}
}

func TestMemberSearchFilterAndOrder(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	thisYear := time.Now().Year()
	names := []struct {
		name, gender, position string
		born                   int
	}{
		{"Nguyễn Văn An", "MALE", "MEMBER", thisYear - 25},
		{"Trần Thị Bình", "FEMALE", "SECRETARY", thisYear - 28},
		{"Lê Hoàng Anh", "MALE", "MEMBER", thisYear - 19},
		{"Phạm Ngọc Ánh", "FEMALE", "DEPUTY_SECRETARY", thisYear - 22},
		{"Đỗ Thành Đạt", "MALE", "COMMITTEE_MEMBER", thisYear - 30},
		{"Nguyễn Thị Yến", "FEMALE", "MEMBER", thisYear - 20},
		{"Huỳnh Văn Cường", "MALE", "MEMBER", thisYear - 27},
	}
	for _, n := range names {
		tr.member(t, tr.branchA, n.name, map[string]any{
			"gender": n.gender, "position": n.position,
			"birthDate": fmt.Sprintf("%d-01-15", n.born), "joinedOn": fmt.Sprintf("%d-03-26", n.born+17),
		})
	}
	tr.member(t, tr.branchB, "Nguyễn Văn Ân", nil)

	list := func(filter string, vars map[string]any) []string {
		t.Helper()
		var out struct {
			Members struct {
				Edges []struct{ Node struct{ FullName string } }
			}
		}
		tr.env.MustDo(t, `query($unit: ID, $search: String) { members(filter: {unitId: $unit, search: $search `+filter+`}, first: 50) { edges { node { fullName } } } }`, vars, &out)
		var got []string
		for _, e := range out.Members.Edges {
			got = append(got, e.Node.FullName)
		}
		return got
	}
	branch := map[string]any{"unit": tr.branchA}
	// Vietnamese order: by given name (the last word), accents ignored.
	want := []string{"Nguyễn Văn An", "Lê Hoàng Anh", "Phạm Ngọc Ánh", "Trần Thị Bình", "Huỳnh Văn Cường", "Đỗ Thành Đạt", "Nguyễn Thị Yến"}
	if got := list("", branch); !slices.Equal(got, want) {
		t.Errorf("order = %v\nwant    %v", got, want)
	}
	tests := []struct {
		name, filter string
		vars         map[string]any
		want         []string
	}{
		{"accent-free search", "", map[string]any{"unit": tr.branchA, "search": "nguyen van an"}, []string{"Nguyễn Văn An"}},
		{"search across the bloc", "", map[string]any{"unit": tr.bloc, "search": "NGUYEN VAN"}, []string{"Nguyễn Văn An", "Nguyễn Văn Ân"}},
		{"search with diacritics", "", map[string]any{"unit": tr.branchA, "search": "Cường"}, []string{"Huỳnh Văn Cường"}},
		{"no match", "", map[string]any{"unit": tr.branchA, "search": "xyz"}, nil},
		{"wildcards are literal", "", map[string]any{"unit": tr.branchA, "search": "%"}, nil},
		{"gender", "gender: FEMALE", branch, []string{"Phạm Ngọc Ánh", "Trần Thị Bình", "Nguyễn Thị Yến"}},
		{"positions", "positions: [SECRETARY, DEPUTY_SECRETARY]", branch, []string{"Phạm Ngọc Ánh", "Trần Thị Bình"}},
		{"age band 20-25", "minAge: 20, maxAge: 25", branch, []string{"Nguyễn Văn An", "Phạm Ngọc Ánh", "Nguyễn Thị Yến"}},
		{"statuses", "statuses: [AGED_OUT]", branch, nil},
		{"reaching 30 by the year's end", fmt.Sprintf(`turns30By: "31/12/%d"`, thisYear), branch, []string{"Đỗ Thành Đạt"}},
		{"not yet 30 the day before", fmt.Sprintf(`turns30By: "%d-01-14"`, thisYear), branch, nil},
		{"reaching 30 within the next two years", fmt.Sprintf(`turns30From: "01/01/%d", turns30By: "31/12/%d"`, thisYear+1, thisYear+2),
			branch, []string{"Trần Thị Bình"}},
	}
	for _, tt := range tests {
		if got := list(tt.filter, tt.vars); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
	for _, filter := range []string{`turns30From: "2026-01-01"`, `turns30From: "2027-01-01", turns30By: "2026-12-31"`} {
		resp := tr.env.Do(t, `{ members(filter: {`+filter+`}) { totalCount } }`, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: want BAD_USER_INPUT, got %+v", filter, resp.Errors)
		}
	}
}

// Walking a list page by page gives every member once, in order, whatever
// the page size, and totalCount agrees.
func TestMemberPaginationWalk(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	for i := range 9 {
		tr.member(t, tr.branchA, fmt.Sprintf("Nguyễn Văn Thành %c", 'A'+i), nil)
	}
	for _, order := range []string{"NAME", "JOINED_ON_DESC"} {
		var all []string
		var after any
		for pages := 0; ; pages++ {
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			var out struct {
				Members struct {
					TotalCount int
					Edges      []struct{ Node struct{ ID string } }
					PageInfo   struct {
						HasNextPage bool
						EndCursor   *string
					}
				}
			}
			tr.env.MustDo(t, `query($after: String, $unit: ID, $order: MemberOrder) { members(filter: {unitId: $unit}, orderBy: $order, first: 2, after: $after) {
				totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
				map[string]any{"after": after, "unit": tr.branchA, "order": order}, &out)
			if out.Members.TotalCount != 9 {
				t.Fatalf("totalCount = %d", out.Members.TotalCount)
			}
			for _, e := range out.Members.Edges {
				all = append(all, e.Node.ID)
			}
			if !out.Members.PageInfo.HasNextPage {
				break
			}
			after = *out.Members.PageInfo.EndCursor
		}
		seen := map[string]bool{}
		for _, id := range all {
			if seen[id] {
				t.Errorf("%s: %s listed twice", order, id)
			}
			seen[id] = true
		}
		if len(all) != 9 {
			t.Errorf("%s: walked %d members, want 9", order, len(all))
		}
	}
	resp := tr.env.Do(t, `{ members(first: 2, after: "not-a-cursor") { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("bad cursor: %+v", resp.Errors)
	}
	for _, first := range []int{0, 101} {
		resp := tr.env.Do(t, `query($first: Int) { members(first: $first) { totalCount } }`, map[string]any{"first": first})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("first %d: %+v", first, resp.Errors)
		}
	}
}

func TestMemberLifecycle(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	id := tr.member(t, tr.branchA, "Trương Mỹ Linh", nil)

	// Moves to a sibling branch: still active, history keeps both units.
	var out struct{ Member memberOut }
	tr.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "member { "+memberFields+" }", map[string]any{
		"id": id, "version": 1, "toUnitId": tr.branchB, "on": "2022-06-01", "decisionNumber": "07-QĐ/ĐK",
	}, &out)
	m := out.Member
	last := m.Events[len(m.Events)-1]
	if m.Status != "ACTIVE" || m.Unit.ID != tr.branchB || last.Kind != "TRANSFERRED" ||
		last.FromUnit.ID != tr.branchA || last.ToUnit.ID != tr.branchB || m.Version != 2 {
		t.Errorf("after transfer: %+v", m)
	}

	refusals := []struct {
		name     string
		mutation string
		inType   string
		input    map[string]any
		want     []string
	}{
		{"both destinations", "memberTransfer", "MemberTransferInput",
			map[string]any{"id": id, "version": 2, "toUnitId": tr.branchA, "toExternal": "Tỉnh đoàn Lâm Đồng", "on": "2022-07-01"},
			[]string{"input.toUnitId:REQUIRED"}},
		{"to the same branch", "memberTransfer", "MemberTransferInput",
			map[string]any{"id": id, "version": 2, "toUnitId": tr.branchB, "on": "2022-07-01"},
			[]string{"input.toUnitId:NOT_ALLOWED"}},
		{"before the last event", "memberTransfer", "MemberTransferInput",
			map[string]any{"id": id, "version": 2, "toUnitId": tr.branchA, "on": "2022-05-01"},
			[]string{"input.on:DATE_ORDER"}},
		{"stale version", "memberTransfer", "MemberTransferInput",
			map[string]any{"id": id, "version": 1, "toUnitId": tr.branchA, "on": "2022-07-01"},
			[]string{"input.version:CONFLICT"}},
	}
	for _, r := range refusals {
		before := tr.env.Count(t, "member_events")
		ue := tr.env.Mutate(t, r.mutation, r.inType, "member { id }", r.input, nil)
		if got := codes(ue); !slices.Equal(got, r.want) {
			t.Errorf("%s: %v, want %v", r.name, got, r.want)
		}
		if tr.env.Count(t, "member_events") != before || tr.getMember(t, id).Version != 2 {
			t.Errorf("%s: refused transfer changed something", r.name)
		}
	}

	// Leaves the system: transferred out, then nothing more can happen.
	tr.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "member { id }", map[string]any{
		"id": id, "version": 2, "toExternal": "Đoàn Thanh niên Bộ Tài chính", "on": "2022-09-15",
	}, nil)
	m = tr.getMember(t, id)
	if m.Status != "TRANSFERRED_OUT" || m.Unit.ID != tr.branchB || len(m.Events) != 3 {
		t.Errorf("after leaving the system: %+v", m)
	}
	ue := tr.env.Mutate(t, "memberLeave", "MemberLeaveInput", "member { id }", map[string]any{
		"id": id, "version": 3, "reason": "AGED_OUT", "on": "2022-12-31",
	}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.id:NOT_ALLOWED"}) {
		t.Errorf("leave after transfer out: %v", got)
	}

	// Ageing out.
	old := tr.member(t, tr.branchA, "Bùi Đức Long", map[string]any{"birthDate": "1992-03-03", "joinedOn": "2008-03-26"})
	tr.env.MustMutate(t, "memberLeave", "MemberLeaveInput", "member { id }", map[string]any{
		"id": old, "version": 1, "reason": "AGED_OUT", "on": "2022-12-31", "decisionNumber": "15-QĐ/CĐ",
	}, nil)
	if got := tr.getMember(t, old); got.Status != "AGED_OUT" || got.Events[len(got.Events)-1].Kind != "AGED_OUT" {
		t.Errorf("after ageing out: %+v", got)
	}
}

func TestMemberUpdateAndDelete(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	id := tr.member(t, tr.branchA, "Ngô Thị Thu Hà", map[string]any{"phone": "0987654321", "cardNumber": "HA-01"})
	other := tr.member(t, tr.branchA, "Ngô Văn Hải", map[string]any{"cardNumber": "HAI-02"})

	var out struct{ Member memberOut }
	tr.env.MustMutate(t, "memberUpdate", "MemberUpdateInput", "member { "+memberFields+" }",
		map[string]any{"id": id, "version": 1, "position": "COMMITTEE_MEMBER", "phone": nil}, &out)
	if out.Member.Position != "COMMITTEE_MEMBER" || out.Member.Phone != nil || *out.Member.CardNumber != "HA-01" || out.Member.Version != 2 {
		t.Errorf("after update: %+v", out.Member)
	}
	ue := tr.env.Mutate(t, "memberUpdate", "MemberUpdateInput", "member { id }",
		map[string]any{"id": id, "version": 2, "cardNumber": "HAI-02"}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.cardNumber:DUPLICATE"}) {
		t.Errorf("duplicate card on update: %v", got)
	}

	// A member entered by mistake can be deleted; one with a recorded
	// participation cannot.
	a := tr.activity(t, tr.branchA, "Hiến máu tình nguyện", nil)
	tr.env.MustMutate(t, "participationsRecord", "ParticipationsRecordInput", "activity { id }",
		map[string]any{"activityId": a, "participants": []map[string]any{{"memberId": id}}}, nil)
	ue = tr.env.Mutate(t, "memberDelete", "MemberDeleteInput", "deletedId", map[string]any{"id": id, "version": 2}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.id:NOT_ALLOWED"}) {
		t.Errorf("delete with participation: %v", got)
	}
	var del struct{ DeletedID string }
	tr.env.MustMutate(t, "memberDelete", "MemberDeleteInput", "deletedId", map[string]any{"id": other, "version": 1}, &del)
	if del.DeletedID != other {
		t.Errorf("deletedId = %q", del.DeletedID)
	}
	var gone struct{ Member *memberOut }
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { id } }`, map[string]any{"id": other}, &gone)
	if gone.Member != nil {
		t.Error("deleted member still readable")
	}
}

// A member whose history holds no events (entered before it was kept, or
// repaired by hand) can still be transferred: there is no last event for
// the date to follow, which once failed the transfer with an internal
// error.
func TestTransferOfMemberWithoutHistory(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	id := tr.member(t, tr.branchA, "Hồ Thị Thu Trang", nil)
	if _, err := tr.env.Pool.Exec(context.Background(),
		`DELETE FROM member_events WHERE member_id = (SELECT id FROM members WHERE full_name = 'Hồ Thị Thu Trang')`); err != nil {
		t.Fatal(err)
	}
	var out struct{ Member memberOut }
	tr.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "member { "+memberFields+" }", map[string]any{
		"id": id, "version": 1, "toUnitId": tr.branchB, "on": "2022-06-01",
	}, &out)
	if out.Member.Unit.ID != tr.branchB || len(out.Member.Events) != 1 {
		t.Errorf("after transfer: %+v", out.Member)
	}
}
