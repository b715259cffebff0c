package graph_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/figures"
	"github.com/sodoan/sodoan/internal/report/render"
)

// duesLedger is what the tests read of Unit.dues.
type duesLedger struct {
	Collected, Received, Pending, Upward, Kept, Remitted, Confirmed, Owed int64
	MemberMonths                                                          int
	Months                                                                []struct {
		Month, Payers int
		Amount        int64
	}
}

func (tr *tree) ledger(t *testing.T, unit string, year int) duesLedger {
	t.Helper()
	var out struct{ Unit struct{ Dues duesLedger } }
	tr.env.MustDo(t, `query($u: ID!, $y: Int!) { unit(id: $u) { dues(year: $y) {
			collected memberMonths received pending upward kept remitted confirmed owed months { month payers amount } } } }`,
		map[string]any{"u": unit, "y": year}, &out)
	return out.Unit.Dues
}

// A year of dues for a bloc, followed up two levels: the branch collects
// from its members at their category's rate, keeps 2/3 and sends 1/3 to
// the bloc, which confirms it, keeps 2/3 of that and sends the rest to the
// province, the top, which keeps all it receives. Each step's mistakes are
// refused with the field and a message a treasurer can act on, and write
// nothing.
func TestDuesFollowTheMoneyUpTwoLevels(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	lan := tr.member(t, tr.branchA, "Nguyễn Thị Lan", nil)
	hung := tr.member(t, tr.branchA, "Trần Văn Hùng", map[string]any{"gender": "MALE"})
	mai := tr.member(t, tr.branchA, "Lê Thị Mai", map[string]any{"duesCategory": "SALARIED"})
	late := tr.member(t, tr.branchA, "Phạm Thu Hà", map[string]any{"joinedOn": "2025-07-15"})
	other := tr.member(t, tr.branchB, "Võ Minh Tuấn", map[string]any{"gender": "MALE"})

	var set struct {
		Members []struct{ DuesCategory string }
	}
	tr.env.MustMutate(t, "membersDuesCategorySet", "MembersDuesCategorySetInput", "members { duesCategory }",
		map[string]any{"memberIds": []string{hung}, "category": "SALARIED"}, &set)
	if len(set.Members) != 1 || set.Members[0].DuesCategory != "SALARIED" {
		t.Fatalf("category set: %+v", set)
	}

	all := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	collect := func(unit string, payments ...map[string]any) (string, []string, string) {
		var out struct{ Collection struct{ ID string } }
		ue := tr.env.Mutate(t, "duesCollect", "DuesCollectInput", "collection { id }", map[string]any{
			"unitId": unit, "collectedOn": "20/12/2025", "payments": payments}, &out)
		var msgs []string
		for _, e := range ue {
			msgs = append(msgs, e.Message)
		}
		return out.Collection.ID, codes(ue), strings.Join(msgs, " | ")
	}

	// Mistakes, all in one collection: nothing of it is written.
	_, ue, _ := collect(tr.branchA,
		map[string]any{"memberId": lan, "year": 2025, "months": []int{1, 1}},
		map[string]any{"memberId": hung, "year": 2025, "months": []int{1}, "monthlyAmount": 2000},
		map[string]any{"memberId": other, "year": 2025, "months": []int{3}},
		map[string]any{"memberId": late, "year": 2025, "months": []int{6}},
		map[string]any{"memberId": mai, "year": 2025, "months": []int{13}},
	)
	want := []string{"input.payments.0.months.1:DUPLICATE", "input.payments.4.months.0:OUT_OF_RANGE"}
	if !slices.Equal(ue, want) {
		t.Errorf("malformed months: %v, want %v", ue, want)
	}
	_, ue, msg := collect(tr.branchA,
		map[string]any{"memberId": hung, "year": 2025, "months": []int{1}, "monthlyAmount": 2000},
		map[string]any{"memberId": other, "year": 2025, "months": []int{3}},
		map[string]any{"memberId": late, "year": 2025, "months": []int{6}},
	)
	want = []string{"input.payments.0.monthlyAmount:OUT_OF_RANGE", "input.payments.1.months.0:NOT_ALLOWED", "input.payments.2.months.0:NOT_ALLOWED"}
	if !slices.Equal(ue, want) {
		t.Errorf("a salaried member paying the unsalaried rate, a member of another branch, a month before joining: %v, want %v", ue, want)
	}
	if !strings.Contains(msg, "5.000 đ/tháng") || !strings.Contains(msg, "Tháng 03/2025") {
		t.Errorf("the messages should name the rate and the month: %s", msg)
	}
	if n := tr.env.Count(t, "dues_collections"); n != 0 {
		t.Fatalf("refused collections wrote %d rows", n)
	}

	// The branch's year: two salaried members at 5.000 đ, one at 2.000 đ,
	// one who joined in July at 2.000 đ from July.
	colA, ue, _ := collect(tr.branchA,
		map[string]any{"memberId": lan, "year": 2025, "months": all},
		map[string]any{"memberId": hung, "year": 2025, "months": all},
		map[string]any{"memberId": mai, "year": 2025, "months": all},
		map[string]any{"memberId": late, "year": 2025, "months": []int{7, 8, 9}},
	)
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	// 24.000 + 60.000 + 60.000 + 6.000
	a := tr.ledger(t, tr.branchA, 2025)
	if a.Collected != 150000 || a.MemberMonths != 39 || a.Upward != 50000 || a.Kept != 100000 || a.Owed != 50000 {
		t.Errorf("branch ledger after collecting: %+v", a)
	}
	if m := a.Months[6]; m.Month != 7 || m.Payers != 4 || m.Amount != 14000 {
		t.Errorf("July: %+v", m)
	}
	if _, ue, msg = collect(tr.branchA, map[string]any{"memberId": lan, "year": 2025, "months": []int{12}}); !slices.Equal(ue,
		[]string{"input.payments.0.months.0:DUPLICATE"}) || !strings.Contains(msg, "20/12/2025") {
		t.Errorf("a month paid twice: %v %s", ue, msg)
	}

	// Who has not paid: the late joiner for October to December.
	var owing struct {
		Unit struct {
			DuesOutstanding []struct {
				Member struct{ FullName string }
				Months []int
				Amount int64
			}
		}
	}
	tr.env.MustDo(t, `query($u: ID!) { unit(id: $u) { duesOutstanding(year: 2025) { member { fullName } months amount } } }`,
		map[string]any{"u": tr.branchA}, &owing)
	if o := owing.Unit.DuesOutstanding; len(o) != 1 || o[0].Member.FullName != "Phạm Thu Hà" || !slices.Equal(o[0].Months, []int{10, 11, 12}) ||
		o[0].Amount != 6000 {
		t.Errorf("outstanding: %+v", o)
	}

	remit := func(unit string, amount any) (string, int64, []string, string) {
		var out struct {
			Remittance struct {
				ID, Status string
				Amount     int64
			}
		}
		in := map[string]any{"unitId": unit, "sentOn": "2025-12-22", "number": "PC-12/2025"}
		if amount != nil {
			in["amount"] = amount
		}
		ue := tr.env.Mutate(t, "duesRemit", "DuesRemitInput", "remittance { id status amount }", in, &out)
		var msgs []string
		for _, e := range ue {
			msgs = append(msgs, e.Message)
		}
		return out.Remittance.ID, out.Remittance.Amount, codes(ue), strings.Join(msgs, " | ")
	}
	answer := func(mutation, id string, version int, note any) []string {
		return codes(tr.env.Mutate(t, mutation, "DuesRemittanceAnswerInput", "remittance { status }",
			map[string]any{"id": id, "version": version, "on": "2025-12-28", "note": note}, nil))
	}

	// More than owed is refused, naming what is owed.
	if _, _, ue, msg := remit(tr.branchA, "500.000"); !slices.Equal(ue, []string{"input.amount:OUT_OF_RANGE"}) || !strings.Contains(msg, "50.000 đ") {
		t.Errorf("remitting more than owed: %v %s", ue, msg)
	}
	// Sent, returned (it did not arrive), sent again, confirmed.
	first, amount, ue, _ := remit(tr.branchA, nil)
	if len(ue) != 0 || amount != 50000 {
		t.Fatalf("remitting all owed: %v %d", ue, amount)
	}
	if a := tr.ledger(t, tr.branchA, 2025); a.Owed != 0 || a.Remitted != 50000 {
		t.Errorf("after sending: %+v", a)
	}
	if ue := answer("duesRemittanceReturn", first, 1, nil); !slices.Equal(ue, []string{"input.note:REQUIRED"}) {
		t.Errorf("returning without a reason: %v", ue)
	}
	if ue := answer("duesRemittanceReturn", first, 1, "Chưa nhận được chuyển khoản"); len(ue) != 0 {
		t.Fatal(ue)
	}
	if a := tr.ledger(t, tr.branchA, 2025); a.Owed != 50000 || a.Remitted != 0 {
		t.Errorf("a returned remittance is owed again: %+v", a)
	}
	second, _, ue, _ := remit(tr.branchA, nil)
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	if b := tr.ledger(t, tr.bloc, 2025); b.Pending != 50000 || b.Received != 0 {
		t.Errorf("the bloc before confirming: %+v", b)
	}
	if ue := answer("duesRemittanceConfirm", second, 1, nil); len(ue) != 0 {
		t.Fatal(ue)
	}
	if ue := answer("duesRemittanceConfirm", second, 2, nil); !slices.Equal(ue, []string{"input.id:NOT_ALLOWED"}) {
		t.Errorf("confirming twice: %v", ue)
	}
	b := tr.ledger(t, tr.bloc, 2025)
	// The bloc keeps 2/3 of 50.000 đ and owes 16.667 đ (rounded) upward.
	if b.Received != 50000 || b.Pending != 0 || b.Upward != 16667 || b.Kept != 33333 || b.Owed != 16667 {
		t.Errorf("the bloc after confirming: %+v", b)
	}
	blocSent, _, ue, _ := remit(tr.bloc, nil)
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	if ue := answer("duesRemittanceConfirm", blocSent, 1, "Đã nhận đủ"); len(ue) != 0 {
		t.Fatal(ue)
	}
	p := tr.ledger(t, tr.province, 2025)
	if p.Received != 16667 || p.Kept != 16667 || p.Upward != 0 || p.Owed != 0 {
		t.Errorf("the province, the top, keeps all it receives: %+v", p)
	}
	if _, _, ue, _ := remit(tr.province, 1000); !slices.Equal(ue, []string{"input.unitId:NOT_ALLOWED"}) {
		t.Errorf("the top remitting: %v", ue)
	}

	// The year-end reports' organisation part.
	type duesFigures struct {
		Collected, Received, Remitted int64
		MemberMonths                  int
	}
	report := func(unit string) duesFigures {
		var out struct{ YearlyReport struct{ Dues duesFigures } }
		tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2025) { dues { collected memberMonths received remitted } } }`,
			map[string]any{"u": unit}, &out)
		return out.YearlyReport.Dues
	}
	if got := report(tr.province); got != (duesFigures{Collected: 150000, MemberMonths: 39, Received: 16667}) {
		t.Errorf("province report: %+v", got)
	}
	if got := report(tr.bloc); got != (duesFigures{Collected: 150000, MemberMonths: 39, Received: 50000, Remitted: 16667}) {
		t.Errorf("bloc report: %+v", got)
	}
	if got := report(tr.branchB); got != (duesFigures{}) {
		t.Errorf("branch B collected nothing: %+v", got)
	}

	if diffs, err := figures.Verify(context.Background(), tr.env.Pool, figures.Filter{}); err != nil || len(diffs) != 0 {
		t.Errorf("kept figures differ from the collections: %v %+v", err, diffs)
	}

	// The bloc's workbook: the summary's dues lines and the dues sheet.
	var link struct{ YearlyReport struct{ ExportURL string } }
	tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2025) { exportUrl(format: XLSX) } }`,
		map[string]any{"u": tr.bloc}, &link)
	rec := get(t, tr.env, link.YearlyReport.ExportURL)
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	summary, _ := f.GetRows(render.SheetSummary, excelize.Options{RawCellValue: true})
	lines := map[string][]string{}
	for _, row := range summary {
		if len(row) > 1 {
			lines[row[0]] = row[1:]
		}
	}
	if got := lines["Thu từ đoàn viên"]; len(got) < 1 || got[0] != "150000" {
		t.Errorf("summary, collected: %v", got)
	}
	if got := lines["Nộp cấp trên"]; len(got) < 1 || got[0] != "16667" {
		t.Errorf("summary, remitted: %v", got)
	}
	sheet, err := f.GetRows(render.SheetDues, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	var december, received, returned, sent []string
	for _, row := range sheet {
		switch {
		case len(row) >= 4 && row[0] == "Tháng 12":
			december = row
		case len(row) >= 6 && row[1] == "Nhận từ cấp dưới" && row[5] == "Đã xác nhận":
			received = row
		case len(row) >= 6 && row[5] == "Bị trả lại":
			returned = row
		case len(row) >= 6 && row[1] == "Nộp cấp trên":
			sent = row
		}
	}
	if !slices.Equal(december, []string{"Tháng 12", "1", "39", "150000"}) {
		t.Errorf("December's collections: %v", december)
	}
	if len(received) < 5 || received[2] != "Chi đoàn Văn phòng Tỉnh ủy" || received[3] != "50000" || received[4] != "PC-12/2025" {
		t.Errorf("the branch's remittance: %v", received)
	}
	if len(returned) < 4 || returned[3] != "50000" || len(sent) < 4 || sent[2] != "Tỉnh đoàn Ninh Thuận" || sent[3] != "16667" {
		t.Errorf("returned %v, sent %v", returned, sent)
	}

	// A collection entered by mistake is deleted: its months are unpaid
	// again, and the branch has sent more than it now owes.
	if ue := codes(tr.env.Mutate(t, "duesCollectionDelete", "DuesCollectionDeleteInput", "deletedId",
		map[string]any{"id": colA, "version": 1}, nil)); len(ue) != 0 {
		t.Fatal(ue)
	}
	if a := tr.ledger(t, tr.branchA, 2025); a.Collected != 0 || a.Owed != -50000 {
		t.Errorf("after deleting the collection: %+v", a)
	}
	if n := tr.env.Count(t, "dues_payments"); n != 0 {
		t.Errorf("%d payments left of a deleted collection", n)
	}
	if got := report(tr.province); got.Collected != 0 || got.MemberMonths != 0 {
		t.Errorf("the province's report after the deletion: %+v", got)
	}
	// What the reports read is kept as collections are written: it agrees
	// with the collections, after each write.
	if diffs, err := figures.Verify(context.Background(), tr.env.Pool, figures.Filter{}); err != nil || len(diffs) != 0 {
		t.Errorf("kept figures differ from the records: %v %+v", err, diffs)
	}
}

