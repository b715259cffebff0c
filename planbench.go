package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/loadbench"
	"github.com/sodoan/sodoan/internal/report"
)

// planRepeats is how often each read runs before its plans are kept: a
// prepared statement gets custom plans for its first five runs and may
// switch to a generic plan after, so the sixth run's plan is the one a
// server that has run a while executes.
const planRepeats = 6

// planbenchCommand handles `server planbench`: every statement behind the
// dashboard queries and the report sections, executed as the server runs
// them, with the plan PostgreSQL actually used and its real row counts
// (auto_explain with ANALYZE, told to the client as notices). It prints a
// line per statement, flags the ones that read far more rows than they
// return, and writes every plan to --out.
func planbenchCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("planbench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	members := fs.Int("members", 100_000, "members to generate when the database is empty")
	out := fs.String("out", "bench-plans.txt", "file to write every plan to")
	if err := fs.Parse(args); err != nil {
		return usageError{"planbench: " + err.Error() + "\n" + usage}
	}
	pool, closeDB, t, token, err := openBenchAccount(ctx, cfg, log, *members, stdout)
	if err != nil {
		return err
	}
	defer closeDB()
	rec := &planRecorder{}
	explained, err := explainingPool(ctx, pool.Config().ConnString(), rec)
	if err != nil {
		return err
	}
	defer explained.Close()

	srv := httptest.NewServer(httpserver.Routes(httpserver.Options{Pool: explained, Log: zerolog.Nop(), Version: version}))
	defer srv.Close()
	for _, q := range append(benchQueries(t), provinceLists(t)...) {
		rec.begin("query " + q.Name)
		for range planRepeats {
			if _, err := benchPost(ctx, srv.URL+"/graphql", token, q.GraphQL, q.Variables); err != nil {
				return fmt.Errorf("query %s: %w", q.Name, err)
			}
		}
	}
	store := report.NewStore(explained)
	for _, s := range reportSections {
		if s.name == "every section" {
			continue // the sections above, together
		}
		for _, u := range []struct {
			level string
			id    int64
		}{{"branch", t.branch}, {"bloc", t.bloc}, {"province", t.province}} {
			rec.begin(fmt.Sprintf("section %s, %s", s.name, u.level))
			for range planRepeats {
				if _, err := store.YearlyParts(ctx, u.id, t.year, s.parts); err != nil {
					return fmt.Errorf("section %s of the %s: %w", s.name, u.level, err)
				}
			}
		}
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM members`).Scan(&n); err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	title := fmt.Sprintf("plans of every statement, %d members, year %d (auto_explain, ANALYZE, run %d of %d)\n",
		n, t.year, planRepeats, planRepeats)
	fmt.Fprint(f, title)
	fmt.Fprint(stdout, title)
	rec.write(stdout, f)
	return f.Close()
}

// provinceLists are the lists of a whole province, which the dashboard
// queries ask of a branch or a bloc: a large subtree takes the other way of
// reading a list (package subtree), and its plan is made once for any unit.
func provinceLists(t benchTargets) []loadbench.Query {
	vars := map[string]any{"u": model.EncodeID(model.KindUnit, t.province)}
	return []loadbench.Query{
		{Name: "province's members", Variables: vars, GraphQL: `query($u: ID!) { members(filter: {unitId: $u, statuses: [ACTIVE]}, first: 20) {
			totalCount edges { node { fullName position unit { name } } } } }`},
		{Name: "province's newest activities", Variables: vars, GraphQL: `query($u: ID!) { activities(filter: {unitId: $u}, first: 20) {
			totalCount edges { node { title startsOn participantCount } } } }`},
	}
}

// explainingPool opens a pool to url whose connections explain every
// statement they run, nested ones too (triggers, SQL functions), and tell
// the plans to rec. LOAD needs a superuser, as the bench's own database
// role is.
func explainingPool(ctx context.Context, url string, rec *planRecorder) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, errors.New("parse database URL: not a valid PostgreSQL connection string")
	}
	cfg.MaxConns = 8
	cfg.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { rec.notice(n.Message) }
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, `LOAD 'auto_explain';
			SET auto_explain.log_min_duration = 0; SET auto_explain.log_analyze = on;
			SET auto_explain.log_buffers = on; SET auto_explain.log_timing = on;
			SET auto_explain.log_nested_statements = on; SET auto_explain.log_format = json;
			SET auto_explain.log_verbose = on;
			SET auto_explain.log_level = notice`)
		if err != nil {
			return fmt.Errorf("turn on auto_explain (planbench needs a superuser role): %w", err)
		}
		return nil
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// planNode is the part of an EXPLAIN (FORMAT JSON) node planbench reads.
type planNode struct {
	NodeType        string     `json:"Node Type"`
	Relation        string     `json:"Relation Name"`
	Schema          string     `json:"Schema"`
	Index           string     `json:"Index Name"`
	CTE             string     `json:"CTE Name"`
	JoinType        string     `json:"Join Type"`
	ActualRows      float64    `json:"Actual Rows"`
	Loops           float64    `json:"Actual Loops"`
	TotalTime       float64    `json:"Actual Total Time"`
	Filter          string     `json:"Filter"`
	JoinFilter      string     `json:"Join Filter"`
	IndexCond       string     `json:"Index Cond"`
	RemovedByFilter float64    `json:"Rows Removed by Filter"`
	RemovedByJoin   float64    `json:"Rows Removed by Join Filter"`
	RemovedByCheck  float64    `json:"Rows Removed by Index Recheck"`
	SharedHit       float64    `json:"Shared Hit Blocks"`
	SharedRead      float64    `json:"Shared Read Blocks"`
	Plans           []planNode `json:"Plans"`
}

// statementPlan is one statement's executed plan.
type statementPlan struct {
	Query string   `json:"Query Text"`
	Plan  planNode `json:"Plan"`
	Time  float64  `json:"-"` // ms, from the notice
}

// planRecorder keeps, per read (a dashboard query or a report section),
// the last plan of each distinct statement text the read sent.
type planRecorder struct {
	mu    sync.Mutex
	label string
	reads []string
	plans map[string][]statementPlan // by label, in first-run order
}

// begin starts recording the plans of the read named label.
func (r *planRecorder) begin(label string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.label = label
	r.reads = append(r.reads, label)
}

// notice records a plan auto_explain told: "duration: 1.234 ms  plan:\n{...}".
func (r *planRecorder) notice(msg string) {
	head, body, ok := strings.Cut(msg, "plan:\n")
	if !ok {
		return
	}
	var p statementPlan
	if json.Unmarshal([]byte(body), &p) != nil {
		return
	}
	_, _ = fmt.Sscanf(strings.TrimSpace(head), "duration: %f ms", &p.Time)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.plans == nil {
		r.plans = map[string][]statementPlan{}
	}
	list := r.plans[r.label]
	if i := slices.IndexFunc(list, func(q statementPlan) bool { return q.Query == p.Query }); i >= 0 {
		list[i] = p
		return
	}
	r.plans[r.label] = append(list, p)
}

// planFigures sums what a plan's scans read and what its filters threw
// away, over all loops.
type planFigures struct {
	Returned, Read, Removed, Buffers float64
	// Wide names the node that threw away the most rows, when it threw
	// away more than wideRows and ten times what it kept.
	Wide string
}

// wideRows is how many rows a node may throw away before planbench flags
// it: above it a statement reads rows its unit's subtree and period do
// not need (the 19.7 s nested loop of issue 19 threw away 93 million).
// Scans of a report's temporary tables are not flagged (see figuresOf).
const wideRows = 20_000

func figuresOf(p statementPlan) planFigures {
	f := planFigures{Returned: p.Plan.ActualRows}
	var worst float64
	var walk func(n planNode)
	walk = func(n planNode) {
		loops := max(n.Loops, 1)
		removed := (n.RemovedByFilter + n.RemovedByJoin + n.RemovedByCheck) * loops
		kept := n.ActualRows * loops
		// Rows read are those of the scans of a table (a bitmap heap scan's
		// index part only finds them; a scan of a CTE or subquery rereads
		// rows counted below it).
		if n.Relation != "" {
			f.Read += kept + (n.RemovedByFilter+n.RemovedByCheck)*loops
		}
		f.Removed += removed
		// A report's temporary tables (report_scope and those made from
		// it) hold its own subtree's units and figures and nothing else:
		// what a scan of one leaves out is still the subtree's.
		scoped := strings.HasPrefix(n.Schema, "pg_temp")
		if !scoped && removed > wideRows && removed > 10*kept && removed > worst {
			worst = removed
			f.Wide = fmt.Sprintf("%s threw away %.0f rows to keep %.0f", nodeName(n), removed, kept)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(p.Plan)
	f.Buffers = p.Plan.SharedHit + p.Plan.SharedRead
	return f
}

func nodeName(n planNode) string {
	name := n.NodeType
	if n.JoinType != "" && n.JoinType != "Inner" {
		name += " " + n.JoinType
	}
	if n.Relation != "" {
		name += " on " + n.Relation
	}
	if n.Index != "" {
		name += " using " + n.Index
	}
	if n.CTE != "" {
		name += " " + n.CTE
	}
	return name
}

// write prints a line per statement to summary, and the statement with
// its plan tree to full.
func (r *planRecorder) write(summary, full io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(summary, "%-44s %-44s %9s %9s %11s %9s\n", "read", "statement", "ms", "rows", "rows read", "buffers")
	flagged, total := 0, 0
	for _, label := range r.reads {
		for _, p := range r.plans[label] {
			total++
			f := figuresOf(p)
			if strings.TrimSpace(p.Query) == "" {
				p.Query = "(a statement run inside a function)"
			}
			fmt.Fprintf(summary, "%-44s %-44s %9.2f %9.0f %11.0f %9.0f\n", clip(label, 44), clip(oneLine(p.Query), 44),
				p.Time, f.Returned, f.Read, f.Buffers)
			fmt.Fprintf(full, "\n== %s: %.2f ms, %.0f rows, %.0f rows read, %.0f buffers\n%s\n", label, p.Time, f.Returned, f.Read, f.Buffers,
				strings.TrimSpace(p.Query))
			if f.Wide != "" {
				flagged++
				fmt.Fprintf(summary, "%44s   WIDE: %s\n", "", f.Wide)
				fmt.Fprintf(full, "WIDE: %s\n", f.Wide)
			}
			writeTree(full, p.Plan, 0)
		}
	}
	fmt.Fprintf(summary, "%d statements, %d read far more rows than they keep (a node threw away over %d and 10x what it kept)\n",
		total, flagged, wideRows)
}

func writeTree(w io.Writer, n planNode, depth int) {
	fmt.Fprintf(w, "%s-> %s  (rows %.0f x %.0f loops, %.3f ms", strings.Repeat("   ", depth), nodeName(n), n.ActualRows, n.Loops, n.TotalTime)
	if removed := n.RemovedByFilter + n.RemovedByJoin + n.RemovedByCheck; removed > 0 {
		fmt.Fprintf(w, ", removed %.0f per loop", removed)
	}
	fmt.Fprintln(w, ")")
	for _, cond := range []struct{ name, text string }{{"index", n.IndexCond}, {"filter", n.Filter}, {"join filter", n.JoinFilter}} {
		if cond.text != "" {
			fmt.Fprintf(w, "%s     %s: %s\n", strings.Repeat("   ", depth), cond.name, cond.text)
		}
	}
	for _, c := range n.Plans {
		writeTree(w, c, depth+1)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
