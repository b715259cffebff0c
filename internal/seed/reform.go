package seed

import (
	"strconv"
	"time"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
)

// The 2025 reform as the demo tells it. Until 30/6/2025 the tree is the one
// of 2022: Tỉnh đoàn Ninh Thuận with its bloc and Huyện đoàn Bác Ái (the
// commune unions of Phước Đại and Tà Lú below it), and Tỉnh đoàn Khánh Hòa
// beside it. On 1/7/2025 the two commune unions merge into Đoàn xã Bác Ái
// Tây, directly under the province; Huyện đoàn Bác Ái is dissolved; Tỉnh
// đoàn Ninh Thuận merges into Tỉnh đoàn Khánh Hòa, and Ninh Thuận's bloc
// takes in Khánh Hòa's. Every step is a dated decision through org.Timeline,
// as an officer would record it; the records of 2022 keep the units that
// made them.

// ReformDay is the day the demo's restructuring takes effect.
var ReformDay = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// The reform's decisions (made up, in the form such numbers take).
const (
	DecisionCommunes = "425-QĐ/TĐTN-BTC"    // Tỉnh đoàn Ninh Thuận: Phước Đại + Tà Lú → Bác Ái Tây
	DecisionDistrict = "426-QĐ/TĐTN-BTC"    // Tỉnh đoàn Ninh Thuận: Huyện đoàn Bác Ái dissolved
	DecisionProvince = "1234-QĐ/TWĐTN-BTC"  // Trung ương Đoàn: Ninh Thuận into Khánh Hòa
	DecisionBloc     = "07-QĐ/TĐTN-BTC"     // Tỉnh đoàn Khánh Hòa: the two blocs become one
	DecisionNewPosts = "1235-QĐ/TWĐTN-BTC"  // Trung ương Đoàn: the merged province's standing committee
	MergedCommune    = "Đoàn xã Bác Ái Tây" // the commune union the merge forms
)

const khanhHoa = "Khánh Hòa"

// khTree is Tỉnh đoàn Khánh Hòa before the reform, kept small.
type khTree struct {
	province, bloc, homeAffairs, education, university, uniIT *org.Unit
}

// newUnits adds the units of the 2022 tree the first demo did not have:
// the commune union of Tà Lú beside Phước Đại's, and Tỉnh đoàn Khánh Hòa.
// They are created after the first eleven so that those keep their ids
// (the README quotes two).
func (l *loader) newUnits(t *tree) {
	t.taLuCommune = l.unit(t.bacAi, org.Grassroots, "Đoàn xã Tà Lú", "Đoàn xã Tà Lú", "Xã Tà Lú, huyện Bác Ái")
	t.maOai = l.unit(t.taLuCommune, org.Branch, "Chi đoàn thôn Ma Oai", "CĐ Ma Oai", "")
	t.raGiua = l.unit(t.taLuCommune, org.Branch, "Chi đoàn thôn Rã Giữa", "CĐ Rã Giữa", "")

	kh := &t.kh
	kh.province = l.unit(nil, org.Province, "Tỉnh đoàn Khánh Hòa", "Tỉnh đoàn KH", "TP. Nha Trang, tỉnh Khánh Hòa")
	kh.bloc = l.unit(kh.province, org.Bloc, "Đoàn khối các cơ quan tỉnh Khánh Hòa", "Đoàn khối CQ KH", "TP. Nha Trang")
	kh.homeAffairs = l.unit(kh.bloc, org.Branch, "Chi đoàn Sở Nội vụ Khánh Hòa", "CĐ Sở Nội vụ", "")
	kh.education = l.unit(kh.bloc, org.Branch, "Chi đoàn Sở Giáo dục và Đào tạo Khánh Hòa", "CĐ Sở GD&ĐT", "")
	kh.university = l.unit(kh.province, org.Grassroots, "Đoàn trường Đại học Nha Trang", "Đoàn ĐH Nha Trang", "02 Nguyễn Đình Chiểu, TP. Nha Trang")
	kh.uniIT = l.unit(kh.university, org.Branch, "Chi đoàn Khoa Công nghệ thông tin", "CĐ Khoa CNTT", "")
}

// newMembers are the members of the units newUnits adds.
type newMembers struct {
	maOai, raGiua, homeAffairs, education, uniIT []*member.Member
}

