package seed

import (
	"strconv"
	"time"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/org"
)

// The demo's names, people and events are made up; the shape of the year
// (campaigns, the book cabinet, the conference, the commendations) follows
// the worked example in the domain notes.

const (
	province  = "Ninh Thuận"
	phuocDai  = "Phước Đại"
	bacAi     = "Bác Ái"
	officeHQ  = "Hội trường Văn phòng Tỉnh ủy"
	kidsOfPĐ  = "Trẻ em xã Phước Đại, huyện Bác Ái"
	pledgeTxt = "Nói không với tệ nạn xã hội và chấp hành nghiêm Luật Giao thông đường bộ"
)

// tree is the slice of the organisation the demo fills.
type tree struct {
	province, bloc, office, propaganda, finance *org.Unit
	power, powerTech, powerCity                 *org.Unit
	bacAi, phuocDaiCommune, taLu                *org.Unit
	// Added with the reform (see reform.go): Tà Lú's commune union and its
	// branches, Tỉnh đoàn Khánh Hòa, and the commune union the merge forms.
	taLuCommune, maOai, raGiua *org.Unit
	kh                         khTree
	merged                     *org.Unit
}

func (l *loader) demo() {
	t := l.tree()
	l.newUnits(&t)
	if l.err != nil {
		return
	}
	office := l.officeMembers(t.office)
	others := l.otherMembers(t)
	added := l.newMembers(t)
	if l.err != nil {
		return
	}
	l.office2022(t, office)
	if l.err != nil {
		return
	}
	l.office2023(t, office)
	l.elsewhere(t, others)
	l.newUnits2022(t, added)
	terms := l.committees(t, office, others, added)
	if !l.opts.BeforeReform {
		l.reform(&t)
		l.afterReform(t, terms, office, others, added)
	}
	l.demoAccounts(t, office)
	l.demoNews(t, office)
}

// demoNews publishes the branch's report of its year-end conference, as the
// provincial portal would have shown it.
func (l *loader) demoNews(t tree, office []*member.Member) {
	if l.err != nil {
		return
	}
	published := time.Date(2022, 12, 30, 9, 15, 0, 0, time.FixedZone("ICT", 7*3600))
	store := news.NewStore(l.tx).WithClock(func() time.Time { return published })
	p, err := store.Create(l.ctx, news.Input{
		UnitID:  t.office.ID,
		Title:   "Chi đoàn Văn phòng Tỉnh ủy tổng kết công tác Đoàn năm 2022",
		Summary: opt("Ngày 29/12/2022, Chi đoàn Văn phòng Tỉnh ủy tổ chức hội nghị tổng kết công tác Đoàn và phong trào thanh thiếu nhi năm 2022, triển khai nhiệm vụ năm 2023."),
		BodyMarkdown: "Tới dự hội nghị có đồng chí Lê Minh Quang, Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy, " +
			"và đồng chí Trần Thị Thu Hà, Bí thư Đoàn khối Cơ quan – Doanh nghiệp tỉnh.\n\n" +
			"Năm 2022, chi đoàn đã:\n\n" +
			"- hưởng ứng **Tháng Thanh niên** và **Kỳ nghỉ hồng**, trao tủ sách trị giá 1.232.000 đồng cho trẻ em xã Phước Đại, huyện Bác Ái;\n" +
			"- vận động 100% đoàn viên ký cam kết nói không với tệ nạn xã hội và chấp hành Luật Giao thông;\n" +
			"- hỗ trợ triển khai hệ thống EOffice trong cơ quan.\n\n" +
			"Dịp này, chi đoàn vinh dự nhận Bằng khen của Ban Chấp hành Đoàn khối và khen thưởng 3 đoàn viên có thành tích xuất sắc.",
		AuthorName:       opt(office[2].FullName),
		AuthorDepartment: opt("Chi đoàn Văn phòng Tỉnh ủy"),
		Tags:             []string{"tổng kết", "2022"},
	}, 0)
	l.fail("demo post", err)
	if err != nil {
		return
	}
	_, err = store.SetStatus(l.ctx, p.ID, p.Version, news.Published)
	l.fail("publish demo post", err)
}