// Rates are rules of a period, set by a unit for everyone below it: a
// member pays the highest rate in force along their path, a rate below the
// one a level above set is refused, and a removed rate gives way to the one
// it replaced.
func TestDuesRates(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	type rate struct {
		Category, CategoryWording, ValidFrom string
		MonthlyAmount                        int64
		Unit                                 struct{ ID string }
	}
	rates := func(unit, on string) map[string]rate {
		var out struct{ Unit struct{ DuesRates []rate } }
		tr.env.MustDo(t, `query($u: ID!, $on: Date) { unit(id: $u) { duesRates(on: $on) {
				category categoryWording validFrom monthlyAmount unit { id } } } }`, map[string]any{"u": unit, "on": on}, &out)
		m := map[string]rate{}
		for _, r := range out.Unit.DuesRates {
			m[r.Category] = r
		}
		return m
	}
	setRate := func(unit, category string, amount int64, year, month int) ([]string, string) {
		ue := tr.env.Mutate(t, "duesRateSet", "DuesRateSetInput", "rate { monthlyAmount }", map[string]any{"unitId": unit,
			"category": category, "monthlyAmount": amount, "fromYear": year, "fromMonth": month, "decisionNumber": "05-QĐ/ĐK"}, nil)
		var msg string
		if len(ue) > 0 {
			msg = ue[0].Message
		}
		return codes(ue), msg
	}

	r := rates(tr.branchA, "2025-06-01")
	if r["UNSALARIED"].MonthlyAmount != 2000 || r["SALARIED"].MonthlyAmount != 5000 || r["ABROAD"].MonthlyAmount != 5000 ||
		r["SALARIED"].Unit.ID != tr.province || r["SALARIED"].CategoryWording != "Hưởng lương" || r["SALARIED"].ValidFrom != "2011-01-01" {
		t.Fatalf("the Union's rates, set at the top: %+v", r)
	}
	if ue, msg := setRate(tr.bloc, "SALARIED", 4000, 2025, 1); !slices.Equal(ue, []string{"input.monthlyAmount:OUT_OF_RANGE"}) ||
		!strings.Contains(msg, "5.000 đ") {
		t.Errorf("a rate below the province's: %v %s", ue, msg)
	}
	if ue, _ := setRate(tr.bloc, "SALARIED", 10000, 2025, 13); !slices.Equal(ue, []string{"input.fromMonth:OUT_OF_RANGE"}) {
		t.Errorf("month 13: %v", ue)
	}
	if ue, _ := setRate(tr.bloc, "SALARIED", 10000, 2025, 7); len(ue) != 0 {
		t.Fatal(ue)
	}
	if r := rates(tr.branchA, "2025-06-30"); r["SALARIED"].MonthlyAmount != 5000 {
		t.Errorf("before July the province's rate applies: %+v", r["SALARIED"])
	}
	if r := rates(tr.branchA, "2025-07-01"); r["SALARIED"].MonthlyAmount != 10000 || r["SALARIED"].Unit.ID != tr.bloc {
		t.Errorf("from July the bloc's: %+v", r["SALARIED"])
	}
	// The branch B treasurer collects at the rate of each month.
	m := tr.member(t, tr.branchB, "Hồ Thị Ngọc", map[string]any{"duesCategory": "SALARIED"})
	var out struct{ Collection struct{ Total int64 } }
	tr.env.MustMutate(t, "duesCollect", "DuesCollectInput", "collection { total }", map[string]any{"unitId": tr.branchB,
		"collectedOn": "2025-08-01", "payments": []map[string]any{{"memberId": m, "year": 2025, "months": []int{6, 7}}}}, &out)
	if out.Collection.Total != 15000 {
		t.Errorf("June at 5.000 đ and July at 10.000 đ: %d", out.Collection.Total)
	}
	if ue := codes(tr.env.Mutate(t, "duesRateRemove", "DuesRateRemoveInput", "unit { id }", map[string]any{"unitId": tr.bloc,
		"category": "SALARIED", "fromYear": 2025, "fromMonth": 7}, nil)); len(ue) != 0 {
		t.Fatal(ue)
	}
	if r := rates(tr.branchA, "2025-07-01"); r["SALARIED"].MonthlyAmount != 5000 {
		t.Errorf("after removing the bloc's rate: %+v", r["SALARIED"])
	}
	if ue := codes(tr.env.Mutate(t, "duesRateRemove", "DuesRateRemoveInput", "unit { id }", map[string]any{"unitId": tr.bloc,
		"category": "SALARIED", "fromYear": 2025, "fromMonth": 7}, nil)); !slices.Equal(ue, []string{"input.fromMonth:NOT_FOUND"}) {
		t.Errorf("removing it again: %v", ue)
	}
}