func (l *loader) newMembers(t tree) newMembers {
	const f, m = member.Female, member.Male
	return newMembers{
		maOai: l.memberList(t.maOai, []person{
			{"Mấu Thị Liên", f, "2000-05-12", "2017-03-26", member.Secretary, "NT-0935101", ""},
			{"Katơr Văn Dũng", m, "2002-09-30", "2019-03-26", member.PlainMember, "NT-0935102", ""},
			{"Pinăng Thị Nga", f, "2004-01-19", "2020-03-26", member.PlainMember, "NT-0935103", ""},
			{"Chamaléa Văn Trọng", m, "2003-07-07", "2019-11-20", member.PlainMember, "NT-0935104", ""},
		}),
		raGiua: l.memberList(t.raGiua, []person{
			{"Chamaléa Thị Hằng", f, "1999-10-02", "2016-03-26", member.Secretary, "NT-0935201", ""},
			{"Mấu Văn Thuận", m, "2001-12-15", "2018-03-26", member.PlainMember, "NT-0935202", ""},
			{"Katơr Thị Bích", f, "2005-03-03", "2021-03-26", member.PlainMember, "NT-0935203", ""},
		}),
		homeAffairs: l.memberList(t.kh.homeAffairs, []person{
			{"Lê Nguyễn Minh Thư", f, "1995-02-08", "2011-03-26", member.Secretary, "KH-0941101", ""},
			{"Trần Đình Khôi", m, "1997-06-21", "2014-03-26", member.DeputySecretary, "KH-0941102", ""},
			{"Nguyễn Thị Thùy Dung", f, "1999-09-14", "2016-03-26", member.PlainMember, "KH-0941103", ""},
			{"Phạm Gia Huy", m, "2000-12-01", "2017-03-26", member.PlainMember, "KH-0941104", ""},
		}),
		education: l.memberList(t.kh.education, []person{
			{"Võ Thị Hoài An", f, "1994-04-04", "2010-11-20", member.Secretary, "KH-0941201", ""},
			{"Đặng Quốc Bảo", m, "1998-08-18", "2015-03-26", member.PlainMember, "KH-0941202", ""},
			{"Huỳnh Ngọc Trâm", f, "2001-01-25", "2017-03-26", member.PlainMember, "KH-0941203", ""},
		}),
		uniIT: l.memberList(t.kh.uniIT, []person{
			{"Nguyễn Hoàng Nam", m, "2002-03-17", "2018-03-26", member.Secretary, "KH-0942101", ""},
			{"Trương Thị Yến Nhi", f, "2003-05-09", "2019-11-20", member.DeputySecretary, "KH-0942102", ""},
			{"Lý Minh Tuấn", m, "2004-10-28", "2021-03-26", member.PlainMember, "KH-0942103", ""},
			{"Phan Thị Cẩm Tú", f, "2004-02-14", "2020-11-20", member.PlainMember, "KH-0942104", ""},
		}),
	}
}