// demoAccounts gives one account per kind of user, all with DemoPassword.
func (l *loader) demoAccounts(t tree, office []*member.Member) {
	l.account("quantri", "Quản trị hệ thống", true, nil, nil)
	// The province's and the district's officers keep the unit they had,
	// whose records (ended on 30/6/2025) stay under it, and manage what
	// took it over since.
	tinhdoan := l.account("tinhdoan", "Văn phòng Tỉnh đoàn Ninh Thuận", false, t.province, nil)
	l.grantOfficer(tinhdoan, t.kh.province)
	l.account("doankhoi", "Trần Thị Thu Hà (Bí thư Đoàn khối)", false, t.bloc, nil)
	district := l.account("huyendoan.bacai", "Huyện đoàn Bác Ái", false, t.bacAi, nil)
	l.grantOfficer(district, t.merged)
	l.account("bithu.vptu", office[0].FullName+" (Bí thư Chi đoàn VP Tỉnh ủy)", false, t.office, office[0])
	l.account("doanvien.vptu", office[3].FullName, false, nil, office[3])
}

func (l *loader) tree() tree {
	var t tree
	t.province = l.unit(nil, org.Province, "Tỉnh đoàn Ninh Thuận", "Tỉnh đoàn", "TP. Phan Rang – Tháp Chàm, tỉnh Ninh Thuận")
	t.bloc = l.unit(t.province, org.Bloc, "Đoàn khối Cơ quan – Doanh nghiệp tỉnh", "Đoàn khối CQ-DN", "TP. Phan Rang – Tháp Chàm")
	t.office = l.unit(t.bloc, org.Branch, "Chi đoàn Văn phòng Tỉnh ủy", "CĐ VP Tỉnh ủy", "Khu hành chính Tỉnh ủy Ninh Thuận")
	t.propaganda = l.unit(t.bloc, org.Branch, "Chi đoàn Ban Tuyên giáo Tỉnh ủy", "CĐ Ban Tuyên giáo", "")
	t.finance = l.unit(t.bloc, org.Branch, "Chi đoàn Sở Tài chính", "CĐ Sở Tài chính", "")
	t.power = l.unit(t.bloc, org.Grassroots, "Đoàn cơ sở Công ty Điện lực Ninh Thuận", "ĐCS Điện lực", "")
	t.powerTech = l.unit(t.power, org.Branch, "Chi đoàn Phòng Kỹ thuật", "CĐ Kỹ thuật", "")
	t.powerCity = l.unit(t.power, org.Branch, "Chi đoàn Điện lực Phan Rang – Tháp Chàm", "CĐ ĐL Phan Rang", "")
	t.bacAi = l.unit(t.province, org.District, "Huyện đoàn Bác Ái", "Huyện đoàn Bác Ái", "Thị trấn Phước Đại, huyện Bác Ái")
	t.phuocDaiCommune = l.unit(t.bacAi, org.Grassroots, "Đoàn xã Phước Đại", "Đoàn xã Phước Đại", "")
	t.taLu = l.unit(t.phuocDaiCommune, org.Branch, "Chi đoàn thôn Tà Lú", "CĐ Tà Lú", "")
	return t
}

