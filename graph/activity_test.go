package graph_test

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func (tr *tree) campaign(t *testing.T, unit, name string, year int) string {
	t.Helper()
	return tr.env.Create(t, "campaign", map[string]any{"unitId": unit, "name": name, "year": year, "workArea": "YOUTH_VOLUNTEERING"})
}

func (tr *tree) record(t *testing.T, activity string, participants ...map[string]any) {
	t.Helper()
	tr.env.MustMutate(t, "participationsRecord", "ParticipationsRecordInput", "participations { role }",
		map[string]any{"activityId": activity, "participants": participants}, nil)
}

// A branch's volunteer day recorded as a secretary would, then read back
// from the activity's and from the member's side.
func TestActivityRecordedAndReadBack(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	campaign := tr.campaign(t, tr.province, "Tháng Thanh niên", 2022)
	lan := tr.member(t, tr.branchA, "Trần Thị Lan", nil)
	minh := tr.member(t, tr.branchA, "Lê Văn Minh", map[string]any{"gender": "MALE"})

	id := tr.activity(t, tr.branchA, "  Trao tặng tủ sách cho trẻ em xã Phước Đại ", map[string]any{
		"kind": "DONATION", "campaignId": campaign, "startsOn": "2022-03-19", "endsOn": "2022-03-20",
		"place":         map[string]any{"text": "Trường Tiểu học Phước Đại", "commune": "Phước Đại", "district": "Bác Ái", "province": "Ninh Thuận"},
		"beneficiaries": map[string]any{"description": "Trẻ em xã Phước Đại", "count": 85},
		"guests": []map[string]any{
			{"name": "Lê Minh Quang", "title": "Chánh Văn phòng Tỉnh ủy"},
			{"name": "Trần Thị Thu Hà"},
		},
	})
	tr.record(t, id,
		map[string]any{"memberId": lan, "role": "ORGANISER", "volunteerHours": 8},
		map[string]any{"memberId": minh, "volunteerHours": 6.5})
	tr.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }", map[string]any{
		"activityId": id, "kind": "IN_KIND", "description": "Tủ sách thiếu nhi", "value": 1232000,
		"quantity": 1, "quantityUnit": "tủ", "recipient": "Trẻ em xã Phước Đại, huyện Bác Ái",
	}, nil)
	// Money is 64-bit: a youth project worth more than 2^31 đồng.
	tr.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }", map[string]any{
		"activityId": id, "kind": "YOUTH_PROJECT", "description": "Nhà văn hóa thôn", "value": 3500000000,
	}, nil)

	var out struct {
		Activity struct {
			Title, StartsOn, EndsOn, Status string
			Campaign                        struct{ Name string }
			Place                           struct{ Commune, District string }
			Beneficiaries                   struct{ Count int }
			Guests                          []struct {
				Name  string
				Title *string
			}
			ParticipantCount  int
			VolunteerHours    float64
			ContributionTotal int64
			Contributions     []struct {
				Kind  string
				Value int64
			}
			Participants struct {
				TotalCount int
				Edges      []struct {
					Node struct {
						Role   string
						Member struct{ FullName string }
					}
				}
			}
		}
		Member struct {
			VolunteerHours float64
			Participations struct {
				TotalCount int
				Edges      []struct {
					Node struct{ Activity struct{ Title string } }
				}
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!, $m: ID!) {
		activity(id: $id) { title startsOn endsOn status campaign { name } place { commune district }
			beneficiaries { count } guests { name title } participantCount volunteerHours contributionTotal
			contributions { kind value } participants { totalCount edges { node { role member { fullName } } } } }
		member(id: $m) { volunteerHours(year: 2022) participations(year: 2022) { totalCount edges { node { activity { title } } } } } }`,
		map[string]any{"id": id, "m": lan}, &out)
	a := out.Activity
	if a.Title != "Trao tặng tủ sách cho trẻ em xã Phước Đại" || a.StartsOn != "2022-03-19" || a.EndsOn != "2022-03-20" ||
		a.Status != "DONE" || a.Campaign.Name != "Tháng Thanh niên" || a.Place.Commune != "Phước Đại" || a.Beneficiaries.Count != 85 {
		t.Errorf("activity = %+v", a)
	}
	if len(a.Guests) != 2 || a.Guests[0].Name != "Lê Minh Quang" || *a.Guests[0].Title != "Chánh Văn phòng Tỉnh ủy" || a.Guests[1].Title != nil {
		t.Errorf("guests = %+v", a.Guests)
	}
	if a.ParticipantCount != 2 || a.VolunteerHours != 14.5 || a.Participants.TotalCount != 2 {
		t.Errorf("participation totals = %d, %v, %d", a.ParticipantCount, a.VolunteerHours, a.Participants.TotalCount)
	}
	if a.ContributionTotal != 3_501_232_000 || len(a.Contributions) != 2 {
		t.Errorf("contributions = %d %+v", a.ContributionTotal, a.Contributions)
	}
	if out.Member.VolunteerHours != 8 || out.Member.Participations.TotalCount != 1 ||
		out.Member.Participations.Edges[0].Node.Activity.Title != a.Title {
		t.Errorf("member side = %+v", out.Member)
	}

	// Recording a member again replaces their entry: still two participants.
	tr.record(t, id, map[string]any{"memberId": minh, "role": "ORGANISER", "volunteerHours": 7})
	var again struct {
		Activity struct {
			ParticipantCount int
			VolunteerHours   float64
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { activity(id: $id) { participantCount volunteerHours } }`, map[string]any{"id": id}, &again)
	if again.Activity.ParticipantCount != 2 || again.Activity.VolunteerHours != 15 {
		t.Errorf("after re-recording: %+v", again.Activity)
	}
}