// newUnits2022 gives the added units a 2022 of their own. Tà Lú's records
// are study and meetings, not volunteering, so that the province's 2022
// volunteering (a README example) lists what it always did.
func (l *loader) newUnits2022(t tree, n newMembers) {
	if l.err != nil {
		return
	}
	study := l.activityOf(activity.ActivityInput{
		UnitID: t.taLuCommune.ID, Title: "Học tập Nghị quyết Đại hội Đoàn các cấp nhiệm kỳ 2022 – 2027",
		Kind: activity.PoliticalStudy, WorkArea: activity.PoliticalEducation,
		StartsOn: day("2022-11-12"), EndsOn: day("2022-11-12"), Place: activity.Place{Text: opt("Nhà văn hóa xã Tà Lú")},
	})
	l.took(study, 0, append(append([]*member.Member{}, n.maOai...), n.raGiua...)...)
	for _, b := range []struct {
		unit *org.Unit
		ms   []*member.Member
	}{{t.maOai, n.maOai}, {t.raGiua, n.raGiua}} {
		meeting := l.activityOf(activity.ActivityInput{
			UnitID: b.unit.ID, Title: "Sinh hoạt chi đoàn quý IV/2022",
			Kind: activity.Meeting, WorkArea: activity.OrganisationBuilding,
			StartsOn: day("2022-10-20"), EndsOn: day("2022-10-20"),
		})
		l.took(meeting, 0, b.ms...)
	}

	summer := l.campaign(t.kh.province, "Chiến dịch Thanh niên tình nguyện hè", 2022, activity.YouthVolunteering,
		"Sinh viên tình nguyện về các xã đảo và miền núi của tỉnh.")
	camp := l.activityOf(activity.ActivityInput{
		UnitID: t.kh.uniIT.ID, Title: "Mùa hè xanh: phổ cập tin học cho học sinh xã Ninh Tây",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering, CampaignID: cid(summer),
		StartsOn: day("2022-07-11"), EndsOn: day("2022-07-24"),
		Place:         activity.Place{Commune: opt("Ninh Tây"), District: opt("Thị xã Ninh Hòa"), Province: opt(khanhHoa)},
		Beneficiaries: activity.Beneficiaries{Description: opt("Học sinh trung học cơ sở xã Ninh Tây"), Count: ptr[int32](120)},
	})
	l.took(camp, 40, n.uniIT...)
	records := l.activityOf(activity.ActivityInput{
		UnitID: t.kh.homeAffairs.ID, Title: "Số hóa hồ sơ cán bộ, công chức của Sở",
		Kind: activity.VolunteerWork, WorkArea: activity.CreativeYouth,
		StartsOn: day("2022-09-05"), EndsOn: day("2022-10-28"),
	})
	l.took(records, 12, n.homeAffairs...)
	lesson := l.activityOf(activity.ActivityInput{
		UnitID: t.kh.education.ID, Title: "Thi giáo án điện tử cấp cơ quan",
		Kind: activity.Contest, WorkArea: activity.CreativeYouth,
		StartsOn: day("2022-11-15"), EndsOn: day("2022-11-15"),
	})
	l.took(lesson, 0, n.education...)
}

