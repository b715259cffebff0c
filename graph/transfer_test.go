package graph_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
)

// A transfer between two units is two steps: the sending branch issues
// it, the receiving one accepts (the member moves that day) or returns it
// with a reason. Pending transfers are listed on both sides, and the
// member's history keeps the issue date and number beside the move.
func TestTwoStepTransfer(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	m := tr.member(t, tr.branchA, "Đinh Thị Thu Trang", nil)
	issue := func(id string, version int, to string, on ...string) (string, []string) {
		issuedOn := "01/03/2023"
		if len(on) > 0 {
			issuedOn = on[0]
		}
		var out struct{ Transfer struct{ ID, Status string } }
		ue := tr.env.Mutate(t, "memberTransferIssue", "MemberTransferIssueInput", "transfer { id status }", map[string]any{
			"memberId": id, "version": version, "toUnitId": to, "number": "15-GT/CĐ", "issuedOn": issuedOn}, &out)
		if len(ue) == 0 && out.Transfer.Status != "PENDING" {
			t.Errorf("an issued transfer is %s", out.Transfer.Status)
		}
		return out.Transfer.ID, codes(ue)
	}
	answer := func(mutation, id string, version int, on string, note any) (string, []string) {
		var out struct{ Transfer struct{ Status string } }
		ue := tr.env.Mutate(t, mutation, "MemberTransferAnswerInput", "transfer { status }",
			map[string]any{"id": id, "version": version, "on": on, "note": note}, &out)
		return out.Transfer.Status, codes(ue)
	}
	unitOf := func(id string) string { return tr.getMember(t, id).Unit.ID }

	if _, ue := issue(m, 1, tr.branchA); !slices.Equal(ue, []string{"input.toUnitId:NOT_ALLOWED"}) {
		t.Errorf("a transfer to her own branch: %v", ue)
	}
	if _, ue := issue(m, 1, tr.bloc); !slices.Equal(ue, []string{"input.toUnitId:NOT_ALLOWED"}) {
		t.Errorf("a transfer to a unit that is no branch: %v", ue)
	}
	id, ue := issue(m, 1, tr.branchB)
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	if _, ue := issue(m, 1, tr.branchB); !slices.Equal(ue, []string{"input.memberId:DUPLICATE"}) {
		t.Errorf("a second pending transfer: %v", ue)
	}
	if unitOf(m) != tr.branchA {
		t.Fatal("an issued transfer moved the member")
	}
	var lists struct {
		B struct {
			TransfersIn []struct{ ID, MemberName, Number string }
		}
		A struct{ TransfersOut []struct{ ID string } }
	}
	tr.env.MustDo(t, `query($a: ID!, $b: ID!) { b: unit(id: $b) { transfersIn { id memberName number } } a: unit(id: $a) { transfersOut { id } } }`,
		map[string]any{"a": tr.branchA, "b": tr.branchB}, &lists)
	if in := lists.B.TransfersIn; len(in) != 1 || in[0].ID != id || in[0].MemberName != "Đinh Thị Thu Trang" || in[0].Number != "15-GT/CĐ" ||
		len(lists.A.TransfersOut) != 1 || lists.A.TransfersOut[0].ID != id {
		t.Errorf("pending lists: %+v", lists)
	}

	for _, first := range []int{-1, 201} {
		resp := tr.env.Do(t, `query($b: ID!, $n: Int) { unit(id: $b) { transfersIn(first: $n) { id } } }`, map[string]any{"b": tr.branchB, "n": first})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("transfersIn(first: %d): %s %+v", first, resp.Data, resp.Errors)
		}
	}
	if _, ue := answer("memberTransferAccept", id, 1, "28/02/2023", nil); !slices.Equal(ue, []string{"input.on:DATE_ORDER"}) {
		t.Errorf("accepted before it was issued: %v", ue)
	}
	if status, ue := answer("memberTransferAccept", id, 1, "10/03/2023", nil); len(ue) != 0 || status != "ACCEPTED" {
		t.Fatalf("accepting: %s %v", status, ue)
	}
	if _, ue := answer("memberTransferAccept", id, 2, "11/03/2023", nil); !slices.Equal(ue, []string{"input.id:NOT_ALLOWED"}) {
		t.Errorf("accepting again: %v", ue)
	}
	if unitOf(m) != tr.branchB {
		t.Fatal("an accepted transfer did not move the member")
	}
	var hist struct {
		Member struct {
			Version int
			Events  []struct {
				Kind, OccurredOn string
				DecisionNumber   *string
				Transfer         *struct{ IssuedOn, Status string }
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { version events { kind occurredOn decisionNumber transfer { issuedOn status } } } }`,
		map[string]any{"id": m}, &hist)
	ev := hist.Member.Events
	if last := ev[len(ev)-1]; last.Kind != "TRANSFERRED" || last.OccurredOn != "2023-03-10" || last.DecisionNumber == nil ||
		*last.DecisionNumber != "15-GT/CĐ" || last.Transfer == nil || last.Transfer.IssuedOn != "2023-03-01" || last.Transfer.Status != "ACCEPTED" {
		t.Errorf("her history: %+v", ev)
	}

	// Back to A, returned: she stays in B.
	back, ue := issue(m, hist.Member.Version, tr.branchA, "12/03/2023")
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	if _, ue := answer("memberTransferReturn", back, 1, "15/03/2023", nil); !slices.Equal(ue, []string{"input.note:REQUIRED"}) {
		t.Errorf("returned without a reason: %v", ue)
	}
	if status, ue := answer("memberTransferReturn", back, 1, "15/03/2023", "Chi đoàn chưa nhận được hồ sơ"); len(ue) != 0 || status != "RETURNED" {
		t.Fatalf("returning: %s %v", status, ue)
	}
	if unitOf(m) != tr.branchB {
		t.Error("a returned transfer moved the member")
	}
	var report struct {
		A struct{ Members struct{ TransferredOut int } }
		B struct{ Members struct{ TransferredIn int } }
	}
	tr.env.MustDo(t, `query($a: ID!, $b: ID!) { a: yearlyReport(unitId: $a, year: 2023) { members { transferredOut } }
		b: yearlyReport(unitId: $b, year: 2023) { members { transferredIn } } }`, map[string]any{"a": tr.branchA, "b": tr.branchB}, &report)
	if report.A.Members.TransferredOut != 1 || report.B.Members.TransferredIn != 1 {
		t.Errorf("2023 reports: A sent %d, B received %d; want 1, 1", report.A.Members.TransferredOut, report.B.Members.TransferredIn)
	}
}

// Moving a member at once needs both ends: a branch's officer cannot
// place a member in another unit's branch without it agreeing.
func TestTransferAtOnceNeedsBothEnds(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	m := c.member(t, c.branchA, "Lâm Văn Phúc", nil)
	resp := c.as("branch A secretary").Do(t, `mutation($in: MemberTransferInput!) { memberTransfer(input: $in) { member { id } } }`,
		map[string]any{"in": map[string]any{"id": m, "version": 1, "toUnitId": c.branchB, "on": "2023-01-01"}})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("a move into branch B by A's secretary: %s %+v", resp.Data, resp.Errors)
	}
	var out struct {
		MemberTransferIssue struct{ UserErrors []struct{ Code string } }
	}
	c.as("branch A secretary").MustDo(t, `mutation($in: MemberTransferIssueInput!) { memberTransferIssue(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"memberId": m, "version": 1, "toUnitId": c.branchB, "issuedOn": "2023-01-01"}}, &out)
	if len(out.MemberTransferIssue.UserErrors) != 0 {
		t.Errorf("issuing the transfer instead: %+v", out)
	}
}

