package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/loadbench"
)

// statementLog keeps the SQL statement count of the last GET /graphql the
// server logged (loadbench's one checked request per query), reading its
// JSON log lines.
type statementLog struct {
	last atomic.Int64
	seen atomic.Int64 // GET requests logged so far
}

func (s *statementLog) follow(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e struct {
			Message, Method, Path string
			Statements            *int64 `json:"sql_statements"`
		}
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Message == "request" && e.Method == http.MethodGet &&
			e.Path == "/graphql" && e.Statements != nil {
			s.last.Store(*e.Statements)
			s.seen.Add(1)
		}
	}
}

// next waits (briefly) for the log line of the GET just sent and returns
// its statement count.
func (s *statementLog) next(before int64) int {
	for deadline := time.Now().Add(2 * time.Second); s.seen.Load() == before && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	return int(s.last.Load())
}

// benchServer runs `server serve` on the bench database as a child
// process, so the memory it reports is the server's own, not the load
// generator's. Rate limits are lifted: the benchmark is one account
// asking as fast as it can.
func benchServer(ctx context.Context, databaseURL string, statements *statementLog, profiles string) (url string, pid int,
	stop func() (peakRSS int64, err error), err error) {
	addr, err := freeAddr()
	if err != nil {
		return "", 0, nil, err
	}
	self, err := os.Executable()
	if err != nil {
		return "", 0, nil, err
	}
	cmd := exec.CommandContext(ctx, self, "serve")
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL, "HTTP_ADDR="+addr, "APP_ENV=production",
		"AUTO_MIGRATE=false", "LOG_LEVEL=info", "LOG_FORMAT=json",
		"RATE_LIMIT_POINTS=1000000000", "RATE_LIMIT_ANONYMOUS_POINTS=1000000000",
		"HEAVY_QUERIES_PER_CALLER=1000") // the bench's one account stands for many callers
	if profiles != "" {
		cmd.Env = append(cmd.Env, "METRICS_ADDR="+profiles, "PROFILING=true")
	}
	logs, err := cmd.StderrPipe()
	if err != nil {
		return "", 0, nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start the server: %w", err)
	}
	go statements.follow(logs)
	stop = func() (int64, error) {
		peak := loadbench.PeakRSSOf(cmd.Process.Pid)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		return peak, cmd.Wait()
	}
	for deadline := time.Now().Add(60 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return "http://" + addr + "/graphql", cmd.Process.Pid, stop, nil
			}
		}
		if time.Now().After(deadline) {
			_, _ = stop()
			return "", 0, nil, errors.New("the bench server did not get ready within a minute")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// peerServer starts PostGraphile from dir (bench/postgraphile: its
// package.json pins PostGraphile and the Node it runs on, installed with
// npm ci on first use) on the same database, as the same role, with as
// many connections as ours, in production mode.
func peerServer(ctx context.Context, dir, databaseURL string, stdout io.Writer) (url string, pid int, stop func() (int64, error), err error) {
	node := filepath.Join(dir, "node_modules", "node", "bin", "node")
	if _, err := os.Stat(node); err != nil {
		fmt.Fprintf(stdout, "installing PostGraphile in %s (npm ci)\n", dir)
		install := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		install.Dir = dir
		if out, err := install.CombinedOutput(); err != nil {
			return "", 0, nil, fmt.Errorf("npm ci in %s: %w\n%s", dir, err, out)
		}
	}
	addr, err := freeAddr()
	if err != nil {
		return "", 0, nil, err
	}
	host, port, _ := net.SplitHostPort(addr)
	cmd := exec.CommandContext(ctx, "node_modules/node/bin/node", "node_modules/postgraphile/dist/cli-run.js", "-C", "graphile.config.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DATABASE_URL="+databaseURL, "HOST="+host, "PORT="+port, "PG_POOL_MAX=16",
		"NODE_ENV=production", "GRAPHILE_ENV=production")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		return "", 0, nil, fmt.Errorf("start PostGraphile: %w", err)
	}
	stop = func() (int64, error) {
		peak := loadbench.PeakRSSOf(cmd.Process.Pid)
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
		return peak, nil
	}
	url = "http://" + addr + "/graphql"
	for deadline := time.Now().Add(90 * time.Second); ; {
		resp, err := http.Post(url, "application/json", strings.NewReader(`{"query":"{__typename}"}`))
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url, cmd.Process.Pid, stop, nil
			}
		}
		if time.Now().After(deadline) {
			_, _ = stop()
			return "", 0, nil, fmt.Errorf("PostGraphile did not answer within 90 s:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// profileServer returns what loadbench.Run calls as each GraphQL attack
// starts: it records the server's CPU profile over the attack, and what
// it allocated meanwhile, into dir as <query number>-c<concurrency>.cpu and
// .allocs (go tool pprof -sample_index=alloc_space -base for the latter's
// two halves).
func profileServer(addr, dir string, d time.Duration) func(query string, c int) func() {
	get := func(path, file string) {
		resp, err := http.Get("http://" + addr + path)
		if err != nil {
			return
		}
		defer resp.Body.Close()
		if f, err := os.Create(file); err == nil {
			_, _ = io.Copy(f, resp.Body)
			f.Close()
		}
	}
	return func(query string, c int) func() {
		name := filepath.Join(dir, fmt.Sprintf("%s-c%d", strings.Fields(query)[0], c))
		get("/debug/pprof/allocs", name+".allocs-before")
		done := make(chan struct{})
		go func() {
			defer close(done)
			get(fmt.Sprintf("/debug/pprof/profile?seconds=%d", max(1, int(d.Seconds())-1)), name+".cpu")
		}()
		return func() {
			<-done
			get("/debug/pprof/allocs", name+".allocs")
		}
	}
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
	peer := fs.String("peer", "", "also run PostGraphile from this folder (bench/postgraphile) and measure it alongside")
	rounds := fs.Int("rounds", 3, "rounds per query and concurrency when a peer is measured, the servers in turn")
	profiles := fs.String("profile", "", "write the server's CPU and allocation profiles of each query here (a folder)")
	if err := fs.Parse(args); err != nil {
		return usageError{"loadbench: " + err.Error() + "\n" + usage}
	}
	pool, closeDB, targets, token, err := openBenchAccount(ctx, cfg, log, *members, stdout)
	if err != nil {
		return err
	}
	defer closeDB()

	statements := &statementLog{}
	var observe func(string, int) func()
	metricsAddr := ""
	if *profiles != "" {
		if err := os.MkdirAll(*profiles, 0o755); err != nil {
			return err
		}
		if metricsAddr, err = freeAddr(); err != nil {
			return err
		}
		observe = profileServer(metricsAddr, *profiles, *duration)
	}
	url, pid, stopServer, err := benchServer(ctx, pool.Config().ConnString(), statements, metricsAddr)
	if err != nil {
		return err
	}
	defer func() {
		if stopServer != nil {
			_, _ = stopServer()
		}
	}()

	queries := pickQueries(benchQueries(targets), *only)
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
	var checked int64 // GET requests sent so far, one per query
	header := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}
	servers := []loadbench.Server{{Name: "sodoan", URL: url, Header: header, PID: pid, Check: loadbench.AskByGET(url, header)}}
	var stopPeer func() (int64, error)
	if *peer != "" {
		peerURL, peerPID, stop, err := peerServer(ctx, *peer, pool.Config().ConnString(), stdout)
		if err != nil {
			return err
		}
		stopPeer = stop
		defer func() {
			if stopPeer != nil {
				_, _ = stopPeer()
			}
		}()
		servers = append(servers, loadbench.Server{Name: "postgraphile", URL: peerURL,
			Header: http.Header{"Content-Type": {"application/json"}}, PID: peerPID})
	}
	rows, counts, err := loadbench.Run(ctx, loadbench.Options{Servers: servers, Pool: pool, Queries: queries,
		Levels: []int{1, 16, 64}, Duration: *duration, Rounds: *rounds,
		Statements: func() int { n := statements.next(checked); checked++; return n }, Observe: observe})
	if err != nil {
		return err
	}
	serverPeak, err := stopServer()
	stopServer = nil
	if err != nil {
		return fmt.Errorf("bench server: %w", err)
	}
	peaks := []loadbench.Peak{{Server: "sodoan", Bytes: serverPeak}}
	if stopPeer != nil {
		peerPeak, _ := stopPeer()
		stopPeer = nil
		peaks = append(peaks, loadbench.Peak{Server: "postgraphile", Bytes: peerPeak})
	}
	return writeBenchResults(stdout, *out, rows, counts, peaks)
}

// openBenchData opens the bench's database, generates a province of
// members there when it is empty, and finds the records the benches read.
func openBenchData(ctx context.Context, cfg config.Config, log zerolog.Logger, members int, stdout io.Writer) (*pgxpool.Pool, func(), benchTargets, error) {
	cfg.DBStatementTimeout, cfg.DBIdleInTxTimeout = 0, 0 // bulk COPY may rightly run for minutes
	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return nil, nil, benchTargets{}, err
	}
	if err := ensureBenchData(ctx, pool, members, stdout); err != nil {
		closeDB()
		return nil, nil, benchTargets{}, err
	}
	targets, err := findBenchTargets(ctx, pool)
	if err != nil {
		closeDB()
		return nil, nil, benchTargets{}, err
	}
	return pool, closeDB, targets, nil
}

