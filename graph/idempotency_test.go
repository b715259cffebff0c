package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/apitest"
)

// A create resent with its idempotency key (the answer was lost) returns
// the record the first request made and creates nothing more; the key
// cannot be reused for a different request; a key whose request was
// refused is free again.
func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	env := tr.env
	input := func(name, key string) map[string]any {
		in := map[string]any{"unitId": tr.branchA, "fullName": name, "gender": "MALE",
			"birthDate": "2000-02-03", "joinedOn": "2016-03-26", "cardNumber": "IDEMP" + name[len(name)-1:]}
		if key != "" {
			in["idempotencyKey"] = key
		}
		return in
	}
	create := func(e *apitest.Env, in map[string]any) (string, []string) {
		var out struct{ Member struct{ ID string } }
		ue := e.Mutate(t, "memberCreate", "MemberCreateInput", "member { id fullName }", in, &out)
		return out.Member.ID, codes(ue)
	}

	first, ue := create(env, input("Lê Văn A", "k-1"))
	if len(ue) > 0 || first == "" {
		t.Fatalf("first create: %v", ue)
	}
	members, audit := env.Count(t, "members"), env.Count(t, "audit_log")
	again, ue := create(env, input("Lê Văn A", "k-1"))
	if len(ue) > 0 || again != first {
		t.Errorf("resent create answered %q %v, want the first member %q", again, ue, first)
	}
	if env.Count(t, "members") != members || env.Count(t, "audit_log") != audit {
		t.Error("the resent create wrote something")
	}

	for _, tt := range []struct {
		name string
		in   map[string]any
		want string
	}{
		{"same key, other input", input("Lê Văn B", "k-1"), "input.idempotencyKey:DUPLICATE"},
		{"empty key", input("Lê Văn C", ""), ""},
		{"key too long", input("Lê Văn D", strings.Repeat("k", 201)), "input.idempotencyKey:INVALID"},
	} {
		in := tt.in
		if tt.want == "" {
			in["idempotencyKey"] = ""
			tt.want = "input.idempotencyKey:INVALID"
		}
		if _, ue := create(env, in); len(ue) != 1 || ue[0] != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, ue, tt.want)
		}
	}
	if env.Count(t, "members") != members {
		t.Error("refused creates wrote members")
	}

	// A refused request does not use up its key.
	bad := input("Lê Văn E", "k-2")
	bad["birthDate"] = "2030-01-01"
	if _, ue := create(env, bad); len(ue) == 0 {
		t.Fatal("a birth date in the future should be refused")
	}
	if id, ue := create(env, input("Lê Văn E", "k-2")); len(ue) > 0 || id == "" || id == first {
		t.Errorf("key of a refused request: %q %v", id, ue)
	}

	// Keys belong to the account that sent them.
	officer := env.Account(t, "canbo", nil, nil)
	env.Grant(t, officer, "ADMIN", nil)
	if id, ue := create(env.As(env.Session(t, officer)), input("Lê Văn F", "k-1")); len(ue) > 0 || id == first {
		t.Errorf("another account's k-1: %q %v", id, ue)
	}
}

// Retries that arrive together (a client resending while the first is
// still running) create one record, and every one of them is answered
// with it.
func TestIdempotentCreateConcurrent(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	in := map[string]any{"unitId": tr.branchA, "title": "Ngày Chủ nhật xanh", "kind": "VOLUNTEER_WORK",
		"workArea": "YOUTH_VOLUNTEERING", "startsOn": "2022-07-10", "status": "DONE", "idempotencyKey": "cn-xanh-2022"}
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			var out struct{ Activity struct{ ID string } }
			if ue := tr.env.Mutate(t, "activityCreate", "ActivityCreateInput", "activity { id }", in, &out); len(ue) > 0 {
				t.Errorf("attempt %d: %v", i, ue)
			}
			ids[i] = out.Activity.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("answers differ: %v", ids)
		}
	}
	if n := tr.env.Count(t, "activities"); n != 1 {
		t.Errorf("%d activities, want 1", n)
	}
}