// committees records the committees of the 2022–2027 term, as elected, and
// the posts changed before the reform. A province's secretary is named in
// full (officers past the members' age); a branch's is one of its members.
func (l *loader) committees(t tree, office []*member.Member, o otherMembers, n newMembers) openTerms {
	if l.err != nil {
		return openTerms{}
	}
	// Tỉnh đoàn Ninh Thuận: the 2017–2022 term's secretary, then the
	// congress of September 2022, and a new secretary in May 2024.
	old := l.term(t.province, "Nhiệm kỳ 2017 – 2022", "2017-09-21", "2022-09-22", "258-QĐ/TWĐTN-BTC")
	l.appoint(t.province, old, org.TitleSecretary, post{name: "Phạm Văn Hậu"}, "2017-09-21", "2022-09-22", "258-QĐ/TWĐTN-BTC")
	nt := l.term(t.province, "Nhiệm kỳ 2022 – 2027", "2022-09-23", "", "1107-QĐ/TWĐTN-BTC")
	l.appoint(t.province, nt, org.TitleSecretary, post{name: "Lê Văn Bình"}, "2022-09-23", "2024-05-19", "1107-QĐ/TWĐTN-BTC")
	l.appoint(t.province, nt, org.TitleSecretary, post{name: "Huỳnh Thị Mỹ Hạnh"}, "2024-05-20", "", "1690-QĐ/TWĐTN-BTC")
	l.appoint(t.province, nt, org.TitleDeputySecretary, post{name: "Huỳnh Thị Mỹ Hạnh"}, "2022-09-23", "2024-05-19", "1107-QĐ/TWĐTN-BTC")
	l.appoint(t.province, nt, org.TitleDeputySecretary, post{name: "Châu Văn Quý"}, "2022-09-23", "", "1107-QĐ/TWĐTN-BTC")
	l.appoint(t.province, nt, org.TitleStandingMember, post{name: "Trần Thị Thu Hà"}, "2022-09-23", "", "1107-QĐ/TWĐTN-BTC")

	// The bloc held its congress in June 2022.
	bloc := l.term(t.bloc, "Nhiệm kỳ 2022 – 2027", "2022-06-10", "", "45-QĐ/TĐTN-BTC")
	l.appoint(t.bloc, bloc, org.TitleSecretary, post{name: "Trần Thị Thu Hà"}, "2022-06-10", "", "45-QĐ/TĐTN-BTC")
	l.appoint(t.bloc, bloc, org.TitleDeputySecretary, post{name: "Nguyễn Hoàng Long"}, "2022-06-10", "", "45-QĐ/TĐTN-BTC")
	l.appoint(t.bloc, bloc, org.TitleCommitteeMember, post{member: o.powerTech[0]}, "2022-06-10", "", "45-QĐ/TĐTN-BTC")

	district := l.term(t.bacAi, "Nhiệm kỳ 2022 – 2027", "2022-06-24", "", "52-QĐ/TĐTN-BTC")
	l.appoint(t.bacAi, district, org.TitleSecretary, post{name: "Pinăng Văn Tới"}, "2022-06-24", "", "52-QĐ/TĐTN-BTC")
	l.appoint(t.phuocDaiCommune, nil, org.TitleSecretary, post{name: "Chamaléa Văn Điệp"}, "2022-04-15", "", "18-QĐ/HĐBA")
	l.appoint(t.taLuCommune, nil, org.TitleSecretary, post{member: n.raGiua[0]}, "2022-04-16", "", "19-QĐ/HĐBA")

	// The branch the demo follows: two terms, one committee.
	first := l.term(t.office, "Nhiệm kỳ 2022 – 2024", "2022-02-18", "2024-09-12", "03-QĐ/ĐKCQDN")
	second := l.term(t.office, "Nhiệm kỳ 2024 – 2027", "2024-09-13", "", "61-QĐ/ĐKCQDN")
	for _, tm := range []struct {
		term     *org.Term
		from, to string
		decision string
	}{{first, "2022-02-18", "2024-09-12", "03-QĐ/ĐKCQDN"}, {second, "2024-09-13", "", "61-QĐ/ĐKCQDN"}} {
		l.appoint(t.office, tm.term, org.TitleSecretary, post{member: office[0]}, tm.from, tm.to, tm.decision)
		l.appoint(t.office, tm.term, org.TitleDeputySecretary, post{member: office[1]}, tm.from, tm.to, tm.decision)
		l.appoint(t.office, tm.term, org.TitleCommitteeMember, post{member: office[2]}, tm.from, tm.to, tm.decision)
	}
	// The other branches: their secretaries.
	for _, b := range []struct {
		unit *org.Unit
		sec  *member.Member
		from string
	}{
		{t.propaganda, o.propaganda[0], "2022-03-04"}, {t.finance, o.finance[0], "2022-03-11"},
		{t.powerTech, o.powerTech[0], "2022-02-25"}, {t.powerCity, o.powerCity[0], "2022-02-25"},
		{t.taLu, o.taLu[0], "2022-03-20"}, {t.maOai, n.maOai[0], "2022-03-19"}, {t.raGiua, n.raGiua[0], "2022-03-19"},
		{t.kh.homeAffairs, n.homeAffairs[0], "2022-03-08"}, {t.kh.education, n.education[0], "2022-03-15"},
		{t.kh.uniIT, n.uniIT[0], "2022-10-14"},
	} {
		if b.unit != nil && b.sec != nil {
			l.appoint(b.unit, nil, org.TitleSecretary, post{member: b.sec}, b.from, "", "")
		}
	}

	// Tỉnh đoàn Khánh Hòa and its bloc.
	kh := l.term(t.kh.province, "Nhiệm kỳ 2022 – 2027", "2022-10-06", "", "1121-QĐ/TWĐTN-BTC")
	l.appoint(t.kh.province, kh, org.TitleSecretary, post{name: "Đoàn Văn Phúc"}, "2022-10-06", "", "1121-QĐ/TWĐTN-BTC")
	l.appoint(t.kh.province, kh, org.TitleDeputySecretary, post{name: "Lê Thị Ngọc Diệp"}, "2022-10-06", "", "1121-QĐ/TWĐTN-BTC")
	khBloc := l.term(t.kh.bloc, "Nhiệm kỳ 2022 – 2027", "2022-07-01", "", "88-QĐ/TĐTN-BTC")
	l.appoint(t.kh.bloc, khBloc, org.TitleSecretary, post{name: "Phan Thị Kim Oanh"}, "2022-07-01", "", "88-QĐ/TĐTN-BTC")
	return openTerms{khanhHoa: kh, bloc: bloc}
}

// openTerms are the terms still running after the reform, which the posts
// it makes belong to.
type openTerms struct{ khanhHoa, bloc *org.Term }