func TestActivityCreateRefused(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	otherCampaign := tr.campaign(t, tr.district, "Mùa hè xanh", 2022)
	future := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	tr.refused(t, "activity", map[string]any{"unitId": tr.branchA, "title": "Ra quân Chủ nhật xanh", "kind": "VOLUNTEER_WORK",
		"workArea": "YOUTH_VOLUNTEERING", "startsOn": "2022-05-01", "status": "DONE"}, []refusal{
		{"blank title", map[string]any{"title": "  "}, []string{"input.title:REQUIRED"}},
		{"ends before it starts", map[string]any{"startsOn": "2022-05-02", "endsOn": "2022-05-01"}, []string{"input.endsOn:DATE_ORDER"}},
		{"negative beneficiaries", map[string]any{"beneficiaries": map[string]any{"count": -3}}, []string{"input.beneficiaries.count:OUT_OF_RANGE"}},
		{"done before it happens", map[string]any{"startsOn": future, "status": "DONE"}, []string{"input.status:NOT_ALLOWED"}},
		{"unknown unit", map[string]any{"unitId": "VW5pdDo5OTk5"}, []string{"input.unitId:NOT_FOUND"}},
		{"another district's campaign", map[string]any{"campaignId": otherCampaign}, []string{"input.campaignId:NOT_FOUND"}},
		{"guest without a name", map[string]any{"guests": []map[string]any{{"name": "", "title": "Bí thư"}}}, []string{"input.guests.0.name:REQUIRED"}},
	}, "activities", "activity_guests")
}