// officeMembers is the branch the demo follows through the year; the first
// three lead it (bí thư, phó bí thư, ủy viên BCH).
func (l *loader) officeMembers(u *org.Unit) []*member.Member {
	const f, m = member.Female, member.Male
	return l.memberList(u, []person{
		{"Nguyễn Thị Thanh Tâm", f, "1993-04-12", "2010-03-26", member.Secretary, "NT-0931201", "0918 234 567"},
		{"Trần Quốc Huy", m, "1995-09-03", "2012-03-26", member.DeputySecretary, "NT-0931202", "0905 112 839"},
		{"Lê Thị Kim Ngân", f, "1997-01-21", "2014-11-20", member.CommitteeMember, "NT-0931203", ""},
		{"Phạm Minh Khoa", m, "1994-06-30", "2011-03-26", member.PlainMember, "NT-0931204", ""},
		{"Huỳnh Thị Ngọc Hân", f, "1998-12-05", "2015-03-26", member.PlainMember, "NT-0931205", ""},
		{"Đặng Văn Lực", m, "1996-02-14", "2013-09-02", member.PlainMember, "NT-0931206", ""},
		{"Võ Thị Thu Trang", f, "1999-08-19", "2016-03-26", member.PlainMember, "NT-0931207", ""},
		{"Bùi Đức Thắng", m, "1993-11-11", "2010-11-20", member.PlainMember, "NT-0931208", ""},
		{"Đỗ Thị Hồng Nhung", f, "2000-03-08", "2017-03-26", member.PlainMember, "NT-0931209", ""},
		{"Ngô Thanh Phong", m, "1997-07-27", "2014-03-26", member.PlainMember, "NT-0931210", ""},
		{"Hồ Thị Mỹ Duyên", f, "1995-05-17", "2012-05-19", member.PlainMember, "NT-0931211", ""},
		{"Dương Quang Vinh", m, "1998-10-02", "2015-10-15", member.PlainMember, "NT-0931212", ""},
		{"Phan Thị Bích Liên", f, "1996-09-25", "2013-03-26", member.PlainMember, "NT-0931213", ""},
		{"Nguyễn Hữu Tài", m, "1992-12-30", "2009-03-26", member.PlainMember, "NT-0931214", ""},
		{"Trương Thị Diễm My", f, "2001-02-02", "2018-03-26", member.PlainMember, "NT-0931215", ""},
		{"Lâm Văn Toàn", m, "1999-04-30", "2016-09-02", member.PlainMember, "NT-0931216", ""},
	})
}

// members of the other units, so province and bloc dashboards show more
// than one branch.
type otherMembers struct {
	propaganda, finance, powerTech, powerCity, taLu []*member.Member
}

func (l *loader) otherMembers(t tree) otherMembers {
	const f, m = member.Female, member.Male
	return otherMembers{
		propaganda: l.memberList(t.propaganda, []person{
			{"Cao Thị Thảo Vy", f, "1996-03-14", "2013-03-26", member.Secretary, "NT-0932101", ""},
			{"Mai Xuân Bách", m, "1998-08-08", "2015-03-26", member.DeputySecretary, "NT-0932102", ""},
			{"Tạ Thị Quỳnh Anh", f, "2000-11-23", "2017-11-20", member.PlainMember, "NT-0932103", ""},
			{"Lưu Đình Nam", m, "1995-01-09", "2012-03-26", member.PlainMember, "NT-0932104", ""},
		}),
		finance: l.memberList(t.finance, []person{
			{"Hà Thị Phương Thảo", f, "1994-07-07", "2011-03-26", member.Secretary, "NT-0932201", ""},
			{"Kiều Minh Trí", m, "1997-05-01", "2014-03-26", member.PlainMember, "NT-0932202", ""},
			{"Châu Thị Mỹ Lệ", f, "1999-12-12", "2016-03-26", member.PlainMember, "NT-0932203", ""},
		}),
		powerTech: l.memberList(t.powerTech, []person{
			{"Tôn Thất Bảo", m, "1993-10-20", "2010-03-26", member.Secretary, "NT-0933101", ""},
			{"Nguyễn Văn Sang", m, "1996-06-16", "2013-03-26", member.CommitteeMember, "NT-0933102", ""},
			{"Lê Hoàng Yến", f, "1998-02-27", "2015-03-26", member.PlainMember, "NT-0933103", ""},
			{"Phạm Công Danh", m, "2000-09-09", "2017-09-02", member.PlainMember, "NT-0933104", ""},
		}),
		powerCity: l.memberList(t.powerCity, []person{
			{"Trịnh Văn Hậu", m, "1995-03-03", "2012-03-26", member.Secretary, "NT-0933201", ""},
			{"Đinh Thị Ánh Tuyết", f, "1997-12-24", "2014-12-22", member.PlainMember, "NT-0933202", ""},
			{"Vũ Minh Hiếu", m, "1999-05-15", "2016-05-19", member.PlainMember, "NT-0933203", ""},
		}),
		taLu: l.memberList(t.taLu, []person{
			{"Pinăng Thị Hoa", f, "1999-02-10", "2016-03-26", member.Secretary, "NT-0934101", ""},
			{"Katơr Văn Tâm", m, "2001-08-20", "2018-03-26", member.DeputySecretary, "NT-0934102", ""},
			{"Chamaléa Thị Mai", f, "2002-04-04", "2019-03-26", member.PlainMember, "NT-0934103", ""},
			{"Mấu Văn Lương", m, "2003-01-15", "2020-03-26", member.PlainMember, "NT-0934104", ""},
			{"Pinăng Văn Khải", m, "2004-06-01", "2021-03-26", member.PlainMember, "NT-0934105", ""},
		}),
	}
}

