package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/money"
)

// One contribution is bounded: beyond 1,000 billion đồng (up to the int64
// limit an attacker sent) it is a user error on the value, and the
// database refuses it too.
func TestContributionValueBound(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	act := tr.activity(t, tr.branchA, "Công trình thanh niên", nil)
	input := func(value any) map[string]any {
		return map[string]any{"activityId": act, "kind": "YOUTH_PROJECT", "description": "Nhà nhân ái", "value": value}
	}
	for _, value := range []any{money.MaxContribution + 1, strconv.FormatInt(math.MaxInt64, 10)} {
		ue := tr.env.Mutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }", input(value), nil)
		if got := codes(ue); !slices.Equal(got, []string{"input.value:OUT_OF_RANGE"}) {
			t.Errorf("value %v: userErrors = %v", value, got)
		}
	}
	if n := tr.env.Count(t, "contributions"); n != 0 {
		t.Errorf("%d contributions written", n)
	}
	var c struct{ Contribution struct{ ID string } }
	tr.env.MustMutate(t, "contributionCreate", "ContributionCreateInput", "contribution { id }", input(money.MaxContribution), &c)
	ue := tr.env.Mutate(t, "contributionUpdate", "ContributionUpdateInput", "contribution { value }",
		map[string]any{"id": c.Contribution.ID, "version": 1, "value": strconv.FormatInt(math.MaxInt64, 10)}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.value:OUT_OF_RANGE"}) {
		t.Errorf("update: userErrors = %v", got)
	}
	_, err := tr.env.Pool.Exec(context.Background(), `UPDATE contributions SET value_dong = $1`, int64(math.MaxInt64))
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23514" {
		t.Errorf("the database took an out-of-range value: %v", err)
	}
}

// Amounts typed the Vietnamese way are read as the same đồng; a comma or a
// dot that does not group thousands is refused with a message showing the
// form, and writes nothing.
func TestContributionValueAsTyped(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	act := tr.activity(t, tr.branchA, "Quyên góp áo ấm", nil)
	create := func(value any) ([]apitest.UserError, error) {
		resp := tr.env.Do(t, `mutation($input: ContributionCreateInput!) { contributionCreate(input: $input) {
				contribution { value } userErrors { field code } } }`,
			map[string]any{"input": map[string]any{"activityId": act, "kind": "CASH", "description": "Tiền mặt", "value": value}})
		if len(resp.Errors) > 0 {
			return nil, errors.New(resp.Errors[0].Message)
		}
		var out struct {
			ContributionCreate struct {
				Contribution struct{ Value int64 }
				UserErrors   []apitest.UserError
			}
		}
		if err := json.Unmarshal(resp.Data, &out); err != nil {
			t.Fatal(err)
		}
		if v := out.ContributionCreate.Contribution.Value; v != 2450000 {
			t.Errorf("value %v stored as %d, want 2450000", value, v)
		}
		return out.ContributionCreate.UserErrors, nil
	}
	for _, typed := range []any{"2.450.000", "2.450.000 đ", "2 450 000 đồng", "2450000 VND", 2450000} {
		if ue, err := create(typed); err != nil || len(ue) != 0 {
			t.Errorf("value %v: %v %v", typed, err, ue)
		}
	}
	for _, typed := range []any{"2,450,000", "2,5", "2.45", "2.4500.000", json.Number("2.450")} {
		if _, err := create(typed); err == nil || !strings.Contains(err.Error(), "2.450.000") {
			t.Errorf("value %v: want refused with a message showing 2.450.000, got %v", typed, err)
		}
	}
	if n := tr.env.Count(t, "contributions"); n != 5 {
		t.Errorf("%d contributions stored, want the 5 accepted", n)
	}
}

// Rows beyond the bound recorded before it existed (two of the int64
// limit, as in the attack) break no roll-up: each sum saturates at the
// limit, for the activity, the anonymous unit stats, the yearly report,
// its plan and both exports.
func TestMoneySumsSaturate(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	act := tr.activity(t, tr.branchA, "Quyên góp", nil)
	ctx := context.Background()
	if _, err := tr.env.Pool.Exec(ctx, `ALTER TABLE contributions DROP CONSTRAINT contributions_value_bound`); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"CASH", "CASH", "IN_KIND", "YOUTH_PROJECT"} {
		if _, err := tr.env.Pool.Exec(ctx, `INSERT INTO contributions (activity_id, kind, description, value_dong)
			SELECT id, $1, 'x', $2 FROM activities`, kind, int64(math.MaxInt64)); err != nil {
			t.Fatal(err)
		}
	}
	const max = "9223372036854775807"
	type figures struct{ ContributionValue json.Number }
	var out struct {
		Activity     struct{ ContributionTotal json.Number }
		Unit         struct{ Stats figures }
		YearlyReport struct {
			Total    struct{ Cash, InKind, YouthProjectValue json.Number }
			Children []figures
		}
		Plan struct {
			Suggestions []struct{ Metric string }
		}
	}
	tr.env.Anonymous().MustDo(t, `query($a: ID!, $top: ID!) { activity(id: $a) { contributionTotal }
		unit(id: $top) { stats(year: 2022) { contributionValue } } }`, map[string]any{"a": act, "top": tr.province}, &out)
	tr.env.MustDo(t, `query($u: ID!) { yearlyReport(unitId: $u, year: 2022) {
			total { cash inKind youthProjectValue } children { contributionValue } }
		plan(unitId: $u, year: 2023) { suggestions { metric } } }`, map[string]any{"u": tr.province}, &out)
	got := []json.Number{out.Activity.ContributionTotal, out.Unit.Stats.ContributionValue,
		out.YearlyReport.Total.Cash, out.YearlyReport.Total.InKind, out.YearlyReport.Total.YouthProjectValue}
	for _, c := range out.YearlyReport.Children {
		if c.ContributionValue != "0" {
			got = append(got, c.ContributionValue)
		}
	}
	for i, v := range got {
		if v != max {
			t.Errorf("figure %d = %s, want %s", i, v, max)
		}
	}
	for _, format := range []string{"XLSX", "HTML"} {
		if rec := get(t, tr.env, exportURL(t, tr.env, tr.province, format)); rec.Code != 200 {
			t.Errorf("%s export: %d %s", format, rec.Code, rec.Body.String()[:min(rec.Body.Len(), 200)])
		} else if format == "HTML" && !strings.Contains(rec.Body.String(), "9.223.372.036.854.775.807") {
			t.Errorf("the printable report lacks the saturated total")
		}
	}
}
