package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
)

// callers is the cast of the permission tests, around branch A of newTree.
type callers struct {
	*tree
	memberA  string // a member of branch A with an account and no role
	memberA2 string // another member of branch A
	tokens   map[string]string
	ids      map[string]int64 // account ids by role name
	// preparingFor is the role the permission matrix prepares an input
	// for, where the input must name the role's own record (an upload).
	preparingFor string
}

// Role names, in the order the matrix prints them.
var roles = []string{"admin", "bloc officer", "branch A secretary", "district officer", "member of A", "anonymous"}

func key(t *testing.T, kind model.Kind, id string) int64 {
	t.Helper()
	n, err := model.DecodeID(kind, id)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func newCallers(t *testing.T) *callers {
	t.Helper()
	c := &callers{tree: newTree(t), tokens: map[string]string{}, ids: map[string]int64{}}
	c.memberA = c.member(t, c.branchA, "Lê Thị Kim Ngân", nil)
	c.memberA2 = c.member(t, c.branchA, "Phạm Minh Khoa", map[string]any{"gender": "MALE"})
	secretary := c.member(t, c.branchA, "Nguyễn Thị Thanh Tâm", map[string]any{"position": "SECRETARY"})

	e := c.env
	bloc, branchA, district := key(t, model.KindUnit, c.bloc), key(t, model.KindUnit, c.branchA), key(t, model.KindUnit, c.district)
	mA, sec := key(t, model.KindMember, c.memberA), key(t, model.KindMember, secretary)

	add := func(role, username string, unit, member *int64, officerOf *int64) {
		id := e.Account(t, username, unit, member)
		if officerOf != nil {
			e.Grant(t, id, account.Officer, officerOf)
		}
		c.ids[role] = id
		c.tokens[role] = e.Session(t, id)
	}
	c.tokens["admin"] = e.AdminToken
	add("bloc officer", "doankhoi", &bloc, nil, &bloc)
	add("branch A secretary", "bithu.a", &branchA, &sec, &branchA)
	add("district officer", "huyendoan", &district, nil, &district)
	add("member of A", "doanvien.a", &branchA, &mA, nil)
	c.tokens["anonymous"] = ""
	return c
}

func (c *callers) as(role string) *apitest.Env { return c.env.As(c.tokens[role]) }

var seq atomic.Int64

func uniq(prefix string) string { return fmt.Sprintf("%s %d", prefix, seq.Add(1)) }

// freshPeriod is a year and period no other call has had (for 90 calls),
// for a report submitted once; 2026 is left to the cases that write a
// report's text, which a submission would freeze.
func freshPeriod() (int, string) {
	n := seq.Add(1)
	return 2011 + int(n%15), []string{"YEAR", "FIRST_HALF", "Q1", "Q2", "Q3", "Q4"}[(n/15)%6]
}

// mutationCase is one mutation aimed at branch A; prepare makes a fresh
// target (as the administrator) for each caller, since allowed calls change
// or delete it.
type mutationCase struct {
	name    string
	input   string
	allowed []string
	prepare func(t *testing.T, c *callers) map[string]any
}

var unitManagers = []string{"admin", "bloc officer", "branch A secretary"}
var blocManagers = []string{"admin", "bloc officer"}

func mutationCases() []mutationCase {
	member := func(t *testing.T, c *callers) string { return c.member(t, c.branchA, uniq("Đoàn viên"), nil) }
	transferIntoA := func(t *testing.T, c *callers) string {
		var out struct{ Transfer struct{ ID string } }
		c.env.MustMutate(t, "memberTransferIssue", "MemberTransferIssueInput", "transfer { id }", map[string]any{
			"memberId": c.member(t, c.branchB, uniq("Đoàn viên"), nil), "version": 1, "toUnitId": c.branchA, "issuedOn": "2023-01-01"}, &out)
		return out.Transfer.ID
	}
	referral := func(t *testing.T, c *callers) string {
		var out struct{ PartyReferral struct{ ID string } }
		c.env.MustMutate(t, "partyReferralCreate", "PartyReferralCreateInput", "partyReferral { id }",
			map[string]any{"memberId": member(t, c), "introducedOn": "2022-05-19"}, &out)
		return out.PartyReferral.ID
	}
	activity := func(t *testing.T, c *callers) string { return c.activity(t, c.branchA, uniq("Hoạt động"), nil) }
	collection := func(t *testing.T, c *callers) string {
		var out struct{ Collection struct{ ID string } }
		c.env.MustMutate(t, "duesCollect", "DuesCollectInput", "collection { id }", map[string]any{"unitId": c.branchA,
			"collectedOn": "2025-12-20", "payments": []map[string]any{{"memberId": member(t, c), "year": 2025, "months": []int{11, 12}}}}, &out)
		return out.Collection.ID
	}
	submission := func(t *testing.T, c *callers) string {
		year, period := freshPeriod()
		var out struct{ Submission struct{ ID string } }
		c.env.MustMutate(t, "reportSubmit", "ReportSubmitInput", "submission { id }",
			map[string]any{"unitId": c.branchA, "year": year, "period": period}, &out)
		return out.Submission.ID
	}
	remittance := func(t *testing.T, c *callers) string {
		collection(t, c)
		var out struct{ Remittance struct{ ID string } }
		c.env.MustMutate(t, "duesRemit", "DuesRemitInput", "remittance { id }", map[string]any{"unitId": c.branchA,
			"amount": 1000, "sentOn": "2025-12-21"}, &out)
		return out.Remittance.ID
	}
	campaign := func(t *testing.T, c *callers) string { return c.campaign(t, c.branchA, uniq("Phong trào"), 2022) }
	contribution := func(t *testing.T, c *callers) string {
		return c.env.Create(t, "contribution", map[string]any{"activityId": activity(t, c), "kind": "CASH", "description": "Tiền mặt", "value": 100000})
	}
	commendation := func(t *testing.T, c *callers) string {
		return c.commend(t, map[string]any{"form": "GIAY_KHEN", "title": uniq("Khen"), "year": 2022,
			"issuer": map[string]any{"unitId": c.branchA}, "recipientMemberId": c.memberA2})
	}
	pledge := func(t *testing.T, c *callers) string {
		return c.env.Create(t, "pledge", map[string]any{"unitId": c.branchA, "year": 2022, "title": uniq("Cam kết")})
	}
	unitUnderBloc := func(t *testing.T, c *callers, level string) string {
		return c.unit(t, &c.bloc, level, uniq("Đơn vị"))
	}
	post := func(t *testing.T, c *callers) string { return c.post(t, c.branchA, uniq("Tin"), "Nội dung") }
	acct := func(t *testing.T, c *callers) string {
		id := c.env.Account(t, strings.ReplaceAll(uniq("tk"), " ", ""), ptr(key(t, model.KindUnit, c.branchA)), nil)
		return model.EncodeID(model.KindAccount, id)
	}
	return []mutationCase{
		{"unitCreate", "UnitCreateInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"parentId": c.bloc, "level": "BRANCH", "name": uniq("Chi đoàn")}
		}},
		{"unitUpdate", "UnitUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": c.branchA, "version": c.version(t, c.branchA), "name": uniq("Chi đoàn A")}
		}},
		{"unitMove", "UnitMoveInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			u := unitUnderBloc(t, c, "BRANCH")
			return map[string]any{"id": u, "version": 1, "parentId": unitUnderBloc(t, c, "GRASSROOTS")}
		}},
		{"unitArchive", "UnitArchiveInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": unitUnderBloc(t, c, "BRANCH"), "version": 1}
		}},
		{"memberCreate", "MemberCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "fullName": uniq("Đoàn viên"), "gender": "MALE", "birthDate": "2000-01-01", "joinedOn": "2016-03-26"}
		}},
		{"memberUpdate", "MemberUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": member(t, c), "version": 1, "phone": "0912 000 111"}
		}},
		// At once only by who manages both ends: A's officers issue a transfer instead.
		{"memberTransfer", "MemberTransferInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": member(t, c), "version": 1, "toUnitId": c.branchB, "on": "2023-01-01"}
		}},
		{"memberTransferIssue", "MemberTransferIssueInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"memberId": member(t, c), "version": 1, "toUnitId": c.branchB, "issuedOn": "2023-01-01", "number": "15-GT/CĐ"}
		}},
		// Answered by the receiving unit: here a transfer from B into A.
		{"memberTransferAccept", "MemberTransferAnswerInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": transferIntoA(t, c), "version": 1, "on": "2023-02-01"}
		}},
		{"memberTransferWithdraw", "MemberTransferAnswerInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			var out struct{ Transfer struct{ ID string } }
			c.env.MustMutate(t, "memberTransferIssue", "MemberTransferIssueInput", "transfer { id }", map[string]any{
				"memberId": member(t, c), "version": 1, "toUnitId": c.branchB, "issuedOn": "2023-01-01"}, &out)
			return map[string]any{"id": out.Transfer.ID, "version": 1, "on": "2023-01-05", "note": "Đoàn viên ở lại chi đoàn"}
		}},
		{"memberTransferReturn", "MemberTransferAnswerInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": transferIntoA(t, c), "version": 1, "on": "2023-02-01", "note": "Sai chi đoàn nhận"}
		}},
		{"memberLeave", "MemberLeaveInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": member(t, c), "version": 1, "reason": "AGED_OUT", "on": "2023-01-01",
				"earlyReason": "PARTY_MEMBER", "decisionNumber": "12-QĐ/ĐTN"}
		}},
		{"membersImport", "MembersImportInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			token := c.tokens[c.preparingFor]                   // an upload is its uploader's
			if token == "" || c.preparingFor == "member of A" { // who may not upload: the rule refuses them first
				token = c.env.AdminToken
			}
			list := "Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn\n" + uniq("Đoàn viên") + ",Nam,01/01/2000,26/03/2016\n"
			return map[string]any{"unitId": c.branchA, "upload": uploadList(t, c.env, token, list), "dryRun": false}
		}},
		{"reportSubmit", "ReportSubmitInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			year, period := freshPeriod()
			return map[string]any{"unitId": c.branchA, "year": year, "period": period}
		}},
		{"reportSubmissionAccept", "ReportSubmissionAnswerInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": submission(t, c), "version": 1}
		}},
		{"reportSubmissionReturn", "ReportSubmissionAnswerInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": submission(t, c), "version": 1, "note": "Thiếu phần phương hướng"}
		}},
		{"reportDocumentSet", "ReportDocumentSetInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			var out struct {
				Unit struct{ ReportDocument *struct{ Version int } }
			}
			c.env.MustDo(t, `query($u: ID!) { unit(id: $u) { reportDocument(year: 2026) { version } } }`, map[string]any{"u": c.branchA}, &out)
			version := 0
			if d := out.Unit.ReportDocument; d != nil {
				version = d.Version
			}
			return map[string]any{"unitId": c.branchA, "year": 2026, "number": "05-BC/CĐ", "place": "Ninh Thuận", "version": version}
		}},
		{"reportTextSave", "ReportTextSaveInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			var out struct {
				Unit struct {
					ReportDocument *struct{ Texts []struct{ Version int } }
				}
			}
			c.env.MustDo(t, `query($u: ID!) { unit(id: $u) { reportDocument(year: 2026) { texts { version } } } }`, map[string]any{"u": c.branchA}, &out)
			version := 0
			if d := out.Unit.ReportDocument; d != nil && len(d.Texts) > 0 {
				version = d.Texts[0].Version
			}
			return map[string]any{"unitId": c.branchA, "year": 2026, "section": "SITUATION", "body": uniq("Chi đoàn có"), "version": version}
		}},
		{"duesRateSet", "DuesRateSetInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "category": "SALARIED", "monthlyAmount": 6000, "fromYear": 2025, "fromMonth": 1}
		}},
		{"duesRateRemove", "DuesRateRemoveInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			in := map[string]any{"unitId": c.branchA, "category": "ABROAD", "fromYear": 2024, "fromMonth": 7}
			c.env.MustMutate(t, "duesRateSet", "DuesRateSetInput", "__typename", map[string]any{"unitId": c.branchA,
				"category": "ABROAD", "monthlyAmount": 10000, "fromYear": 2024, "fromMonth": 7}, nil)
			return in
		}},
		{"membersDuesCategorySet", "MembersDuesCategorySetInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"memberIds": []string{member(t, c)}, "category": "SALARIED"}
		}},
		{"duesCollect", "DuesCollectInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "collectedOn": "2025-12-20",
				"payments": []map[string]any{{"memberId": member(t, c), "year": 2025, "months": []int{12}}}}
		}},
		{"duesCollectionDelete", "DuesCollectionDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": collection(t, c), "version": 1}
		}},
		{"duesRemit", "DuesRemitInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			collection(t, c)
			return map[string]any{"unitId": c.branchA, "amount": 500, "sentOn": "2025-12-21"}
		}},
		// A remittance goes to the branch's parent, the bloc, whose officers answer it.
		{"duesRemittanceConfirm", "DuesRemittanceAnswerInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": remittance(t, c), "version": 1, "on": "2025-12-22"}
		}},
		{"duesRemittanceReturn", "DuesRemittanceAnswerInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": remittance(t, c), "version": 1, "on": "2025-12-22", "note": "Chưa nhận được tiền"}
		}},
		{"partyReferralCreate", "PartyReferralCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"memberId": member(t, c), "introducedOn": "2022-05-19"}
		}},
		{"partyReferralUpdate", "PartyReferralUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": referral(t, c), "version": 1, "admittedOn": "2023-02-03", "admissionDecisionNumber": "88-QĐ/ĐU"}
		}},
		{"partyReferralDelete", "PartyReferralDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": referral(t, c), "version": 1}
		}},
		{"membersAgeOut", "MembersAgeOutInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"members": []map[string]any{{"id": member(t, c), "version": 1, "earlyReason": "PARTY_MEMBER"}},
				"on": "2023-01-01", "decisionNumber": "12-QĐ/ĐTN"}
		}},
		{"memberDelete", "MemberDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": member(t, c), "version": 1}
		}},
		{"campaignCreate", "CampaignCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "name": uniq("Phong trào"), "year": 2022, "workArea": "CREATIVE_YOUTH"}
		}},
		{"campaignUpdate", "CampaignUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": campaign(t, c), "version": 1, "name": uniq("Đổi tên")}
		}},
		{"campaignDelete", "CampaignDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": campaign(t, c), "version": 1}
		}},
		{"activityCreate", "ActivityCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "title": uniq("Hoạt động"), "kind": "MEETING", "workArea": "ORGANISATION_BUILDING", "startsOn": "2022-05-05"}
		}},
		{"activityUpdate", "ActivityUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": activity(t, c), "version": 1, "title": uniq("Đổi tên")}
		}},
		{"activityDelete", "ActivityDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": activity(t, c), "version": 1}
		}},
		{"participationsRecord", "ParticipationsRecordInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"activityId": activity(t, c), "participants": []map[string]any{{"memberId": c.memberA2}}}
		}},
		{"participationsRemove", "ParticipationsRemoveInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			a := activity(t, c)
			c.record(t, a, map[string]any{"memberId": c.memberA2})
			return map[string]any{"activityId": a, "memberIds": []string{c.memberA2}}
		}},
		{"contributionCreate", "ContributionCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"activityId": activity(t, c), "kind": "IN_KIND", "description": "Sách", "value": 500000}
		}},
		{"contributionUpdate", "ContributionUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": contribution(t, c), "version": 1, "value": 1}
		}},
		{"contributionDelete", "ContributionDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": contribution(t, c), "version": 1}
		}},
		{"commendationCreate", "CommendationCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"form": "GIAY_KHEN", "title": uniq("Khen"), "year": 2022,
				"issuer": map[string]any{"unitId": c.branchA}, "recipientMemberId": c.memberA2}
		}},
		{"commendationUpdate", "CommendationUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": commendation(t, c), "version": 1, "title": uniq("Đổi")}
		}},
		{"commendationDelete", "CommendationDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": commendation(t, c), "version": 1}
		}},
		{"pledgeCreate", "PledgeCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "year": 2022, "title": uniq("Cam kết")}
		}},
		{"pledgeUpdate", "PledgeUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": pledge(t, c), "version": 1, "title": uniq("Đổi")}
		}},
		{"pledgeDelete", "PledgeDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": pledge(t, c), "version": 1}
		}},
		{"pledgeSign", "PledgeSignInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"pledgeId": pledge(t, c), "memberIds": []string{c.memberA2}, "signedOn": "2022-03-01"}
		}},
		{"pledgeUnsign", "PledgeUnsignInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			p := pledge(t, c)
			c.env.MustMutate(t, "pledgeSign", "PledgeSignInput", "__typename",
				map[string]any{"pledgeId": p, "memberIds": []string{c.memberA2}, "signedOn": "2022-03-01"}, nil)
			return map[string]any{"pledgeId": p, "memberIds": []string{c.memberA2}}
		}},
		{"membersRate", "MembersRateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"year": 2022, "ratings": []map[string]any{{"memberId": member(t, c), "level": "GOOD"}}}
		}},
		{"membersRatingsRemove", "MembersRatingsRemoveInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			m := member(t, c)
			c.env.MustMutate(t, "membersRate", "MembersRateInput", "__typename",
				map[string]any{"year": 2022, "ratings": []map[string]any{{"memberId": m, "level": "GOOD"}}}, nil)
			return map[string]any{"year": 2022, "memberIds": []string{m}}
		}},
		{"accountCreate", "AccountCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"username": strings.ReplaceAll(uniq("moi"), " ", ""), "displayName": "Tài khoản mới",
				"password": "mật khẩu đủ dài", "unitId": c.branchA}
		}},
		{"accountSetActive", "AccountSetActiveInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": acct(t, c), "active": false}
		}},
		{"accountSetPassword", "AccountSetPasswordInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": acct(t, c), "newPassword": "mật khẩu mới đủ dài"}
		}},
		{"roleGrant", "RoleInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"accountId": acct(t, c), "kind": "OFFICER", "unitId": c.branchA}
		}},
		{"roleRevoke", "RoleInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			a := acct(t, c)
			c.env.Grant(t, key(t, model.KindAccount, a), account.Officer, ptr(key(t, model.KindUnit, c.branchA)))
			return map[string]any{"accountId": a, "kind": "OFFICER", "unitId": c.branchA}
		}},
		{"planSet", "PlanSetInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "year": 2023, "targets": []map[string]any{{"metric": "ADMISSIONS", "target": float64(seq.Add(1))}}}
		}},
		{"postCreate", "PostCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "post": map[string]any{"title": uniq("Tin"), "bodyMarkdown": "Nội dung"}}
		}},
		{"postUpdate", "PostUpdateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": post(t, c), "version": 1, "post": map[string]any{"title": uniq("Tin sửa"), "bodyMarkdown": "Mới"}}
		}},
		{"postSetStatus", "PostSetStatusInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": post(t, c), "version": 1, "status": "PUBLISHED"}
		}},
		{"postDelete", "PostDeleteInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"id": post(t, c), "version": 1}
		}},
		{"unitRate", "UnitRateInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "year": 2023, "level": "GOOD", "decisionNumber": "20-QĐ/ĐTN"}
		}},
		{"unitRatingRemove", "UnitRatingRemoveInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			c.env.MustMutate(t, "unitRate", "UnitRateInput", "__typename",
				map[string]any{"unitId": c.branchA, "year": 2022, "level": "FAIR"}, nil) // again for each attempt
			return map[string]any{"unitId": c.branchA, "year": 2022}
		}},
		{"unitRename", "UnitRenameInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return decision(map[string]any{"unitId": unitUnderBloc(t, c, "BRANCH"), "name": uniq("Chi đoàn mới")})
		}},
		{"unitRelocate", "UnitRelocateInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return decision(map[string]any{"unitId": unitUnderBloc(t, c, "BRANCH"), "parentId": unitUnderBloc(t, c, "GRASSROOTS")})
		}},
		{"unitChangeLevel", "UnitChangeLevelInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return decision(map[string]any{"unitId": unitUnderBloc(t, c, "GRASSROOTS"), "level": "BRANCH"})
		}},
		{"unitMerge", "UnitMergeInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return decision(map[string]any{"unitIds": []string{unitUnderBloc(t, c, "BRANCH"), unitUnderBloc(t, c, "BRANCH")},
				"newUnit": map[string]any{"parentId": c.bloc, "name": uniq("Chi đoàn hợp nhất")}})
		}},
		{"unitSplit", "UnitSplitInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return decision(map[string]any{"unitId": unitUnderBloc(t, c, "BRANCH"),
				"parts": []map[string]any{{"name": uniq("Chi đoàn 1")}, {"name": uniq("Chi đoàn 2")}}})
		}},
		{"unitDissolve", "UnitDissolveInput", blocManagers, func(t *testing.T, c *callers) map[string]any {
			return decision(map[string]any{"unitId": unitUnderBloc(t, c, "BRANCH")})
		}},
		{"committeeTermCreate", "CommitteeTermCreateInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			day := time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(seq.Add(1))).Format(time.DateOnly)
			return map[string]any{"unitId": c.branchA, "name": uniq("Nhiệm kỳ"), "from": day, "to": day} // terms must not overlap
		}},
		{"positionAppoint", "PositionAppointInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"unitId": c.branchA, "title": "COMMITTEE_MEMBER", "holderName": uniq("Ủy viên"), "from": "2024-01-01"}
		}},
		{"positionEnd", "PositionEndInput", unitManagers, func(t *testing.T, c *callers) map[string]any {
			var out struct{ Position struct{ ID string } }
			c.env.MustMutate(t, "positionAppoint", "PositionAppointInput", "position { id }", map[string]any{"unitId": c.branchA,
				"title": "COMMITTEE_MEMBER", "holderName": uniq("Ủy viên"), "from": "2024-01-01"}, &out)
			return map[string]any{"id": out.Position.ID, "version": 1, "lastDay": "2025-06-30"}
		}},
		{"roleGrant ADMIN", "RoleInput", []string{"admin"}, func(t *testing.T, c *callers) map[string]any {
			return map[string]any{"accountId": acct(t, c), "kind": "ADMIN"}
		}},
	}
}

