package graph_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/apitest"
)

// A submitted report downloads as it was handed in, by the branch and by
// the bloc it went to: records added afterwards show in the live report's
// download only, and the submitted one says when it was handed in.
func TestSubmittedReportDownloadsAsHandedIn(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	secretary, bloc := e.As(tokens["bithu.vptu"]), e.As(tokens["doankhoi"])
	secretary.MustMutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": office,
		"year": 2022, "section": "SITUATION", "body": "Chi đoàn sinh hoạt đều đặn hằng tháng.", "version": 0}, nil)
	var sub struct {
		Submission struct {
			ID     string
			Report struct{ Members struct{ AtYearEnd int } }
		}
	}
	secretary.MustMutate(t, "reportSubmit", "ReportSubmitInput", "submission { id report { members { atYearEnd } } }",
		map[string]any{"unitId": office, "year": 2022}, &sub)
	submitted := sub.Submission.Report.Members.AtYearEnd

	// After the submission: a member admitted in 2022 and an activity held then.
	secretary.MustMutate(t, "memberCreate", "MemberCreateInput", "member { id }", map[string]any{"unitId": office,
		"fullName": "Phạm Thị Thu", "gender": "FEMALE", "birthDate": "2001-05-02", "joinedOn": "2022-09-02"}, nil)
	const late = "Hiến máu tình nguyện ghi sau khi nộp"
	secretary.MustMutate(t, "activityCreate", "ActivityCreateInput", "activity { id }", map[string]any{"unitId": office,
		"title": late, "kind": "VOLUNTEER_WORK", "workArea": "YOUTH_VOLUNTEERING", "startsOn": "2022-11-20", "status": "DONE"}, nil)

	submittedURL := func(who *apitest.Env, format string) string {
		t.Helper()
		var out struct {
			Node struct{ Report struct{ ExportURL string } }
		}
		who.MustDo(t, `query($id: ID!, $f: ReportFormat!) { node(id: $id) { ... on ReportSubmission { report { exportUrl(format: $f) } } } }`,
			map[string]any{"id": sub.Submission.ID, "f": format}, &out)
		return out.Node.Report.ExportURL
	}
	page := func(url string) string {
		t.Helper()
		rec := get(t, e, url)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", url, rec.Code, rec.Body.String())
		}
		return rec.Body.String()
	}
	row := func(n int) string { return `Đoàn viên cuối năm</td><td class="n">` + strconv.Itoa(n) + `</td>` }

	live := page(exportURL(t, secretary, office, "HTML"))
	if !strings.Contains(live, late) || !strings.Contains(live, row(submitted+1)) || strings.Contains(live, "Bản đã nộp") {
		t.Errorf("the live page should list what was recorded after the submission, with %d members", submitted+1)
	}
	for who, env := range map[string]*apitest.Env{"the branch": secretary, "the bloc": bloc} {
		frozen := page(submittedURL(env, "HTML"))
		if strings.Contains(frozen, late) || !strings.Contains(frozen, row(submitted)) {
			t.Errorf("%s's download of the submission shows records added after it", who)
		}
		for _, want := range []string{"Bản đã nộp cấp trên", "Đang chờ cấp trên nhận.", "Chi đoàn sinh hoạt đều đặn hằng tháng."} {
			if !strings.Contains(frozen, want) {
				t.Errorf("%s's download of the submission lacks %q", who, want)
			}
		}
	}

	// The workbook of the submission holds the submitted figures too.
	rec := get(t, e, submittedURL(bloc, "XLSX"))
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the submission's workbook: %d %v", rec.Code, err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Tổng hợp")
	found := false
	for _, r := range rows {
		if len(r) > 1 && r[0] == "Đoàn viên cuối năm" {
			found = r[1] == strconv.Itoa(submitted)
		}
	}
	if !found {
		t.Errorf("the submission's workbook lacks %d members at the year's end", submitted)
	}
	if acts, _ := f.GetRows("Hoạt động"); strings.Contains(strings.Join(flatten(acts), "|"), late) {
		t.Error("the submission's workbook lists an activity recorded after it")
	}

	// Once accepted, the download says so; an account of another unit gets nothing.
	var status struct{ Node struct{ Version int } }
	bloc.MustDo(t, `query($id: ID!) { node(id: $id) { ... on ReportSubmission { version } } }`, map[string]any{"id": sub.Submission.ID}, &status)
	bloc.MustMutate(t, "reportSubmissionAccept", "ReportSubmissionAnswerInput", "submission { status }",
		map[string]any{"id": sub.Submission.ID, "version": status.Node.Version}, nil)
	if accepted := page(submittedURL(bloc, "HTML")); !strings.Contains(accepted, "Cấp trên đã nhận ngày") {
		t.Error("the accepted submission's download does not say it was accepted")
	}
	url := submittedURL(secretary, "HTML")
	if _, err := e.Pool.Exec(t.Context(), `UPDATE download_links SET account_id = (SELECT id FROM accounts WHERE username = 'huyendoan.bacai')`); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, e, url); rec.Code != 403 {
		t.Errorf("another district's officer downloading the submission: %d", rec.Code)
	}
}

