package report

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// A report's statements share what they read through temporary tables,
// filled at the report's start. Each connection makes them once and keeps
// them, emptied at every commit (ON COMMIT DELETE ROWS): made and dropped
// by every report, as they were, they cost a branch's report more than its
// figures did (catalog rows written and deleted for each, and a commit
// that had to wait for the disk because it deleted files: 4 ms of 20
// over HTTP). Their columns are stored plain, so that they have no TOAST
// table: emptying a table rebuilds its TOAST table's index, 0.27 ms a
// table at each commit, and every transaction that touches a temporary
// table empties them all. Their values are a few hundred bytes at most
// (names, paths, figure keys), which a page holds.
var tempTables = []struct {
	name    string
	columns []string
}{
	{"report_scope", []string{"y int", "unit_id bigint", "parent_id bigint", "path ltree", "level text", "name text", "root boolean"}},
	{"report_kept_units", []string{"y int", "unit_id bigint", "rolled boolean", "row_unit bigint"}},
	// Sums by figure, area and kind (row_unit null), and by breakdown row.
	{"report_sums_now", sumsColumns},
	{"report_sums_prev", sumsColumns},
	{"report_members_end", membersColumns},
	{"report_members_start", membersColumns},
	{"report_members_prev_end", membersColumns},
	{"report_members_prev_start", membersColumns},
	{"report_kept", []string{"unit_id bigint", "month date", "figure text", "area text", "kind text", "n bigint", "amount numeric"}},
	{"report_attended", []string{"member_id bigint", "volunteer_hours numeric(6,2)", "work_area text", "path ltree"}},
}

var (
	sumsColumns    = []string{"row_unit bigint", "figure text", "area text", "kind text", "n numeric", "amount numeric"}
	membersColumns = []string{"id bigint", "gender text", "position text", "unit_id bigint", "path ltree"}
)

// tempTablesSQL makes those of tempTables a connection lacks. A table
// gets a TOAST table when it is made with a column that could need one; one
// made without columns and given them, stored plain, by one ALTER has none.
var tempTablesSQL = func() string {
	var b strings.Builder
	for _, t := range tempTables {
		cols := make([]string, 0, 2*len(t.columns))
		for _, c := range t.columns {
			cols = append(cols, "ADD COLUMN IF NOT EXISTS "+c, "ALTER COLUMN "+strings.Fields(c)[0]+" SET STORAGE PLAIN")
		}
		fmt.Fprintf(&b, "CREATE TEMP TABLE IF NOT EXISTS %s () ON COMMIT DELETE ROWS;\nALTER TABLE %s %s;\n",
			t.name, t.name, strings.Join(cols, ", "))
	}
	return b.String()
}()

// tablesMade marks, in a connection's custom data, that it has made the
// report's temporary tables.
const tablesMade = "report.tempTables"

// withTables acquires a connection that has the report's temporary
// tables, making them on its first report. They are made outside any
// transaction, so a report that fails cannot take them away again.
func withTables(ctx context.Context, pool *pgxpool.Pool) (*pgxpool.Conn, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	data := conn.Conn().PgConn().CustomData()
	if data[tablesMade] == nil {
		if err := makeTables(ctx, conn.Conn().PgConn()); err != nil {
			conn.Release()
			return nil, err
		}
		data[tablesMade] = true
	}
	return conn, nil
}

// forgetLostTables makes the connection's next report make the tables
// again when this one did not find them: someone ran DISCARD TEMP, or the
// connection is a pooler's in transaction mode. The report that met it
// fails (its batches cannot be sent twice); the next one works.
func forgetLostTables(conn *pgxpool.Conn, err *error) {
	var pgErr *pgconn.PgError
	if errors.As(*err, &pgErr) && pgErr.Code == pgerrcode.UndefinedTable {
		delete(conn.Conn().PgConn().CustomData(), tablesMade)
	}
}

// makeTables makes the temporary tables the connection lacks, through
// the wire protocol's simple query: one round trip for them all.
func makeTables(ctx context.Context, conn *pgconn.PgConn) error {
	if _, err := conn.Exec(ctx, tempTablesSQL).ReadAll(); err != nil {
		return fmt.Errorf("report tables: %w", err)
	}
	return nil
}
