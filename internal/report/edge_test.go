package report_test

import (
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func must[T any](t *testing.T) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// A year with the awkward cases: a member admitted mid-year, one ageing out,
// one moving between the two branches, an activity running into the new
// year, a cancelled and a merely planned one, an absence, a member in two
// activities.
func TestEdgeCasesAndRollUp(t *testing.T) {
	f, province := newProvince(t)
	ctx, members, acts, reports := f.ctx, f.members, f.acts, f.reports
	mem := must[*member.Member](t)

	bloc := f.unit(province, org.Bloc, "Đoàn khối Thử")
	x := f.unit(bloc, org.Branch, "Chi đoàn X")
	y := f.unit(bloc, org.Branch, "Chi đoàn Y")

	newMember := func(u *org.Unit, name, joined string) *member.Member {
		return mem(members.Create(ctx, member.CreateInput{UnitID: u.ID, FullName: name, Gender: member.Female,
			BirthDate: day("2000-01-01"), JoinedOn: day(joined)}))
	}
	stays := newMember(x, "Ở Lại", "2016-03-26")
	newMember(x, "Mới Vào", "2022-06-01") // admitted mid-year
	agesOut := newMember(x, "Trưởng Thành", "2016-03-26")
	moves := newMember(x, "Chuyển Đi", "2016-03-26")
	other := newMember(y, "Chi Đoàn Y", "2016-03-26")

	record := func(a *activity.Activity, list ...activity.ParticipantInput) {
		t.Helper()
		if _, err := acts.RecordParticipations(ctx, a.ID, list); err != nil {
			t.Fatal(err)
		}
	}
	present := func(m *member.Member, hours float64) activity.ParticipantInput {
		return activity.ParticipantInput{MemberID: m.ID, Role: activity.Participant, Attended: true, VolunteerHours: hours}
	}
	march := f.activity(x, "Tháng Ba", "2022-03-01", "2022-03-01", activity.Done)
	record(march, present(stays, 4), present(agesOut, 4),
		activity.ParticipantInput{MemberID: moves.ID, Role: activity.Participant, Attended: false})
	newYear := f.activity(x, "Giao thừa", "2022-12-30", "2023-01-02", activity.Done)
	record(newYear, present(stays, 5))
	f.activity(x, "Bị hủy", "2022-05-05", "2022-05-05", activity.Cancelled)
	f.activity(x, "Chỉ dự kiến", "2022-08-08", "2022-08-08", activity.Planned)
	if _, err := members.Transfer(ctx, member.TransferInput{ID: moves.ID, Version: moves.Version, ToUnitID: &y.ID, On: day("2022-05-01")}); err != nil {
		t.Fatal(err)
	}
	july := f.activity(y, "Tháng Bảy", "2022-07-07", "2022-07-07", activity.Done)
	record(july, present(moves, 3), present(other, 3))
	january := f.activity(x, "Năm sau", "2023-01-05", "2023-01-05", activity.Done)
	record(january, present(stays, 2))

	if _, err := members.Leave(ctx, member.LeaveInput{ID: agesOut.ID, Version: agesOut.Version, Reason: member.AgedOut, On: day("2022-09-01"),
		EarlyReason: ptr(member.EarlyPartyMember), DecisionNumber: ptr("09-QĐ/ĐTN")}); err != nil {
		t.Fatal(err)
	}

	rep := must[*report.Report](t)
	rx := rep(reports.Yearly(ctx, x.ID, 2022))
	ry := rep(reports.Yearly(ctx, y.ID, 2022))
	rb := rep(reports.Yearly(ctx, bloc.ID, 2022))
	rx23 := rep(reports.Yearly(ctx, x.ID, 2023))

	wantMembers := map[string][2]report.Members{
		"X": {rx.Members, {AtYearStart: 3, AtYearEnd: 2, Female: 2, Plain: 2, Admitted: 1, TransferredOut: 1, AgedOut: 1}},
		"Y": {ry.Members, {AtYearStart: 1, AtYearEnd: 2, Female: 2, Plain: 2, TransferredIn: 1}},
		// Inside the bloc the move is neither in nor out.
		"bloc": {rb.Members, {AtYearStart: 4, AtYearEnd: 4, Female: 4, Plain: 4, Admitted: 1, AgedOut: 1}},
	}
	for name, w := range wantMembers {
		if w[0] != w[1] {
			t.Errorf("%s members = %+v, want %+v", name, w[0], w[1])
		}
	}

	// X: the March day and the New Year's Eve one (counted in 2022 only);
	// cancelled, planned and absent are left out.
	if got := rx.Total; got.Activities != 2 || got.Participations != 3 || got.Participants != 2 ||
		got.ParticipantsAtYearEnd != 1 || *got.Share != 0.5 || got.VolunteerHours != 13 {
		t.Errorf("X total = %+v", got)
	}
	if got := rx23.Total; got.Activities != 1 || got.Participations != 1 {
		t.Errorf("X 2023 total = %+v", got)
	}
	if rx.Monthly[2].Activities != 1 || rx.Monthly[11].Activities != 1 || rx.Monthly[4].Activities != 0 {
		t.Errorf("X monthly = %+v", rx.Monthly)
	}
	if rx.Previous == nil || rx.Previous.Year != 2021 || rx.Previous.Members.AtYearEnd != 3 || rx.Previous.Total.Activities != 0 {
		t.Errorf("X previous = %+v", rx.Previous)
	}

	// The bloc is the sum of its branches, and its rows add up to it.
	if rb.Total.Activities != rx.Total.Activities+ry.Total.Activities ||
		rb.Total.Participations != rx.Total.Participations+ry.Total.Participations ||
		rb.Total.VolunteerHours != rx.Total.VolunteerHours+ry.Total.VolunteerHours {
		t.Errorf("bloc %+v is not X %+v + Y %+v", rb.Total, rx.Total, ry.Total)
	}
	if len(rb.Children) != 2 {
		t.Fatalf("bloc children = %+v", rb.Children)
	}
	sum := *rb.Own
	for _, c := range rb.Children {
		sum.Members += c.Members
		sum.Activities += c.Activities
		sum.Participations += c.Participations
		sum.VolunteerHours += c.VolunteerHours
	}
	if sum.Members != rb.Members.AtYearEnd || sum.Activities != rb.Total.Activities ||
		sum.Participations != rb.Total.Participations || sum.VolunteerHours != rb.Total.VolunteerHours {
		t.Errorf("rows %+v do not add up to the bloc's totals", sum)
	}

	// A member who takes part in two units' activities is one participant
	// of the bloc above both, read from the kept participants for the
	// whole year and from the attendances for a year cut short.
	blocDay := f.activity(bloc, "Ngày hội Đoàn khối", "2022-10-15", "2022-10-15", activity.Done)
	record(blocDay, present(stays, 2), present(other, 2))
	full := rep(reports.Yearly(ctx, bloc.ID, 2022))
	cut := rep(reports.YearlyAsOf(ctx, bloc.ID, 2022, day("2022-12-30"), report.Parts{Activities: true}))
	for name, got := range map[string]report.Area{"whole year": full.Total, "to 30 December": cut.Total} {
		// stays, agesOut (left in September), moves, other.
		if got.Participants != 4 || got.ParticipantsAtYearEnd != 3 {
			t.Errorf("bloc %s: %d participants, %d at the year's end; want 4 and 3", name, got.Participants, got.ParticipantsAtYearEnd)
		}
	}
}