func flatten(rows [][]string) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// A half-year's and a quarter's report download as the documents of
// their period: their own title, Part I of the period and Part II of the
// one after, the texts written for that period, and the period's figures,
// the same as the API's.
func TestPeriodReportDocuments(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	secretary := e.As(tokens["bithu.vptu"])
	secretary.MustMutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": office,
		"year": 2022, "period": "FIRST_HALF", "section": "DIRECTIONS", "body": "Sáu tháng cuối năm tập trung cho Tháng Thanh niên bù.", "version": 0}, nil)
	secretary.MustMutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": office,
		"year": 2022, "section": "DIRECTIONS", "body": "Cả năm 2023 đẩy mạnh chuyển đổi số.", "version": 0}, nil)

	for _, c := range []struct {
		name, from, asOf string
		want             []string
		not              []string
	}{
		{"half-year", "", "2022-06-30",
			[]string{"Sơ kết công tác Đoàn và phong trào thanh thiếu nhi 6 tháng đầu năm 2022, phương hướng nhiệm vụ 6 tháng cuối năm 2022",
				"Phần I. Kết quả thực hiện nhiệm vụ 6 tháng đầu năm 2022", "Phần II. Phương hướng, nhiệm vụ 6 tháng cuối năm 2022",
				"<th>6 tháng đầu năm 2022</th>", "Sáu tháng cuối năm tập trung cho Tháng Thanh niên bù."},
			[]string{"Cả năm 2023 đẩy mạnh chuyển đổi số.", "Tổng kết"}},
		{"fourth quarter", "2022-10-01", "2022-12-31",
			[]string{"Kết quả công tác Đoàn và phong trào thanh thiếu nhi quý IV năm 2022, phương hướng nhiệm vụ quý I năm 2023",
				"<th>Quý IV/2022</th>", "(Chưa ghi phương hướng và chỉ tiêu quý I năm 2023.)"},
			[]string{"Sáu tháng cuối năm", "Cả năm 2023"}},
		{"other days", "2022-03-01", "2022-05-31",
			[]string{"Kết quả công tác Đoàn và phong trào thanh thiếu nhi từ ngày 01/03/2022 đến ngày 31/05/2022", "<th>Từ 01/03/2022 đến 31/05/2022</th>"},
			[]string{"Sáu tháng cuối năm", "Cả năm 2023"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			vars := map[string]any{"u": office, "from": nil, "asOf": c.asOf}
			if c.from != "" {
				vars["from"] = c.from
			}
			var out struct {
				YearlyReport struct {
					Members struct{ AtYearEnd int }
					Total   struct{ Activities int }
					HTML    string
				}
			}
			secretary.MustDo(t, `query($u: ID!, $from: Date, $asOf: Date) { yearlyReport(unitId: $u, year: 2022, from: $from, asOf: $asOf) {
				members { atYearEnd } total { activities } html: exportUrl(format: HTML) } }`, vars, &out)
			rec := get(t, e, out.YearlyReport.HTML)
			if rec.Code != 200 {
				t.Fatalf("%d %s", rec.Code, rec.Body.String())
			}
			body := rec.Body.String()
			c.want = append(c.want, `Đoàn viên cuối kỳ</td><td class="n">`+strconv.Itoa(out.YearlyReport.Members.AtYearEnd)+`</td>`)
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(body, n) {
					t.Errorf("the page has %q, which is not of its period", n)
				}
			}
			if disp := rec.Header().Get("Content-Disposition"); disp != "" {
				t.Errorf("the page downloads as a file: %s", disp)
			}
		})
	}
}

// The bloc reads its breakdown from what its branches submitted: a branch
// that submitted shows its submitted figures beside its live ones, one
// that did not adds nothing, and the total is the bloc's own records and
// the submitted rows.
func TestSubmittedRollup(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.member(t, tr.branchA, "Nguyễn Thị Lan", map[string]any{"joinedOn": "2016-03-26"})
	tr.member(t, tr.branchA, "Trần Văn Hùng", map[string]any{"gender": "MALE", "joinedOn": "2016-03-26"})
	tr.member(t, tr.branchB, "Lê Văn Nam", map[string]any{"gender": "MALE", "joinedOn": "2018-03-26"})
	tr.env.MustMutate(t, "reportSubmit", "ReportSubmitInput", "submission { id }", map[string]any{"unitId": tr.branchA, "year": 2022}, nil)
	tr.member(t, tr.branchA, "Lê Thị Mai", map[string]any{"joinedOn": "2022-03-26", "birthDate": "2004-01-01"})

	type figures struct {
		Unit    struct{ ID string }
		Members int
	}
	var out struct {
		YearlyReport struct {
			Own             figures
			SubmittedRollup struct {
				SubmittedCount int
				Total          figures
				Children       []struct {
					Unit       struct{ ID string }
					Submission *struct{ Status string }
					Figures    *figures
					Live       figures
				}
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { own { unit { id } members }
		submittedRollup { submittedCount total { unit { id } members }
			children { unit { id } submission { status } figures { unit { id } members } live { unit { id } members } } } } }`,
		map[string]any{"u": tr.bloc}, &out)
	r := out.YearlyReport.SubmittedRollup
	if r.SubmittedCount != 1 || len(r.Children) != 2 {
		t.Fatalf("the roll-up: %+v", r)
	}
	for _, c := range r.Children {
		switch c.Unit.ID {
		case tr.branchA:
			if c.Submission == nil || c.Submission.Status != "SUBMITTED" || c.Figures == nil || c.Figures.Members != 2 || c.Live.Members != 3 ||
				c.Figures.Unit.ID != tr.branchA {
				t.Errorf("the branch that submitted: %+v", c)
			}
		case tr.branchB:
			if c.Submission != nil || c.Figures != nil || c.Live.Members != 1 {
				t.Errorf("the branch that did not: %+v", c)
			}
		default:
			t.Errorf("a child that is not the bloc's: %+v", c)
		}
	}
	if want := out.YearlyReport.Own.Members + 2; r.Total.Members != want || r.Total.Unit.ID != tr.bloc {
		t.Errorf("the roll-up's total: %+v, want %d members", r.Total, want)
	}
}