// reform applies the decisions of 1/7/2025, in an order each is allowed
// in: the communes first (their district must still stand), the district
// once it holds nothing, then the province, then the blocs, both by then
// under Khánh Hòa.
func (l *loader) reform(t *tree) {
	if l.err != nil {
		return
	}
	d := func(number, note string) org.Decided {
		return org.Decided{EffectiveOn: ReformDay, DecisionNumber: number, Note: opt(note)}
	}
	c, err := l.timeline.Merge(l.ctx, org.MergeDecision{
		UnitIDs: []int64{t.phuocDaiCommune.ID, t.taLuCommune.ID},
		New: &org.NewUnit{ParentID: &t.kh.province.ID, Name: MergedCommune, ShortName: opt(MergedCommune),
			Address: opt("Xã Bác Ái Tây, tỉnh Khánh Hòa")},
		Decided: d(DecisionCommunes, "Hợp nhất Đoàn xã Phước Đại và Đoàn xã Tà Lú theo sắp xếp đơn vị hành chính cấp xã; trực thuộc Tỉnh đoàn."),
	})
	l.decided("merge the communes", err)
	if err != nil {
		return
	}
	if t.merged, err = l.units.Get(l.ctx, c.UnitID); err != nil {
		l.fail("the merged commune", err)
		return
	}
	l.sum.Units++
	_, err = l.timeline.Dissolve(l.ctx, org.DissolveDecision{UnitID: t.bacAi.ID,
		Decided: d(DecisionDistrict, "Kết thúc hoạt động của Huyện đoàn Bác Ái khi không tổ chức cấp huyện.")})
	l.decided("dissolve Bác Ái", err)
	_, err = l.timeline.Merge(l.ctx, org.MergeDecision{UnitIDs: []int64{t.province.ID}, IntoID: &t.kh.province.ID,
		Decided: d(DecisionProvince, "Hợp nhất Tỉnh đoàn Ninh Thuận vào Tỉnh đoàn Khánh Hòa theo Nghị quyết hợp nhất tỉnh.")})
	l.decided("merge Ninh Thuận into Khánh Hòa", err)
	_, err = l.timeline.Merge(l.ctx, org.MergeDecision{UnitIDs: []int64{t.kh.bloc.ID}, IntoID: &t.bloc.ID,
		Decided: d(DecisionBloc, "Hợp nhất Đoàn khối các cơ quan tỉnh Khánh Hòa vào Đoàn khối Cơ quan – Doanh nghiệp tỉnh.")})
	l.decided("merge the blocs", err)
}

// decided counts a decision recorded, or keeps its error.
func (l *loader) decided(what string, err error) {
	l.fail(what, err)
	if err == nil {
		l.sum.Decisions++
	}
}

// afterReform records the posts the reform made and the year 2026 in the
// new tree.
func (l *loader) afterReform(t tree, terms openTerms, office []*member.Member, o otherMembers, n newMembers) {
	if l.err != nil {
		return
	}
	// Ninh Thuận's secretary joins Khánh Hòa's standing committee; the
	// Khánh Hòa bloc's secretary becomes a deputy of the bloc it joined;
	// the merged commune gets the dissolved district's secretary.
	from := ReformDay.Format(time.DateOnly)
	l.appoint(t.kh.province, terms.khanhHoa, org.TitleDeputySecretary, post{name: "Huỳnh Thị Mỹ Hạnh"}, from, "", DecisionNewPosts)
	l.appoint(t.kh.province, terms.khanhHoa, org.TitleStandingMember, post{name: "Châu Văn Quý"}, from, "", DecisionNewPosts)
	l.appoint(t.bloc, terms.bloc, org.TitleDeputySecretary, post{name: "Phan Thị Kim Oanh"}, from, "", DecisionBloc)
	l.appoint(t.merged, nil, org.TitleSecretary, post{name: "Pinăng Văn Tới"}, from, "", DecisionCommunes)
	l.appoint(t.merged, nil, org.TitleDeputySecretary, post{name: "Chamaléa Văn Điệp"}, from, "", DecisionCommunes)
	l.appoint(t.merged, nil, org.TitleCommitteeMember, post{member: n.raGiua[0]}, from, "", DecisionCommunes)

	l.year2026(t, office, o, n)
}