// office2022 records the office branch's year 2022, in the order a branch
// would have entered it.
func (l *loader) office2022(t tree, ms []*member.Member) {
	l.officeActivities2022(t, ms)
	// The pledge is signed at the branch meeting in March.
	l.pledge(t.office, 2022, pledgeTxt, "Cam kết của đoàn viên chi đoàn năm 2022.", "2022-03-10", ms)
	l.officeMeetings2022(t, ms)
	l.officeAwards2022(t, ms)
	l.officeRatings2022(ms)
}

// officeActivities2022 records the branch's campaigns and activities of 2022
// other than its meetings.
func (l *loader) officeActivities2022(t tree, ms []*member.Member) {
	secretary, deputy, committee := ms[0], ms[1], ms[2]

	pinkHoliday := l.campaign(t.province, "Kỳ nghỉ hồng", 2022, activity.YouthVolunteering,
		"Cán bộ, đoàn viên dành ngày nghỉ về cơ sở làm công tác tình nguyện.")
	youthMonth := l.campaign(t.province, "Tháng Thanh niên", 2022, activity.YouthVolunteering,
		"Tháng 3 hằng năm; cao điểm tình nguyện tại các huyện miền núi.")
	emulation := l.campaign(t.bloc, "Thi đua cải cách hành chính", 2022, activity.CreativeYouth,
		"Đoàn viên khối cơ quan đề xuất sáng kiến, cải tiến lề lối làm việc.")

	// Tháng Thanh niên: the peak days in Bác Ái, with the book cabinet.
	books := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Ngày cao điểm Tháng Thanh niên tại huyện Bác Ái – trao tặng tủ sách thiếu nhi",
		Kind: activity.Donation, WorkArea: activity.YouthVolunteering, CampaignID: cid(youthMonth),
		StartsOn: day("2022-03-19"), EndsOn: day("2022-03-20"),
		Place:         activity.Place{Text: opt("Trường Tiểu học Phước Đại"), Commune: opt(phuocDai), District: opt(bacAi), Province: opt(province)},
		Description:   opt("Chi đoàn phối hợp Huyện đoàn Bác Ái trao tủ sách, tổ chức trò chơi dân gian và dọn vệ sinh sân trường cùng các em thiếu nhi."),
		Beneficiaries: activity.Beneficiaries{Description: opt(kidsOfPĐ), Count: ptr[int32](85)},
	})
	l.took(books, 8, secretary, deputy, committee, ms[3], ms[4], ms[6], ms[9], ms[11], ms[12])
	if books != nil {
		l.contribution(activity.ContributionInput{
			ActivityID: books.ID, Kind: activity.InKind, Description: "Tủ sách thiếu nhi (tủ gỗ và 150 đầu sách)",
			Value: 1_232_000, Quantity: ptr(1.0), QuantityUnit: opt("tủ"), Recipient: opt(kidsOfPĐ),
		})
	}

	urban := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Ngày chiến sĩ tình nguyện vì văn minh đô thị",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering, CampaignID: cid(youthMonth),
		StartsOn: day("2022-03-27"), EndsOn: day("2022-03-27"),
		Place:       activity.Place{Text: opt("Tuyến đường 16 Tháng 4"), District: opt("TP. Phan Rang – Tháp Chàm"), Province: opt(province)},
		Description: opt("Nhặt rác, tháo gỡ quảng cáo rao vặt sai quy định, vận động hộ kinh doanh giữ vỉa hè thông thoáng."),
	})
	l.took(urban, 4, deputy, ms[3], ms[5], ms[7], ms[8], ms[10], ms[13], ms[15])

	summer := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Kỳ nghỉ hồng: cùng bà con thôn Tà Lú sửa đường vào khu sản xuất",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering, CampaignID: cid(pinkHoliday),
		StartsOn: day("2022-07-02"), EndsOn: day("2022-07-03"),
		Place:         activity.Place{Text: opt("Thôn Tà Lú"), Commune: opt(phuocDai), District: opt(bacAi), Province: opt(province)},
		Beneficiaries: activity.Beneficiaries{Description: opt("Hộ dân thôn Tà Lú"), Count: ptr[int32](64)},
	})
	l.took(summer, 12, secretary, ms[3], ms[5], ms[7], ms[9], ms[13])

	reading := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Hưởng ứng Ngày Sách và Văn hóa đọc Việt Nam (21/4)",
		Kind: activity.ReadingCulture, WorkArea: activity.PoliticalEducation,
		StartsOn: day("2022-04-21"), EndsOn: day("2022-04-21"), Place: activity.Place{Text: opt(officeHQ)},
		Description: opt("Giới thiệu sách hay về Bác Hồ và lịch sử Đảng bộ tỉnh; mỗi đoàn viên đăng ký đọc một cuốn sách trong quý."),
	})
	l.took(reading, 2, committee, ms[4], ms[6], ms[8], ms[10], ms[12], ms[14])

	memorial := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Họp mặt kỷ niệm 72 năm Ngày truyền thống lực lượng Thanh niên xung phong và 75 năm Ngày Thương binh – Liệt sĩ",
		Kind: activity.Commemoration, WorkArea: activity.PoliticalEducation,
		StartsOn: day("2022-07-22"), EndsOn: day("2022-07-22"), Place: activity.Place{Text: opt(officeHQ)},
		Guests: []activity.Guest{{Name: "Trần Văn Ninh", Title: opt("Cựu thanh niên xung phong, Hội Cựu TNXP tỉnh")}},
	})
	l.took(memorial, 2, ms...)

	congress := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Tuyên truyền chào mừng Đại hội đại biểu Đoàn tỉnh và Đại hội đại biểu toàn quốc Đoàn TNCS Hồ Chí Minh lần thứ XII",
		Kind: activity.PoliticalStudy, WorkArea: activity.PoliticalEducation,
		StartsOn: day("2022-09-05"), EndsOn: day("2022-12-15"),
		Description: opt("Chia sẻ tài liệu, ảnh và bài viết về Đại hội trên nhóm Zalo chi đoàn và trang tin của cơ quan; tìm hiểu dự thảo văn kiện."),
	})
	l.took(congress, 0, secretary, deputy, committee, ms[3], ms[4], ms[5], ms[6], ms[7], ms[8], ms[9], ms[10], ms[11])

	eoffice := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Đoàn viên hỗ trợ triển khai hệ thống quản lý văn bản EOffice",
		Kind: activity.Training, WorkArea: activity.CreativeYouth, CampaignID: cid(emulation),
		StartsOn: day("2022-05-09"), EndsOn: day("2022-06-30"), Place: activity.Place{Text: opt("Văn phòng Tỉnh ủy")},
		Description: opt("Hướng dẫn cán bộ các phòng xử lý văn bản trên EOffice; đề xuất hai cải tiến quy trình trình ký."),
	})
	l.took(eoffice, 6, deputy, ms[11], ms[15])

	video := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Dựng video dự thi “Đại sứ du lịch áo xanh Ninh Thuận”",
		Kind: activity.Contest, WorkArea: activity.CreativeYouth,
		StartsOn: day("2022-08-15"), EndsOn: day("2022-09-10"),
	})
	l.took(video, 10, ms[11], ms[8], ms[14])

	militia := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Huấn luyện lực lượng tự vệ cơ quan năm 2022",
		Kind: activity.Training, WorkArea: activity.DefendingFatherland,
		StartsOn: day("2022-06-13"), EndsOn: day("2022-06-17"), Place: activity.Place{Text: opt("Bộ Chỉ huy Quân sự tỉnh")},
	})
	l.took(militia, 0, ms[3], ms[5], ms[7], ms[9], ms[13], ms[15])
}

