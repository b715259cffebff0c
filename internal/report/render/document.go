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
	Number     string // "Số: 05-BC/CĐ"
	Dated      string // "Ninh Thuận, ngày 29 tháng 12 năm 2022"
	Title      string // the title's second line, after "BÁO CÁO"
	Office     string // "BÍ THƯ", under "TM. BAN CHẤP HÀNH"
	Signer     string // the secretary's name on the report's date
	Recipients []string
}

// formOf fills the form from the report's document (when the secretary
// has written one) and its committee: a number not yet given is left for
// her to write in, an undated report is dated the day it is made.
func formOf(e *report.Export) form {
	f := form{Number: "Số:       -BC/",
		Title: fmt.Sprintf("Tổng kết công tác Đoàn và phong trào thanh thiếu nhi năm %d, phương hướng nhiệm vụ năm %d", e.Year, e.Year+1)}
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
	for _, p := range e.Committee {
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