// openBenchAccount is openBenchData and a session of the bench's
// account, which the benches that ask over HTTP sign in with.
func openBenchAccount(ctx context.Context, cfg config.Config, log zerolog.Logger, members int, stdout io.Writer) (
	pool *pgxpool.Pool, closeDB func(), t benchTargets, token string, err error) {
	if pool, closeDB, t, err = openBenchData(ctx, cfg, log, members, stdout); err != nil {
		return nil, nil, t, "", err
	}
	if token, err = benchSession(ctx, pool); err != nil {
		closeDB()
		return nil, nil, t, "", err
	}
	return pool, closeDB, t, token, nil
}

// ensureBenchData generates a province of members when the database has
// no units, so the bench has something to read.
func ensureBenchData(ctx context.Context, pool *pgxpool.Pool, members int, stdout io.Writer) error {
	var empty bool
	if err := pool.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM units)`).Scan(&empty); err != nil {
		return err
	}
	if !empty {
		return nil
	}
	fmt.Fprintf(stdout, "generating %d members...\n", members)
	start := time.Now()
	if _, err := bulk.Generate(ctx, pool, bulk.Options{Members: members, Seed: 1}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "generated in %s; the database is kept for the next run\n", time.Since(start).Round(time.Second))
	return nil
}

// benchSession starts a session of the bench's administrator account,
// made on the first run, and returns its token.
func benchSession(ctx context.Context, pool *pgxpool.Pool) (string, error) {
	hash, err := account.HashPassword("loadbench only")
	if err != nil {
		return "", err
	}
	var adminID int64
	if err := pool.QueryRow(ctx, `WITH ins AS (INSERT INTO accounts (username, display_name, password_hash)
			VALUES ('loadbench', 'Đo tải', $1) ON CONFLICT (username) DO NOTHING RETURNING id)
		SELECT id FROM ins UNION ALL SELECT id FROM accounts WHERE username = 'loadbench' LIMIT 1`, hash).Scan(&adminID); err != nil {
		return "", err
	}
	if _, err := pool.Exec(ctx, `INSERT INTO account_roles (account_id, role) VALUES ($1, 'ADMIN')
		ON CONFLICT (account_id, role, coalesce(unit_id, 0)) DO NOTHING`, adminID); err != nil {
		return "", err
	}
	session, err := account.NewStore(pool, account.DefaultPolicy).StartSession(ctx, adminID, account.Client{})
	if err != nil {
		return "", err
	}
	return session.Token, nil
}

// benchTargets are the records the bench queries look at.
type benchTargets struct {
	province, bloc, branch, member int64
	year                           int // of the newest activity
}

func findBenchTargets(ctx context.Context, pool *pgxpool.Pool) (benchTargets, error) {
	var t benchTargets
	err := pool.QueryRow(ctx, `SELECT
			(SELECT min(id) FROM units WHERE level = 'PROVINCE'),
			(SELECT min(id) FROM units WHERE level IN ('BLOC', 'DISTRICT')),
			(SELECT min(id) FROM units WHERE level = 'BRANCH'),
			(SELECT max(id) FROM members),
			(SELECT extract(year FROM max(starts_on))::int FROM activities)`).Scan(&t.province, &t.bloc, &t.branch, &t.member, &t.year)
	return t, err
}

// benchQueries are the dashboard's queries, each with the hand-written
// SQL it is measured against where there is one.
func benchQueries(t benchTargets) []loadbench.Query {
	unit := func(id int64) string { return model.EncodeID(model.KindUnit, id) }
	return []loadbench.Query{
		{Name: "1 bloc's newest activities", GraphQL: `query($u: ID!) { activities(filter: {unitId: $u}, first: 20) { edges { node {
				title startsOn contributionTotal participants(first: 50) { edges { node { member { fullName } } } } } } } }`,
			Variables: map[string]any{"u": unit(t.bloc)},
			SQL: []string{`WITH a AS (SELECT a.id, a.title, a.starts_on FROM activities a JOIN units u ON u.id = a.unit_id
					WHERE u.path <@ (SELECT path FROM units WHERE id = $1) ORDER BY a.starts_on DESC, a.id DESC LIMIT 20)
				SELECT a.id, a.title, a.starts_on, (SELECT coalesce(sum(value_dong), 0) FROM contributions c WHERE c.activity_id = a.id), x.full_name
				FROM a LEFT JOIN LATERAL (SELECT m.full_name FROM participations p JOIN members m ON m.id = p.member_id
					WHERE p.activity_id = a.id ORDER BY m.sort_name, m.id LIMIT 50) x ON true`},
			Args: [][]any{{t.bloc}}},
		{Name: "2 branch's members", GraphQL: `query($u: ID!) { members(filter: {unitId: $u, statuses: [ACTIVE]}, first: 20) {
				totalCount edges { node { fullName position } } } }`,
			Variables: map[string]any{"u": unit(t.branch)},
			Answer: answer(func(d struct {
				Members struct {
					TotalCount int
					Edges      []struct{ Node person }
				}
			}) any {
				return listed{d.Members.TotalCount, nodes(d.Members.Edges)}
			}),
			Peer: &loadbench.PeerQuery{GraphQL: `query($u: BigInt!) { unitByRowId(rowId: $u) {
					membersByUnitId(first: 20, orderBy: [SORT_NAME_ASC, ROW_ID_ASC], condition: {status: "ACTIVE"}) {
						totalCount nodes { fullName position } } } }`,
				Variables: map[string]any{"u": strconv.FormatInt(t.branch, 10)},
				Answer: answer(func(d struct {
					UnitByRowID struct {
						MembersByUnitID struct {
							TotalCount int
							Nodes      []person
						}
					}
				}) any {
					m := d.UnitByRowID.MembersByUnitID
					return listed{m.TotalCount, m.Nodes}
				})},
			SQL: []string{`SELECT id, full_name, position FROM members WHERE unit_id = $1 AND status = 'ACTIVE' ORDER BY sort_name, id LIMIT 20`,
				`SELECT count(*) FROM members WHERE unit_id = $1 AND status = 'ACTIVE'`},
			Args: [][]any{{t.branch}, {t.branch}}},
		{Name: "3 bloc's yearly report", GraphQL: `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) {
				members { atYearEnd } total { activities participations share } children { members activities } } }`,
			Variables: map[string]any{"u": unit(t.bloc), "y": t.year}},
		{Name: "3p province's yearly report", GraphQL: `query($u: ID!, $y: Int!) { yearlyReport(unitId: $u, year: $y) {
				members { atYearEnd } total { activities participations share } children { members activities } } }`,
			Variables: map[string]any{"u": unit(t.province), "y": t.year}},
		{Name: "4 search", GraphQL: `{ search(query: "tinh nguyen", first: 20) { kind title snippet } }`,
			SQL: []string{`(SELECT 'POST', id, title FROM posts WHERE status = 'PUBLISHED' AND search_title LIKE '%' || search_normalize($1) || '%' LIMIT 20)
				UNION ALL (SELECT 'ACTIVITY', id, title FROM activities WHERE search LIKE '%' || search_normalize($1) || '%' ORDER BY starts_on DESC LIMIT 20)`},
			Args: [][]any{{"tinh nguyen"}}},
		{Name: "5 node by ID", GraphQL: `query($id: ID!) { node(id: $id) { ... on Member { fullName position unit { name } } } }`,
			Variables: map[string]any{"id": model.EncodeID(model.KindMember, t.member)},
			Answer: answer(func(d struct {
				Node struct {
					person
					Unit struct{ Name string }
				}
			}) any {
				return []string{d.Node.FullName, d.Node.Position, d.Node.Unit.Name}
			}),
			Peer: &loadbench.PeerQuery{GraphQL: `query($id: BigInt!) { memberByRowId(rowId: $id) { fullName position unitByUnitId { name } } }`,
				Variables: map[string]any{"id": strconv.FormatInt(t.member, 10)},
				Answer: answer(func(d struct {
					MemberByRowID struct {
						person
						UnitByUnitID struct{ Name string }
					}
				}) any {
					m := d.MemberByRowID
					return []string{m.FullName, m.Position, m.UnitByUnitID.Name}
				})},
			SQL:  []string{`SELECT m.full_name, m.position, u.name FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1`},
			Args: [][]any{{t.member}}},
		{Name: "6 branch's newest activities", GraphQL: `query($u: ID!) { activities(filter: {unitId: $u}, first: 20) { edges { node {
				id title startsOn participants(first: 50) { edges { node { member { id fullName } } } } } } } }`,
			Variables: map[string]any{"u": unit(t.branch)},
			Answer: answer(func(d struct {
				Activities struct {
					Edges []struct {
						Node struct {
							Title, StartsOn string
							Participants    struct {
								Edges []struct {
									Node struct{ Member struct{ FullName string } }
								}
							}
						}
					}
				}
			}) any {
				var out []held
				for _, e := range d.Activities.Edges {
					h := held{Title: e.Node.Title, StartsOn: e.Node.StartsOn}
					for _, p := range e.Node.Participants.Edges {
						h.Names = append(h.Names, p.Node.Member.FullName)
					}
					out = append(out, h.sorted())
				}
				return out
			}),
			Peer: &loadbench.PeerQuery{GraphQL: `query($u: BigInt!) { unitByRowId(rowId: $u) {
					activitiesByUnitId(first: 20, orderBy: [STARTS_ON_DESC, ROW_ID_DESC]) { nodes {
						id title startsOn participationsByActivityId(first: 50) { nodes { memberByMemberId { id fullName } } } } } } }`,
				Variables: map[string]any{"u": strconv.FormatInt(t.branch, 10)},
				Answer: answer(func(d struct {
					UnitByRowID struct {
						ActivitiesByUnitID struct {
							Nodes []struct {
								Title, StartsOn            string
								ParticipationsByActivityID struct {
									Nodes []struct{ MemberByMemberID struct{ FullName string } }
								}
							}
						}
					}
				}) any {
					var out []held
					for _, a := range d.UnitByRowID.ActivitiesByUnitID.Nodes {
						h := held{Title: a.Title, StartsOn: a.StartsOn}
						for _, p := range a.ParticipationsByActivityID.Nodes {
							h.Names = append(h.Names, p.MemberByMemberID.FullName)
						}
						out = append(out, h.sorted())
					}
					return out
				})},
			SQL: []string{`WITH a AS (SELECT a.id, a.title, a.starts_on FROM activities a WHERE a.unit_id = $1 ORDER BY a.starts_on DESC, a.id DESC LIMIT 20)
				SELECT a.id, a.title, a.starts_on, x.full_name FROM a LEFT JOIN LATERAL (SELECT m.full_name FROM participations p
					JOIN members m ON m.id = p.member_id WHERE p.activity_id = a.id ORDER BY m.sort_name, m.id LIMIT 50) x ON true`},
			Args: [][]any{{t.branch}}},
		{Name: "7 participations per activity", GraphQL: `query($u: ID!) { activities(filter: {unitId: $u}, first: 50) { edges { node {
				startsOn participantCount } } } }`,
			Variables: map[string]any{"u": unit(t.branch)},
			Answer: answer(func(d struct {
				Activities struct {
					Edges []struct {
						Node struct {
							StartsOn         string
							ParticipantCount int
						}
					}
				}
			}) any {
				var out []string
				for _, e := range d.Activities.Edges {
					out = append(out, fmt.Sprint(e.Node.StartsOn, " ", e.Node.ParticipantCount))
				}
				return out
			}),
			Peer: &loadbench.PeerQuery{GraphQL: `query($u: BigInt!) { unitByRowId(rowId: $u) {
					activitiesByUnitId(first: 50, orderBy: [STARTS_ON_DESC, ROW_ID_DESC]) { nodes { startsOn participationsByActivityId { totalCount } } } } }`,
				Variables: map[string]any{"u": strconv.FormatInt(t.branch, 10)},
				Answer: answer(func(d struct {
					UnitByRowID struct {
						ActivitiesByUnitID struct {
							Nodes []struct {
								StartsOn                   string
								ParticipationsByActivityID struct{ TotalCount int }
							}
						}
					}
				}) any {
					var out []string
					for _, a := range d.UnitByRowID.ActivitiesByUnitID.Nodes {
						out = append(out, fmt.Sprint(a.StartsOn, " ", a.ParticipationsByActivityID.TotalCount))
					}
					return out
				})},
			SQL: []string{`SELECT a.id, a.starts_on, (SELECT count(*) FROM participations p WHERE p.activity_id = a.id)
				FROM activities a WHERE a.unit_id = $1 ORDER BY a.starts_on DESC, a.id DESC LIMIT 50`},
			Args: [][]any{{t.branch}}},
		{Name: "8 branch's activities in a year", GraphQL: `query($u: ID!, $y: Int!) { activities(filter: {unitId: $u, year: $y}) { totalCount } }`,
			Variables: map[string]any{"u": unit(t.branch), "y": t.year},
			Answer:    answer(func(d struct{ Activities struct{ TotalCount int } }) any { return d.Activities.TotalCount }),
			Peer: &loadbench.PeerQuery{GraphQL: `query($u: BigInt!, $from: Date!, $to: Date!) {
					allActivities(condition: {unitId: $u, startsOnFrom: $from, startsOnTo: $to}) { totalCount } }`,
				Variables: map[string]any{"u": strconv.FormatInt(t.branch, 10), "from": fmt.Sprintf("%d-01-01", t.year), "to": fmt.Sprintf("%d-12-31", t.year)},
				Answer:    answer(func(d struct{ AllActivities struct{ TotalCount int } }) any { return d.AllActivities.TotalCount })},
			SQL:  []string{`SELECT count(*) FROM activities WHERE unit_id = $1 AND starts_on >= make_date($2, 1, 1) AND starts_on < make_date($2 + 1, 1, 1)`},
			Args: [][]any{{t.branch, t.year}}},
	}
}

// person is a member as the compared queries read them.
type person struct{ FullName, Position string }

// listed is a page of a list with its count.
type listed struct {
	Total int
	Items []person
}

// nodes are the nodes of a connection's edges.
func nodes(edges []struct{ Node person }) []person {
	out := make([]person, len(edges))
	for i, e := range edges {
		out[i] = e.Node
	}
	return out
}

// held is an activity with its participants' names, sorted: PostGraphile
// lists them by participation, ours by name.
type held struct {
	Title, StartsOn string
	Names           []string
}

func (h held) sorted() held {
	slices.Sort(h.Names)
	return h
}

// answer decodes a GraphQL answer's data into T and reduces it to what
// both servers must agree on.
func answer[T any](reduce func(T) any) func(json.RawMessage) (any, error) {
	return func(data json.RawMessage) (any, error) {
		var v T
		if err := json.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		return reduce(v), nil
	}
}

// pickQueries keeps the queries whose numbers only lists ("3" takes the
// province's report, 3p, too); an empty list keeps all.
func pickQueries(queries []loadbench.Query, only string) []loadbench.Query {
	if only == "" {
		return queries
	}
	var picked []loadbench.Query
	for _, q := range queries {
		for n := range strings.SplitSeq(only, ",") {
			if n = strings.TrimSpace(n); strings.HasPrefix(q.Name, n+" ") || (n == "3" && strings.HasPrefix(q.Name, "3p ")) {
				picked = append(picked, q)
			}
		}
	}
	return picked
}

// writeBenchResults prints the table and writes it to out, and the same
// numbers for benchstat beside it (out with .bench for its extension).
func writeBenchResults(stdout io.Writer, out string, rows []loadbench.Row, counts map[string]int, peaks []loadbench.Peak) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	loadbench.Write(io.MultiWriter(stdout, f), rows, counts, peaks)
	benchFile := strings.TrimSuffix(out, filepath.Ext(out)) + ".bench"
	bf, err := os.Create(benchFile)
	if err != nil {
		return err
	}
	defer bf.Close()
	loadbench.WriteBenchstat(bf, rows, counts, peaks)
	fmt.Fprintf(stdout, "also in %s and, for benchstat, %s\n", out, benchFile)
	return errors.Join(f.Sync(), bf.Sync())
}
