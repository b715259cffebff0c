package graph_test

import (
	"slices"
	"testing"
)

// A branch hands its 2022 report in to its bloc; the bloc sees who has
// handed in, returns it with a comment, and accepts it once resubmitted.
// What was handed in stays as it was: records added later change the
// live report, not the submitted one, which lists what changed; the texts
// cannot be edited while the report is with the level above.
func TestReportSubmittedUpTheTree(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.member(t, tr.branchA, "Nguyễn Thị Lan", map[string]any{"joinedOn": "2016-03-26"})
	tr.member(t, tr.branchA, "Trần Văn Hùng", map[string]any{"gender": "MALE", "joinedOn": "2016-03-26"})
	saveText := func(body string, version int) []string {
		return codes(tr.env.Mutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": tr.branchA,
			"year": 2022, "section": "SITUATION", "body": body, "version": version}, nil))
	}
	if ue := saveText("Chi đoàn có 2 đoàn viên.", 0); len(ue) != 0 {
		t.Fatal(ue)
	}
	type submission struct {
		ID, Status string
		Version    int
		AnswerNote *string
		Report     struct{ Members struct{ AtYearEnd int } }
		Document   struct{ Texts []struct{ Body string } }
		Changes    []struct {
			Figure         string
			Submitted, Now *float64
		}
	}
	const fields = `id status version answerNote report { members { atYearEnd } } document { texts { body } }`
	submit := func() (submission, []string) {
		var out struct{ Submission submission }
		ue := tr.env.Mutate(t, "reportSubmit", "ReportSubmitInput", "submission { "+fields+" }",
			map[string]any{"unitId": tr.branchA, "year": 2022}, &out)
		return out.Submission, codes(ue)
	}
	answer := func(mutation, id string, version int, note any) (string, []string) {
		var out struct{ Submission struct{ Status string } }
		ue := tr.env.Mutate(t, mutation, "ReportSubmissionAnswerInput", "submission { status }",
			map[string]any{"id": id, "version": version, "note": note}, &out)
		return out.Submission.Status, codes(ue)
	}

	first, ue := submit()
	if len(ue) != 0 || first.Status != "SUBMITTED" || first.Report.Members.AtYearEnd != 2 || len(first.Document.Texts) != 1 {
		t.Fatalf("submitting: %+v %v", first, ue)
	}
	if _, ue := submit(); !slices.Equal(ue, []string{"input.period:DUPLICATE"}) {
		t.Errorf("submitting twice: %v", ue)
	}
	if ue := saveText("Sửa sau khi nộp.", 1); !slices.Equal(ue, []string{"input.unitId:NOT_ALLOWED"}) {
		t.Errorf("editing a submitted report's text: %v", ue)
	}
	var top struct{ Submission *submission }
	if ue := codes(tr.env.Mutate(t, "reportSubmit", "ReportSubmitInput", "submission { id }",
		map[string]any{"unitId": tr.province, "year": 2022}, &top)); !slices.Equal(ue, []string{"input.unitId:NOT_ALLOWED"}) {
		t.Errorf("the top submitting: %v", ue)
	}

	// The bloc sees who has handed in.
	var bloc struct {
		Unit struct {
			ChildReportSubmissions []struct {
				Unit       struct{ ID string }
				Submission *struct{ ID, Status string }
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { unit(id: $u) { childReportSubmissions(year: 2022) { unit { id } submission { id status } } } }`,
		map[string]any{"u": tr.bloc}, &bloc)
	got := map[string]string{}
	for _, c := range bloc.Unit.ChildReportSubmissions {
		got[c.Unit.ID] = "none"
		if c.Submission != nil {
			got[c.Unit.ID] = c.Submission.Status
		}
	}
	if got[tr.branchA] != "SUBMITTED" || got[tr.branchB] != "none" || len(got) != 2 {
		t.Errorf("the bloc's children: %v", got)
	}

	// A member recorded after the submission changes the live report only.
	tr.member(t, tr.branchA, "Lê Thị Mai", map[string]any{"joinedOn": "2022-03-26", "birthDate": "2004-01-01"})
	read := func(id string) submission {
		var out struct{ Node submission }
		tr.env.MustDo(t, `query($id: ID!) { node(id: $id) { ... on ReportSubmission { `+fields+` changes { figure submitted now } } } }`,
			map[string]any{"id": id}, &out)
		return out.Node
	}
	s := read(first.ID)
	if s.Report.Members.AtYearEnd != 2 {
		t.Errorf("the submitted report changed: %d members", s.Report.Members.AtYearEnd)
	}
	var changed bool
	for _, c := range s.Changes {
		if c.Figure == "Members.AtYearEnd" && c.Submitted != nil && *c.Submitted == 2 && c.Now != nil && *c.Now == 3 {
			changed = true
		}
	}
	if !changed {
		t.Errorf("what changed since the submission: %+v", s.Changes)
	}

	// Returned with a comment, corrected, resubmitted, accepted.
	if _, ue := answer("reportSubmissionReturn", first.ID, 1, nil); !slices.Equal(ue, []string{"input.note:REQUIRED"}) {
		t.Errorf("returning without a reason: %v", ue)
	}
	if st, ue := answer("reportSubmissionReturn", first.ID, 1, "Bổ sung đoàn viên mới kết nạp"); st != "RETURNED" || len(ue) != 0 {
		t.Fatalf("returning: %s %v", st, ue)
	}
	if ue := saveText("Chi đoàn có 3 đoàn viên.", 1); len(ue) != 0 {
		t.Fatalf("editing a returned report: %v", ue)
	}
	second, ue := submit()
	if len(ue) != 0 || second.Report.Members.AtYearEnd != 3 || second.Document.Texts[0].Body != "Chi đoàn có 3 đoàn viên." {
		t.Fatalf("resubmitting: %+v %v", second, ue)
	}
	if st, ue := answer("reportSubmissionAccept", second.ID, 1, "Đạt yêu cầu"); st != "ACCEPTED" || len(ue) != 0 {
		t.Fatalf("accepting: %s %v", st, ue)
	}
	if _, ue := answer("reportSubmissionAccept", second.ID, 2, nil); !slices.Equal(ue, []string{"input.id:NOT_ALLOWED"}) {
		t.Errorf("accepting twice: %v", ue)
	}
	if old := read(first.ID); old.Status != "RETURNED" || old.Document.Texts[0].Body != "Chi đoàn có 2 đoàn viên." {
		t.Errorf("the returned submission keeps its own text: %+v", old)
	}
	var list struct {
		Unit struct{ ReportSubmissions []struct{ Status string } }
	}
	tr.env.MustDo(t, `query($u: ID!) { unit(id: $u) { reportSubmissions(year: 2022) { status } } }`, map[string]any{"u": tr.branchA}, &list)
	if l := list.Unit.ReportSubmissions; len(l) != 2 || l[0].Status != "ACCEPTED" || l[1].Status != "RETURNED" {
		t.Errorf("the branch's submissions: %+v", l)
	}
}
