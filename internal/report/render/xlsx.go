package render

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/report"
)

// Sheet names, as the secretary sees them.
const (
	SheetSummary       = "Tổng hợp"
	SheetActivities    = "Hoạt động"
	SheetParticipation = "Tham gia"
	SheetAwards        = "Khen thưởng"
	SheetDues          = "Đoàn phí"
)

// XLSX writes the report as a workbook: the summary figures, the year's
// activities, who took part, and the commendations.
func XLSX(w io.Writer, e *report.Export) error {
	f := excelize.NewFile()
	defer f.Close()
	x := &sheetWriter{f: f}
	x.styles()

	if err := f.SetSheetName("Sheet1", SheetSummary); err != nil {
		return err
	}
	x.summary(e)
	x.activities(e)
	x.participation(e)
	x.awards(e)
	x.dues(e)
	x.finish()
	if x.err != nil {
		return fmt.Errorf("build workbook: %w", x.err)
	}
	// Without dates the workbook says it was made when excelize's template
	// was (2006).
	made := e.Generated.UTC().Format(time.RFC3339)
	if err := f.SetDocProps(&excelize.DocProperties{Title: title(e), Creator: "Sổ Đoàn", Language: "vi-VN",
		Created: made, Modified: made, LastModifiedBy: "Sổ Đoàn"}); err != nil {
		return err
	}
	return f.Write(w)
}

// title is the report's title with the unit's name, for a document's
// properties and a workbook's first line.
func title(e *report.Export) string {
	return "Báo cáo " + lowerFirst(formOf(e).Title) + " – " + e.UnitName
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// sheetWriter fills sheets row by row and keeps the first error. For the
// sheet being written it keeps the widest cell of each column and the
// first header row, which finish turns into column widths, the used range,
// the A4 page setup and the rows repeated on every printed page.
type sheetWriter struct {
	f                             *excelize.File
	err                           error
	sheet                         string
	row, cols, headRow            int
	widths                        map[int]float64 // the widest cell of each column, in characters
	minWidths                     []float64
	bold, head, money, pct, dated int
}

func (x *sheetWriter) styles() {
	style := func(s *excelize.Style) int {
		id, err := x.f.NewStyle(s)
		if x.err == nil {
			x.err = err
		}
		return id
	}
	x.bold = style(&excelize.Style{Font: &excelize.Font{Bold: true}})
	x.head = style(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1}})
	x.money = style(&excelize.Style{CustomNumFmt: ptr(`#,##0 "đ"`)})
	x.pct = style(&excelize.Style{NumFmt: 10})
	x.dated = style(&excelize.Style{CustomNumFmt: ptr("dd/mm/yyyy")})
}

func ptr[T any](v T) *T { return &v }

// start begins a sheet (finishing the one before); widths are its
// columns' least widths.
func (x *sheetWriter) start(name string, widths ...float64) {
	x.finish()
	x.sheet, x.row, x.cols, x.headRow, x.widths, x.minWidths = name, 0, 0, 0, map[int]float64{}, widths
	if name != SheetSummary {
		if _, err := x.f.NewSheet(name); err != nil && x.err == nil {
			x.err = err
		}
	}
}

// Column widths are the widest cell's, within these bounds: a title on one
// cell of the first column does not widen it past reading.
const minColumn, maxColumn = 8.0, 60.0

// finish sets the sheet's widths, used range and page setup: A4, as wide
// as the page (landscape when the columns need it), the header row on
// every page.
func (x *sheetWriter) finish() {
	if x.sheet == "" || x.err != nil {
		return
	}
	total := 0.0
	for i := range x.cols {
		w := x.widths[i+1] + 2
		if i < len(x.minWidths) {
			w = max(w, x.minWidths[i])
		}
		w = min(max(w, minColumn), maxColumn)
		total += w
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.f.SetColWidth(x.sheet, col, col, w); err != nil {
			x.err = err
			return
		}
	}
	last, _ := excelize.CoordinatesToCellName(max(x.cols, 1), max(x.row, 1))
	orientation := "portrait"
	if total > 100 { // about what a portrait A4 page holds at 100%
		orientation = "landscape"
	}
	err := errors.Join(
		x.f.SetSheetDimension(x.sheet, "A1:"+last),
		x.f.SetPageLayout(x.sheet, &excelize.PageLayoutOptions{Size: ptr(9), Orientation: ptr(orientation),
			FitToWidth: ptr(1), FitToHeight: ptr(0)}),
		x.f.SetSheetProps(x.sheet, &excelize.SheetPropsOptions{FitToPage: ptr(true)}),
		x.f.SetPageMargins(x.sheet, &excelize.PageLayoutMarginsOptions{Left: ptr(0.6), Right: ptr(0.5), Top: ptr(0.6), Bottom: ptr(0.6)}),
	)
	if err == nil && x.headRow > 0 {
		err = x.f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: x.sheet,
			RefersTo: fmt.Sprintf("'%s'!$%d:$%d", x.sheet, x.headRow, x.headRow)})
	}
	if err != nil {
		x.err = err
	}
}