// One bad entry refuses the whole batch and names its index.
func TestParticipationsAllOrNothing(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	own := tr.member(t, tr.branchA, "Nguyễn Thị Hoa", nil)
	other := tr.member(t, tr.branchB, "Phạm Văn Bình", nil)
	act := tr.activity(t, tr.branchA, "Hiến máu tình nguyện", nil)
	cancelled := tr.activity(t, tr.branchA, "Giao lưu bóng đá", map[string]any{"status": "CANCELLED"})

	tests := []struct {
		name     string
		activity string
		list     []map[string]any
		want     []string
	}{
		{"member of another branch", act, []map[string]any{{"memberId": own}, {"memberId": other}},
			[]string{"input.participants.1.memberId:NOT_ALLOWED"}},
		{"the same member twice", act, []map[string]any{{"memberId": own}, {"memberId": own}},
			[]string{"input.participants.1.memberId:DUPLICATE"}},
		{"negative hours", act, []map[string]any{{"memberId": own, "volunteerHours": -1}},
			[]string{"input.participants.0.volunteerHours:OUT_OF_RANGE"}},
		{"unknown member", act, []map[string]any{{"memberId": "TWVtYmVyOjk5OTk5"}},
			[]string{"input.participants.0.memberId:NOT_FOUND"}},
		{"empty list", act, []map[string]any{}, []string{"input.participants:REQUIRED"}},
		{"cancelled activity", cancelled, []map[string]any{{"memberId": own}}, []string{"input.activityId:NOT_ALLOWED"}},
		{"unknown activity", "QWN0aXZpdHk6OTk5OTk", []map[string]any{{"memberId": own}}, []string{"input.activityId:NOT_FOUND"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ue := tr.env.Mutate(t, "participationsRecord", "ParticipationsRecordInput", "participations { role }",
				map[string]any{"activityId": tt.activity, "participants": tt.list}, nil)
			if got := codes(ue); !slices.Equal(got, tt.want) {
				t.Errorf("userErrors = %v, want %v", got, tt.want)
			}
			if n := tr.env.Count(t, "participations"); n != 0 {
				t.Errorf("%d participations written", n)
			}
		})
	}

	// A bloc-level activity may include members of any branch below it.
	blocDay := tr.activity(t, tr.bloc, "Ngày hội thanh niên khối", nil)
	tr.record(t, blocDay, map[string]any{"memberId": own}, map[string]any{"memberId": other})
	var removed struct{ RemovedCount int }
	tr.env.MustMutate(t, "participationsRemove", "ParticipationsRemoveInput", "removedCount",
		map[string]any{"activityId": blocDay, "memberIds": []string{other}}, &removed)
	if removed.RemovedCount != 1 || tr.env.Count(t, "participations") != 1 {
		t.Errorf("removed %d, %d left", removed.RemovedCount, tr.env.Count(t, "participations"))
	}
}

func TestContributionRules(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	act := tr.activity(t, tr.branchA, "Quyên góp ủng hộ đồng bào lũ lụt", map[string]any{"kind": "DONATION"})
	tr.refused(t, "contribution", map[string]any{"activityId": act, "kind": "CASH", "description": "Tiền mặt", "value": 500000}, []refusal{
		{"negative value", map[string]any{"value": -1}, []string{"input.value:OUT_OF_RANGE"}},
		{"blank description", map[string]any{"description": " "}, []string{"input.description:REQUIRED"}},
		{"negative quantity", map[string]any{"quantity": -2}, []string{"input.quantity:OUT_OF_RANGE"}},
		{"unknown activity", map[string]any{"activityId": "QWN0aXZpdHk6OTk5OTk"}, []string{"input.activityId:NOT_FOUND"}},
	}, "contributions")

	// Money that is not a whole number of đồng never reaches the resolver.
	resp := tr.env.Do(t, `mutation { contributionCreate(input: {activityId: "`+act+`", kind: CASH, description: "x", value: 10.5}) { contribution { id } } }`, nil)
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] == "INTERNAL" {
		t.Errorf("fractional money: %+v", resp.Errors)
	}

	var c struct{ Contribution struct{ ID string } }
	tr.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }",
		map[string]any{"activityId": act, "kind": "CASH", "description": "Tiền mặt", "value": 500000}, &c)
	tr.env.MustMutate(t, "contributionUpdate", "ContributionUpdateInput", "contribution { value }",
		map[string]any{"id": c.Contribution.ID, "version": tr.version(t, c.Contribution.ID), "value": 750000}, nil)
	ue := tr.env.Mutate(t, "contributionUpdate", "ContributionUpdateInput", "contribution { value }",
		map[string]any{"id": c.Contribution.ID, "version": 1, "value": 1}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.version:CONFLICT"}) {
		t.Errorf("stale update: %v", got)
	}
	var total struct {
		Activity struct{ ContributionTotal int64 }
	}
	tr.env.MustDo(t, `query($id: ID!) { activity(id: $id) { contributionTotal } }`, map[string]any{"id": act}, &total)
	if total.Activity.ContributionTotal != 750000 {
		t.Errorf("total = %d", total.Activity.ContributionTotal)
	}
}

