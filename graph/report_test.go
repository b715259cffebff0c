package graph_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/report/render"
	"github.com/sodoan/sodoan/internal/seed"
)

// demoEnv is a server on the demo data, and a token for each demo account.
func demoEnv(t *testing.T) (*apitest.Env, map[string]string, string) {
	t.Helper()
	e := apitest.New(t)
	if _, err := seed.Load(context.Background(), e.Pool); err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	for _, u := range []string{"bithu.vptu", "doanvien.vptu", "huyendoan.bacai", "doankhoi"} {
		l := login(t, e, u, seed.DemoPassword)
		if l.Token == nil {
			t.Fatalf("login %s: %+v", u, l.UserErrors)
		}
		tokens[u] = *l.Token
	}
	var out struct {
		Units struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(t, `{ units(filter: {search: "van phong tinh uy"}) { edges { node { id } } } }`, nil, &out)
	return e, tokens, out.Units.Edges[0].Node.ID
}

type reportOut struct {
	YearlyReport struct {
		Members struct{ AtYearEnd, Female int }
		Total   struct {
			Activities, Participations int
			InKind                     int64
			Share                      float64
		}
		WorkAreas []struct {
			WorkArea   string
			Activities int
			Notable    []struct{ Title string }
		}
		Pledges struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Signed, Eligible int
					Share            float64
				}
			}
		}
		CommendationsReceived []struct {
			Form, IssuerLevel      string
			Individual, Collective int
		}
		Committee []struct{ FullName string }
		Previous  struct{ Year int }
		Monthly   []struct{ Month, Activities int }
	}
}

const reportQuery = `query($unit: ID!) { yearlyReport(unitId: $unit, year: 2022) {
	members { atYearEnd female } total { activities participations inKind share }
	workAreas { workArea activities notable { title } } pledges { totalCount edges { node { signed eligible share } } }
	commendationsReceived { form issuerLevel individual collective } committee { fullName }
	previous { year } monthly { month activities } } }`

// The demo branch's 2022 report through the API, for its secretary; and who
// may not read it.
func TestYearlyReportAPI(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	var out reportOut
	e.As(tokens["bithu.vptu"]).MustDo(t, reportQuery, map[string]any{"unit": office}, &out)
	r := out.YearlyReport
	if r.Members.AtYearEnd != 16 || r.Total.InKind != 1_232_000 || r.Total.Share != 1 || r.Previous.Year != 2021 || len(r.Monthly) != 12 {
		t.Errorf("report = %+v", r)
	}
	if r.Pledges.TotalCount != 1 || len(r.Pledges.Edges) != 1 || r.Pledges.Edges[0].Node.Share != 1 || len(r.Committee) != 3 || r.Committee[0].FullName != "Nguyễn Thị Thanh Tâm" {
		t.Errorf("pledges %+v, committee %+v", r.Pledges, r.Committee)
	}
	if len(r.WorkAreas) != 5 || r.WorkAreas[1].WorkArea != "YOUTH_VOLUNTEERING" || len(r.WorkAreas[1].Notable) == 0 ||
		!strings.Contains(r.WorkAreas[1].Notable[0].Title, "tủ sách") {
		t.Errorf("work areas = %+v", r.WorkAreas)
	}
	var collective, individual int
	for _, c := range r.CommendationsReceived {
		if c.Form == "BANG_KHEN" && c.IssuerLevel == "BLOC" {
			collective += c.Collective
		}
		if c.Form == "GIAY_KHEN" {
			individual += c.Individual
		}
	}
	if collective != 1 || individual != 3 {
		t.Errorf("commendations received = %+v", r.CommendationsReceived)
	}

	for _, tt := range []struct{ who, token, code string }{
		{"a member", tokens["doanvien.vptu"], "FORBIDDEN"},
		{"another district's officer", tokens["huyendoan.bacai"], "FORBIDDEN"},
		{"anonymous", "", "UNAUTHENTICATED"},
	} {
		resp := e.As(tt.token).Do(t, reportQuery, map[string]any{"unit": office})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != tt.code || string(resp.Data) != `{"yearlyReport":null}` {
			t.Errorf("%s: %s %+v", tt.who, resp.Data, resp.Errors)
		}
	}
}

