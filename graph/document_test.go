package graph_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/seed"
)

// A secretary writes her report's text section by section, each save a
// new version that a stale copy cannot overwrite, and sets the document's
// number, place, date and recipients.
func TestReportDocumentTexts(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	type text struct {
		Section, Body string
		WorkArea      *string
		Version       int
		History       []struct {
			Version int
			Body    string
		}
	}
	type document struct {
		Number, Place, DatedOn *string
		Recipients             []string
		Version                int
		Texts                  []text
	}
	read := func() *document {
		var out struct {
			Unit struct{ ReportDocument *document }
		}
		tr.env.MustDo(t, `query($u: ID!) { unit(id: $u) { reportDocument(year: 2026) { number place datedOn recipients version
				texts { section workArea body version history { version body } } } } }`, map[string]any{"u": tr.branchA}, &out)
		return out.Unit.ReportDocument
	}
	save := func(section string, area any, body string, version int) (int, []string) {
		var out struct{ Text struct{ Version int } }
		ue := tr.env.Mutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": tr.branchA,
			"year": 2026, "section": section, "workArea": area, "body": body, "version": version}, &out)
		return out.Text.Version, codes(ue)
	}
	if d := read(); d != nil {
		t.Fatalf("a report nobody wrote: %+v", d)
	}
	if v, ue := save("SITUATION", nil, "Chi đoàn có 32 đoàn viên, trong đó 20 nữ.", 0); v != 1 || len(ue) != 0 {
		t.Fatalf("first save: %d %v", v, ue)
	}
	if v, ue := save("SITUATION", nil, "Chi đoàn có 32 đoàn viên, trong đó 20 nữ; 4 đảng viên.", 1); v != 2 || len(ue) != 0 {
		t.Fatalf("second save: %d %v", v, ue)
	}
	if _, ue := save("SITUATION", nil, "Bản cũ ghi đè", 1); !slices.Equal(ue, []string{"input.version:CONFLICT"}) {
		t.Errorf("a stale copy saved over a newer text: %v", ue)
	}
	for _, c := range []struct {
		section string
		area    any
		body    string
		want    string
	}{
		{"WORK_AREA", nil, "Tổ chức 3 đợt ra quân.", "input.workArea:REQUIRED"},
		{"STRENGTHS", "YOUTH_VOLUNTEERING", "Đoàn kết.", "input.workArea:NOT_ALLOWED"},
		{"LESSONS", nil, strings.Repeat("a", 50001), "input.body:TOO_LONG"},
	} {
		if _, ue := save(c.section, c.area, c.body, 0); !slices.Equal(ue, []string{c.want}) {
			t.Errorf("%s: %v, want %s", c.section, ue, c.want)
		}
	}
	if _, ue := save("STRENGTHS", nil, "Ban chấp hành đoàn kết, năng động.", 0); len(ue) != 0 {
		t.Fatal(ue)
	}
	if _, ue := save("WORK_AREA", "YOUTH_VOLUNTEERING", "Ra quân Ngày Chủ nhật xanh hằng tháng.", 0); len(ue) != 0 {
		t.Fatal(ue)
	}

	var set struct{ Document struct{ Version int } }
	ue := tr.env.Mutate(t, "reportDocumentSet", "ReportDocumentSetInput", "document { version }", map[string]any{"unitId": tr.branchA,
		"year": 2026, "number": "05-BC/CĐ", "place": "Ninh Thuận", "datedOn": "29/12/2026",
		"recipients": []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", " "}, "version": 0}, &set)
	if !slices.Equal(codes(ue), []string{"input.recipients.1:REQUIRED"}) {
		t.Errorf("an empty recipient: %v", codes(ue))
	}
	tr.env.MustMutate(t, "reportDocumentSet", "ReportDocumentSetInput", "document { version }", map[string]any{"unitId": tr.branchA,
		"year": 2026, "number": "05-BC/CĐ", "place": "Ninh Thuận", "datedOn": "29/12/2026",
		"recipients": []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Lưu VP"}, "version": 0}, &set)
	if set.Document.Version != 1 {
		t.Errorf("document version %d", set.Document.Version)
	}

	d := read()
	if d == nil || *d.Number != "05-BC/CĐ" || *d.Place != "Ninh Thuận" || *d.DatedOn != "2026-12-29" ||
		!slices.Equal(d.Recipients, []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Lưu VP"}) {
		t.Fatalf("the document: %+v", d)
	}
	var order []string
	for _, x := range d.Texts {
		order = append(order, x.Section)
	}
	if !slices.Equal(order, []string{"SITUATION", "WORK_AREA", "STRENGTHS"}) {
		t.Errorf("texts in the document's order: %v", order)
	}
	if s := d.Texts[0]; s.Version != 2 || len(s.History) != 2 || s.History[0].Version != 2 || s.History[1].Body != "Chi đoàn có 32 đoàn viên, trong đó 20 nữ." {
		t.Errorf("the situation's versions: %+v", s)
	}
	if a := d.Texts[1]; a.WorkArea == nil || *a.WorkArea != "YOUTH_VOLUNTEERING" {
		t.Errorf("the work area's text: %+v", a)
	}
	// Only officers read it.
	resp := tr.env.Anonymous().Do(t, `query($u: ID!) { unit(id: $u) { reportDocument(year: 2026) { number } } }`, map[string]any{"u": tr.branchA})
	if len(resp.Errors) == 0 {
		t.Errorf("an anonymous caller read the report's text: %s", resp.Data)
	}
}

// The printable report is the whole document in the Union's form: the
// issuing unit and number, the place and date, Part I with what the
// secretary wrote beside the figures, Part II with her directions and
// next year's targets, the recipients, and the signature block with the
// office and the name of the secretary in office.
func TestReportDocumentPrints(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	secretary := e.As(tokens["bithu.vptu"])
	page := func() string {
		rec := get(t, e, exportURL(t, secretary, office, "HTML"))
		if rec.Code != 200 {
			t.Fatalf("html: %d", rec.Code)
		}
		return rec.Body.String()
	}
	var committee struct {
		YearlyReport struct {
			Committee []struct{ FullName, Position string }
		}
	}
	secretary.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) { committee { fullName position } } }`,
		map[string]any{"u": office}, &committee)
	var name string
	for _, m := range committee.YearlyReport.Committee {
		if m.Position == "SECRETARY" {
			name = m.FullName
		}
	}
	if name == "" {
		t.Fatal("the demo branch has no secretary on 31/12/2022")
	}

	blank := page()
	for _, want := range []string{"ĐOÀN TNCS HỒ CHÍ MINH", "Số:       -BC/", "Nơi nhận:", "- Lưu VP;", "TM. BAN CHẤP HÀNH", "BÍ THƯ", name,
		"Phần II. Phương hướng, nhiệm vụ năm 2023"} {
		if !strings.Contains(blank, want) {
			t.Errorf("the page without a document lacks %q", want)
		}
	}

	secretary.MustMutate(t, "reportDocumentSet", "ReportDocumentSetInput", "document { version }", map[string]any{"unitId": office,
		"year": 2022, "number": "05-BC/CĐ", "place": "Ninh Thuận", "datedOn": "2022-12-29",
		"recipients": []string{"Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Chi bộ Văn phòng", "Lưu VP"}, "version": 0}, nil)
	for section, body := range map[string]string{
		"SITUATION":  "Chi đoàn có 16 đoàn viên, sinh hoạt đều đặn hằng tháng.\n\nBan chấp hành gồm 3 đồng chí.",
		"STRENGTHS":  "Tổ chức đúng kế hoạch các đợt tình nguyện.",
		"DIRECTIONS": "Tiếp tục đẩy mạnh phong trào thanh niên tình nguyện.",
	} {
		secretary.MustMutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": office,
			"year": 2022, "section": section, "body": body, "version": 0}, nil)
	}
	secretary.MustMutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": office,
		"year": 2022, "section": "WORK_AREA", "workArea": "YOUTH_VOLUNTEERING", "body": "Ra quân Ngày Chủ nhật xanh hằng tháng.", "version": 0}, nil)
	written := page()
	for _, want := range []string{"Số: 05-BC/CĐ", "Ninh Thuận, ngày 29 tháng 12 năm 2022", "- Chi bộ Văn phòng;",
		"<p>Chi đoàn có 16 đoàn viên, sinh hoạt đều đặn hằng tháng.</p>", "<p>Ban chấp hành gồm 3 đồng chí.</p>",
		"Ưu điểm", "Tổ chức đúng kế hoạch các đợt tình nguyện.", "Ra quân Ngày Chủ nhật xanh hằng tháng.",
		"Tiếp tục đẩy mạnh phong trào thanh niên tình nguyện.", name} {
		if !strings.Contains(written, want) {
			t.Errorf("the written page lacks %q", want)
		}
	}
	if strings.Contains(written, "Số:       -BC/") {
		t.Error("the page still leaves the number blank")
	}
}

// The Word document holds the same form and figures as the API: valid
// XML in a valid package, A4 portrait with the binding margin, table
// headers that repeat, the number, the date line and the signer.
func TestReportDocx(t *testing.T) {
	t.Parallel()
	e, tokens, office := demoEnv(t)
	secretary := e.As(tokens["bithu.vptu"])
	var api reportOut
	secretary.MustDo(t, reportQuery, map[string]any{"unit": office}, &api)
	secretary.MustMutate(t, "reportDocumentSet", "ReportDocumentSetInput", "document { version }", map[string]any{"unitId": office,
		"year": 2022, "number": "05-BC/CĐ", "place": "Ninh Thuận", "datedOn": "2022-12-29", "version": 0}, nil)
	secretary.MustMutate(t, "reportTextSave", "ReportTextSaveInput", "text { version }", map[string]any{"unitId": office,
		"year": 2022, "section": "LESSONS", "body": "Phải bám sát cơ sở & lắng nghe đoàn viên <trẻ>.", "version": 0}, nil)

	rec := get(t, e, exportURL(t, secretary, office, "DOCX"))
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "wordprocessingml") {
		t.Fatalf("docx: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if err != nil {
		t.Fatalf("the document is not a package: %v", err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(rc)
		rc.Close()
		parts[f.Name] = string(data)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			dec := xml.NewDecoder(bytes.NewReader(data))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
				}
			}
		}
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml", "docProps/core.xml"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("the package lacks %s", name)
		}
	}
	doc := parts["word/document.xml"]
	var text strings.Builder
	dec := xml.NewDecoder(strings.NewReader(doc))
	inText := false
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inText = x.Name.Local == "t"
		case xml.EndElement:
			inText = false
			if x.Name.Local == "p" {
				text.WriteString("\n")
			}
		case xml.CharData:
			if inText {
				text.Write(x)
			}
		}
	}
	body := text.String()
	for _, want := range []string{"ĐOÀN TNCS HỒ CHÍ MINH", "Số: 05-BC/CĐ", "Ninh Thuận, ngày 29 tháng 12 năm 2022", "BÁO CÁO",
		"PHẦN I.", "PHẦN II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2023", "Phải bám sát cơ sở & lắng nghe đoàn viên <trẻ>.",
		"1.232.000 đ", "Nơi nhận:", "TM. BAN CHẤP HÀNH", "BÍ THƯ",
		"Đoàn viên cuối năm\n" + strconv.Itoa(api.YearlyReport.Members.AtYearEnd) + "\n",
		"Tổng cộng\n" + strconv.Itoa(api.YearlyReport.Total.Activities) + "\n"} {
		if !strings.Contains(body, want) {
			t.Errorf("the document lacks %q", want)
		}
	}
	for _, want := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:left="1701"`, `<w:tblHeader/>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document's XML lacks %s", want)
		}
	}
}

// A PDF is the printable page printed by the server's Chromium; a server
// without one says what to download instead.
func TestReportPDFWithoutChromium(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, apitest.WithChromium("/khong/co/chromium"))
	if _, err := seed.Load(context.Background(), e.Pool); err != nil {
		t.Fatal(err)
	}
	var office string
	var out struct {
		Units struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(t, `{ units(filter: {search: "Văn phòng Tỉnh ủy"}) { edges { node { id } } } }`, nil, &out)
	if len(out.Units.Edges) == 0 {
		t.Fatal("no demo branch")
	}
	office = out.Units.Edges[0].Node.ID
	rec := get(t, e, exportURL(t, e, office, "PDF"))
	if rec.Code != 503 || !strings.Contains(rec.Body.String(), "DOCX") {
		t.Errorf("a PDF without Chromium: %d %s", rec.Code, rec.Body.String())
	}
}