func ptr[T any](v T) *T { return &v }

// decision adds a restructuring decision's date and number to an input.
func decision(in map[string]any) map[string]any {
	in["effectiveOn"], in["decisionNumber"] = "2025-07-01", uniq("QĐ/TĐTN")
	return in
}

// Every mutation, for each kind of caller, inside and outside the caller's
// subtree: allowed, or refused with FORBIDDEN (UNAUTHENTICATED when not
// signed in) and nothing written, not even an audit entry.
func TestMutationPermissionMatrix(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	for _, mc := range mutationCases() {
		t.Run(mc.name, func(t *testing.T) {
			for _, role := range roles {
				c.preparingFor = role
				input := mc.prepare(t, c)
				name, _, _ := strings.Cut(mc.name, " ")
				before := c.env.Count(t, "audit_log")
				resp := c.as(role).Do(t, fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { userErrors { field code } } }`, mc.input, name),
					map[string]any{"input": input})
				after := c.env.Count(t, "audit_log")
				allowed := slices.Contains(mc.allowed, role)
				switch {
				case allowed && (len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"userErrors":[]`)):
					t.Errorf("%s: refused: %s %+v", role, resp.Data, resp.Errors)
				case allowed && after == before:
					t.Errorf("%s: allowed but left no audit entry", role)
				case !allowed:
					want := "FORBIDDEN"
					if role == "anonymous" {
						want = "UNAUTHENTICATED"
					}
					if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != want {
						t.Errorf("%s: want %s, got %s %+v", role, want, resp.Data, resp.Errors)
					}
					if after != before {
						t.Errorf("%s: refused, but %d audit entries appeared: something was written", role, after-before)
					}
				}
			}
		})
	}
}