// What a treasurer (or a hostile client) may send wrong is refused with
// the field and writes nothing; a list of months far longer than a year
// is refused before it is checked month by month.
func TestDuesBadInput(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	m := tr.member(t, tr.branchA, "Nguyễn Thị Lan", nil)
	long := make([]int, 50000)
	for i := range long {
		long[i] = 1 + i%12
	}
	for _, c := range []struct {
		name, mutation, input string
		in                    map[string]any
		want                  []string
	}{
		{"months of many years in one entry", "duesCollect", "DuesCollectInput", map[string]any{"unitId": tr.branchA, "collectedOn": "2025-06-01",
			"payments": []map[string]any{{"memberId": m, "year": 2025, "months": long}}}, []string{"input.payments.0.months:OUT_OF_RANGE"}},
		{"month 0 and a year before dues", "duesCollect", "DuesCollectInput", map[string]any{"unitId": tr.branchA, "collectedOn": "2025-06-01",
			"payments": []map[string]any{{"memberId": m, "year": 1990, "months": []int{0}}}},
			[]string{"input.payments.0.year:OUT_OF_RANGE", "input.payments.0.months.0:OUT_OF_RANGE"}},
		{"no payments", "duesCollect", "DuesCollectInput", map[string]any{"unitId": tr.branchA, "collectedOn": "2025-06-01",
			"payments": []map[string]any{}}, []string{"input.payments:REQUIRED"}},
		{"a collection in the future", "duesCollect", "DuesCollectInput", map[string]any{"unitId": tr.branchA, "collectedOn": "2099-06-01",
			"payments": []map[string]any{{"memberId": m, "year": 2025, "months": []int{1}}}}, []string{"input.collectedOn:OUT_OF_RANGE"}},
		{"a negative amount", "duesCollect", "DuesCollectInput", map[string]any{"unitId": tr.branchA, "collectedOn": "2025-06-01",
			"payments": []map[string]any{{"memberId": m, "year": 2025, "months": []int{1}, "monthlyAmount": -5000}}},
			[]string{"input.payments.0.monthlyAmount:OUT_OF_RANGE"}},
		{"a remittance of nothing", "duesRemit", "DuesRemitInput", map[string]any{"unitId": tr.branchA, "amount": 0, "sentOn": "2025-06-01"},
			[]string{"input.amount:OUT_OF_RANGE"}},
		{"nothing owed", "duesRemit", "DuesRemitInput", map[string]any{"unitId": tr.branchA, "sentOn": "2025-06-01"},
			[]string{"input.amount:NOT_ALLOWED"}},
		{"a rate of 0", "duesRateSet", "DuesRateSetInput", map[string]any{"unitId": tr.branchA, "category": "SALARIED", "monthlyAmount": 0,
			"fromYear": 2025, "fromMonth": 1}, []string{"input.monthlyAmount:OUT_OF_RANGE"}},
		{"a member listed twice", "membersDuesCategorySet", "MembersDuesCategorySetInput", map[string]any{"memberIds": []string{m, m},
			"category": "SALARIED"}, []string{"input.memberIds.1:DUPLICATE"}},
	} {
		before := tr.env.Count(t, "audit_log")
		if ue := codes(tr.env.Mutate(t, c.mutation, c.input, "__typename", c.in, nil)); !slices.Equal(ue, c.want) {
			t.Errorf("%s: %v, want %v", c.name, ue, c.want)
		}
		if after := tr.env.Count(t, "audit_log"); after != before {
			t.Errorf("%s: refused, but wrote %d audit entries", c.name, after-before)
		}
	}
	for _, c := range []struct{ name, query, field string }{
		{"a year out of range", `{ unit(id: "` + tr.branchA + `") { dues(year: 0) { collected } } }`, "year"},
		{"month 13", `{ unit(id: "` + tr.branchA + `") { duesOutstanding(year: 2025, throughMonth: 13) { months } } }`, "throughMonth"},
		{"a page too long", `{ unit(id: "` + tr.branchA + `") { duesCollections(year: 2025, first: 100000) { total } } }`, "first"},
		{"a negative page", `{ unit(id: "` + tr.branchA + `") { duesRemittancesIn(first: -1) { amount } } }`, "first"},
	} {
		resp := tr.env.Do(t, c.query, nil)
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %+v", c.name, resp.Errors)
		} else if f, _ := resp.Errors[0].Extensions["field"].([]any); len(f) == 0 || f[len(f)-1] != c.field {
			t.Errorf("%s: the error names %v, want %s", c.name, resp.Errors[0].Extensions["field"], c.field)
		}
	}
}
