package render

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sodoan/sodoan/internal/report"
)

// DOCX writes the report as a Word document in the Union's form (the same
// form and figures as the printable page), which offices edit and print:
// A4 portrait, Times New Roman 14, the binding margin on the left, table
// headers repeated on each page, headings kept with what follows.
//
// No maintained Go library for WordprocessingML is served here, and the
// document needs few of its parts, so it is written as the standard's
// XML: paragraphs, tables and one section.
func DOCX(w io.Writer, e *report.Export) error {
	var d wordDoc
	d.report(e)
	zw := zip.NewWriter(w)
	made := e.Generated.UTC().Format(time.RFC3339)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", packageRels},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/styles.xml", wordStyles},
		{"docProps/core.xml", fmt.Sprintf(coreProps, esc(title(e)), made, made)},
		{"docProps/app.xml", appProps},
		{"word/document.xml", documentHead + d.b.String() + documentTail},
	}
	for _, p := range parts {
		f, err := zw.Create(p.name)
		if err != nil {
			return fmt.Errorf("docx %s: %w", p.name, err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("docx %s: %w", p.name, err)
		}
	}
	return zw.Close()
}

// wordDoc is a document body being written.
type wordDoc struct{ b strings.Builder }

// run is text with its emphasis.
type run struct {
	text         string
	bold, italic bool
}

func strong(s string) run { return run{text: s, bold: true} }
func em(s string) run     { return run{text: s, italic: true} }
func plain(s string) run  { return run{text: s} }

// para writes a paragraph: style ("" for the normal one), alignment
// ("" left, "center", "right", "both").
func (d *wordDoc) para(style, align string, runs ...run) {
	d.b.WriteString(paraXML(style, align, runs...))
}

func paraXML(style, align string, runs ...run) string {
	var s strings.Builder
	s.WriteString("<w:p>")
	if style != "" || align != "" {
		s.WriteString("<w:pPr>")
		if style != "" {
			fmt.Fprintf(&s, `<w:pStyle w:val="%s"/>`, style)
		}
		if align != "" {
			fmt.Fprintf(&s, `<w:jc w:val="%s"/>`, align)
		}
		s.WriteString("</w:pPr>")
	}
	for _, r := range runs {
		s.WriteString("<w:r>")
		if r.bold || r.italic {
			s.WriteString("<w:rPr>")
			if r.bold {
				s.WriteString("<w:b/>")
			}
			if r.italic {
				s.WriteString("<w:i/>")
			}
			s.WriteString("</w:rPr>")
		}
		fmt.Fprintf(&s, `<w:t xml:space="preserve">%s</w:t></w:r>`, esc(r.text))
	}
	s.WriteString("</w:p>")
	return s.String()
}

// texts writes what the secretary wrote, a paragraph each.
func (d *wordDoc) texts(text string) {
	for _, p := range paragraphs(text) {
		d.para("", "both", plain(p))
	}
}

// cell is a table cell's paragraphs.
type cell struct {
	lines []string // paragraphs as XML
}

func textCell(align string, runs ...run) cell {
	return cell{lines: []string{paraXML("", align, runs...)}}
}

// table writes a table whose first row is its header (repeated on each
// page) when head is set; widths are the columns' in twentieths of a
// point; a table without borders lays out the header and the footer.
func (d *wordDoc) table(widths []int, head, borders bool, rows ...[]cell) {
	d.b.WriteString(`<w:tbl><w:tblPr>`)
	if borders {
		d.b.WriteString(`<w:tblStyle w:val="Bang"/>`)
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	fmt.Fprintf(&d.b, `<w:tblW w:w="%d" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`, total)
	for _, w := range widths {
		fmt.Fprintf(&d.b, `<w:gridCol w:w="%d"/>`, w)
	}
	d.b.WriteString(`</w:tblGrid>`)
	for r, row := range rows {
		d.b.WriteString("<w:tr>")
		if r == 0 && head {
			d.b.WriteString(`<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>`)
		} else {
			d.b.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
		}
		for c, x := range row {
			fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, widths[min(c, len(widths)-1)])
			if len(x.lines) == 0 {
				d.b.WriteString("<w:p/>")
			}
			for _, l := range x.lines {
				d.b.WriteString(l)
			}
			d.b.WriteString("</w:tc>")
		}
		d.b.WriteString("</w:tr>")
	}
	d.b.WriteString("</w:tbl>")
	// Word needs a paragraph between two tables, and after the last.
	d.b.WriteString(`<w:p><w:pPr><w:spacing w:after="0"/></w:pPr></w:p>`)
}

// figures is a table of labelled figures, its label column wide.
func (d *wordDoc) figures(head []string, rows [][]string) {
	widths := []int{5200}
	for range head[1:] {
		widths = append(widths, 4026/max(len(head)-1, 1))
	}
	d.table(widths, true, true, tableRows(head, rows)...)
}