// year2026 is the first full year of the new tree, entered up to November.
func (l *loader) year2026(t tree, office []*member.Member, o otherMembers, n newMembers) {
	youthMonth := l.campaign(t.kh.province, "Tháng Thanh niên", 2026, activity.YouthVolunteering,
		"Năm đầu tiên của tỉnh Khánh Hòa mới: tuổi trẻ đồng hành cùng chính quyền địa phương hai cấp.")
	// The office branch keeps its monthly meetings.
	for month := 1; month <= 10; month++ {
		date := day("2026-01-16").AddDate(0, month-1, 0)
		meeting := l.activityOf(activity.ActivityInput{
			UnitID: t.office.ID, Title: "Sinh hoạt chi đoàn tháng " + strconv.Itoa(month) + "/2026",
			Kind: activity.Meeting, WorkArea: activity.OrganisationBuilding,
			StartsOn: date, EndsOn: date, Place: activity.Place{Text: opt(officeHQ)},
		})
		present := []*member.Member{office[0]}
		for i, m := range office[1:] {
			if i != 12 && (i+month)%6 != 0 { // office[13] moved to finance in 2023
				present = append(present, m)
			}
		}
		l.took(meeting, 0, present...)
	}
	// Tháng Thanh niên in the merged commune, with the branches of both provinces.
	peak := l.activityOf(activity.ActivityInput{
		UnitID: t.office.ID, Title: "Ngày cao điểm Tháng Thanh niên 2026 tại xã Bác Ái Tây – hướng dẫn dịch vụ công trực tuyến",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering, CampaignID: cid(youthMonth),
		StartsOn: day("2026-03-21"), EndsOn: day("2026-03-21"),
		Place:         activity.Place{Text: opt("Trung tâm phục vụ hành chính công xã Bác Ái Tây"), Commune: opt("Bác Ái Tây"), Province: opt(khanhHoa)},
		Beneficiaries: activity.Beneficiaries{Description: opt("Người dân xã Bác Ái Tây"), Count: ptr[int32](150)},
	})
	l.took(peak, 6, office[1], office[2], office[4], office[8], office[11], office[14], office[15])
	if peak != nil {
		l.contribution(activity.ContributionInput{
			ActivityID: peak.ID, Kind: activity.InKind, Description: "Hai máy tính bảng cho điểm hỗ trợ dịch vụ công",
			Value: 9_800_000, Quantity: ptr(2.0), QuantityUnit: opt("máy"), Recipient: opt("UBND xã Bác Ái Tây"),
		})
	}
	l.pledge(t.office, 2026, pledgeTxt, "Cam kết của đoàn viên chi đoàn năm 2026.", "2026-03-06",
		[]*member.Member{office[0], office[1], office[2], office[3], office[4], office[5], office[6], office[8], office[9], office[11]})

	commune := l.activityOf(activity.ActivityInput{
		UnitID: t.merged.ID, Title: "Ra mắt Đoàn xã Bác Ái Tây và ra quân Tháng Thanh niên 2026",
		Kind: activity.Meeting, WorkArea: activity.OrganisationBuilding, CampaignID: cid(youthMonth),
		StartsOn: day("2026-03-01"), EndsOn: day("2026-03-01"), Place: activity.Place{Text: opt("Hội trường UBND xã Bác Ái Tây")},
	})
	l.took(commune, 0, append(append(append([]*member.Member{}, o.taLu...), n.maOai...), n.raGiua...)...)
	water := l.activityOf(activity.ActivityInput{
		UnitID: t.taLu.ID, Title: "Làm sạch nguồn nước sinh hoạt thôn Tà Lú năm 2026",
		Kind: activity.VolunteerWork, WorkArea: activity.YouthVolunteering, CampaignID: cid(youthMonth),
		StartsOn: day("2026-03-28"), EndsOn: day("2026-03-28"),
	})
	l.took(water, 4, o.taLu...)

	summer := l.activityOf(activity.ActivityInput{
		UnitID: t.kh.uniIT.ID, Title: "Mùa hè xanh 2026: chuyển đổi số cho hộ kinh doanh xã Bác Ái Tây",
		Kind: activity.VolunteerWork, WorkArea: activity.CreativeYouth,
		StartsOn: day("2026-07-06"), EndsOn: day("2026-07-19"),
		Place: activity.Place{Commune: opt("Bác Ái Tây"), Province: opt(khanhHoa)},
	})
	l.took(summer, 36, n.uniIT...)
	merged := l.activityOf(activity.ActivityInput{
		UnitID: t.kh.homeAffairs.ID, Title: "Giao lưu các chi đoàn khối cơ quan sau hợp nhất tỉnh",
		Kind: activity.Meeting, WorkArea: activity.OrganisationBuilding,
		StartsOn: day("2026-05-15"), EndsOn: day("2026-05-15"), Place: activity.Place{Text: opt("TP. Nha Trang")},
	})
	l.took(merged, 0, n.homeAffairs...)
}