// Filters as a dashboard uses them; search ignores diacritics and case.
func TestActivityFilters(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	campaign := tr.campaign(t, tr.province, "Kỳ nghỉ hồng", 2022)
	tr.activity(t, tr.branchA, "Tình nguyện dọn vệ sinh bãi biển Bình Sơn", map[string]any{"startsOn": "2022-07-10", "campaignId": campaign})
	tr.activity(t, tr.branchB, "Học tập Nghị quyết Đại hội Đoàn", map[string]any{"kind": "POLITICAL_STUDY", "workArea": "POLITICAL_EDUCATION", "startsOn": "2022-10-01"})
	tr.activity(t, tr.district, "Tình nguyện mùa hè xanh", map[string]any{"startsOn": "2023-06-15"})
	tr.activity(t, tr.branchA, "Sinh hoạt chi đoàn", map[string]any{"kind": "MEETING", "workArea": "ORGANISATION_BUILDING", "startsOn": "2023-01-10", "status": "CANCELLED"})

	tests := []struct {
		name   string
		filter map[string]any
		want   []string
	}{
		{"accent-free search", map[string]any{"search": "TINH NGUYEN"}, []string{"Tình nguyện mùa hè xanh", "Tình nguyện dọn vệ sinh bãi biển Bình Sơn"}},
		{"search inside words", map[string]any{"search": "nghi quyet"}, []string{"Học tập Nghị quyết Đại hội Đoàn"}},
		{"bloc subtree", map[string]any{"unitId": tr.bloc}, []string{"Sinh hoạt chi đoàn", "Học tập Nghị quyết Đại hội Đoàn", "Tình nguyện dọn vệ sinh bãi biển Bình Sơn"}},
		{"year", map[string]any{"year": 2023}, []string{"Tình nguyện mùa hè xanh", "Sinh hoạt chi đoàn"}},
		{"date range", map[string]any{"from": "2022-07-01", "to": "2022-12-31"}, []string{"Học tập Nghị quyết Đại hội Đoàn", "Tình nguyện dọn vệ sinh bãi biển Bình Sơn"}},
		{"work area", map[string]any{"workAreas": []string{"POLITICAL_EDUCATION", "ORGANISATION_BUILDING"}}, []string{"Sinh hoạt chi đoàn", "Học tập Nghị quyết Đại hội Đoàn"}},
		{"kind", map[string]any{"kinds": []string{"MEETING"}}, []string{"Sinh hoạt chi đoàn"}},
		{"campaign", map[string]any{"campaignId": campaign}, []string{"Tình nguyện dọn vệ sinh bãi biển Bình Sơn"}},
		{"status", map[string]any{"statuses": []string{"CANCELLED"}}, []string{"Sinh hoạt chi đoàn"}},
		{"combined", map[string]any{"unitId": tr.branchA, "year": 2022, "search": "binh son"}, []string{"Tình nguyện dọn vệ sinh bãi biển Bình Sơn"}},
		{"nothing", map[string]any{"search": "không có"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total := tr.filtered(t, "activities", "ActivityFilter", tt.filter)
			if !slices.Equal(got, tt.want) || total != len(tt.want) {
				t.Errorf("got %q (total %d), want %q", got, total, tt.want)
			}
		})
	}

	resp := tr.env.Do(t, `{ activities(filter: {from: "2023-01-01", to: "2022-01-01"}) { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" || !strings.Contains(resp.Errors[0].Message, "to") {
		t.Errorf("reversed range: %+v", resp.Errors)
	}
}

// Walking activities page by page returns each exactly once, in order,
// even when many share a start date.
func TestActivityPaginationWalk(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	want := map[string]bool{}
	for i := range 23 {
		day := []string{"2022-03-26", "2022-03-27", "2022-09-02"}[i%3]
		id := tr.activity(t, tr.branchA, "Hoạt động số "+strings.Repeat("I", i%5+1), map[string]any{"startsOn": day})
		want[id] = true
	}
	seen := map[string]bool{}
	var after any
	last := "9999-12-31"
	for pages := 0; ; pages++ {
		if pages > 10 {
			t.Fatal("pagination does not end")
		}
		var out struct {
			Activities struct {
				Edges []struct {
					Cursor string
					Node   struct{ ID, StartsOn string }
				}
				PageInfo struct {
					HasNextPage bool
					EndCursor   *string
				}
			}
		}
		tr.env.MustDo(t, `query($after: String) { activities(first: 5, after: $after) {
			edges { cursor node { id startsOn } } pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after}, &out)
		for _, e := range out.Activities.Edges {
			if seen[e.Node.ID] {
				t.Fatalf("%s returned twice", e.Node.ID)
			}
			if e.Node.StartsOn > last {
				t.Fatalf("out of order: %s after %s", e.Node.StartsOn, last)
			}
			seen[e.Node.ID], last = true, e.Node.StartsOn
		}
		if !out.Activities.PageInfo.HasNextPage {
			break
		}
		after = *out.Activities.PageInfo.EndCursor
	}
	if len(seen) != len(want) {
		t.Errorf("walked %d of %d activities", len(seen), len(want))
	}
}