// report writes the report's body: the same parts as the printable page.
func (d *wordDoc) report(e *report.Export) {
	f, r := formOf(e), e.Report
	left := []string{paraXML("", "center", strong("ĐOÀN TNCS HỒ CHÍ MINH"))}
	if e.ParentName != "" {
		left = append(left, paraXML("", "center", plain(e.ParentName)))
	}
	left = append(left, paraXML("", "center", strong(e.UnitName)), paraXML("", "center", plain("***")), paraXML("", "center", plain(f.Number)))
	d.table([]int{4300, 4926}, false, false, []cell{{lines: left}, textCell("center", em(f.Dated))})

	d.para("Tieude", "center", strong("BÁO CÁO"))
	d.para("", "center", strong(f.Title))
	d.para("", "center", em(fmt.Sprintf("Số liệu tính đến ngày %s", anyDate(r.ComputedUntil))))
	if f.Stamp != "" {
		d.para("", "center", em(f.Stamp))
	}

	d.para("Phan", "", strong("PHẦN I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ "+strings.ToUpper(f.This)))
	if s := e.Texts[string(report.Situation)]; s != "" {
		d.para("Muc", "", strong("Đặc điểm tình hình"))
		d.texts(s)
	}
	d.para("Muc", "", strong("1. Tình hình đoàn viên"))
	m, p := r.Members, r.Previous.Members
	n := func(x int) string { return number(int64(x)) }
	pair := func(a, b int) string { return n(a) + " / " + n(b) }
	d.figures([]string{"", f.Column, fmt.Sprintf("Năm %d", e.Year-1)}, [][]string{
		{"Đoàn viên đầu " + f.Unit, n(m.AtYearStart), n(p.AtYearStart)},
		{"Đoàn viên cuối " + f.Unit, n(m.AtYearEnd), n(p.AtYearEnd)},
		{"Trong đó nữ", n(m.Female), n(p.Female)},
		{"Kết nạp mới", n(m.Admitted), n(p.Admitted)},
		{"Chuyển đến / chuyển đi", pair(m.TransferredIn, m.TransferredOut), pair(p.TransferredIn, p.TransferredOut)},
		{"Trưởng thành / xóa tên", pair(m.AgedOut, m.Removed), pair(p.AgedOut, p.Removed)},
		{"Giới thiệu cho Đảng xem xét kết nạp / được kết nạp Đảng", pair(m.IntroducedToParty, m.AdmittedToParty),
			pair(p.IntroducedToParty, p.AdmittedToParty)},
		{"Đoàn phí thu từ đoàn viên", amount(r.Dues.Collected), amount(r.Previous.Dues.Collected)},
	})
	if r.Rating != nil {
		d.para("", "both", plain(fmt.Sprintf("Xếp loại năm %d (cấp trên đánh giá): %s.", r.Rating.Year, r.Rating.Level.Wording())))
	}

	d.para("Muc", "", strong("2. Kết quả theo lĩnh vực"))
	var areas [][]string
	for _, a := range append(append([]report.Area{}, r.Areas...), r.Total) {
		areas = append(areas, []string{areaName(a.WorkArea), n(a.Activities), n(a.Participations), percent(a.Share),
			decimal(a.VolunteerHours), amount(a.Cash + a.InKind)})
	}
	d.table([]int{2900, 1150, 1250, 1250, 1250, 1426}, true, true, tableRows(
		[]string{"Lĩnh vực", "Hoạt động", "Lượt tham gia", "Tỉ lệ tham gia", "Giờ tình nguyện", "Đóng góp"}, areas)...)
	for _, a := range r.Areas {
		if text := areaText(e.Texts, a.WorkArea); text != "" {
			d.para("", "", strong(areaName(a.WorkArea)))
			d.texts(text)
		}
	}
	if len(r.Pledges) > 0 {
		d.para("Muc", "", strong("3. Cam kết"))
		var rows [][]string
		for _, pl := range r.Pledges {
			rows = append(rows, []string{e.PledgeTitles[pl.PledgeID], n(pl.Signed) + "/" + n(pl.Eligible), percent(pl.Share)})
		}
		d.table([]int{5926, 1650, 1650}, true, true, tableRows([]string{"Cam kết", "Đã ký", "Tỉ lệ"}, rows)...)
	}
	rt := r.Ratings
	d.para("Muc", "", strong("4. Xếp loại đoàn viên"))
	d.figures([]string{"Mức xếp loại", "Số đoàn viên"}, [][]string{
		{"Hoàn thành xuất sắc nhiệm vụ", n(rt.Excellent)}, {"Hoàn thành tốt nhiệm vụ", n(rt.Good)},
		{"Hoàn thành nhiệm vụ", n(rt.Completed)}, {"Không hoàn thành nhiệm vụ", n(rt.NotCompleted)}, {"Chưa xếp loại", n(rt.Unrated)},
	})
	d.para("Muc", "", strong("5. Công tác khen thưởng"))
	if len(e.Awards) == 0 {
		d.para("", "", plain("Không có."))
	} else {
		var rows [][]string
		for _, a := range e.Awards {
			rows = append(rows, []string{formNames[a.Form], a.Title, a.Issuer, a.Recipient, awardWay(a)})
		}
		d.table([]int{1500, 2500, 2000, 2000, 1226}, true, true, tableRows([]string{"Hình thức", "Nội dung", "Cơ quan khen", "Người/tập thể nhận", "Nhận/Trao"}, rows)...)
		if bothWays(e.Awards) {
			d.para("", "both", em(awardsNote))
		}
	}
	assessment := []struct{ section, head string }{
		{string(report.Strengths), "Ưu điểm"}, {string(report.Limitations), "Hạn chế"},
		{string(report.Causes), "Nguyên nhân"}, {string(report.Lessons), "Bài học kinh nghiệm"},
	}
	var any bool
	for _, a := range assessment {
		any = any || e.Texts[a.section] != ""
	}
	if any {
		d.para("Muc", "", strong("Đánh giá chung"))
		for _, a := range assessment {
			if text := e.Texts[a.section]; text != "" {
				d.para("", "", strong(a.head))
				d.texts(text)
			}
		}
	}

	d.para("Phan", "", strong("PHẦN II. PHƯƠNG HƯỚNG, NHIỆM VỤ "+strings.ToUpper(f.Next)))
	d.texts(e.Texts[string(report.Directions)])
	if len(e.Targets) > 0 {
		d.para("Muc", "", strong("Các chỉ tiêu"))
		var rows [][]string
		for _, tg := range e.Targets {
			rows = append(rows, []string{targetLine(tg), targetValue(tg)})
		}
		d.table([]int{6926, 2300}, true, true, tableRows([]string{"Chỉ tiêu", fmt.Sprintf("Năm %d", e.TargetsYear)}, rows)...)
	}
	if s := e.Texts[string(report.Solutions)]; s != "" {
		d.para("Muc", "", strong("Giải pháp"))
		d.texts(s)
	}
	if e.Texts[string(report.Directions)] == "" && len(e.Targets) == 0 && e.Texts[string(report.Solutions)] == "" {
		d.para("", "", em("(Chưa ghi phương hướng và chỉ tiêu "+f.Next+".)"))
	}

	recipients := []string{paraXML("", "", run{text: "Nơi nhận:", bold: true, italic: true})}
	for _, x := range f.Recipients {
		recipients = append(recipients, paraXML("Nhan", "", plain("- "+x+";")))
	}
	sign := []string{paraXML("", "center", strong("TM. BAN CHẤP HÀNH"))}
	if f.Office != "" {
		sign = append(sign, paraXML("", "center", strong(f.Office)))
	}
	sign = append(sign, paraXML("", "", plain("")), paraXML("", "", plain("")), paraXML("", "", plain("")), paraXML("", "center", strong(f.Signer)))
	d.table([]int{4613, 4613}, false, false, []cell{{lines: recipients}, {lines: sign}})
}