// officeMeetings2022 records the monthly branch meetings and the year-end
// conference.
func (l *loader) officeMeetings2022(t tree, ms []*member.Member) {
	secretary := ms[0]

	// Monthly branch meetings (sinh hoạt chi đoàn).
	// December's meeting is the year-end conference below.
	for month := 1; month <= 11; month++ {
		date := day("2022-01-15").AddDate(0, month-1, 0)
		meeting := l.activityOf(activity.ActivityInput{
			UnitID: t.office.ID, Title: "Sinh hoạt chi đoàn tháng " + strconv.Itoa(month) + "/2022",
			Kind: activity.Meeting, WorkArea: activity.OrganisationBuilding,
			StartsOn: date, EndsOn: date, Place: activity.Place{Text: opt(officeHQ)},
		})
		// A few members miss each meeting, different ones each month; the
		// secretary, who chairs, never does.
		present := []*member.Member{secretary}
		for i, m := range ms[1:] {
			if (i+month)%7 != 0 {
				present = append(present, m)
			}
		}
		l.took(meeting, 0, present...)
	}

	conference := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID,
		Title:  "Hội nghị tổng kết công tác Đoàn và phong trào thanh thiếu nhi năm 2022, triển khai nhiệm vụ năm 2023",
		Kind:   activity.Meeting, WorkArea: activity.OrganisationBuilding,
		StartsOn: day("2022-12-29"), EndsOn: day("2022-12-29"), Place: activity.Place{Text: opt(officeHQ)},
		Description: opt("Đánh giá kết quả năm 2022 theo các phong trào, biểu quyết chỉ tiêu năm 2023 và trao quyết định khen thưởng của Chi đoàn."),
		Guests: []activity.Guest{
			{Name: "Lê Minh Quang", Title: opt("Tỉnh ủy viên, Chánh Văn phòng Tỉnh ủy")},
			{Name: "Trần Thị Thu Hà", Title: opt("Bí thư Đoàn khối Cơ quan – Doanh nghiệp tỉnh")},
		},
	})
	l.took(conference, 0, ms...)
}

