package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/apitest"
)

func uploadList(t *testing.T, e *apitest.Env, token string, body string) string {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/uploads/member-lists", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/csv")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	var out struct{ ID string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	return out.ID
}

type importOut struct {
	ID                          *string
	DryRun                      bool
	Created, Updated, Unchanged int
	Changes                     []struct {
		Line    int
		Created bool
		Fields  []string
		Member  *struct{ FullName string }
	}
	Problems []struct {
		Line    int
		Column  *string
		Code    string
		Message string
	}
	IgnoredColumns []string
}

func importList(t *testing.T, e *apitest.Env, unit, upload string, dryRun bool, key string) (importOut, []string) {
	t.Helper()
	var out struct{ Import importOut }
	in := map[string]any{"unitId": unit, "upload": upload, "dryRun": dryRun}
	if key != "" {
		in["idempotencyKey"] = key
	}
	ue := e.Mutate(t, "membersImport", "MembersImportInput", `import { id dryRun created updated unchanged
		changes { line created fields member { fullName } } problems { line column code message } ignoredColumns }`, in, &out)
	return out.Import, codes(ue)
}

// The check: a list made by hand, with mistakes, is refused row by
// row in Vietnamese and writes nothing; corrected, a dry run says what it
// would do and the import does it; imported again with changes, the
// members are matched, not duplicated, and only what changed is written.
func TestMemberListImport(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	known := tr.member(t, tr.branchA, "Trần Thị Bích Ngọc", map[string]any{"birthDate": "2001-02-04", "joinedOn": "2017-03-26",
		"cardNumber": "NT-0001"})
	withMistakes := "DANH SÁCH ĐOÀN VIÊN\n" +
		"STT,Ho va ten,Gioi tinh,Ngay sinh,Ngay vao Doan,So the doan vien,Chuc vu,So dien thoai,Dan toc\n" +
		"1,Trần Thị Bích Ngọc,Nữ,04/02/2001,26/03/2017,NT-0001,Ủy viên BCH,0905 111 222,Kinh\n" +
		"2,Nguyễn Văn Lộc,Nam,30/02/2002,26/03/2018,,,,Kinh\n" +
		"3,Lê Hoàng Nam,Nam,15/06/2003,26/03/2010,,,,Kinh\n" +
		"4,Phạm Thu Hà,Nữ,09/09/2002,26/03/2018,NT-0001,,,Kinh\n" +
		"5,Võ Minh Tâm,Nam,01/01/2004,20/11/2020,,Đoàn viên,số máy lạ,Kinh\n"
	got, ue := importList(t, tr.env, tr.branchA, uploadList(t, tr.env, tr.env.AdminToken, withMistakes), false, "")
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	type where struct {
		line         int
		column, code string
	}
	var problems []where
	for _, p := range got.Problems {
		problems = append(problems, where{p.Line, *p.Column, p.Code})
		if p.Message == "" || !strings.ContainsAny(p.Message, "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ") {
			t.Errorf("row %d: the message is not Vietnamese: %q", p.Line, p.Message)
		}
	}
	want := []where{{4, "Ngay sinh", "INVALID"}, {5, "Ngay vao Doan", "OUT_OF_RANGE"}, {6, "So the doan vien", "DUPLICATE"}, {7, "So dien thoai", "INVALID"}}
	if !slices.Equal(problems, want) || got.ID != nil || got.Created != 0 || len(got.Changes) != 0 {
		t.Errorf("the list with mistakes: %+v\nproblems %+v\nwant %+v", got, problems, want)
	}
	if !slices.Equal(got.IgnoredColumns, []string{"STT", "Dan toc"}) {
		t.Errorf("ignored columns %v", got.IgnoredColumns)
	}
	if n := tr.env.Count(t, "members"); n != 1 {
		t.Fatalf("%d members after a refused import, want 1", n)
	}

	corrected := "Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn,Số thẻ đoàn viên,Chức vụ,Số điện thoại\n" +
		"Trần Thị Bích Ngọc,Nữ,04/02/2001,26/03/2017,NT-0001,Ủy viên BCH,0905 111 222\n" +
		"Nguyễn Văn Lộc,Nam,28/02/2002,26/03/2018,,,\n" +
		"Lê Hoàng Nam,Nam,15/06/2003,26/03/2020,,,\n" +
		"Phạm Thu Hà,Nữ,09/09/2002,26/03/2019,NT-0004,,\n" +
		"Võ Minh Tâm,Nam,01/01/2004,20/11/2020,,Đoàn viên,0977 000 111\n"
	upload := uploadList(t, tr.env, tr.env.AdminToken, corrected)
	dry, ue := importList(t, tr.env, tr.branchA, upload, true, "")
	if len(ue) != 0 || len(dry.Problems) != 0 || !dry.DryRun || dry.Created != 4 || dry.Updated != 1 || dry.ID != nil {
		t.Fatalf("dry run: %+v %v", dry, ue)
	}
	if c := dry.Changes[0]; c.Line != 2 || c.Created || !slices.Equal(c.Fields, []string{"position", "phone"}) || c.Member.FullName != "Trần Thị Bích Ngọc" {
		t.Errorf("the known member's change: %+v", c)
	}
	if n := tr.env.Count(t, "members"); n != 1 {
		t.Fatalf("a dry run wrote: %d members", n)
	}
	done, ue := importList(t, tr.env, tr.branchA, upload, false, "nhap-ds-1")
	if len(ue) != 0 || done.ID == nil || done.Created != 4 || done.Updated != 1 || done.DryRun {
		t.Fatalf("import: %+v %v", done, ue)
	}
	again, ue := importList(t, tr.env, tr.branchA, upload, false, "nhap-ds-1")
	if len(ue) != 0 || again.ID == nil || *again.ID != *done.ID || again.Created != 4 {
		t.Errorf("the same import resent: %+v %v", again, ue)
	}
	if n := tr.env.Count(t, "members"); n != 5 {
		t.Fatalf("%d members after the import, want 5", n)
	}
	m := tr.getMember(t, known)
	if m.Position != "COMMITTEE_MEMBER" || m.Phone == nil || *m.Phone != "0905 111 222" {
		t.Errorf("the known member after the import: %+v", m)
	}
	var report struct {
		YearlyReport struct {
			Members struct{ AtYearEnd, Admitted int }
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2020) { members { atYearEnd admitted } } }`, map[string]any{"u": tr.branchA}, &report)
	if report.YearlyReport.Members.Admitted != 2 || report.YearlyReport.Members.AtYearEnd != 5 {
		t.Errorf("2020 report after the import: %+v (the admissions are dated by the list's joining days)", report.YearlyReport.Members)
	}

	// The office corrects one phone and imports the whole list again.
	edited := strings.Replace(corrected, "0977 000 111", "0977 000 999", 1)
	re, ue := importList(t, tr.env, tr.branchA, uploadList(t, tr.env, tr.env.AdminToken, edited), false, "nhap-ds-2")
	if len(ue) != 0 || re.Created != 0 || re.Updated != 1 || re.Unchanged != 4 {
		t.Errorf("re-import: %+v %v", re, ue)
	}
	if n := tr.env.Count(t, "members"); n != 5 {
		t.Errorf("%d members after re-importing, want 5", n)
	}

	// Export → import changes nothing; each member exported is a logged read.
	var link struct {
		Unit struct{ MemberListURL string }
	}
	tr.env.MustDo(t, `query($u: ID!) { unit(id: $u) { memberListUrl } }`, map[string]any{"u": tr.branchA}, &link)
	reads := func() int {
		var n int
		if err := tr.env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'READ'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := reads()
	rec := httptest.NewRecorder()
	tr.env.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, link.Unit.MemberListURL, nil))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("member list export: %d %s", rec.Code, rec.Body.String()[:min(200, rec.Body.Len())])
	}
	if got := reads() - before; got != 5 {
		t.Errorf("%d reads logged for the export of 5 members", got)
	}
	req := httptest.NewRequest(http.MethodPost, "/uploads/member-lists", bytes.NewReader(rec.Body.Bytes()))
	req.Header.Set("Authorization", "Bearer "+tr.env.AdminToken)
	up := httptest.NewRecorder()
	tr.env.Handler.ServeHTTP(up, req)
	var exported struct{ ID string }
	if up.Code != http.StatusCreated || json.Unmarshal(up.Body.Bytes(), &exported) != nil {
		t.Fatalf("uploading the export: %d %s", up.Code, up.Body)
	}
	round, ue := importList(t, tr.env, tr.branchA, exported.ID, true, "")
	if len(ue) != 0 || len(round.Problems) != 0 || round.Created != 0 || round.Updated != 0 || round.Unchanged != 5 {
		t.Errorf("export → import: %+v %v", round, ue)
	}
	wrong := httptest.NewRecorder()
	tr.env.Handler.ServeHTTP(wrong, httptest.NewRequest(http.MethodGet, strings.Replace(link.Unit.MemberListURL, "/exports/members", "/exports/report", 1), nil))
	if wrong.Code != http.StatusNotFound {
		t.Errorf("a member list's link opened a report: %d", wrong.Code)
	}
}

// Only officers upload lists, an upload is its uploader's, and the
// template reads back through the importer.
func TestMemberListUploadsAndTemplate(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	req := httptest.NewRequest(http.MethodPost, "/uploads/member-lists", strings.NewReader("Họ và tên\n"))
	req.Header.Set("Authorization", "Bearer "+c.tokens["member of A"])
	rec := httptest.NewRecorder()
	c.env.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("a plain member's upload: %d", rec.Code)
	}
	id := uploadList(t, c.env, c.tokens["bloc officer"], "Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn\nAn,Nam,01/01/2000,26/03/2016\n")
	_, ue := importList(t, c.as("branch A secretary"), c.branchA, id, true, "")
	if !slices.Equal(ue, []string{"input.upload:NOT_FOUND"}) {
		t.Errorf("another officer's upload: %v", ue)
	}

	for _, who := range []string{"member of A", "district officer"} {
		resp := c.as(who).Do(t, `query($u: ID!) { unit(id: $u) { memberListUrl } }`, map[string]any{"u": c.branchA})
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
			t.Errorf("%s asked for branch A's member list: %s %+v", who, resp.Data, resp.Errors)
		}
	}

	for body, want := range map[string]string{
		"PK\x03\x04 a broken workbook":                  "input.upload:INVALID",
		"Tên,Tuổi\nAn,20\n":                             "input.upload:INVALID",  // no required header
		"Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn\n": "input.upload:REQUIRED", // no member rows
	} {
		up := uploadList(t, c.env, c.tokens["branch A secretary"], body)
		if _, ue := importList(t, c.as("branch A secretary"), c.branchA, up, true, ""); !slices.Equal(ue, []string{want}) {
			t.Errorf("importing %q: %v, want %s", body, ue, want)
		}
	}
	if _, ue := importList(t, c.as("branch A secretary"), c.branchA, c.branchA, true, ""); !slices.Equal(ue, []string{"input.upload:NOT_FOUND"}) {
		t.Errorf("a unit's ID as the upload: %v", ue)
	}

	rec = httptest.NewRecorder()
	c.env.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/templates/member-list.xlsx", nil))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("template: %d", rec.Code)
	}
	req = httptest.NewRequest(http.MethodPost, "/uploads/member-lists", bytes.NewReader(rec.Body.Bytes()))
	req.Header.Set("Authorization", "Bearer "+c.tokens["branch A secretary"])
	up := httptest.NewRecorder()
	c.env.Handler.ServeHTTP(up, req)
	var out struct{ ID string }
	if up.Code != http.StatusCreated || json.Unmarshal(up.Body.Bytes(), &out) != nil {
		t.Fatalf("uploading the template: %d %s", up.Code, up.Body)
	}
	dry, ue := importList(t, c.as("branch A secretary"), c.branchA, out.ID, true, "")
	if len(ue) != 0 || len(dry.Problems) != 0 || dry.Created != 1 {
		t.Errorf("the template's sample row, as a dry run: %+v %v", dry, ue)
	}
}

// A list longer than the request imports at once runs in the background:
// membersImport answers it at once, memberImport(id:) follows it to its
// end, a resend answers the same import, a list with a problem deep down
// fails with the problem and writes nothing, and an import whose server
// died reads as interrupted.
func TestLongMemberListImportsInTheBackground(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	// list has rows members; row twin (if any) repeats the first's name
	// and birth date, which only checking the rows finds; row badDate (if
	// any) has a date that does not exist, which reading the file finds.
	list := func(rows, twin, badDate int) string {
		var b strings.Builder
		b.WriteString("Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn\n")
		for i := 1; i <= rows; i++ {
			n, birth := i, fmt.Sprintf("%02d/%02d/%d", 1+i%28, 1+i%12, 1996+i%8)
			switch i {
			case twin:
				n, birth = 1, fmt.Sprintf("%02d/%02d/%d", 1+1%28, 1+1%12, 1996+1%8)
			case badDate:
				birth = "31/02/2001"
			}
			fmt.Fprintf(&b, "Đoàn Viên Số %d,%s,%s,26/03/2020\n", n, []string{"Nam", "Nữ"}[i%2], birth)
		}
		return b.String()
	}
	type job struct {
		ID                 *string
		Status, Stage      string
		RowsTotal, Created int
		Failure            *string
		Problems           []struct {
			Line   int
			Column *string
			Code   string
		}
	}
	start := func(upload, key string) job {
		var out struct{ Import job }
		in := map[string]any{"unitId": tr.branchA, "upload": upload, "dryRun": false}
		if key != "" {
			in["idempotencyKey"] = key
		}
		tr.env.MustMutate(t, "membersImport", "MembersImportInput", "import { id status stage rowsTotal created failure problems { line column code } }",
			in, &out)
		return out.Import
	}
	upload := func(body string) string { return uploadList(t, tr.env, tr.env.AdminToken, body) }
	follow := func(id string) job {
		deadline := time.Now().Add(time.Minute)
		for {
			var out struct{ MemberImport job }
			tr.env.MustDo(t, `query($id: ID!) { memberImport(id: $id) { id status stage rowsTotal created failure problems { line column code } } }`,
				map[string]any{"id": id}, &out)
			if out.MemberImport.Status != "RUNNING" || time.Now().After(deadline) {
				return out.MemberImport
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	long := upload(list(2500, 0, 0))
	first := start(long, "danh-sach-lon")
	if first.ID == nil || first.RowsTotal != 2500 || (first.Status != "RUNNING" && first.Status != "DONE") {
		t.Fatalf("a long list's import: %+v", first)
	}
	if done := follow(*first.ID); done.Status != "DONE" || done.Created != 2500 || done.Stage != "" || done.Failure != nil {
		t.Errorf("the import at its end: %+v", done)
	}
	if n := tr.env.Count(t, "members"); n != 2500 {
		t.Errorf("%d members, want 2500", n)
	}
	again := start(long, "danh-sach-lon")
	if again.ID == nil || *again.ID != *first.ID || again.Status != "DONE" {
		t.Errorf("resent: %+v", again)
	}
	if n := tr.env.Count(t, "members"); n != 2500 {
		t.Errorf("a resend wrote members: %d", n)
	}

	// A twin on row 2,401 (the header is row 1): nothing is written.
	bad := start(upload(list(3000, 2400, 0)), "")
	if bad.ID == nil {
		t.Fatalf("a long list with a problem only checking finds: %+v", bad)
	}
	failed := follow(*bad.ID)
	if failed.Status != "FAILED" || failed.Failure == nil || *failed.Failure != "PROBLEMS" || len(failed.Problems) != 1 ||
		failed.Problems[0].Line != 2401 || failed.Problems[0].Column == nil || *failed.Problems[0].Column != "Họ và tên" {
		t.Errorf("a long list with a mistake: %+v", failed)
	}
	// A date that does not exist is found reading the file: answered at once.
	if now := start(upload(list(3000, 0, 10)), ""); now.ID != nil || now.Status != "FAILED" || len(now.Problems) != 1 ||
		now.Problems[0].Line != 11 {
		t.Errorf("a long list with a mistake in the file: %+v", now)
	}
	if n := tr.env.Count(t, "members"); n != 2500 {
		t.Errorf("the failed import wrote members: %d", n)
	}

	// A running import nobody has moved for minutes was cut off.
	var stale int64
	if err := tr.env.Pool.QueryRow(context.Background(), `INSERT INTO member_imports
			(unit_id, created, updated, unchanged, summary, status, stage, rows_total, updated_at)
		SELECT unit_id, 0, 0, 0, '{}', 'RUNNING', 'WRITING', 5000, now() - interval '10 minutes' FROM member_imports
		WHERE status = 'DONE' LIMIT 1 RETURNING id`).Scan(&stale); err != nil {
		t.Fatal(err)
	}
	if got := follow(model.EncodeID(model.KindMemberImport, stale)); got.Status != "FAILED" || got.Failure == nil || *got.Failure != "INTERRUPTED" {
		t.Errorf("an import cut off: %+v", got)
	}
	// Only the branch's officers follow it.
	var out struct{ MemberImport *job }
	resp := tr.env.Anonymous().Do(t, `query($id: ID!) { memberImport(id: $id) { status } }`, map[string]any{"id": *first.ID})
	if len(resp.Errors) == 0 || json.Unmarshal(resp.Data, &out) != nil || out.MemberImport != nil {
		t.Errorf("an anonymous caller read an import: %s", resp.Data)
	}
}

// A list says what each member pays dues by, in words or without
// diacritics; an unclear category is a problem of its cell; an empty one
// keeps what is recorded.
func TestMemberListDuesCategory(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	head := "Họ và tên,Giới tính,Ngày sinh,Ngày vào Đoàn,Doi tuong doan phi\n"
	out, ue := importList(t, tr.env, tr.branchA, uploadList(t, tr.env, tr.env.AdminToken, head+
		"Lý Thị Hoa,Nữ,01/02/2000,26/03/2016,Lương tháng\n"), false, "")
	if len(ue) != 0 || len(out.Problems) != 1 || out.Problems[0].Column == nil || *out.Problems[0].Column != "Doi tuong doan phi" ||
		!strings.Contains(out.Problems[0].Message, "Hưởng lương") {
		t.Fatalf("an unclear category: %+v %v", out, ue)
	}
	out, ue = importList(t, tr.env, tr.branchA, uploadList(t, tr.env, tr.env.AdminToken, head+
		"Lý Thị Hoa,Nữ,01/02/2000,26/03/2016,huong luong\nTạ Văn Nam,Nam,03/04/2003,26/03/2021,Sinh viên\nMai Văn Tú,Nam,05/06/2002,26/03/2020,\n"),
		false, "")
	if len(ue) != 0 || out.Created != 3 {
		t.Fatalf("import: %+v %v", out, ue)
	}
	var list struct {
		Members struct {
			Edges []struct {
				Node struct{ FullName, DuesCategory string }
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { members(filter: {unitId: $u}) { edges { node { fullName duesCategory } } } }`,
		map[string]any{"u": tr.branchA}, &list)
	got := map[string]string{}
	for _, e := range list.Members.Edges {
		got[e.Node.FullName] = e.Node.DuesCategory
	}
	if got["Lý Thị Hoa"] != "SALARIED" || got["Tạ Văn Nam"] != "UNSALARIED" || got["Mai Văn Tú"] != "UNSALARIED" {
		t.Errorf("categories: %v", got)
	}
	// Empty keeps: Hoa stays salaried; a changed one is listed as a change.
	out, ue = importList(t, tr.env, tr.branchA, uploadList(t, tr.env, tr.env.AdminToken, head+
		"Lý Thị Hoa,Nữ,01/02/2000,26/03/2016,\nTạ Văn Nam,Nam,03/04/2003,26/03/2021,Hưởng lương\n"), false, "")
	if len(ue) != 0 || out.Unchanged != 1 || out.Updated != 1 {
		t.Errorf("re-import: %+v %v", out, ue)
	}
	for _, c := range out.Changes {
		if c.Line == 3 && !slices.Equal(c.Fields, []string{"duesCategory"}) {
			t.Errorf("Nam's change: %v", c.Fields)
		}
	}
}