func TestActivityUpdateAndDelete(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	id := tr.activity(t, tr.branchA, "Ra quân tình nguyện", map[string]any{
		"guests": []map[string]any{{"name": "Nguyễn Văn A"}}, "description": "Dự kiến 20 đoàn viên",
	})
	m := tr.member(t, tr.branchA, "Lý Thị Thu", nil)
	tr.record(t, id, map[string]any{"memberId": m})

	var out struct {
		Activity struct {
			Title       string
			Description *string
			Guests      []struct{ Name string }
			Version     int
		}
	}
	tr.env.MustMutate(t, "activityUpdate", "ActivityUpdateInput", "activity { title description guests { name } version }",
		map[string]any{"id": id, "version": 1, "title": "Ra quân tình nguyện hè", "description": nil, "guests": []any{}}, &out)
	if out.Activity.Title != "Ra quân tình nguyện hè" || out.Activity.Description != nil || len(out.Activity.Guests) != 0 || out.Activity.Version != 2 {
		t.Errorf("updated = %+v", out.Activity)
	}
	ue := tr.env.Mutate(t, "activityUpdate", "ActivityUpdateInput", "activity { id }",
		map[string]any{"id": id, "version": 2, "endsOn": "2022-01-01"}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.endsOn:DATE_ORDER"}) {
		t.Errorf("bad update: %v", got)
	}
	ue = tr.env.Mutate(t, "activityDelete", "ActivityDeleteInput", "deletedId", map[string]any{"id": id, "version": 1}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.version:CONFLICT"}) {
		t.Errorf("stale delete: %v", got)
	}
	tr.env.MustMutate(t, "activityDelete", "ActivityDeleteInput", "deletedId", map[string]any{"id": id, "version": 2}, nil)
	if tr.env.Count(t, "activities") != 0 || tr.env.Count(t, "participations") != 0 {
		t.Error("delete left records behind")
	}
}