// officeAwards2022 records the commendations the branch received and gave.
func (l *loader) officeAwards2022(t tree, ms []*member.Member) {
	deputy := ms[1]

	// The collective Bằng khen from the bloc, and the branch's own Giấy khen.
	l.commend(award.CommendationInput{
		Form: award.BangKhen, Title: "Tập thể có thành tích xuất sắc trong công tác Đoàn và phong trào thanh niên năm 2022",
		Issuer: award.Issuer{UnitID: &t.bloc.ID}, DecisionNumber: opt("86-QĐ/ĐKCQDN"), DecisionDate: ptr(day("2022-12-20")),
		Year: 2022, Reason: opt("Hoàn thành xuất sắc nhiệm vụ năm 2022; 100% đoàn viên ký cam kết và tham gia thi đua cải cách hành chính."),
		RecipientUnitID: &t.office.ID,
	})
	for _, c := range []struct {
		who    *member.Member
		reason string
	}{
		{deputy, "Tích cực hỗ trợ cán bộ cơ quan triển khai hệ thống EOffice."},
		{ms[11], "Đạt giải khuyến khích cuộc thi video “Đại sứ du lịch áo xanh Ninh Thuận”."},
		{ms[3], "Gương mẫu tham gia các hoạt động tình nguyện và lực lượng tự vệ cơ quan."},
	} {
		l.commend(award.CommendationInput{
			Form: award.GiayKhen, Title: "Đoàn viên có thành tích xuất sắc năm 2022",
			Issuer: award.Issuer{UnitID: &t.office.ID}, DecisionNumber: opt("05-QĐ/CĐVPTU"), DecisionDate: ptr(day("2022-12-29")),
			Year: 2022, Reason: opt(c.reason), RecipientMemberID: &c.who.ID,
		})
	}
}

