// Package render turns a report into what a secretary hands in: an Excel
// workbook and a printable HTML page, both in Vietnamese.
package render

import (
	"math"
	"strconv"
	"strings"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/money"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
)

var workAreaNames = map[activity.WorkArea]string{
	activity.PoliticalEducation:   "Giáo dục chính trị, tư tưởng",
	activity.YouthVolunteering:    "Thanh niên tình nguyện",
	activity.CreativeYouth:        "Tuổi trẻ sáng tạo",
	activity.DefendingFatherland:  "Tuổi trẻ xung kích bảo vệ Tổ quốc",
	activity.OrganisationBuilding: "Xây dựng tổ chức Đoàn",
}

var kindNames = map[activity.Kind]string{
	activity.VolunteerWork:  "Tình nguyện",
	activity.Donation:       "Quyên góp, trao tặng",
	activity.PoliticalStudy: "Học tập chính trị",
	activity.ReadingCulture: "Văn hóa đọc",
	activity.Commemoration:  "Kỷ niệm, tưởng niệm",
	activity.Meeting:        "Hội nghị, sinh hoạt",
	activity.Contest:        "Cuộc thi",
	activity.Training:       "Tập huấn, huấn luyện",
	activity.SportCulture:   "Văn hóa, thể thao",
	activity.OtherKind:      "Khác",
}

var formNames = map[award.Form]string{
	award.GiayKhen:      "Giấy khen",
	award.BangKhen:      "Bằng khen",
	award.GiayChungNhan: "Giấy chứng nhận",
	award.HuyHieu:       "Huy hiệu",
	award.CoThiDua:      "Cờ thi đua",
	award.OtherForm:     "Khác",
}

var levelNames = map[org.Level]string{
	org.Central:    "Trung ương",
	org.Province:   "Tỉnh",
	org.Bloc:       "Khối",
	org.District:   "Huyện",
	org.Grassroots: "Cơ sở",
	org.Branch:     "Chi đoàn",
}

var positionNames = map[member.Position]string{
	member.Secretary:       "Bí thư",
	member.DeputySecretary: "Phó Bí thư",
	member.CommitteeMember: "Ủy viên BCH",
	member.PlainMember:     "Đoàn viên",
}

// awardWay says which way a commendation went. One the unit (or a unit
// below) gave to its own members or units counts both as received and as
// given, and says so.
func awardWay(a report.AwardRow) string {
	switch {
	case a.Given && a.Received:
		return "Trong đơn vị"
	case a.Given:
		return "Trao"
	}
	return "Nhận"
}

// awardsNote explains the commendations counted on both sides.
const awardsNote = "Khen thưởng do đơn vị (hoặc cấp dưới) trao cho đoàn viên, tập thể trong đơn vị ghi là \"Trong đơn vị\" và được tính ở cả số nhận và số trao."

// bothWays reports whether any commendation went both ways.
func bothWays(awards []report.AwardRow) bool {
	for _, a := range awards {
		if a.Given && a.Received {
			return true
		}
	}
	return false
}

// number writes n with dots between thousands, as Vietnamese does.
func number(n int64) string { return money.Group(n) }

// amount writes an amount of đồng: 1.232.000 đ.
func amount(n int64) string { return money.Format(n) }

// decimal writes x with a decimal comma and at most one decimal.
func decimal(x float64) string {
	if x == math.Trunc(x) {
		return number(int64(x))
	}
	return strings.Replace(strconv.FormatFloat(math.Round(x*10)/10, 'f', 1, 64), ".", ",", 1)
}

// percent writes a share: 87,5%; "–" without a share.
func percent(share *float64) string {
	if share == nil {
		return "–"
	}
	return decimal(*share*100) + "%"
}
