package report_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/report"
	"github.com/sodoan/sodoan/internal/testdb"
)

// oneConnection returns the demo database, a pool of one connection on it
// (so that every report runs on the same session) and a report store on
// that pool.
func oneConnection(t *testing.T) (demoPool, one *pgxpool.Pool, reports *report.Store) {
	t.Helper()
	demoPool = demo(t)
	one = testdb.Open(t, demoPool.Config().ConnString(), db.PoolOptions{MaxConns: 1})
	return demoPool, one, report.NewStore(one)
}

// A report's temporary tables stay on its connection, empty between
// reports and without TOAST tables (whose index each commit would rebuild),
// and a second report on the connection reads none of the first's rows.
func TestReportTablesStayEmptyOnTheirConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	demoPool, one, reports := oneConnection(t)
	province := unitID(t, demoPool, "Tỉnh đoàn Ninh Thuận")
	branch := unitID(t, demoPool, "Chi đoàn Văn phòng Tỉnh ủy")

	first, err := reports.Yearly(ctx, branch, 2022)
	if err != nil {
		t.Fatal(err)
	}
	var tables, toasted, rows int
	if err := one.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE reltoastrelid <> 0),
			(SELECT count(*) FROM report_scope) + (SELECT count(*) FROM report_kept_units) + (SELECT count(*) FROM report_sums_now)
		FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relkind = 'r' AND relname LIKE 'report%'`).Scan(&tables, &toasted, &rows); err != nil {
		t.Fatal(err)
	}
	if tables != 10 || toasted != 0 || rows != 0 {
		t.Errorf("after a report the connection has %d report tables (want 10), %d with TOAST (want 0), %d rows left in them (want 0)",
			tables, toasted, rows)
	}
	if _, err := reports.Yearly(ctx, province, 2022); err != nil {
		t.Fatal(err)
	}
	again, err := reports.Yearly(ctx, branch, 2022)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(first, again) {
		t.Errorf("the branch's report after the province's differs:\n%+v\n%+v", first, again)
	}
}

// A connection whose temporary tables are dropped behind the report's back
// (DISCARD TEMP, or a pooler handing it to another session) fails one
// report and makes them again for the next.
func TestReportTablesLostAreMadeAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	demoPool, one, reports := oneConnection(t)
	branch := unitID(t, demoPool, "Chi đoàn Văn phòng Tỉnh ủy")
	want, err := reports.Yearly(ctx, branch, 2022)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := one.Exec(ctx, `DISCARD TEMP`); err != nil {
		t.Fatal(err)
	}
	if _, err := reports.Yearly(ctx, branch, 2022); err == nil {
		t.Fatal("a report on a connection without its tables succeeded; the test no longer drops them")
	}
	got, err := reports.Yearly(ctx, branch, 2022)
	if err != nil {
		t.Fatalf("the report after the one that lost its tables: %v", err)
	}
	if !reflect.DeepEqual(want, got) {
		t.Errorf("the report after its tables were made again differs:\n%+v\n%+v", want, got)
	}
}
