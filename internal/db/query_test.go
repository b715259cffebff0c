package db_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/testdb"
)

// level and count stand for the domain's named types (org.Level,
// []activity.WorkArea) that filters pass as query parameters.
type level string
type count int32

// Arguments bound for a fresh plan (search) are sent in pgx's exec mode,
// which encodes each value from its Go type alone; every kind of value the
// filters pass must still reach PostgreSQL, both ways of binding.
func TestBindEncodesNamedTypes(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	one := level("BRANCH")
	n := count(3)
	for _, tt := range []struct {
		name, sql string
		arg       any
		want      string
	}{
		{"named string", `SELECT $1::text`, one, "BRANCH"},
		{"pointer to a named string", `SELECT $1::text`, &one, "BRANCH"},
		{"nil pointer to a named string", `SELECT coalesce($1::text, 'null')`, (*level)(nil), "null"},
		{"slice of a named string", `SELECT array_to_string($1::text[], ',')`, []level{"BRANCH", "BLOC"}, "BRANCH,BLOC"},
		{"nil slice of a named string", `SELECT coalesce(array_to_string($1::text[], ','), 'null')`, []level(nil), "null"},
		{"named int", `SELECT $1::int::text`, n, "3"},
		{"slice of a named int", `SELECT array_to_string($1::int[], ',')`, []count{1, 2}, "1,2"},
		{"strings", `SELECT array_to_string($1::text[], ',')`, []string{"a", "b"}, "a,b"},
	} {
		for _, fresh := range []bool{false, true} {
			var args db.Args
			args.Add(tt.arg)
			var got string
			if err := pool.QueryRow(context.Background(), tt.sql, args.Bind(fresh)...).Scan(&got); err != nil || got != tt.want {
				t.Errorf("%s (fresh %v): got %q, %v; want %q", tt.name, fresh, got, err, tt.want)
			}
		}
	}
}

// PostgreSQL's data exceptions (class 22) are the caller's bad values;
// other errors are not.
func TestBadValue(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	var s string
	nul := pool.QueryRow(context.Background(), `SELECT $1::text`, "a\x00b").Scan(&s)
	overflow := pool.QueryRow(context.Background(), `SELECT make_date($1::int, 1, 1)::text`, 2147483647).Scan(&s)
	for _, tt := range []struct {
		name string
		err  error
		want bool
	}{
		{"NUL in text", nul, true},
		{"date out of range", overflow, true},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"none", nil, false},
	} {
		if got := db.BadValue(tt.err); got != tt.want {
			t.Errorf("%s (%v): BadValue = %v, want %v", tt.name, tt.err, got, tt.want)
		}
	}
}