// width is how many characters a cell shows.
func width(c any) float64 {
	switch v := c.(type) {
	case string:
		return float64(utf8.RuneCountInString(v))
	case moneyCell:
		return float64(utf8.RuneCountInString(money.Format(int64(v)))) + 1
	case pctCell:
		return 7
	case dayCell:
		return 10
	case float64:
		return float64(len(strconv.FormatFloat(v, 'f', 1, 64)))
	default:
		return float64(len(fmt.Sprint(v))) + 1
	}
}

// line writes one row; style applies to the whole row when not 0, and cells
// given as money/percent/day values get their own formats.
func (x *sheetWriter) line(style int, cells ...any) {
	if x.err != nil {
		return
	}
	x.row++
	if style == x.head && x.headRow == 0 {
		x.headRow = x.row
	}
	x.cols = max(x.cols, len(cells))
	for i, c := range cells {
		if style != x.bold || i > 0 || len(cells) > 1 { // a lone title spills over the row
			x.widths[i+1] = max(x.widths[i+1], width(c))
		}
		ref, _ := excelize.CoordinatesToCellName(i+1, x.row)
		s := style
		switch v := c.(type) {
		case moneyCell:
			c = int64(v)
			s = x.money
		case pctCell:
			if v.v == nil {
				c = "–"
			} else {
				c = *v.v
				s = x.pct
			}
		case dayCell:
			c = v.t
			s = x.dated
		}
		if err := x.f.SetCellValue(x.sheet, ref, c); err != nil {
			x.err = err
			return
		}
		if s != 0 {
			if err := x.f.SetCellStyle(x.sheet, ref, ref, s); err != nil {
				x.err = err
				return
			}
		}
	}
}

type moneyCell int64
type pctCell struct{ v *float64 }
type dayCell struct{ t any }