// officeRatings2022 rates the branch's members for 2022.
func (l *loader) officeRatings2022(ms []*member.Member) {
	ratings := make(map[*member.Member]member.RatingLevel, len(ms))
	for i, m := range ms {
		switch {
		case i <= 3 || i == 11:
			ratings[m] = member.Excellent
		case i%5 == 0:
			ratings[m] = member.Completed
		default:
			ratings[m] = member.Good
		}
	}
	l.rate(2022, ratings)
}

// office2023 records the first months of 2023 only, as a branch part-way
// through entering its year would have.
func (l *loader) office2023(t tree, ms []*member.Member) {
	youthMonth := l.campaign(t.province, "Tháng Thanh niên", 2023, activity.YouthVolunteering,
		"Chủ đề năm 2023: Tuổi trẻ Ninh Thuận xung kích chuyển đổi số.")
	for month := 1; month <= 4; month++ {
		date := day("2023-01-12").AddDate(0, month-1, 0)
		meeting := l.activityOf(activity.ActivityInput{
			UnitID: t.office.ID, Title: "Sinh hoạt chi đoàn tháng " + strconv.Itoa(month) + "/2023",
			Kind: activity.Meeting, WorkArea: activity.OrganisationBuilding,
			StartsOn: date, EndsOn: date, Place: activity.Place{Text: opt(officeHQ)},
		})
		l.took(meeting, 0, ms[:len(ms)-month]...)
	}
	digital := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Hướng dẫn người dân thôn Tà Lú cài đặt ứng dụng dịch vụ công",
		Kind: activity.VolunteerWork, WorkArea: activity.CreativeYouth, CampaignID: cid(youthMonth),
		StartsOn: day("2023-03-18"), EndsOn: day("2023-03-18"),
		Place:         activity.Place{Text: opt("Nhà văn hóa thôn Tà Lú"), Commune: opt(phuocDai), District: opt(bacAi), Province: opt(province)},
		Beneficiaries: activity.Beneficiaries{Description: opt("Người dân thôn Tà Lú"), Count: ptr[int32](40)},
	})
	l.took(digital, 5, ms[1], ms[2], ms[11], ms[14], ms[15])

	// A new member admitted on the Union's founding day, and one who moved
	// to the finance department's branch.
	newcomer := l.member(t.office, person{"Nguyễn Ngọc Bảo Trâm", member.Female, "2002-10-10", "2023-03-26", member.PlainMember, "NT-0931217", ""})
	if l.err == nil {
		_, err := l.members.Transfer(l.ctx, member.TransferInput{
			ID: ms[13].ID, Version: ms[13].Version, ToUnitID: &t.finance.ID, On: day("2023-04-01"),
			DecisionNumber: opt("12-QĐ/ĐKCQDN"), Note: opt("Chuyển công tác sang Sở Tài chính."),
		})
		l.fail("transfer "+ms[13].FullName, err)
	}

	signers := []*member.Member{ms[0], ms[1], ms[2], ms[4], ms[5], ms[6], ms[8], ms[9], ms[11], newcomer}
	l.pledge(t.office, 2023, pledgeTxt, "Cam kết của đoàn viên chi đoàn năm 2023; đang tiếp tục ký.", "2023-03-09", signers)

	l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Kỳ nghỉ hồng 2023 (dự kiến)",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering,
		StartsOn: day("2023-07-08"), EndsOn: day("2023-07-09"), Status: activity.Cancelled,
		Description: opt("Hoãn do trùng lịch huấn luyện tự vệ; chưa xếp lịch lại."),
	})
}

