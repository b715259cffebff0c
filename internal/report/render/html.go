package render

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
)

//go:embed report.html.tmpl
var pageSource string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"money":      amount,
	"number":     func(n int) string { return number(int64(n)) },
	"decimal":    decimal,
	"percent":    percent,
	"date":       anyDate,
	"area":       areaName,
	"kind":       func(k activity.Kind) string { return kindNames[k] },
	"form":       func(f award.Form) string { return formNames[f] },
	"level":      func(l org.Level) string { return levelNames[l] },
	"position":   func(p member.Position) string { return positionNames[p] },
	"paras":      paragraphs,
	"target":     targetLine,
	"value":      targetValue,
	"areaText":   areaText,
	"way":        awardWay,
	"bothWays":   bothWays,
	"awardsNote": func() string { return awardsNote },
}).Parse(pageSource))

// HTML writes the report as a printable page with its charts drawn as SVG,
// so it prints and renders without scripts or network access.
func HTML(w io.Writer, e *report.Export) error {
	data := struct {
		*report.Export
		Title        string
		Form         form
		MonthlyChart template.HTML
		AreaChart    template.HTML
	}{Export: e, Title: title(e), Form: formOf(e), MonthlyChart: monthlyChart(e.Report), AreaChart: areaChart(e.Report)}
	return page.Execute(w, data)
}

// monthlyChart draws activities (bars) and participations (line) per month.
func monthlyChart(r *report.Report) template.HTML {
	const width, height, left, bottom, top = 640.0, 240.0, 40.0, 30.0, 20.0
	maxActs, maxParts := 1, 1
	for _, m := range r.Monthly {
		maxActs, maxParts = max(maxActs, m.Activities), max(maxParts, m.Participations)
	}
	plotH := height - bottom - top
	step := (width - left - 10) / 12
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="monthly-title" viewBox="0 0 %.0f %.0f" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title id="monthly-title">Hoạt động và lượt tham gia theo tháng năm %d</title>`, r.Year)
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#555"/>`, left, height-bottom, width-10, height-bottom)
	var points []string
	for i, m := range r.Monthly {
		x := left + float64(i)*step
		h := plotH * float64(m.Activities) / float64(maxActs)
		fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2f6db5"><title>Tháng %d: %d hoạt động</title></rect>`,
			x+step*0.15, height-bottom-h, step*0.7, h, m.Month, m.Activities)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle">T%d</text>`, x+step/2, height-bottom+16, m.Month)
		py := height - bottom - plotH*float64(m.Participations)/float64(maxParts)
		points = append(points, fmt.Sprintf("%.1f,%.1f", x+step/2, py))
	}
	fmt.Fprintf(&b, `<polyline class="line" points="%s" fill="none" stroke="#d9480f" stroke-width="2"/>`, strings.Join(points, " "))
	fmt.Fprintf(&b, `<text x="%.0f" y="14" font-size="11" fill="#2f6db5">■ Hoạt động (cao nhất %d)</text>`, left, maxActs)
	fmt.Fprintf(&b, `<text x="%.0f" y="14" font-size="11" fill="#d9480f">— Lượt tham gia (cao nhất %d)</text>`, left+220, maxParts)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// areaChart draws each work area's share of the activities as bars.
func areaChart(r *report.Report) template.HTML {
	const width, rowH, label = 640.0, 28.0, 260.0
	total := max(r.Total.Activities, 1)
	height := rowH*float64(len(r.Areas)) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" aria-labelledby="area-title" viewBox="0 0 %.0f %.0f" xmlns="http://www.w3.org/2000/svg">`, width, height)
	fmt.Fprintf(&b, `<title id="area-title">Hoạt động theo lĩnh vực năm %d</title>`, r.Year)
	for i, a := range r.Areas {
		y := float64(i)*rowH + 5
		w := (width - label - 60) * float64(a.Activities) / float64(total)
		fmt.Fprintf(&b, `<text x="0" y="%.1f" font-size="12">%s</text>`, y+16, template.HTMLEscapeString(workAreaNames[a.WorkArea]))
		fmt.Fprintf(&b, `<rect class="bar" x="%.0f" y="%.1f" width="%.1f" height="18" fill="#2f9e44"><title>%d hoạt động</title></rect>`, label, y+3, w, a.Activities)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="12">%d</text>`, label+w+6, y+16, a.Activities)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func areaName(a activity.WorkArea) string {
	if a == "" {
		return "Tổng cộng"
	}
	return workAreaNames[a]
}

// anyDate is date for the template, which hands over pointers as they are.
func anyDate(v any) string {
	switch t := v.(type) {
	case time.Time:
		return dates.Format(t)
	case *time.Time:
		if t != nil {
			return dates.Format(*t)
		}
	}
	return ""
}