func (x *sheetWriter) summary(e *report.Export) {
	x.start(SheetSummary, 48, 18, 18)
	r := e.Report
	x.line(x.bold, title(e))
	x.line(0, "Đơn vị", e.UnitName)
	if e.ParentName != "" {
		x.line(0, "Đơn vị cấp trên", e.ParentName)
	}
	x.line(0, "Số liệu đến ngày", dayCell{r.ComputedUntil})
	f := formOf(e)
	if f.Stamp != "" {
		x.line(0, f.Stamp)
	}
	x.line(0)
	x.line(x.head, "Tình hình đoàn viên", f.Column, fmt.Sprintf("Năm %d", r.Year-1))
	m, p := r.Members, r.Previous.Members
	for _, row := range []struct {
		label     string
		cur, prev int
	}{
		{"Đoàn viên đầu " + f.Unit, m.AtYearStart, p.AtYearStart},
		{"Đoàn viên cuối " + f.Unit, m.AtYearEnd, p.AtYearEnd},
		{"– Nữ", m.Female, p.Female},
		{"– Nam", m.Male, p.Male},
		{"Kết nạp mới", m.Admitted, p.Admitted},
		{"Chuyển đến", m.TransferredIn, p.TransferredIn},
		{"Chuyển đi", m.TransferredOut, p.TransferredOut},
		{"Trưởng thành", m.AgedOut, p.AgedOut},
		{"Xóa tên, khai trừ", m.Removed, p.Removed},
		{"Giới thiệu cho Đảng xem xét kết nạp", m.IntroducedToParty, p.IntroducedToParty},
		{"Được kết nạp Đảng", m.AdmittedToParty, p.AdmittedToParty},
	} {
		x.line(0, row.label, row.cur, row.prev)
	}
	if r.Rating != nil {
		x.line(0, "Xếp loại (cấp trên đánh giá)", r.Rating.Level.Wording())
	}
	d, pd := r.Dues, r.Previous.Dues
	x.line(0)
	x.line(x.head, "Đoàn phí", f.Column, fmt.Sprintf("Năm %d", r.Year-1))
	x.line(0, "Thu từ đoàn viên", moneyCell(d.Collected), moneyCell(pd.Collected))
	x.line(0, "Số tháng-đoàn viên đã đóng", d.MemberMonths, pd.MemberMonths)
	x.line(0, "Nhận từ cấp dưới", moneyCell(d.Received), moneyCell(pd.Received))
	x.line(0, "Nộp cấp trên", moneyCell(d.Remitted), moneyCell(pd.Remitted))
	x.line(0)
	x.line(x.head, "Kết quả theo lĩnh vực", "Hoạt động", "Lượt tham gia", "Tỉ lệ đoàn viên tham gia", "Giờ tình nguyện",
		"Công trình thanh niên", "Giá trị công trình", "Tiền mặt", "Hiện vật")
	areasFrom := x.row + 1
	for _, a := range append(append([]report.Area{}, r.Areas...), r.Total) {
		label := "Tổng cộng"
		if a.WorkArea != "" {
			label = workAreaNames[a.WorkArea]
		}
		x.line(0, label, a.Activities, a.Participations, pctCell{a.Share}, a.VolunteerHours, a.YouthProjects,
			moneyCell(a.YouthProjectValue), moneyCell(a.Cash), moneyCell(a.InKind))
	}
	areasTo := x.row - 1 // not the total
	x.line(0)
	x.line(x.head, "Cam kết", "Đã ký", "Số đoàn viên", "Tỉ lệ")
	for _, pl := range r.Pledges {
		x.line(0, e.PledgeTitles[pl.PledgeID], pl.Signed, pl.Eligible, pctCell{pl.Share})
	}
	x.line(0)
	rt := r.Ratings
	x.line(x.head, "Xếp loại đoàn viên", "Số lượng")
	x.line(0, "Hoàn thành xuất sắc nhiệm vụ", rt.Excellent)
	x.line(0, "Hoàn thành tốt nhiệm vụ", rt.Good)
	x.line(0, "Hoàn thành nhiệm vụ", rt.Completed)
	x.line(0, "Không hoàn thành nhiệm vụ", rt.NotCompleted)
	x.line(0, "Chưa xếp loại", rt.Unrated)
	x.line(0)
	x.line(x.head, "Khen thưởng nhận được", "Cấp khen", "Cá nhân", "Tập thể")
	for _, c := range r.Received {
		x.line(0, formNames[c.Form], levelNames[c.IssuerLevel], c.Individual, c.Collective)
	}
	x.line(x.head, "Khen thưởng đã trao", "", "Cá nhân", "Tập thể")
	for _, c := range r.Given {
		x.line(0, formNames[c.Form], "", c.Individual, c.Collective)
	}
	if bothWays(e.Awards) {
		x.line(0, awardsNote)
	}
	if len(r.Children) > 0 {
		x.line(0)
		x.line(x.head, "Theo đơn vị trực thuộc", "Đoàn viên", "Hoạt động", "Lượt tham gia", "Giờ tình nguyện", "Giá trị đóng góp")
		if r.Own != nil {
			o := r.Own
			x.line(0, e.UnitName+" (trực tiếp)", o.Members, o.Activities, o.Participations, o.VolunteerHours, moneyCell(o.ContributionValue))
		}
		for _, c := range r.Children {
			x.line(0, e.Names[c.UnitID], c.Members, c.Activities, c.Participations, c.VolunteerHours, moneyCell(c.ContributionValue))
		}
	}
	x.line(0)
	x.line(x.head, "Tháng", "Hoạt động", "Lượt tham gia")
	monthsFrom := x.row + 1
	for _, mo := range r.Monthly {
		x.line(0, fmt.Sprintf("Tháng %d", mo.Month), mo.Activities, mo.Participations)
	}
	x.charts(areasFrom, areasTo, monthsFrom, x.row)
}

