package main

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peterldowns/pgtestdb"

	"github.com/sodoan/sodoan/internal/testdb"
)

// planbench records the plan PostgreSQL executed for each statement, and
// flags one that throws away far more rows than it keeps (a join filter
// in a nested loop, as the 19.7 s pledge figures did) but not one that
// finds its rows through an index.
func TestPlanRecorderFlagsWideReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rec := &planRecorder{}
	pool, err := explainingPool(ctx, superuserURL(t, testdb.URL(t, pgtestdb.NoopMigrator{})), rec)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 50000) g; ALTER TABLE t ADD PRIMARY KEY (id); ANALYZE t`); err != nil {
		t.Fatal(err)
	}
	reads := []struct {
		label, sql string
		wide       bool
	}{
		{"narrow", `SELECT id FROM t WHERE id = $1`, false},
		{"wide", `SELECT count(*) FROM t WHERE id % 1000 = $1`, true},
		{"join filter", `SELECT count(*) FROM generate_series(1, 400) a JOIN generate_series(1, 400) b ON a + b = $1`, true},
	}
	for _, r := range reads {
		rec.begin(r.label)
		if _, err := pool.Exec(ctx, r.sql, 7); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range reads {
		plans := rec.plans[r.label]
		if len(plans) != 1 || !strings.Contains(plans[0].Query, "$1") {
			t.Fatalf("%s: recorded %+v, want the one statement", r.label, plans)
		}
		f := figuresOf(plans[0])
		if r.label == "wide" && f.Read != 50000 {
			t.Errorf("wide: %v rows read, want the table's 50000", f.Read)
		}
		if (f.Wide != "") != r.wide {
			t.Errorf("%s: flagged %q, want flagged %v (figures %+v)", r.label, f.Wide, r.wide, f)
		}
	}
	var summary, full bytes.Buffer
	rec.write(&summary, &full)
	if !strings.Contains(summary.String(), "3 statements, 2 read far more rows") || !strings.Contains(full.String(), "Seq Scan on t") {
		t.Errorf("summary:\n%s\nplans:\n%s", summary.String(), full.String())
	}
}

// The command explains every dashboard query and report section on a
// generated database: each read gets its statements' plans.
func TestPlanbenchCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	environ := map[string]string{"DATABASE_URL": superuserURL(t, testdb.URL(t, pgtestdb.NoopMigrator{})), "DEMO_DATA": "off"}
	out := filepath.Join(t.TempDir(), "plans.txt")
	var stdout bytes.Buffer
	if err := run(ctx, []string{"planbench", "--members", "500", "--out", out}, environ, nil, &stdout, io.Discard); err != nil {
		t.Fatalf("planbench: %v\n%s", err, stdout.String())
	}
	plans, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, read := range []string{"query 6 branch's newest activities", "section pledges, province", "section dues, branch"} {
		if !strings.Contains(stdout.String(), read) || !strings.Contains(string(plans), "== "+read+":") {
			t.Errorf("no plans of %q:\n%s", read, stdout.String())
		}
	}
	if !strings.Contains(string(plans), "-> Index") {
		t.Errorf("the plans have no index scan:\n%.2000s", plans)
	}
}

// superuserURL is url as the postgres role, which may LOAD auto_explain
// (the test databases' own role may not); the machines trust local roles.
func superuserURL(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User("postgres")
	return u.String()
}
