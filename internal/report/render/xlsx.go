package render

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

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
	if x.err != nil {
		return fmt.Errorf("build workbook: %w", x.err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: title(e), Creator: "Sổ Đoàn", Language: "vi-VN"}); err != nil {
		return err
	}
	return f.Write(w)
}

func title(e *report.Export) string {
	return fmt.Sprintf("Báo cáo tổng kết công tác Đoàn và phong trào thanh thiếu nhi năm %d – %s", e.Year, e.UnitName)
}

// sheetWriter fills sheets row by row and keeps the first error.
type sheetWriter struct {
	f                             *excelize.File
	err                           error
	sheet                         string
	row                           int
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

func (x *sheetWriter) start(name string, widths ...float64) {
	x.sheet, x.row = name, 0
	if name != SheetSummary {
		if _, err := x.f.NewSheet(name); err != nil && x.err == nil {
			x.err = err
		}
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := x.f.SetColWidth(name, col, col, w); err != nil && x.err == nil {
			x.err = err
		}
	}
}

// line writes one row; style applies to the whole row when not 0, and cells
// given as money/percent/day values get their own formats.
func (x *sheetWriter) line(style int, cells ...any) {
	if x.err != nil {
		return
	}
	x.row++
	for i, c := range cells {
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
	x.line(0)
	x.line(x.head, "Tình hình đoàn viên", fmt.Sprintf("Năm %d", r.Year), fmt.Sprintf("Năm %d", r.Year-1))
	m, p := r.Members, r.Previous.Members
	for _, row := range []struct {
		label     string
		cur, prev int
	}{
		{"Đoàn viên đầu năm", m.AtYearStart, p.AtYearStart},
		{"Đoàn viên cuối năm", m.AtYearEnd, p.AtYearEnd},
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
	x.line(x.head, "Đoàn phí", fmt.Sprintf("Năm %d", r.Year), fmt.Sprintf("Năm %d", r.Year-1))
	x.line(0, "Thu từ đoàn viên", moneyCell(d.Collected), moneyCell(pd.Collected))
	x.line(0, "Số tháng-đoàn viên đã đóng", d.MemberMonths, pd.MemberMonths)
	x.line(0, "Nhận từ cấp dưới", moneyCell(d.Received), moneyCell(pd.Received))
	x.line(0, "Nộp cấp trên", moneyCell(d.Remitted), moneyCell(pd.Remitted))
	x.line(0)
	x.line(x.head, "Kết quả theo lĩnh vực", "Hoạt động", "Lượt tham gia", "Tỉ lệ đoàn viên tham gia", "Giờ tình nguyện",
		"Công trình thanh niên", "Giá trị công trình", "Tiền mặt", "Hiện vật")
	for _, a := range append(append([]report.Area{}, r.Areas...), r.Total) {
		label := "Tổng cộng"
		if a.WorkArea != "" {
			label = workAreaNames[a.WorkArea]
		}
		x.line(0, label, a.Activities, a.Participations, pctCell{a.Share}, a.VolunteerHours, a.YouthProjects,
			moneyCell(a.YouthProjectValue), moneyCell(a.Cash), moneyCell(a.InKind))
	}
	x.line(0)
	x.line(x.head, "Cam kết", "Đã ký", "Số đoàn viên", "Tỉ lệ")
	for _, pl := range r.Pledges {
		x.line(0, e.Pledges[pl.PledgeID], pl.Signed, pl.Eligible, pctCell{pl.Share})
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
	for _, mo := range r.Monthly {
		x.line(0, fmt.Sprintf("Tháng %d", mo.Month), mo.Activities, mo.Participations)
	}
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
		dir := "Nhận"
		if a.Given {
			dir = "Trao"
		}
		x.line(0, formNames[a.Form], a.Title, a.Issuer, a.Decision, day, a.Recipient, dir)
	}
}

// remittanceStatus words a remittance's status as its sheet shows it.
var remittanceStatus = map[string]string{"PENDING": "Chờ xác nhận", "CONFIRMED": "Đã xác nhận", "RETURNED": "Bị trả lại"}

// dues writes the year's dues: the subtree's collections by month, and the
// unit's remittances up and down.
func (x *sheetWriter) dues(e *report.Export) {
	x.start(SheetDues, 30, 16, 20, 18, 16, 16, 14)
	x.line(x.bold, fmt.Sprintf("Thu, nộp đoàn phí năm %d – %s", e.Year, e.UnitName))
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
