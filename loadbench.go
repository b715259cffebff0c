package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/loadbench"
)

// statementLog keeps the SQL statement count of the last request the
// server logged.
type statementLog struct{ last atomic.Int64 }

func (s *statementLog) Write(p []byte) (int, error) {
	var e struct {
		Message    string
		Statements *int64 `json:"sql_statements"`
	}
	if json.Unmarshal(p, &e) == nil && e.Message == "request" && e.Statements != nil {
		s.last.Store(*e.Statements)
	}
	return len(p), nil
}

// loadbenchCommand handles `server loadbench`: the dashboard queries over
// HTTP at concurrency 1, 16 and 64 on a province-sized database (made by
// gendata when the database is empty), beside hand-written SQL.
func loadbenchCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	members := fs.Int("members", 100_000, "members to generate when the database is empty")
	duration := fs.Duration("duration", 5*time.Second, "how long each query runs at each concurrency")
	out := fs.String("out", "bench-results.txt", "file to write the table to as well")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run here (go tool pprof)")
	only := fs.String("queries", "", "comma-separated numbers of the queries to run (default: all)")
	if err := fs.Parse(args); err != nil {
		return usageError{"loadbench: " + err.Error() + "\n" + usage}
	}
	cfg.DBStatementTimeout, cfg.DBIdleInTxTimeout = 0, 0 // bulk COPY may rightly run for minutes
	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	var empty bool
	if err := pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM units)`).Scan(&empty); err != nil {
		return err
	}
	if empty {
		fmt.Fprintf(stdout, "generating %d members...\n", *members)
		if _, err := bulk.Generate(ctx, pool, bulk.Options{Members: *members, Seed: 1}); err != nil {
			return err
		}
	}

	// An administrator's session, and the records the queries look at.
	hash, err := account.HashPassword("loadbench only")
	if err != nil {
		return err
	}
	var adminID int64
	if err := pool.QueryRow(ctx, `WITH ins AS (INSERT INTO accounts (username, display_name, password_hash)
			VALUES ('loadbench', 'Đo tải', $1) ON CONFLICT (username) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM accounts WHERE username = 'loadbench' LIMIT 1`, hash).Scan(&adminID); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO account_roles (account_id, role) VALUES ($1, 'ADMIN')
		ON CONFLICT (account_id, role, coalesce(unit_id, 0)) DO NOTHING`, adminID); err != nil {
		return err
	}
	session, err := account.NewStore(pool, account.DefaultPolicy).StartSession(ctx, adminID, account.Client{})
	if err != nil {
		return err
	}
	var bloc, branch, memberID int64
	var year int
	if err := pool.QueryRow(ctx, `SELECT
			(SELECT min(id) FROM units WHERE level IN ('BLOC', 'DISTRICT')),
			(SELECT min(id) FROM units WHERE level = 'BRANCH'),
			(SELECT max(id) FROM members),
			(SELECT extract(year FROM max(starts_on))::int FROM activities)`).Scan(&bloc, &branch, &memberID, &year); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	statements := &statementLog{}
	srv := &http.Server{Handler: httpserver.Routes(httpserver.Options{Pool: pool, Log: zerolog.New(statements), Version: version}),
		ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/graphql"

	unit := func(id int64) string { return model.EncodeID(model.KindUnit, id) }
	queries := []loadbench.Query{
		{Name: "1 bloc's newest activities", GraphQL: `query($u: ID!) { activities(filter: {unitId: $u}, first: 20) { edges { node {
				title startsOn contributionTotal participants(first: 50) { edges { node { member { fullName } } } } } } } }`,
			Variables: map[string]any{"u": unit(bloc)},
			SQL: []string{`WITH a AS (SELECT a.id, a.title, a.starts_on FROM activities a JOIN units u ON u.id = a.unit_id
					WHERE u.path <@ (SELECT path FROM units WHERE id = $1) ORDER BY a.starts_on DESC, a.id DESC LIMIT 20)
				SELECT a.id, a.title, a.starts_on, (SELECT coalesce(sum(value_dong), 0) FROM contributions c WHERE c.activity_id = a.id), x.full_name
				FROM a LEFT JOIN LATERAL (SELECT m.full_name FROM participations p JOIN members m ON m.id = p.member_id
					WHERE p.activity_id = a.id ORDER BY m.sort_name, m.id LIMIT 50) x ON true`},
			Args: [][]any{{bloc}}},
		{Name: "2 branch's members", GraphQL: `query($u: ID!) { members(filter: {unitId: $u, statuses: [ACTIVE]}, first: 20) {
				totalCount edges { node { fullName position } } } }`,
			Variables: map[string]any{"u": unit(branch)},
			SQL: []string{`SELECT id, full_name, position FROM members WHERE unit_id = $1 AND status = 'ACTIVE' ORDER BY sort_name, id LIMIT 20`,
				`SELECT count(*) FROM members WHERE unit_id = $1 AND status = 'ACTIVE'`},
			Args: [][]any{{branch}, {branch}}},
		{Name: "3 bloc's yearly report", GraphQL: `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) {
				members { atYearEnd } total { activities participations share } children { members activities } } }`,
			Variables: map[string]any{"u": unit(bloc), "y": year}},
		{Name: "4 search", GraphQL: `{ search(query: "tinh nguyen", first: 20) { kind title snippet } }`,
			SQL: []string{`(SELECT 'POST', id, title FROM posts WHERE status = 'PUBLISHED' AND search_title LIKE '%' || search_normalize($1) || '%' LIMIT 20)
				UNION ALL (SELECT 'ACTIVITY', id, title FROM activities WHERE search LIKE '%' || search_normalize($1) || '%' ORDER BY starts_on DESC LIMIT 20)`},
			Args: [][]any{{"tinh nguyen"}}},
		{Name: "5 node by ID", GraphQL: `query($id: ID!) { node(id: $id) { ... on Member { fullName position unit { name } } } }`,
			Variables: map[string]any{"id": model.EncodeID(model.KindMember, memberID)},
			SQL:       []string{`SELECT m.full_name, m.position, u.name FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1`},
			Args:      [][]any{{memberID}}},
	}
	if *only != "" {
		var picked []loadbench.Query
		for _, q := range queries {
			for n := range strings.SplitSeq(*only, ",") {
				if strings.HasPrefix(q.Name, strings.TrimSpace(n)+" ") {
					picked = append(picked, q)
				}
			}
		}
		queries = picked
	}
	if *cpuProfile != "" {
		pf, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	rows, counts, err := loadbench.Run(ctx, url, session.Token, pool, queries, []int{1, 16, 64}, *duration,
		func() int { return int(statements.last.Load()) })
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	loadbench.Write(io.MultiWriter(stdout, f), rows, counts)
	return errors.Join(f.Sync())
}