// A query for a few figures computes only what they need, and gets the
// same numbers as the whole report: the bloc's tile (members, activities,
// share, the rows below it) and the year before's members.
func TestReportComputesWhatIsAsked(t *testing.T) {
	t.Parallel()
	e, _, _ := demoEnv(t)
	var units struct {
		Units struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(t, `{ units(filter: {search: "doan khoi"}) { edges { node { id } } } }`, nil, &units)
	bloc := units.Units.Edges[0].Node.ID
	const figures = `members { atYearEnd } total { activities participations share } children { members activities }
		previous { members { atYearEnd atYearStart } }`
	const everything = `members { atYearStart atYearEnd female admitted } total { activities participations share inKind notable { title } }
		workAreas { activities } pledges { edges { node { signed } } } ratings { rated } commendationsReceived { form } commendationsGiven { form }
		newsPublished monthly { activities } committee { fullName } own { members } children { members activities }
		previous { year members { atYearEnd atYearStart } total { activities } }`
	ask := func(selection string) (map[string]any, int) {
		resp := e.Do(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { `+selection+` } }`, map[string]any{"u": bloc})
		if len(resp.Errors) > 0 {
			t.Fatalf("%+v", resp.Errors)
		}
		var out struct{ YearlyReport map[string]any }
		if err := json.Unmarshal(resp.Data, &out); err != nil {
			t.Fatal(err)
		}
		return out.YearlyReport, statements(t, e, resp.RequestID)
	}
	part, fewer := ask(figures)
	whole, all := ask(everything)
	if fewer >= all {
		t.Errorf("a few figures took %d statements, the whole report %d", fewer, all)
	}
	pick := func(r map[string]any, path ...string) any {
		var v any = r
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		return v
	}
	for _, path := range [][]string{{"members", "atYearEnd"}, {"total", "activities"}, {"total", "participations"}, {"total", "share"},
		{"children"}, {"previous", "members", "atYearEnd"}, {"previous", "members", "atYearStart"}} {
		got, want := pick(part, path...), pick(whole, path...)
		if got == nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%v: %v asked alone, %v in the whole report", path, got, want)
		}
	}
	if pick(whole, "members", "atYearEnd") == float64(0) {
		t.Error("the demo bloc should have members at the end of 2022")
	}
	t.Logf("%d statements for the tile, %d for everything", fewer, all)
}

func exportURL(t *testing.T, e *apitest.Env, office, format string) string {
	t.Helper()
	var out struct{ YearlyReport struct{ ExportURL string } }
	e.MustDo(t, `query($unit: ID!, $f: ReportFormat!) { yearlyReport(unitId: $unit, year: 2022) { exportUrl(format: $f) } }`,
		map[string]any{"unit": office, "f": format}, &out)
	return out.YearlyReport.ExportURL
}

func get(t *testing.T, e *apitest.Env, url string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url, nil))
	return rec
}

// The workbook opens and holds the numbers the API gives; the printable
// page is Vietnamese, with its charts.
func TestReportExports(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	secretary := e.As(tokens["bithu.vptu"])
	var api reportOut
	secretary.MustDo(t, reportQuery, map[string]any{"unit": office}, &api)

	rec := get(t, e, exportURL(t, secretary, office, "XLSX"))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("xlsx: %d %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{render.SheetSummary, render.SheetActivities, render.SheetParticipation, render.SheetAwards, render.SheetDues}) {
		t.Errorf("sheets = %v", sheets)
	}
	rows, err := f.GetRows(render.SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var total []string
	for _, row := range rows {
		if len(row) > 0 && row[0] == "Tổng cộng" {
			total = row
		}
	}
	if len(total) < 9 || total[1] != strconv.Itoa(api.YearlyReport.Total.Activities) ||
		total[2] != strconv.Itoa(api.YearlyReport.Total.Participations) || total[8] != "1232000" {
		t.Errorf("summary total row = %v; API total %+v", total, api.YearlyReport.Total)
	}
	acts, _ := f.GetRows(render.SheetActivities)
	awards, _ := f.GetRows(render.SheetAwards)
	if len(acts) != api.YearlyReport.Total.Activities+1 || len(awards) != 1+4 {
		t.Errorf("%d activity rows, %d commendation rows", len(acts)-1, len(awards)-1)
	}
	checkPrintable(t, f, rec.Body.Bytes())

	rec = get(t, e, exportURL(t, secretary, office, "HTML"))
	body, _ := io.ReadAll(rec.Body)
	page := string(body)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("html: %d", rec.Code)
	}
	for _, want := range []string{"Báo cáo tổng kết công tác Đoàn", "1.232.000 đ", "29/12/2022", "<svg", `class="bar"`, "Chi đoàn Văn phòng Tỉnh ủy", "100%"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}

	// A made-up token, and a link whose account has since lost the role.
	if rec := get(t, e, "/exports/report?token=khong-co"); rec.Code != 404 {
		t.Errorf("unknown token: %d", rec.Code)
	}
	link := exportURL(t, e.As(tokens["doankhoi"]), office, "HTML")
	if _, err := e.Pool.Exec(context.Background(), `DELETE FROM account_roles WHERE account_id = (SELECT id FROM accounts WHERE username = 'doankhoi')`); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, e, link); rec.Code != 403 {
		t.Errorf("link of an account that lost its role: %d", rec.Code)
	}
	if _, err := e.Pool.Exec(context.Background(), `UPDATE download_links SET expires_at = now() - interval '1 second'`); err != nil {
		t.Fatal(err)
	}
	if rec := get(t, e, link); rec.Code != 404 {
		t.Errorf("expired link: %d", rec.Code)
	}
}

// Targets measured against the recorded data, with suggestions from the
// year before.
func TestPlanTargets(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	secretary := e.As(tokens["bithu.vptu"])
	type planOut struct {
		Plan struct {
			Targets []struct {
				Metric   string
				WorkArea *string
				Target   float64
				Actual   float64
				Progress *float64
				Met      bool
			}
			Suggestions []struct {
				Metric string
				Target float64
			}
		}
	}
	var set planOut
	secretary.MustMutate(t, "planSet", "PlanSetInput", "plan { targets { metric workArea target actual progress met } suggestions { metric target } }", map[string]any{
		"unitId": office, "year": 2023, "targets": []map[string]any{
			{"metric": "ACTIVITIES", "workArea": "ORGANISATION_BUILDING", "target": 10, "note": "Sinh hoạt đều hằng tháng"},
			{"metric": "ADMISSIONS", "target": 1},
			{"metric": "PLEDGE_SHARE", "target": 1},
		},
	}, &set)
	tg := set.Plan.Targets
	if len(tg) != 3 || tg[0].Actual != 4 || *tg[0].Progress != 0.4 || tg[0].Met || tg[1].Actual != 1 || !tg[1].Met || tg[2].Met {
		t.Errorf("targets = %+v", tg)
	}
	if len(set.Plan.Suggestions) == 0 {
		t.Error("no suggestions from 2022")
	}

	for _, tt := range []struct {
		name   string
		target map[string]any
		want   string
	}{
		{"share above 1", map[string]any{"metric": "PLEDGE_SHARE", "target": 1.5}, "input.targets.0.target:OUT_OF_RANGE"},
		{"negative", map[string]any{"metric": "ADMISSIONS", "target": -1}, "input.targets.0.target:OUT_OF_RANGE"},
		{"too large", map[string]any{"metric": "CONTRIBUTION_VALUE", "target": 1e308}, "input.targets.0.target:OUT_OF_RANGE"},
		{"area on a unit-wide figure", map[string]any{"metric": "ADMISSIONS", "workArea": "CREATIVE_YOUTH", "target": 1}, "input.targets.0.workArea:NOT_ALLOWED"},
	} {
		ue := secretary.Mutate(t, "planSet", "PlanSetInput", "plan { year }",
			map[string]any{"unitId": office, "year": 2023, "targets": []map[string]any{tt.target}}, nil)
		if got := codes(ue); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
	ue := secretary.Mutate(t, "planSet", "PlanSetInput", "plan { year }", map[string]any{"unitId": office, "year": 2023,
		"targets": []map[string]any{{"metric": "ADMISSIONS", "target": 1}, {"metric": "ADMISSIONS", "target": 2}}}, nil)
	if got := codes(ue); len(got) != 1 || got[0] != "input.targets.1.metric:DUPLICATE" {
		t.Errorf("duplicate: %v", got)
	}
	var after planOut
	secretary.MustDo(t, `query($u: ID!) { plan(unitId: $u, year: 2023) { targets { metric target actual met } suggestions { metric target } } }`,
		map[string]any{"u": office}, &after)
	if len(after.Plan.Targets) != 3 {
		t.Errorf("refused plans changed the targets: %+v", after.Plan.Targets)
	}
	// A target so small that actual / target overflows shows no progress
	// rather than failing the plan.
	secretary.MustMutate(t, "planSet", "PlanSetInput", "plan { year }", map[string]any{"unitId": office, "year": 2023,
		"targets": []map[string]any{{"metric": "ACTIVITIES", "target": 1e-320}}}, nil)
	var tiny planOut
	secretary.MustDo(t, `query($u: ID!) { plan(unitId: $u, year: 2023) { targets { metric target actual progress met } } }`,
		map[string]any{"u": office}, &tiny)
	if len(tiny.Plan.Targets) != 1 || tiny.Plan.Targets[0].Actual == 0 || tiny.Plan.Targets[0].Progress != nil || !tiny.Plan.Targets[0].Met {
		t.Errorf("a tiny target: %+v (want its actual, met, no progress)", tiny.Plan.Targets)
	}
	resp := e.As(tokens["doanvien.vptu"]).Do(t, `mutation($in: PlanSetInput!) { planSet(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"unitId": office, "year": 2023, "targets": []any{}}})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("member setting the plan: %+v", resp.Errors)
	}
}