// personalFields are the fields of Member marked @personal in the schema,
// so the matrix below covers every one there is; personalQuery reads them.
func personalFields() (fields []string, query string) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	sel := []string{"fullName"}
	for _, f := range schema.Types["Member"].Fields {
		if f.Directives.ForName("personal") == nil {
			continue
		}
		fields = append(fields, f.Name)
		if schema.Types[f.Type.Name()].Kind == ast.Object {
			sel = append(sel, f.Name+" { __typename }")
		} else {
			sel = append(sel, f.Name)
		}
	}
	return fields, `query($id: ID!) { member(id: $id) { ` + strings.Join(sel, " ") + ` } }`
}

// Every personal field, for each caller: readable by the member and the
// officers above them; null with FORBIDDEN at its path for a fellow member
// of the branch; the whole member hidden from everyone else.
func TestPersonalFieldMatrix(t *testing.T) {
	t.Parallel()
	personalFields, personalQuery := personalFields()
	if len(personalFields) < 7 {
		t.Fatalf("only %v are marked @personal", personalFields)
	}
	c := newCallers(t)
	c.env.MustMutate(t, "memberUpdate", "MemberUpdateInput", "__typename", map[string]any{
		"id": c.memberA2, "version": 1, "phone": "0905 123 456", "email": "khoa@example.vn", "address": "Phan Rang", "cardNumber": "NT-1",
	}, nil)
	c.env.MustMutate(t, "membersRate", "MembersRateInput", "__typename",
		map[string]any{"year": 2022, "ratings": []map[string]any{{"memberId": c.memberA2, "level": "GOOD"}}}, nil)

	type want int
	const (
		full      want = iota // every field
		namesOnly             // name, personal fields FORBIDDEN
		hidden                // member(id:) itself refused
	)
	cases := []struct {
		role   string
		member string
		want   want
	}{
		{"admin", c.memberA2, full},
		{"bloc officer", c.memberA2, full},
		{"branch A secretary", c.memberA2, full},
		{"member of A", c.memberA, full}, // their own record
		{"member of A", c.memberA2, namesOnly},
		{"district officer", c.memberA2, hidden},
		{"anonymous", c.memberA2, hidden},
	}
	for _, tc := range cases {
		resp := c.as(tc.role).Do(t, personalQuery, map[string]any{"id": tc.member})
		var forbidden []string
		for _, e := range resp.Errors {
			if e.Extensions["code"] == "FORBIDDEN" || e.Extensions["code"] == "UNAUTHENTICATED" {
				forbidden = append(forbidden, fmt.Sprint(e.Path...))
			}
		}
		data := string(resp.Data)
		switch tc.want {
		case full:
			if len(resp.Errors) > 0 || !strings.Contains(data, `"birthDate":"`) || strings.Contains(data, `"events":null`) {
				t.Errorf("%s reading %s: want every field, got %s %+v", tc.role, tc.member, data, resp.Errors)
			}
		case namesOnly:
			if !strings.Contains(data, `"fullName":"Phạm Minh Khoa"`) || len(forbidden) != len(personalFields) {
				t.Errorf("%s: want the name and %d FORBIDDEN fields, got %s %v", tc.role, len(personalFields), data, forbidden)
			}
			for _, f := range personalFields {
				if !strings.Contains(data, `"`+f+`":null`) || !slices.Contains(forbidden, "member"+f) {
					t.Errorf("%s: %s should be null with FORBIDDEN at its path: %s %v", tc.role, f, data, forbidden)
				}
			}
		case hidden:
			if data != `{"member":null}` || len(forbidden) != 1 {
				t.Errorf("%s: want member null with one error, got %s %+v", tc.role, data, resp.Errors)
			}
		}
	}
}

