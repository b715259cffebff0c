package graph_test

import (
	"bytes"
	"context"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/sodoan/sodoan/internal/report/render"
)

// A member introduced to the Party and later admitted: both dated and
// numbered, counted in the report of the unit that introduced them even
// after they moved, with the checks a secretary needs when she mistypes.
func TestPartyReferralAndAdmission(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	m := tr.member(t, tr.branchA, "Hồ Thị Ngọc Ánh", nil) // joined 26/03/2015
	create := func(on string) (string, []string) {
		var out struct{ PartyReferral struct{ ID string } }
		ue := tr.env.Mutate(t, "partyReferralCreate", "PartyReferralCreateInput", "partyReferral { id }",
			map[string]any{"memberId": m, "introducedOn": on, "decisionNumber": "03-GT/ĐTN"}, &out)
		return out.PartyReferral.ID, codes(ue)
	}
	for on, want := range map[string][]string{
		"10/01/2014": {"input.introducedOn:NOT_ALLOWED"}, // before she joined the Union
		"01/01/2999": {"input.introducedOn:OUT_OF_RANGE"},
	} {
		if _, ue := create(on); !slices.Equal(ue, want) {
			t.Errorf("introduced on %s: %v, want %v", on, ue, want)
		}
	}
	id, ue := create("19/05/2022")
	if len(ue) != 0 {
		t.Fatal(ue)
	}
	if _, ue := create("2022-05-19"); !slices.Equal(ue, []string{"input.introducedOn:DUPLICATE"}) {
		t.Errorf("the same day again: %v", ue)
	}
	tr.env.MustMutate(t, "memberTransfer", "MemberTransferInput", "__typename",
		map[string]any{"id": m, "version": 1, "toUnitId": tr.branchB, "on": "2022-10-01"}, nil)

	update := func(version int, in map[string]any) []string {
		in["id"], in["version"] = id, version
		return codes(tr.env.Mutate(t, "partyReferralUpdate", "PartyReferralUpdateInput", "partyReferral { version }", in, nil))
	}
	for _, tt := range []struct {
		name string
		in   map[string]any
		want []string
	}{
		{"admitted before the introduction", map[string]any{"admittedOn": "01/05/2022"}, []string{"input.admittedOn:DATE_ORDER"}},
		{"a decision without its date", map[string]any{"admissionDecisionNumber": "88-QĐ/ĐU"}, []string{"input.admittedOn:REQUIRED"}},
		{"a stale version", map[string]any{"version": 7, "note": "x"}, []string{"input.version:CONFLICT"}},
	} {
		version := 1
		if v, ok := tt.in["version"].(int); ok {
			version = v
		}
		if got := update(version, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if ue := update(1, map[string]any{"admittedOn": "03/02/2023", "admissionDecisionNumber": "88-QĐ/ĐU"}); len(ue) != 0 {
		t.Fatal(ue)
	}

	counts := func(unit string, year int) [2]int {
		var out struct {
			YearlyReport struct {
				Members struct{ IntroducedToParty, AdmittedToParty int }
			}
		}
		tr.env.MustDo(t, `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) { members { introducedToParty admittedToParty } } }`,
			map[string]any{"u": unit, "y": year}, &out)
		return [2]int{out.YearlyReport.Members.IntroducedToParty, out.YearlyReport.Members.AdmittedToParty}
	}
	for _, tt := range []struct {
		name, unit string
		year       int
		want       [2]int
	}{
		{"branch A, 2022", tr.branchA, 2022, [2]int{1, 0}},
		{"branch A, 2023 (she had moved to B)", tr.branchA, 2023, [2]int{0, 1}},
		{"branch B, 2023", tr.branchB, 2023, [2]int{0, 0}},
		{"the bloc, 2023", tr.bloc, 2023, [2]int{0, 1}},
	} {
		if got := counts(tt.unit, tt.year); got != tt.want {
			t.Errorf("%s: introduced, admitted = %v, want %v", tt.name, got, tt.want)
		}
	}
	var out struct {
		Member struct {
			PartyReferrals []struct {
				IntroducedOn, AdmittedOn, AdmissionDecisionNumber string
				Unit                                              struct{ ID string }
			}
		}
	}
	tr.env.MustDo(t, `query($id: ID!) { member(id: $id) { partyReferrals { introducedOn admittedOn admissionDecisionNumber unit { id } } } }`,
		map[string]any{"id": m}, &out)
	if r := out.Member.PartyReferrals; len(r) != 1 || r[0].IntroducedOn != "2022-05-19" || r[0].AdmittedOn != "2023-02-03" ||
		r[0].AdmissionDecisionNumber != "88-QĐ/ĐU" || r[0].Unit.ID != tr.branchA {
		t.Errorf("her referrals: %+v", r)
	}
	// The export holds the same figure (year 2022: introduced, not yet admitted).
	rec := get(t, tr.env, exportURL(t, tr.env, tr.branchA, "XLSX"))
	f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(render.SheetSummary, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]string{}
	for _, row := range rows {
		if len(row) > 1 {
			found[row[0]] = row[1]
		}
	}
	if found["Giới thiệu cho Đảng xem xét kết nạp"] != "1" || found["Được kết nạp Đảng"] != "0" {
		t.Errorf("the 2022 workbook: introduced %q, admitted %q; want 1, 0", found["Giới thiệu cho Đảng xem xét kết nạp"], found["Được kết nạp Đảng"])
	}
	if ue := codes(tr.env.Mutate(t, "memberDelete", "MemberDeleteInput", "deletedId", map[string]any{"id": m, "version": 2}, nil)); !slices.Equal(ue, []string{"input.id:NOT_ALLOWED"}) {
		t.Errorf("deleting a referred member: %v", ue)
	}
}

// A referral tells political affiliation: only those who may read the
// member's personal data see it, by node(id:) as through the member.
func TestPartyReferralsArePersonal(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	var out struct{ PartyReferral struct{ ID string } }
	c.env.MustMutate(t, "partyReferralCreate", "PartyReferralCreateInput", "partyReferral { id }",
		map[string]any{"memberId": c.memberA2, "introducedOn": "2022-05-19"}, &out)
	for who, sees := range map[string]bool{"member of A": false, "district officer": false, "anonymous": false,
		"branch A secretary": true, "bloc officer": true} {
		resp := c.as(who).Do(t, `query($id: ID!) { node(id: $id) { ... on PartyReferral { introducedOn } } }`,
			map[string]any{"id": out.PartyReferral.ID})
		got := len(resp.Errors) == 0 && string(resp.Data) == `{"node":{"introducedOn":"2022-05-19"}}`
		if got != sees {
			t.Errorf("%s: %s %+v, sees %v", who, resp.Data, resp.Errors, sees)
		}
	}
	// Each reading is logged as a read of the member's personal data.
	var reads int
	if err := c.env.Pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'READ' AND account_id = $1`,
		c.ids["bloc officer"]).Scan(&reads); err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Errorf("%d reads logged for the bloc officer's look at the referral, want 1", reads)
	}
}
