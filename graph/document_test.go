package graph_test

import (
	"slices"
	"strings"
	"testing"
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