// An anonymous client finds no person anywhere: lists are empty, nested
// paths lead nowhere, node(id:) refuses.
func TestAnonymousSeesNoPerson(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	act := c.activity(t, c.branchA, "Ngày Chủ nhật xanh", nil)
	c.record(t, act, map[string]any{"memberId": c.memberA}, map[string]any{"memberId": c.memberA2})
	c.commend(t, map[string]any{"form": "GIAY_KHEN", "title": "Cá nhân xuất sắc", "year": 2022,
		"issuer": map[string]any{"unitId": c.branchA}, "recipientMemberId": c.memberA})
	c.commend(t, map[string]any{"form": "BANG_KHEN", "title": "Tập thể xuất sắc", "year": 2022,
		"issuer": map[string]any{"unitId": c.bloc}, "recipientUnitId": c.branchA})
	var pledge struct{ Pledge struct{ ID string } }
	c.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }", map[string]any{"unitId": c.branchA, "year": 2022, "title": "Cam kết"}, &pledge)
	c.env.MustMutate(t, "pledgeSign", "PledgeSignInput", "__typename",
		map[string]any{"pledgeId": pledge.Pledge.ID, "memberIds": []string{c.memberA}, "signedOn": "2022-03-01"}, nil)

	anon := c.as("anonymous")
	resp := anon.Do(t, `query($unit: ID!, $act: ID!, $pledge: ID!) {
		members { totalCount edges { node { id } } }
		unit(id: $unit) { name members { totalCount edges { node { id } } } stats { members { active } } }
		activity(id: $act) { title participantCount participants { totalCount edges { node { member { fullName } } } } }
		pledge(id: $pledge) { signedCount signatures { totalCount edges { node { member { fullName } } } } }
		commendations { totalCount edges { node { title recipient { __typename } } } }
		me { id }
	}`, map[string]any{"unit": c.branchA, "act": act, "pledge": pledge.Pledge.ID})
	if len(resp.Errors) > 0 {
		t.Fatalf("errors: %+v", resp.Errors)
	}
	data := string(resp.Data)
	for _, leak := range []string{"Lê Thị Kim Ngân", "Phạm Minh Khoa", `"__typename":"Member"`, "TWVtYmVy"} {
		if strings.Contains(data, leak) {
			t.Errorf("anonymous response contains %q: %s", leak, data)
		}
	}
	// Aggregates stay public; lists of people are empty.
	for _, want := range []string{`"members":{"totalCount":0,"edges":[]}`, `"participantCount":2`, `"participants":{"totalCount":0,"edges":[]}`,
		`"signedCount":1`, `"signatures":{"totalCount":0,"edges":[]}`, `"commendations":{"totalCount":1`, `"me":null`, `"active":3`} {
		if !strings.Contains(data, want) {
			t.Errorf("anonymous response lacks %s: %s", want, data)
		}
	}

	for _, q := range []string{
		`query($id: ID!) { node(id: $id) { id } }`,
		`query($id: ID!) { nodes(ids: [$id]) { id } }`,
		`query($id: ID!) { member(id: $id) { fullName } }`,
	} {
		resp := anon.Do(t, q, map[string]any{"id": c.memberA})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || strings.Contains(string(resp.Data), "Ngân") {
			t.Errorf("%s: %s %+v", q, resp.Data, resp.Errors)
		}
	}
	for _, q := range []string{`{ auditLog { totalCount } }`, `{ accounts { totalCount } }`} {
		resp := anon.Do(t, q, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Errorf("%s: %+v", q, resp.Errors)
		}
	}
}

