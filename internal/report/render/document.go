package render

import (
	"fmt"
	"strings"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/report"
)

// form is what every Union document carries around its body (DOMAIN.md):
// the number under the issuing unit, the place and date line, the
// signature block with the office and the name, and the recipients. Every
// format writes the same one.
type form struct {
	Number string // "Số: 05-BC/CĐ"
	Dated  string // "Ninh Thuận, ngày 29 tháng 12 năm 2022"
	Title  string // the title's second line, after "BÁO CÁO"
	// This is the period Part I reports on ("năm 2022", "6 tháng đầu năm
	// 2022"), Next the one Part II plans ("năm 2023"), Column heads the
	// period's figures in a table ("Năm 2022", "Quý I/2022").
	This, Next, Column string
	// Unit is the period's word in "đoàn viên đầu năm / đầu kỳ".
	Unit string
	// Stamp says, on a submission's export, when it was handed in and
	// where it stands: what is printed is what was submitted.
	Stamp      string
	Office     string // "BÍ THƯ", under "TM. BAN CHẤP HÀNH"
	Signer     string // the secretary's name on the report's date
	Recipients []string
}

// formOf fills the form from the report's document (when the secretary
// has written one) and its committee: a number not yet given is left for
// her to write in, an undated report is dated the day it is made.
func formOf(e *report.Export) form {
	f := form{Number: "Số:       -BC/", Stamp: stamp(e.Submission)}
	f.This, f.Next, f.Column = periodWords(e)
	f.Unit = "kỳ"
	if e.Period() == report.WholeYear {
		f.Unit = "năm"
	}
	switch e.Period() {
	case report.WholeYear:
		f.Title = "Tổng kết công tác Đoàn và phong trào thanh thiếu nhi " + f.This + ", phương hướng nhiệm vụ " + f.Next
	case report.FirstHalf:
		f.Title = "Sơ kết công tác Đoàn và phong trào thanh thiếu nhi " + f.This + ", phương hướng nhiệm vụ " + f.Next
	default:
		f.Title = "Kết quả công tác Đoàn và phong trào thanh thiếu nhi " + f.This + ", phương hướng nhiệm vụ " + f.Next
	}
	day, place := dates.Today(e.Generated), ""
	if d := e.Document; d != nil {
		if d.Number != nil {
			f.Number = "Số: " + *d.Number
		}
		if d.Place != nil {
			place = *d.Place
		}
		if d.DatedOn != nil {
			day = *d.DatedOn
		}
		f.Recipients = d.Recipients
	}
	if place == "" {
		place = "……………"
	}
	f.Dated = fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", place, day.Day(), day.Month(), day.Year())
	if len(f.Recipients) == 0 {
		if e.ParentName != "" {
			f.Recipients = append(f.Recipients, e.ParentName)
		}
		f.Recipients = append(f.Recipients, "Lưu VP")
	}
	for _, p := range e.Officers {
		if p.Position == member.Secretary {
			f.Office, f.Signer = "BÍ THƯ", p.Name
			break
		}
		if p.Position == member.DeputySecretary && f.Signer == "" {
			f.Office, f.Signer = "PHÓ BÍ THƯ", p.Name
		}
	}
	return f
}

// quarterNames are the quarters as documents write them.
var quarterNames = map[report.Period]string{report.Q1: "I", report.Q2: "II", report.Q3: "III", report.Q4: "IV"}

// periodWords names the period the report is of, the one after it that
// Part II plans, and the head of the period's column of figures.
func periodWords(e *report.Export) (this, next, column string) {
	y := e.Year
	switch e.Period() {
	case report.WholeYear:
		return fmt.Sprintf("năm %d", y), fmt.Sprintf("năm %d", y+1), fmt.Sprintf("Năm %d", y)
	case report.FirstHalf:
		return fmt.Sprintf("6 tháng đầu năm %d", y), fmt.Sprintf("6 tháng cuối năm %d", y), fmt.Sprintf("6 tháng đầu năm %d", y)
	case report.Q1, report.Q2, report.Q3:
		q := quarterNames[e.Period()]
		after := map[report.Period]string{report.Q1: "II", report.Q2: "III", report.Q3: "IV"}[e.Period()]
		return fmt.Sprintf("quý %s năm %d", q, y), fmt.Sprintf("quý %s năm %d", after, y), fmt.Sprintf("Quý %s/%d", q, y)
	case report.Q4:
		return fmt.Sprintf("quý IV năm %d", y), fmt.Sprintf("quý I năm %d", y+1), fmt.Sprintf("Quý IV/%d", y)
	}
	from, to := dates.Format(e.From), dates.Format(e.Date)
	return "từ ngày " + from + " đến ngày " + to, "thời gian tới", "Từ " + from + " đến " + to
}

// stamp words where a submitted report stands; "" for the records' own.
func stamp(s *report.Submission) string {
	if s == nil {
		return ""
	}
	at := s.SubmittedAt.In(dates.Vietnam)
	out := fmt.Sprintf("Bản đã nộp cấp trên lúc %s ngày %s; số liệu và nội dung giữ nguyên như khi nộp.", at.Format("15:04"), dates.Format(at))
	answered := ""
	if s.AnsweredAt != nil {
		answered = " ngày " + dates.Format(s.AnsweredAt.In(dates.Vietnam))
	}
	switch s.Status {
	case report.Accepted:
		out += " Cấp trên đã nhận" + answered + "."
	case report.Returned:
		out += " Cấp trên đã trả lại" + answered
		if s.AnswerNote != nil {
			out += ": " + *s.AnswerNote
		}
		out += "."
	default:
		out += " Đang chờ cấp trên nhận."
	}
	return out
}

// paragraphs splits a text the secretary wrote into its paragraphs (blank
// lines between them).
func paragraphs(text string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// metricNames are the targets' figures as a plan writes them.
var metricNames = map[report.Metric]string{
	report.Activities:        "Số hoạt động",
	report.Participations:    "Lượt đoàn viên tham gia",
	report.ParticipationRate: "Tỉ lệ đoàn viên tham gia hoạt động",
	report.VolunteerHours:    "Giờ tình nguyện",
	report.ContributionValue: "Giá trị đóng góp",
	report.YouthProjects:     "Công trình, phần việc thanh niên",
	report.Admissions:        "Kết nạp đoàn viên mới",
	report.MembersAtYearEnd:  "Đoàn viên cuối năm",
	report.ExcellentShare:    "Tỉ lệ đoàn viên hoàn thành xuất sắc nhiệm vụ",
	report.PledgeShare:       "Tỉ lệ đoàn viên ký cam kết",
}

// targetLine words a target: "Giờ tình nguyện (Tình nguyện vì cộng đồng)".
func targetLine(t report.Target) string {
	name := metricNames[t.Metric]
	if t.WorkArea != nil {
		name += " (" + areaName(*t.WorkArea) + ")"
	}
	return name
}

// targetValue writes a target's value in its figure's unit.
func targetValue(t report.Target) string {
	switch {
	case t.Metric.IsShare():
		return percent(&t.Target)
	case t.Metric == report.ContributionValue:
		return amount(int64(t.Target))
	default:
		return decimal(t.Target)
	}
}

// areaText is what the secretary wrote of a work area's results.
func areaText(texts map[string]string, a activity.WorkArea) string {
	return texts[string(report.WorkAreaSec)+"/"+string(a)]
}