// charts draws, below the summary, the activities of each work area and
// the activities and attendances of each month, from the rows above.
func (x *sheetWriter) charts(areasFrom, areasTo, monthsFrom, monthsTo int) {
	if x.err != nil || areasTo < areasFrom {
		return
	}
	ref := func(col string, from, to int) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", x.sheet, col, from, col, to)
	}
	at := func(row int) string { return fmt.Sprintf("A%d", row) }
	size := excelize.ChartDimension{Width: 720, Height: 300}
	legend := excelize.ChartLegend{Position: "bottom"}
	err := x.f.AddChart(x.sheet, at(x.row+2), &excelize.Chart{Type: excelize.Col, Dimension: size, Legend: legend,
		Title:  excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Số hoạt động theo lĩnh vực"}}},
		Series: []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$B$%d", x.sheet, areasFrom-1), Categories: ref("A", areasFrom, areasTo), Values: ref("B", areasFrom, areasTo)}},
	})
	if err == nil && monthsTo >= monthsFrom {
		err = x.f.AddChart(x.sheet, at(x.row+18), &excelize.Chart{Type: excelize.Line, Dimension: size, Legend: legend,
			Title: excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: "Hoạt động và lượt tham gia theo tháng"}}},
			Series: []excelize.ChartSeries{
				{Name: fmt.Sprintf("'%s'!$B$%d", x.sheet, monthsFrom-1), Categories: ref("A", monthsFrom, monthsTo), Values: ref("B", monthsFrom, monthsTo)},
				{Name: fmt.Sprintf("'%s'!$C$%d", x.sheet, monthsFrom-1), Categories: ref("A", monthsFrom, monthsTo), Values: ref("C", monthsFrom, monthsTo)},
			},
		})
	}
	if err != nil {
		x.err = err
	}
	x.row += 34 // the charts' rows are the sheet's used range too
}

func (x *sheetWriter) activities(e *report.Export) {
	x.start(SheetActivities, 12, 12, 50, 28, 30, 22, 30, 12, 12, 16)
	x.line(x.head, "Từ ngày", "Đến ngày", "Tên hoạt động", "Đơn vị tổ chức", "Lĩnh vực", "Loại", "Địa điểm",
		"Lượt tham gia", "Giờ tình nguyện", "Giá trị đóng góp")
	for _, a := range e.Activities {
		x.line(0, dayCell{a.StartsOn}, dayCell{a.EndsOn}, a.Title, a.Unit, workAreaNames[a.WorkArea], kindNames[a.Kind], a.Place,
			a.Participations, a.Hours, moneyCell(a.Value))
	}
}

func (x *sheetWriter) participation(e *report.Export) {
	x.start(SheetParticipation, 30, 30, 16, 14, 16)
	x.line(x.head, "Họ và tên", "Chi đoàn", "Chức vụ", "Lượt tham gia", "Giờ tình nguyện")
	for _, p := range e.People {
		x.line(0, p.Name, p.Unit, positionNames[p.Position], p.Participations, p.Hours)
	}
}

func (x *sheetWriter) awards(e *report.Export) {
	x.start(SheetAwards, 16, 50, 36, 18, 12, 30, 12)
	x.line(x.head, "Hình thức", "Nội dung", "Cơ quan khen thưởng", "Số quyết định", "Ngày", "Người/tập thể nhận", "Nhận/Trao")
	for _, a := range e.Awards {
		var day any = ""
		if a.Date != nil {
			day = dayCell{*a.Date}
		}
		x.line(0, formNames[a.Form], a.Title, a.Issuer, a.Decision, day, a.Recipient, awardWay(a))
	}
}

// remittanceStatus words a remittance's status as its sheet shows it.
var remittanceStatus = map[string]string{"PENDING": "Chờ xác nhận", "CONFIRMED": "Đã xác nhận", "RETURNED": "Bị trả lại"}

// dues writes the year's dues: the subtree's collections by month, and the
// unit's remittances up and down.
func (x *sheetWriter) dues(e *report.Export) {
	x.start(SheetDues, 30, 16, 20, 18, 16, 16, 14)
	x.line(x.bold, "Thu, nộp đoàn phí "+formOf(e).This+" – "+e.UnitName)
	x.line(x.head, "Tháng thu", "Số phiếu thu", "Số tháng-đoàn viên", "Số tiền")
	var total report.DuesMonth
	for i, m := range e.DuesMonths {
		x.line(0, fmt.Sprintf("Tháng %d", i+1), m.Collections, m.MemberMonths, moneyCell(m.Amount))
		total.Collections += m.Collections
		total.MemberMonths += m.MemberMonths
		total.Amount += m.Amount
	}
	x.line(x.bold, "Cộng", total.Collections, total.MemberMonths, moneyCell(total.Amount))
	x.line(0)
	x.line(x.head, "Ngày nộp", "Nộp/Nhận", "Đơn vị", "Số tiền", "Số chứng từ", "Tình trạng", "Ngày xác nhận")
	for _, r := range e.Remittances {
		dir := "Nhận từ cấp dưới"
		if r.Sent {
			dir = "Nộp cấp trên"
		}
		var answered any = ""
		if r.AnsweredOn != nil {
			answered = dayCell{*r.AnsweredOn}
		}
		x.line(0, dayCell{r.SentOn}, dir, r.Other, moneyCell(r.Amount), r.Number, remittanceStatus[r.Status], answered)
	}
}