// tableRows is a header and the rows, as cells: the first column left,
// the figures right.
func tableRows(head []string, rows [][]string) [][]cell {
	out := [][]cell{}
	line := func(cells []string, bold bool) []cell {
		var r []cell
		for k, c := range cells {
			align := ""
			switch {
			case bold:
				align = "center"
			case k > 0 && numeric(c):
				align = "right"
			}
			r = append(r, textCell(align, run{text: c, bold: bold}))
		}
		return r
	}
	out = append(out, line(head, true))
	for _, r := range rows {
		out = append(out, line(r, false))
	}
	return out
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

const contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>`

const packageRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>`

const documentRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`

const coreProps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>%s</dc:title><dc:creator>Sổ Đoàn</dc:creator><dc:language>vi-VN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified></cp:coreProperties>`

const appProps = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Sổ Đoàn</Application></Properties>`

// The styles: Times New Roman 14 (the size of Union documents), part and
// section headings kept with the next paragraph, a bordered table style
// (Bang), the recipients' list in 12.
const wordStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" w:eastAsia="Times New Roman"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="80" w:line="288" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Tieude"><w:name w:val="Tiêu đề"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="0"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:sz w:val="30"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Phan"><w:name w:val="Phần"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Muc"><w:name w:val="Mục"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="160" w:after="80"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Nhan"><w:name w:val="Nơi nhận"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="22"/></w:rPr></w:style><w:style w:type="table" w:styleId="Bang"><w:name w:val="Bảng"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="777777"/><w:left w:val="single" w:sz="4" w:space="0" w:color="777777"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="777777"/><w:right w:val="single" w:sz="4" w:space="0" w:color="777777"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="777777"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="777777"/></w:tblBorders><w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr><w:rPr><w:sz w:val="24"/></w:rPr></w:style></w:styles>`

const documentHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`

// A4 portrait (11906 × 16838 twentieths of a point), margins of 2 cm, 3 cm
// on the left for binding, 1.5 cm on the right.
const documentTail = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="850" w:bottom="1134" w:left="1701" w:header="567" w:footer="567" w:gutter="0"/></w:sectPr></w:body></w:document>`

// numeric reports whether a cell holds a figure (1.232.000 đ, 87,5%, 3 / 0,
// –), which lines up on the right; words line up on the left.
func numeric(s string) bool {
	if s == "" {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return (unicode.IsDigit(first) || first == '–') && (unicode.IsDigit(last) || last == '%' || last == 'đ' || last == '–')
}