// The sending branch may withdraw a transfer nobody has answered yet,
// saying why; the receiving branch may not, and can no longer accept it.
func TestTransferWithdrawnBySender(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	m := tr.member(t, tr.branchA, "Đinh Thị Thu Trang", nil)
	var issued struct{ Transfer struct{ ID string } }
	tr.env.MustMutate(t, "memberTransferIssue", "MemberTransferIssueInput", "transfer { id }", map[string]any{
		"memberId": m, "version": 1, "toUnitId": tr.branchB, "issuedOn": "01/03/2023"}, &issued)
	id := issued.Transfer.ID

	officerB := tr.env.Account(t, "bithu.b", nil, nil)
	tr.env.Grant(t, officerB, account.Officer, ptr(key(t, model.KindUnit, tr.branchB)))
	asB := tr.env.As(tr.env.Session(t, officerB))
	withdraw := func(e *apitest.Env, note any) (string, []string, string) {
		var out struct {
			MemberTransferWithdraw *struct {
				Transfer   *struct{ Status string }
				UserErrors []apitest.UserError
			}
		}
		resp := e.Do(t, `mutation($in: MemberTransferAnswerInput!) { memberTransferWithdraw(input: $in) {
				transfer { status } userErrors { field code message } } }`,
			map[string]any{"in": map[string]any{"id": id, "version": 1, "on": "2023-03-05", "note": note}})
		if len(resp.Errors) > 0 {
			code, _ := resp.Errors[0].Extensions["code"].(string)
			return "", nil, code
		}
		if err := json.Unmarshal(resp.Data, &out); err != nil || out.MemberTransferWithdraw == nil {
			t.Fatalf("%s: %v", resp.Data, err)
		}
		var status string
		if tr := out.MemberTransferWithdraw.Transfer; tr != nil {
			status = tr.Status
		}
		return status, codes(out.MemberTransferWithdraw.UserErrors), ""
	}
	if _, _, code := withdraw(asB, "Không phải của chúng tôi"); code != "FORBIDDEN" {
		t.Errorf("the receiving branch withdrawing: %q, want FORBIDDEN", code)
	}
	if _, ue, _ := withdraw(tr.env, nil); !slices.Equal(ue, []string{"input.note:REQUIRED"}) {
		t.Errorf("withdrawing without a reason: %v", ue)
	}
	if status, ue, _ := withdraw(tr.env, "Đoàn viên ở lại chi đoàn"); status != "WITHDRAWN" || len(ue) != 0 {
		t.Fatalf("withdrawing: %q %v", status, ue)
	}
	var accept struct{ Transfer struct{ Status string } }
	ue := asB.Mutate(t, "memberTransferAccept", "MemberTransferAnswerInput", "transfer { status }",
		map[string]any{"id": id, "version": 2, "on": "2023-03-06"}, &accept)
	if !slices.Equal(codes(ue), []string{"input.id:NOT_ALLOWED"}) || !strings.Contains(ue[0].Message, "rút lại") {
		t.Errorf("accepting a withdrawn transfer: %+v", ue)
	}
	if unit := tr.getMember(t, m).Unit.ID; unit != tr.branchA {
		t.Errorf("the member moved to %s", unit)
	}
	var lists struct {
		Unit struct {
			TransfersOut []struct{ ID, AnswerNote string }
		}
	}
	tr.env.MustDo(t, `query($a: ID!) { unit(id: $a) { transfersOut(status: WITHDRAWN) { id answerNote } } }`,
		map[string]any{"a": tr.branchA}, &lists)
	if l := lists.Unit.TransfersOut; len(l) != 1 || l[0].ID != id || l[0].AnswerNote != "Đoàn viên ở lại chi đoàn" {
		t.Errorf("withdrawn transfers of A: %+v", l)
	}
	// Nothing is pending any more: a new transfer may be issued.
	tr.env.MustMutate(t, "memberTransferIssue", "MemberTransferIssueInput", "transfer { id }", map[string]any{
		"memberId": m, "version": 1, "toUnitId": tr.branchB, "issuedOn": "10/03/2023"}, &issued)
}