// A post counts in the year of its publication day in Vietnam: published
// at 03:00 on 1 January (20:00 UTC the day before), it is next year's news.
func TestReportNewsYearInVietnamTime(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	tr.published(t, tr.branchA, "Chào năm mới 2023", "Chúc mừng năm mới.")
	if _, err := tr.env.Pool.Exec(context.Background(), `UPDATE posts SET published_at = '2022-12-31T20:00:00Z'`); err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]int{2022: 0, 2023: 1} {
		var r struct{ YearlyReport struct{ NewsPublished int } }
		tr.env.MustDo(t, `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) { newsPublished } }`,
			map[string]any{"u": tr.branchA, "y": year}, &r)
		if r.YearlyReport.NewsPublished != want {
			t.Errorf("%d: %d posts published, want %d", year, r.YearlyReport.NewsPublished, want)
		}
	}
}

// A report's pledges come a page at a time, in the tree's order: the
// pages, read with each one's end cursor, are the whole list once over.
func TestReportPledgesPaged(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	units := []string{tr.district, tr.branchB, tr.province, tr.branchA, tr.bloc}
	unitOf := map[string]string{} // by pledge id
	for i := range 11 {
		unit := units[i%len(units)]
		var out struct{ Pledge struct{ ID string } }
		tr.env.MustMutate(t, "pledgeCreate", "PledgeCreateInput", "pledge { id }",
			map[string]any{"unitId": unit, "year": 2022, "title": fmt.Sprintf("Cam kết số %d", i)}, &out)
		unitOf[out.Pledge.ID] = unit
	}
	type pageOut struct {
		YearlyReport struct {
			Pledges struct {
				TotalCount int
				PageInfo   struct {
					HasNextPage bool
					EndCursor   *string
				}
				Edges []struct {
					Node struct{ Pledge struct{ ID string } }
				}
			}
		}
	}
	const q = `query($u: ID!, $first: Int, $after: String) { yearlyReport(unitId: $u, year: 2022) {
		pledges(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { pledge { id } } } } } }`
	var whole pageOut
	tr.env.MustDo(t, q, map[string]any{"u": tr.province, "first": 100}, &whole)
	var all []string
	for _, e := range whole.YearlyReport.Pledges.Edges {
		all = append(all, e.Node.Pledge.ID)
	}
	if len(all) != 11 || whole.YearlyReport.Pledges.TotalCount != 11 || whole.YearlyReport.Pledges.PageInfo.HasNextPage {
		t.Fatalf("whole list: %d pledges, totalCount %d, next %v", len(all), whole.YearlyReport.Pledges.TotalCount, whole.YearlyReport.Pledges.PageInfo.HasNextPage)
	}
	// The unit's own first; a branch's after its bloc's.
	rank := map[string]int{}
	for i, id := range all {
		if _, dup := rank[id]; dup || unitOf[id] == "" {
			t.Fatalf("pledge %s listed twice or not one of the year's: %v", id, all)
		}
		rank[id] = i
	}
	for id, unit := range unitOf {
		for other, otherUnit := range unitOf {
			below := (unit == tr.province && otherUnit != tr.province) ||
				(unit == tr.bloc && (otherUnit == tr.branchA || otherUnit == tr.branchB))
			if below && rank[id] > rank[other] {
				t.Errorf("pledge of %s listed after one of a unit below it: %v", unit, all)
			}
		}
	}
	var paged []string
	var after any
	for pages := 0; ; pages++ {
		if pages > 4 {
			t.Fatalf("more than 4 pages of 3 for 11 pledges: %v", paged)
		}
		var p pageOut
		tr.env.MustDo(t, q, map[string]any{"u": tr.province, "first": 3, "after": after}, &p)
		for _, e := range p.YearlyReport.Pledges.Edges {
			paged = append(paged, e.Node.Pledge.ID)
		}
		if p.YearlyReport.Pledges.TotalCount != 11 {
			t.Errorf("page %d: totalCount %d", pages, p.YearlyReport.Pledges.TotalCount)
		}
		if !p.YearlyReport.Pledges.PageInfo.HasNextPage {
			break
		}
		after = *p.YearlyReport.Pledges.PageInfo.EndCursor
	}
	if !slices.Equal(paged, all) {
		t.Errorf("pages of 3: %v, whole list: %v", paged, all)
	}
	// Two pages in one query, as aliases: each is its own.
	var two struct {
		YearlyReport struct {
			A, B struct {
				PageInfo struct{ EndCursor string }
				Edges    []struct {
					Node struct{ Pledge struct{ ID string } }
				}
			}
		}
	}
	var first pageOut
	tr.env.MustDo(t, q, map[string]any{"u": tr.province, "first": 4}, &first)
	tr.env.MustDo(t, `query($u: ID!, $after: String) { yearlyReport(unitId: $u, year: 2022) {
		a: pledges(first: 4) { pageInfo { endCursor } edges { node { pledge { id } } } }
		b: pledges(first: 4, after: $after) { pageInfo { endCursor } edges { node { pledge { id } } } } } }`,
		map[string]any{"u": tr.province, "after": *first.YearlyReport.Pledges.PageInfo.EndCursor}, &two)
	var a, b []string
	for _, e := range two.YearlyReport.A.Edges {
		a = append(a, e.Node.Pledge.ID)
	}
	for _, e := range two.YearlyReport.B.Edges {
		b = append(b, e.Node.Pledge.ID)
	}
	if !slices.Equal(a, all[:4]) || !slices.Equal(b, all[4:8]) {
		t.Errorf("aliased pages %v and %v, want %v and %v", a, b, all[:4], all[4:8])
	}
	// A cursor of another list: one key, or keys of other types.
	for _, bad := range []map[string]any{{"first": 0}, {"first": 101}, {"after": "not a cursor"},
		{"after": page.Cursor(int64(7))}, {"after": page.Cursor(int64(7), "1.2")}, {"after": page.Cursor("1\x002", int64(7))}} {
		vars := map[string]any{"u": tr.province}
		for k, v := range bad {
			vars[k] = v
		}
		resp := tr.env.Do(t, q, vars)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%v: %+v", bad, resp.Errors)
		}
	}
}