// Every create takes a key: resent, each returns its first record and
// writes nothing more.
func TestEveryCreateIsIdempotent(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	var covered []string
	defer func() {
		schema := graph.NewExecutableSchema(graph.Config{}).Schema()
		for _, f := range schema.Mutation.Fields {
			if in := f.Arguments.ForName("input"); in != nil && schema.Types[in.Type.Name()].Fields.ForName("idempotencyKey") != nil &&
				!slices.Contains(covered, f.Name) {
				t.Errorf("%s takes an idempotency key: add it to this test", f.Name)
			}
		}
	}()
	member := tr.member(t, tr.branchA, "Phạm Minh Khôi", nil)
	act := tr.activity(t, tr.branchA, "Hiến máu nhân đạo", nil)
	payer := tr.member(t, tr.branchA, "Đinh Thị Thu", nil)
	for _, tt := range []struct {
		mutation, inputType, payload, table string
		input                               map[string]any
	}{
		{"unitCreate", "UnitCreateInput", "unit", "units", map[string]any{"level": "BRANCH", "parentId": tr.bloc, "name": "Chi đoàn Sở Y tế"}},
		{"campaignCreate", "CampaignCreateInput", "campaign", "campaigns", map[string]any{"unitId": tr.branchA, "name": "Xuân tình nguyện",
			"year": 2022, "workArea": "YOUTH_VOLUNTEERING"}},
		{"contributionCreate", "ContributionCreateInput", "contribution", "contributions", map[string]any{"activityId": act, "kind": "CASH",
			"description": "Quỹ hỗ trợ", "value": 500000}},
		{"commendationCreate", "CommendationCreateInput", "commendation", "commendations", map[string]any{"form": "GIAY_KHEN",
			"title": "Hoàn thành xuất sắc nhiệm vụ", "year": 2022, "issuer": map[string]any{"unitId": tr.branchA}, "recipientMemberId": member}},
		{"pledgeCreate", "PledgeCreateInput", "pledge", "pledges", map[string]any{"unitId": tr.branchA, "year": 2022, "title": "Không vi phạm luật giao thông"}},
		{"postCreate", "PostCreateInput", "post", "posts", map[string]any{"unitId": tr.branchA,
			"post": map[string]any{"title": "Ra quân Xuân tình nguyện", "bodyMarkdown": "Sáng nay..."}}},
		{"accountCreate", "AccountCreateInput", "account", "accounts", map[string]any{"unitId": tr.branchA, "username": "bithu.cd.soyte",
			"displayName": "Bí thư Chi đoàn Sở Y tế", "password": "mật khẩu đủ dài"}},
		{"activityCreate", "ActivityCreateInput", "activity", "activities", map[string]any{"unitId": tr.branchA, "title": "Ngày Chủ nhật xanh",
			"kind": "VOLUNTEER_WORK", "workArea": "YOUTH_VOLUNTEERING", "startsOn": "2022-04-10"}},
		{"committeeTermCreate", "CommitteeTermCreateInput", "term", "committee_terms", map[string]any{"unitId": tr.branchA,
			"name": "Nhiệm kỳ 2022 – 2027", "from": "2022-06-15", "to": "2027-06-14"}},
		{"positionAppoint", "PositionAppointInput", "position", "positions", map[string]any{"unitId": tr.branchA,
			"title": "COMMITTEE_MEMBER", "holderName": "Võ Thị Hạnh", "from": "2022-06-15"}},
		{"membersImport", "MembersImportInput", "import", "members", map[string]any{"unitId": tr.branchA, "dryRun": false,
			"upload": uploadList(t, tr.env, tr.env.AdminToken, "Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn\nHà Văn Nhập,Nam,01/01/2000,26/03/2016\n")}},
		{"memberTransferIssue", "MemberTransferIssueInput", "transfer", "member_transfers", map[string]any{"memberId": member,
			"version": 1, "toUnitId": tr.branchB, "issuedOn": "2023-01-01"}},
		{"partyReferralCreate", "PartyReferralCreateInput", "partyReferral", "party_referrals", map[string]any{"memberId": member,
			"introducedOn": "2022-05-19", "decisionNumber": "03-GT/ĐTN"}},
		{"reportSubmit", "ReportSubmitInput", "submission", "report_submissions", map[string]any{"unitId": tr.branchA, "year": 2022}},
		// The collection first: the remittance sends part of what it owes upward.
		{"duesCollect", "DuesCollectInput", "collection", "dues_collections", map[string]any{"unitId": tr.branchA,
			"collectedOn": "2025-06-30", "payments": []map[string]any{{"memberId": payer, "year": 2025, "months": []int{4, 5, 6}}}}},
		{"duesRemit", "DuesRemitInput", "remittance", "dues_remittances", map[string]any{"unitId": tr.branchA,
			"amount": 1000, "sentOn": "2025-07-02"}},
		{"memberCreate", "MemberCreateInput", "member", "members", map[string]any{"unitId": tr.branchA, "fullName": "Võ Thị Hạnh",
			"gender": "FEMALE", "birthDate": "2001-05-06", "joinedOn": "2018-03-26"}},
	} {
		covered = append(covered, tt.mutation)
		tt.input["idempotencyKey"] = "khoa-" + tt.mutation
		create := func() string {
			var out map[string]json.RawMessage
			tr.env.MustMutate(t, tt.mutation, tt.inputType, tt.payload+" { id }", tt.input, &out)
			var rec struct{ ID string }
			if err := json.Unmarshal(out[tt.payload], &rec); err != nil {
				t.Fatalf("%s: %v", tt.mutation, err)
			}
			return rec.ID
		}
		var ids [2]string
		ids[0] = create()
		rows := tr.env.Count(t, tt.table)
		ids[1] = create()
		if after := tr.env.Count(t, tt.table); after != rows {
			t.Errorf("%s resent: %d rows in %s, want %d", tt.mutation, after, tt.table, rows)
		}
		if ids[0] == "" || ids[1] != ids[0] {
			t.Errorf("%s resent with its key answered %q, first %q", tt.mutation, ids[1], ids[0])
		}
	}
}
