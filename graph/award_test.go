package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func (tr *tree) commend(t *testing.T, input map[string]any) string {
	t.Helper()
	return tr.env.Create(t, "commendation", input)
}

// The worked example's commendations: a collective Bằng khen from the bloc,
// the branch's own Giấy khen, and one from a body outside the tree.
func TestCommendationsRecordedAndFiltered(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	huy := tr.member(t, tr.branchA, "Trần Quốc Huy", map[string]any{"gender": "MALE"})
	binh := tr.member(t, tr.branchB, "Phạm Văn Bình", map[string]any{"gender": "MALE"})

	collective := tr.commend(t, map[string]any{
		"form": "BANG_KHEN", "title": "Tập thể xuất sắc năm 2022", "issuer": map[string]any{"unitId": tr.bloc},
		"decisionNumber": "86-QĐ/ĐK", "decisionDate": "2022-12-20", "year": 2022, "recipientUnitId": tr.branchA,
	})
	tr.commend(t, map[string]any{
		"form": "GIAY_KHEN", "title": "Đoàn viên xuất sắc năm 2022", "issuer": map[string]any{"unitId": tr.branchA},
		"year": 2022, "recipientMemberId": huy,
	})
	tr.commend(t, map[string]any{
		"form": "BANG_KHEN", "title": "Tuổi trẻ sáng tạo", "year": 2023, "recipientMemberId": binh,
		"issuer": map[string]any{"name": "Ủy ban nhân dân tỉnh Ninh Thuận", "level": "PROVINCE"},
	})

	var one struct {
		Commendation struct {
			Form   string
			Issuer struct {
				Unit  *struct{ ID string }
				Name  string
				Level string
			}
			Recipient struct {
				Typename string `json:"__typename"`
				Name     string
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { commendation(id: $id) { form issuer { unit { id } name level }
		recipient { __typename ... on Unit { name } ... on Member { name: fullName } } } }`, map[string]any{"id": collective}, &one)
	c := one.Commendation
	if c.Form != "BANG_KHEN" || c.Issuer.Unit == nil || c.Issuer.Unit.ID != tr.bloc || c.Issuer.Name != "Đoàn khối Cơ quan – Doanh nghiệp tỉnh" ||
		c.Issuer.Level != "BLOC" || c.Recipient.Typename != "Unit" || c.Recipient.Name != "Chi đoàn Văn phòng Tỉnh ủy" {
		t.Errorf("collective commendation = %+v", c)
	}

	tests := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"in branch A", map[string]any{"unitId": tr.branchA}, []string{"Tập thể xuất sắc năm 2022", "Đoàn viên xuất sắc năm 2022"}},
		{"in the bloc, 2023", map[string]any{"unitId": tr.bloc, "year": 2023}, []string{"Tuổi trẻ sáng tạo"}},
		{"Bằng khen", map[string]any{"forms": []string{"BANG_KHEN"}}, []string{"Tập thể xuất sắc năm 2022", "Tuổi trẻ sáng tạo"}},
		{"collective", map[string]any{"recipientKind": "COLLECTIVE"}, []string{"Tập thể xuất sắc năm 2022"}},
		{"individual", map[string]any{"recipientKind": "INDIVIDUAL", "year": 2022}, []string{"Đoàn viên xuất sắc năm 2022"}},
		{"of a member", map[string]any{"memberId": binh}, []string{"Tuổi trẻ sáng tạo"}},
		{"issued by the bloc or below", map[string]any{"issuedWithinUnitId": tr.bloc}, []string{"Tập thể xuất sắc năm 2022", "Đoàn viên xuất sắc năm 2022"}},
		{"in the district", map[string]any{"unitId": tr.district}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total := tr.filtered(t, "commendations", "CommendationFilter", tt.filter)
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) || total != len(want) {
				t.Errorf("got %q (total %d), want %q", got, total, want)
			}
		})
	}

	var m struct {
		Member struct{ Commendations struct{ TotalCount int } }
	}
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { commendations { totalCount } } }`, map[string]any{"id": huy}, &m)
	if m.Member.Commendations.TotalCount != 1 {
		t.Errorf("member's commendations = %d", m.Member.Commendations.TotalCount)
	}
}

func TestCommendationRefused(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	member := tr.member(t, tr.branchA, "Ngô Thanh Phong", nil)
	nextYear := time.Now().Year() + 1
	tr.refused(t, "commendation", map[string]any{"form": "GIAY_KHEN", "title": "Đoàn viên tiêu biểu", "year": 2022,
		"issuer": map[string]any{"unitId": tr.bloc}, "recipientMemberId": member}, []refusal{
		{"no recipient", map[string]any{"recipientMemberId": nil}, []string{"input.recipientMemberId:REQUIRED"}},
		{"two recipients", map[string]any{"recipientUnitId": tr.branchA}, []string{"input.recipientMemberId:REQUIRED"}},
		{"issuer is not above the member", map[string]any{"issuer": map[string]any{"unitId": tr.district}}, []string{"input.recipientMemberId:NOT_ALLOWED"}},
		{"a unit commending itself", map[string]any{"recipientMemberId": nil, "recipientUnitId": tr.bloc}, []string{"input.recipientUnitId:NOT_ALLOWED"}},
		{"no issuer", map[string]any{"issuer": map[string]any{}}, []string{"input.issuer.name:REQUIRED"}},
		{"external issuer without level", map[string]any{"issuer": map[string]any{"name": "UBND tỉnh"}}, []string{"input.issuer.level:REQUIRED"}},
		{"future year", map[string]any{"year": nextYear}, []string{"input.year:OUT_OF_RANGE"}},
		{"decided before the year", map[string]any{"decisionDate": "2021-12-31"}, []string{"input.decisionDate:DATE_ORDER"}},
		{"blank title", map[string]any{"title": ""}, []string{"input.title:REQUIRED"}},
		{"unknown member", map[string]any{"recipientMemberId": "TWVtYmVyOjk5OTk5"}, []string{"input.recipientMemberId:NOT_FOUND"}},
	}, "commendations")
}

// "100% of members pledged" is computed from who signed, over the members
// active in the unit and below it.
func TestPledgeShare(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	a1 := tr.member(t, tr.branchA, "Nguyễn Thị Mai", nil)
	a2 := tr.member(t, tr.branchA, "Lê Văn Sơn", map[string]any{"gender": "MALE"})
	b1 := tr.member(t, tr.branchB, "Trần Thị Cúc", nil)

	var created struct{ Pledge struct{ ID string } }
	tr.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }", map[string]any{
		"unitId": tr.branchA, "year": 2022, "title": "Nói không với tệ nạn xã hội",
	}, &created)
	pledge := created.Pledge.ID

	type share struct {
		SignedCount, EligibleCount int
		SignedShare                *float64
	}
	sign := func(ids ...string) (share, []string) {
		var out struct{ Pledge share }
		ue := tr.env.Mutate(t, "pledgeSign", "PledgeSignInput", "pledge { signedCount eligibleCount signedShare }",
			map[string]any{"pledgeId": pledge, "memberIds": ids, "signedOn": "2022-03-10"}, &out)
		return out.Pledge, codes(ue)
	}
	if s, ue := sign(a1); len(ue) != 0 || s.SignedCount != 1 || s.EligibleCount != 2 || *s.SignedShare != 0.5 {
		t.Errorf("half signed: %+v %v", s, ue)
	}
	if _, ue := sign(a2, b1); !slices.Equal(ue, []string{"input.memberIds.1:NOT_ALLOWED"}) {
		t.Errorf("signer from another branch: %v", ue)
	}
	if s, ue := sign(a2, a1); len(ue) != 0 || s.SignedCount != 2 || *s.SignedShare != 1 {
		t.Errorf("all signed: %+v %v", s, ue)
	}
	if ue := tr.env.Mutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }", map[string]any{
		"unitId": tr.branchA, "year": 2022, "title": "Nói không với tệ nạn xã hội",
	}, nil); !slices.Equal(codes(ue), []string{"input.title:DUPLICATE"}) {
		t.Errorf("duplicate pledge: %v", codes(ue))
	}

	var un struct{ Pledge share }
	tr.env.MustMutate(t, "pledgeUnsign", "PledgeUnsignInput", "pledge { signedCount eligibleCount signedShare }",
		map[string]any{"pledgeId": pledge, "memberIds": []string{a2}}, &un)
	if un.Pledge.SignedCount != 1 || *un.Pledge.SignedShare != 0.5 {
		t.Errorf("after unsigning: %+v", un.Pledge)
	}
}