// Lists only hold what the caller may see: a bloc officer sees both its
// branches, a branch secretary only hers, a district officer neither.
func TestListsAreScoped(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	c.member(t, c.branchB, "Trần Thị Cúc", nil)
	for _, tt := range []struct {
		role string
		want int
	}{
		{"admin", 4}, {"bloc officer", 4}, {"branch A secretary", 3}, {"district officer", 0}, {"member of A", 3}, {"anonymous", 0},
	} {
		var out struct{ Members struct{ TotalCount int } }
		resp := c.as(tt.role).Do(t, `{ members { totalCount edges { node { id } } } }`, nil)
		if err := jsonInto(resp.Data, &out); err != nil || len(resp.Errors) > 0 {
			t.Fatalf("%s: %v %+v", tt.role, err, resp.Errors)
		}
		if out.Members.TotalCount != tt.want {
			t.Errorf("%s sees %d members, want %d", tt.role, out.Members.TotalCount, tt.want)
		}
	}
	// Ages come from dates of birth: a plain member cannot filter by them.
	resp := c.as("member of A").Do(t, `{ members(filter: {minAge: 25}) { totalCount } }`, nil)
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("age filter as a member: %+v", resp.Errors)
	}
}

func jsonInto(raw json.RawMessage, out any) error { return json.Unmarshal(raw, out) }