// elsewhere gives the other units a few records of their own.
func (l *loader) elsewhere(t tree, o otherMembers) {
	if l.err != nil {
		return
	}
	light := l.activityOf(activity.ActivityInput{
		UnitID: t.power.ID, Title: "Công trình thanh niên “Thắp sáng đường quê” thôn Tà Lú",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering,
		StartsOn: day("2022-08-20"), EndsOn: day("2022-08-21"),
		Place:         activity.Place{Text: opt("Đường liên thôn Tà Lú"), Commune: opt(phuocDai), District: opt(bacAi), Province: opt(province)},
		Beneficiaries: activity.Beneficiaries{Description: opt("Người dân thôn Tà Lú"), Count: ptr[int32](210)},
	})
	l.took(light, 16, append(o.powerTech, o.powerCity...)...)
	if light != nil {
		l.contribution(activity.ContributionInput{
			ActivityID: light.ID, Kind: activity.YouthProject, Description: "Hệ thống 40 bóng đèn năng lượng mặt trời",
			Value: 48_000_000, Quantity: ptr(40.0), QuantityUnit: opt("bóng"), Recipient: opt("Thôn Tà Lú, xã Phước Đại"),
		})
	}

	study := l.activityOf(activity.ActivityInput{
		UnitID: t.propaganda.ID, Title: "Học tập chuyên đề “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh” năm 2022",
		Kind: activity.PoliticalStudy, WorkArea: activity.PoliticalEducation,
		StartsOn: day("2022-05-19"), EndsOn: day("2022-05-19"),
	})
	l.took(study, 0, o.propaganda...)

	gift := l.activityOf(activity.ActivityInput{
		UnitID: t.finance.ID, Title: "Tặng quà Tết cho thiếu nhi có hoàn cảnh khó khăn xã Phước Đại",
		Kind: activity.Donation, WorkArea: activity.YouthVolunteering,
		StartsOn: day("2023-01-14"), EndsOn: day("2023-01-14"),
		Place:         activity.Place{Commune: opt(phuocDai), District: opt(bacAi), Province: opt(province)},
		Beneficiaries: activity.Beneficiaries{Description: opt(kidsOfPĐ), Count: ptr[int32](30)},
	})
	l.took(gift, 6, o.finance...)
	if gift != nil {
		l.contribution(activity.ContributionInput{
			ActivityID: gift.ID, Kind: activity.Cash, Description: "Quà Tết (tiền mặt)",
			Value: 6_000_000, Quantity: ptr(30.0), QuantityUnit: opt("suất"), Recipient: opt(kidsOfPĐ),
		})
	}

	village := l.activityOf(activity.ActivityInput{
		UnitID: t.taLu.ID, Title: "Ra quân làm sạch nguồn nước sinh hoạt thôn Tà Lú",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering,
		StartsOn: day("2022-06-05"), EndsOn: day("2022-06-05"),
	})
	l.took(village, 4, o.taLu...)

	l.commend(award.CommendationInput{
		Form: award.GiayKhen, Title: "Tập thể hoàn thành xuất sắc nhiệm vụ công tác Đoàn năm 2022",
		Issuer: award.Issuer{UnitID: &t.bacAi.ID}, DecisionNumber: opt("31-QĐ/HĐBA"), DecisionDate: ptr(day("2022-12-26")),
		Year: 2022, RecipientUnitID: &t.taLu.ID,
	})
	l.commend(award.CommendationInput{
		Form: award.BangKhen, Title: "Cá nhân có thành tích xuất sắc trong phong trào “Tuổi trẻ sáng tạo” năm 2022",
		Issuer:         award.Issuer{Name: opt("Ủy ban nhân dân tỉnh Ninh Thuận"), Level: ptr(org.Province)},
		DecisionNumber: opt("2150/QĐ-UBND"), DecisionDate: ptr(day("2022-12-28")),
		Year: 2022, RecipientMemberID: &o.powerTech[0].ID,
	})
}

func cid(c *activity.Campaign) *int64 {
	if c == nil {
		return nil
	}
	return &c.ID
}