func TestMemberRatings(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	a := tr.member(t, tr.branchA, "Đỗ Thị Hồng", nil)
	b := tr.member(t, tr.branchA, "Võ Văn Hải", map[string]any{"gender": "MALE"})

	rate := func(year int, ratings ...map[string]any) []string {
		if ratings == nil {
			ratings = []map[string]any{} // an empty list, not null
		}
		return codes(tr.env.Mutate(t, "membersRate", "MembersRateInput", "ratings { level }",
			map[string]any{"year": year, "ratings": ratings}, nil))
	}
	if ue := rate(2022, map[string]any{"memberId": a, "level": "EXCELLENT", "comment": "Gương mẫu"}, map[string]any{"memberId": b, "level": "GOOD"}); len(ue) != 0 {
		t.Fatal(ue)
	}
	// Rating again replaces the earlier level.
	if ue := rate(2022, map[string]any{"memberId": b, "level": "COMPLETED"}); len(ue) != 0 {
		t.Fatal(ue)
	}
	for _, tt := range []struct {
		name string
		ue   []string
	}{
		{"future year", rate(time.Now().Year()+1, map[string]any{"memberId": a, "level": "GOOD"})},
		{"member twice", rate(2023, map[string]any{"memberId": a, "level": "GOOD"}, map[string]any{"memberId": a, "level": "EXCELLENT"})},
		{"unknown member", rate(2023, map[string]any{"memberId": a, "level": "GOOD"}, map[string]any{"memberId": "TWVtYmVyOjk5OTk5", "level": "GOOD"})},
		{"nobody", rate(2023)},
	} {
		if len(tt.ue) != 1 {
			t.Errorf("%s: userErrors %v, want one", tt.name, tt.ue)
		}
	}
	if n := tr.env.Count(t, "member_ratings"); n != 2 {
		t.Errorf("%d ratings stored, want 2 (refused batches must write nothing)", n)
	}

	var out struct {
		Member struct {
			Ratings []struct {
				Year    int
				Level   string
				Comment *string
				Unit    struct{ ID string }
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { ratings { year level comment unit { id } } } }`, map[string]any{"id": b}, &out)
	if r := out.Member.Ratings; len(r) != 1 || r[0].Level != "COMPLETED" || r[0].Year != 2022 || r[0].Unit.ID != tr.branchA {
		t.Errorf("ratings = %+v", r)
	}
}

// node(id:) resolves every kind of record; a malformed or foreign ID is a
// clear input error, an unknown one is null.
func TestNodeLookup(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	member := tr.member(t, tr.branchA, "Hồ Thị Mỹ Duyên", nil)
	act := tr.activity(t, tr.branchA, "Sinh hoạt chủ điểm", nil)
	camp := tr.campaign(t, tr.province, "Mùa hè xanh", 2022)
	for id, typename := range map[string]string{tr.branchA: "Unit", member: "Member", act: "Activity", camp: "Campaign"} {
		var out struct {
			Node struct {
				Typename string `json:"__typename"`
				ID       string
			}
		}
		tr.env.MustDo(t, `query($id: ID!) { node(id: $id) { __typename id } }`, map[string]any{"id": id}, &out)
		if out.Node.Typename != typename || out.Node.ID != id {
			t.Errorf("node(%s) = %+v, want a %s", id, out.Node, typename)
		}
	}

	var missing struct{ Node *struct{ ID string } }
	tr.env.MustDo(t, `{ node(id: "TWVtYmVyOjk5OTk5") { id } }`, nil, &missing)
	if missing.Node != nil {
		t.Errorf("unknown member: %+v", missing.Node)
	}
	resp := tr.env.Do(t, `{ node(id: "not-an-id") { id } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "NOT_FOUND" || !strings.Contains(resp.Errors[0].Message, "not-an-id") {
		t.Errorf("malformed id: %+v", resp.Errors)
	}
	// A unit's ID where a member's is expected is refused, not misread.
	resp = tr.env.Do(t, `query($id: ID!) { member(id: $id) { id } }`, map[string]any{"id": tr.branchA})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "NOT_FOUND" {
		t.Errorf("unit id as member id: %+v", resp.Errors)
	}
}

// userErrors speak Vietnamese by default and English when asked.
func TestUserErrorLanguage(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	query := `mutation { unitCreate(input: {level: BRANCH, name: " ", parentId: "` + tr.bloc + `"}) { userErrors { message } } }`
	for _, tt := range []struct {
		header []string
		want   string
	}{
		{nil, "Không được để trống"},
		{[]string{"Accept-Language", "en-US,en;q=0.9"}, "required"},
		{[]string{"Accept-Language", "vi-VN"}, "Không được để trống"},
	} {
		resp := tr.env.Do(t, query, nil, tt.header...)
		if len(resp.Errors) > 0 || !strings.Contains(strings.ToLower(string(resp.Data)), strings.ToLower(tt.want)) {
			t.Errorf("Accept-Language %v: %s %+v, want a message with %q", tt.header, resp.Data, resp.Errors, tt.want)
		}
	}
}

// A pledge's share is one figure: the pledge itself and the yearly report
// of its unit give the same signed and eligible counts, over the members
// at the year's end. A signer who left in September stays in the
// signatures list but is not counted, for a branch's pledge and for the
// bloc's (whose report counts it from the kept rollups).
func TestPledgeShareIsTheReportsShare(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	stays := tr.member(t, tr.branchA, "Nguyễn Thị Mai", nil)
	leaves := tr.member(t, tr.branchA, "Lê Văn Sơn", map[string]any{"gender": "MALE"})
	tr.member(t, tr.branchA, "Đặng Thị Huệ", nil)
	inB := tr.member(t, tr.branchB, "Trần Thị Cúc", nil)

	type counts struct {
		SignedCount, EligibleCount int
		SignedShare                *float64
		Signatures                 struct{ TotalCount int }
	}
	pledge := func(unit string, signers ...string) string {
		var created struct{ Pledge struct{ ID string } }
		tr.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }", map[string]any{
			"unitId": unit, "year": 2022, "title": "Nói không với tệ nạn xã hội",
		}, &created)
		tr.env.MustMutate(t, "pledgeSign", "PledgeSignInput", "__typename",
			map[string]any{"pledgeId": created.Pledge.ID, "memberIds": signers, "signedOn": "2022-03-10"}, nil)
		return created.Pledge.ID
	}
	branchPledge := pledge(tr.branchA, stays, leaves)
	blocPledge := pledge(tr.bloc, stays, leaves, inB)
	tr.env.MustMutate(t, "memberLeave", "MemberLeaveInput", "__typename",
		map[string]any{"id": leaves, "version": 1, "reason": "REMOVED", "on": "2022-09-15"}, nil)

	for _, tt := range []struct {
		name, unit, pledge           string
		signatures, signed, eligible int
	}{
		{"branch", tr.branchA, branchPledge, 2, 1, 2},
		{"bloc", tr.bloc, blocPledge, 3, 2, 3},
	} {
		var got struct{ Node counts }
		tr.env.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Pledge { signedCount eligibleCount signedShare signatures { totalCount } } } }`,
			map[string]any{"id": tt.pledge}, &got)
		c := got.Node
		want := float64(tt.signed) / float64(tt.eligible)
		if c.Signatures.TotalCount != tt.signatures || c.SignedCount != tt.signed || c.EligibleCount != tt.eligible ||
			c.SignedShare == nil || *c.SignedShare != want {
			t.Errorf("%s pledge: %+v, want %d signatures, %d of %d signed", tt.name, c, tt.signatures, tt.signed, tt.eligible)
		}
		var report struct {
			YearlyReport struct {
				Pledges struct {
					Edges []struct {
						Node struct {
							Pledge           struct{ ID string }
							Eligible, Signed int
							Share            *float64
						}
					}
				}
			}
		}
		tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { pledges { edges { node { pledge { id } eligible signed share } } } } }`,
			map[string]any{"u": tt.unit}, &report)
		found := false
		for _, e := range report.YearlyReport.Pledges.Edges {
			if n := e.Node; n.Pledge.ID == tt.pledge {
				found = true
				if n.Signed != c.SignedCount || n.Eligible != c.EligibleCount || n.Share == nil || *n.Share != *c.SignedShare {
					t.Errorf("%s pledge: the report says %d of %d (%v), the pledge %d of %d", tt.name, n.Signed, n.Eligible, n.Share,
						c.SignedCount, c.EligibleCount)
				}
			}
		}
		if !found {
			t.Errorf("%s pledge missing from its unit's report: %+v", tt.name, report.YearlyReport.Pledges.Edges)
		}
	}
}