// checkPrintable holds a workbook to what a secretary printing it needs:
// every sheet's used range declared (streaming readers trust it), columns
// as wide as their widest cell (no cut labels, no ### for an amount), A4
// fitted to the page's width with the header row repeated, the charts, and
// the day it was made.
func checkPrintable(t *testing.T, f *excelize.File, data []byte) {
	t.Helper()
	for _, sheet := range f.GetSheetList() {
		dim, err := f.GetSheetDimension(sheet)
		rows, _ := f.GetRows(sheet)
		if err != nil || dim == "A1" && len(rows) > 1 {
			t.Errorf("%s: used range %q for %d rows (%v)", sheet, dim, len(rows), err)
		}
		for r, row := range rows {
			for c, cell := range row {
				col, _ := excelize.ColumnNumberToName(c + 1)
				w, _ := f.GetColWidth(sheet, col)
				if n := float64(utf8.RuneCountInString(cell)); cell != "" && n > w && n < 60 && !(c == 0 && len(row) == 1) {
					t.Errorf("%s!%s%d: %q is wider than its column (%.0f)", sheet, col, r+1, cell, w)
				}
			}
		}
		layout, err := f.GetPageLayout(sheet)
		if err != nil || layout.Size == nil || *layout.Size != 9 || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
			t.Errorf("%s: page layout %+v %v, want A4 fitted to the width", sheet, layout, err)
		}
	}
	var titles int
	for _, n := range f.GetDefinedName() {
		if n.Name == "_xlnm.Print_Titles" {
			titles++
		}
	}
	if titles < 4 {
		t.Errorf("%d sheets repeat their header row on each page", titles)
	}
	props, err := f.GetDocProps()
	if err != nil || !strings.HasPrefix(props.Created, strconv.Itoa(time.Now().Year())) {
		t.Errorf("document properties %+v %v", props, err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var charts int
	for _, zf := range zr.File {
		if strings.HasPrefix(zf.Name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 2 {
		t.Errorf("%d charts, want the work areas' and the months'", charts)
	}
}
