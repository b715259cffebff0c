// Package loadbench drives the dashboard queries through the real HTTP
// server at several concurrencies and measures them against the same data
// read with hand-written SQL, the floor the GraphQL layer is held to.
package loadbench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Query is one dashboard query, as GraphQL and as the SQL a hand-written
// backend would send for the same answer (empty: no floor measured).
type Query struct {
	Name      string
	GraphQL   string
	Variables map[string]any
	// Answer reduces our server's answer (its data) to what every server
	// must agree on before it is timed; nil: not compared.
	Answer func(data json.RawMessage) (any, error)
	// Peer is the same read as the peer server is asked it; nil: the peer
	// is not asked.
	Peer *PeerQuery
	SQL  []string // run in order, each with Args
	Args [][]any
}

// PeerQuery is a query as the peer server (PostGraphile) is asked it.
type PeerQuery struct {
	GraphQL   string
	Variables map[string]any
	Answer    func(data json.RawMessage) (any, error)
}

// Server is a GraphQL server under load: ours first, then the peer.
type Server struct {
	Name   string
	URL    string
	Header http.Header
	// PID is its process, whose CPU time is read from /proc (0: not read).
	PID int
	// Check sends a query once before the attacks; nil: a POST.
	Check func(q string, vars map[string]any) (json.RawMessage, error)
}

// Row is one line of the results table: the median of its rounds.
type Row struct {
	Query       string
	Via         string // a server's name, or sql
	Concurrency int
	Rate        float64
	P50, P99    time.Duration
	Success     float64
	Statements  int
	// CPU is the server process's CPU time per request (0: not read).
	CPU time.Duration
	// DB is the CPU time PostgreSQL's processes used per request, and
	// Client the load generator's: the rest of what a request costs the
	// machine they all share (0: not read).
	DB, Client time.Duration
	Rounds     int
}

// Options is what Run measures and how.
type Options struct {
	Servers []Server
	Pool    *pgxpool.Pool // for the SQL floors
	Queries []Query
	Levels  []int
	// Each attack lasts Duration; with a peer, each server is attacked
	// Rounds times per level, the two in turn (ours first in odd rounds).
	Duration time.Duration
	Rounds   int
	// Statements reports how many SQL statements our server's checked
	// request sent; it is called right after that request.
	Statements func() int
	// Observe, when set, is called as each attack on our server starts,
	// and what it returns as it ends.
	Observe func(query string, c int) func()
}

// Run attacks the servers with each query at each level, after checking
// that they give the same answer, and runs the SQL floors on the pool; it
// returns the rows in order, and the statements each query sent.
func Run(ctx context.Context, o Options) ([]Row, map[string]int, error) {
	var rows []Row
	counts := map[string]int{}
	for _, q := range o.Queries {
		servers, bodies, err := checkAnswers(o.Servers, q)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		if o.Statements != nil {
			counts[q.Name] = o.Statements()
		}
		rounds := 1
		if len(servers) > 1 {
			rounds = max(1, o.Rounds)
		}
		for _, c := range o.Levels {
			got := make([][]Row, len(servers))
			for round := range rounds {
				for k := range servers {
					i := k
					if round%2 == 1 {
						i = len(servers) - 1 - k
					}
					var ended func()
					if i == 0 && o.Observe != nil && round == 0 {
						ended = o.Observe(q.Name, c)
					}
					got[i] = append(got[i], attack(servers[i], bodies[i], q.Name, c, o.Duration))
					if ended != nil {
						ended()
					}
				}
			}
			for i := range servers {
				rows = append(rows, median(got[i]))
			}
		}
		if len(q.SQL) == 0 {
			continue
		}
		for _, c := range o.Levels {
			r, err := floor(ctx, o.Pool, q, c, o.Duration)
			if err != nil {
				return nil, nil, fmt.Errorf("%s floor: %w", q.Name, err)
			}
			rows = append(rows, r)
		}
	}
	return rows, counts, nil
}

// checkAnswers asks each server the query once and holds their answers
// equal; it returns the servers the query is timed on, with its body for each.
func checkAnswers(all []Server, q Query) ([]Server, [][]byte, error) {
	var servers []Server
	var bodies [][]byte
	var first any
	for i, srv := range all {
		text, vars, answer := q.GraphQL, q.Variables, q.Answer
		if i > 0 {
			if q.Peer == nil {
				continue
			}
			text, vars, answer = q.Peer.GraphQL, q.Peer.Variables, q.Peer.Answer
		}
		data, err := ask(srv, text, vars)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", srv.Name, err)
		}
		if answer != nil {
			got, err := answer(data)
			if err != nil {
				return nil, nil, fmt.Errorf("%s's answer: %w", srv.Name, err)
			}
			if i == 0 {
				first = got
			} else if !reflect.DeepEqual(first, got) {
				return nil, nil, fmt.Errorf("%s answers otherwise:\n ours %.600v\n its  %.600v", srv.Name, first, got)
			}
		}
		body, err := json.Marshal(map[string]any{"query": text, "variables": vars})
		if err != nil {
			return nil, nil, err
		}
		servers, bodies = append(servers, srv), append(bodies, body)
	}
	return servers, bodies, nil
}

// ask sends a query once: with the server's own Check, else as a POST.
func ask(srv Server, text string, vars map[string]any) (json.RawMessage, error) {
	if srv.Check != nil {
		return srv.Check(text, vars)
	}
	body, err := json.Marshal(map[string]any{"query": text, "variables": vars})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = srv.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return decode(resp)
}

// decode reads a GraphQL response's data, failing on any error, so that a
// broken query is not benchmarked as a fast one.
func decode(resp *http.Response) (json.RawMessage, error) {
	out, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(out, &r); err != nil || len(r.Errors) > 0 || resp.StatusCode != 200 {
		return nil, fmt.Errorf("query fails: %d %.300s", resp.StatusCode, out)
	}
	return r.Data, nil
}

// attack sends body to srv from c connections for d, as fast as it answers.
func attack(srv Server, body []byte, name string, c int, d time.Duration) Row {
	atk := vegeta.NewAttacker(vegeta.Workers(uint64(c)), vegeta.MaxWorkers(uint64(c)), vegeta.Connections(c),
		vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	target := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: srv.URL, Body: body, Header: srv.Header})
	cpu, db, client := CPUTimeOf(srv.PID), postgresCPU(), CPUTimeOf(os.Getpid())
	var m vegeta.Metrics
	for res := range atk.Attack(target, vegeta.Rate{Freq: 0}, d, name) {
		m.Add(res)
	}
	m.Close()
	r := Row{Query: name, Via: srv.Name, Concurrency: c, Rate: m.Throughput, P50: m.Latencies.P50, P99: m.Latencies.P99,
		Success: m.Success, Rounds: 1}
	if ok := float64(m.Requests) * m.Success; srv.PID != 0 && ok > 0 {
		r.CPU = time.Duration(float64(CPUTimeOf(srv.PID)-cpu) / ok)
		r.DB = time.Duration(float64(postgresCPU()-db) / ok)
		r.Client = time.Duration(float64(CPUTimeOf(os.Getpid())-client) / ok)
	}
	return r
}

// postgresCPU is the CPU time all of PostgreSQL's processes (the server's
// backends, its own workers) have used so far, from /proc.
func postgresCPU() time.Duration {
	dirs, _ := os.ReadDir("/proc")
	var sum time.Duration
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(comm)) == "postgres" {
			sum += CPUTimeOf(pid)
		}
	}
	return sum
}

// median is the row of the rounds' medians, figure by figure.
func median(rounds []Row) Row {
	out := rounds[0]
	out.Rounds = len(rounds)
	mid := func(get func(Row) float64) float64 {
		v := make([]float64, len(rounds))
		for i, r := range rounds {
			v[i] = get(r)
		}
		sort.Float64s(v)
		if len(v)%2 == 0 {
			return (v[len(v)/2-1] + v[len(v)/2]) / 2
		}
		return v[len(v)/2]
	}
	out.Rate = mid(func(r Row) float64 { return r.Rate })
	out.P50 = time.Duration(mid(func(r Row) float64 { return float64(r.P50) }))
	out.P99 = time.Duration(mid(func(r Row) float64 { return float64(r.P99) }))
	out.Success = mid(func(r Row) float64 { return r.Success })
	out.CPU = time.Duration(mid(func(r Row) float64 { return float64(r.CPU) }))
	out.DB = time.Duration(mid(func(r Row) float64 { return float64(r.DB) }))
	out.Client = time.Duration(mid(func(r Row) float64 { return float64(r.Client) }))
	return out
}

// CPUTimeOf is the user and system CPU time a process has used so far,
// from /proc (0 elsewhere, or for pid 0).
func CPUTimeOf(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The fields after the command's name (which may hold spaces), from
	// the third: utime and stime are the 14th and 15th, in clock ticks.
	rest := string(b[bytes.LastIndexByte(b, ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	var utime, stime int64
	fmt.Sscan(f[11], &utime)
	fmt.Sscan(f[12], &stime)
	return time.Duration(utime+stime) * time.Second / clockTicks
}

// clockTicks is Linux's USER_HZ, the unit of /proc's CPU times: 100 on
// every architecture Go builds for.
const clockTicks = 100

// floor runs the query's SQL from c goroutines for d.
func floor(ctx context.Context, pool *pgxpool.Pool, q Query, c int, d time.Duration) (Row, error) {
	deadline := time.Now().Add(d)
	var mu sync.Mutex
	var lat []time.Duration
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for range c {
		wg.Go(func() {
			var mine []time.Duration
			for time.Now().Before(deadline) {
				start := time.Now()
				for i, sql := range q.SQL {
					rows, err := pool.Query(ctx, sql, q.Args[i]...)
					if err == nil {
						for rows.Next() {
						}
						err = rows.Err()
						rows.Close()
					}
					if err != nil {
						failed.Add(1)
						firstErr.CompareAndSwap(nil, err.Error())
					}
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if failed.Load() > 0 {
		return Row{}, fmt.Errorf("%d statements failed, the first with: %v", failed.Load(), firstErr.Load())
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p))]
	}
	return Row{Query: q.Name, Via: "sql", Concurrency: c, Rate: float64(len(lat)) / d.Seconds(),
		P50: pct(0.5), P99: pct(0.99), Success: 1, Statements: len(q.SQL)}, nil
}

// AskByGET is a Server's Check that sends the query as a GET: the attacks
// use POST, so the server's log line of this one request can be told apart.
func AskByGET(url string, header http.Header) func(string, map[string]any) (json.RawMessage, error) {
	return func(text string, vars map[string]any) (json.RawMessage, error) {
		v, err := json.Marshal(vars)
		if err != nil {
			return nil, err
		}
		params := neturl.Values{"query": {text}, "variables": {string(v)}}
		req, err := http.NewRequest(http.MethodGet, url+"?"+params.Encode(), nil)
		if err != nil {
			return nil, err
		}
		req.Header = header.Clone()
		req.Header.Del("Content-Type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		return decode(resp)
	}
}

// PeakRSSOf is a process's peak resident memory, from /proc (0 elsewhere).
func PeakRSSOf(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb * 1024
		}
	}
	return 0
}

// Peak is a server's peak resident memory.
type Peak struct {
	Server string
	Bytes  int64
}

// Write prints the table; then, for each query and level the peer was
// asked too, ours against the peer's; then the servers' peak memory.
func Write(w io.Writer, rows []Row, statements map[string]int, peaks []Peak) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tvia\tconcurrency\treq/s\tp50\tp99\tCPU/req\tDB CPU/req\tclient CPU/req\tsuccess\trounds\tSQL statements/req\t")
	for _, r := range rows {
		n := r.Statements
		if r.Via != "sql" {
			n = statements[r.Query]
		}
		cpu, db, client := micros(r.CPU), micros(r.DB), micros(r.Client)
		stmts := strconv.Itoa(n)
		if r.Via != "sql" && r.Via != rows[0].Via {
			stmts = "–" // the peer's are not counted
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%s\t%s\t%s\t%s\t%.0f%%\t%d\t%s\t\n", r.Query, r.Via, r.Concurrency, r.Rate,
			r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), cpu, db, client, r.Success*100, max(r.Rounds, 1), stmts)
	}
	tw.Flush()
	writeRatios(w, rows)
	fmt.Fprint(w, "peak resident memory:")
	for _, p := range peaks {
		fmt.Fprintf(w, " %s %d MB;", p.Server, p.Bytes>>20)
	}
	fmt.Fprintf(w, " load generator and SQL floor %d MB\n", PeakRSSOf(os.Getpid())>>20)
}

// micros is a CPU time per request as the table shows it; – when not read.
func micros(d time.Duration) string {
	if d <= 0 {
		return "–"
	}
	return d.Round(10 * time.Microsecond).String()
}

// writeRatios prints ours over the peer's, per query and level: requests
// per second, CPU per request, p99, and ours over the SQL floor.
func writeRatios(w io.Writer, rows []Row) {
	type key struct {
		q string
		c int
	}
	ours := rows[0].Via
	by := map[key]map[string]Row{}
	var order []key
	for _, r := range rows {
		k := key{r.Query, r.Concurrency}
		if by[k] == nil {
			by[k] = map[string]Row{}
			order = append(order, k)
		}
		by[k][r.Via] = r
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	printed := false
	for _, k := range order {
		o, ok := by[k][ours]
		if !ok {
			continue
		}
		for via, p := range by[k] {
			if via == ours || via == "sql" || p.Rate == 0 {
				continue
			}
			if !printed {
				fmt.Fprintf(tw, "\nquery\tconcurrency\treq/s %s ÷ %s\tCPU/req %s ÷ %s\tp99 %s ÷ %s\treq/s %s ÷ sql\tceiling\t\n", ours, via, ours, via, ours, via, ours)
				printed = true
			}
			cpu, floor, ceiling := "–", "–", "–"
			if o.CPU > 0 && p.CPU > 0 {
				cpu = fmt.Sprintf("%.2f", float64(o.CPU)/float64(p.CPU))
			}
			if f, ok := by[k]["sql"]; ok && f.Rate > 0 {
				floor = fmt.Sprintf("%.2f", o.Rate/f.Rate)
			}
			// The machine's cores are shared by the server, PostgreSQL and
			// the load generator: had our server cost no CPU at all, ours
			// would have answered at most this many times the peer's rate.
			if o.DB+o.Client > 0 && p.CPU > 0 {
				ceiling = fmt.Sprintf("%.2f", float64(p.CPU+p.DB+p.Client)/float64(o.DB+o.Client))
			}
			fmt.Fprintf(tw, "%s\t%d\t%.2f\t%s\t%.2f\t%s\t%s\t\n", k.q, k.c, o.Rate/p.Rate, cpu, float64(o.P99)/float64(max(p.P99, 1)), floor, ceiling)
		}
	}
	tw.Flush()
}

// WriteBenchstat writes the rows in Go's benchmark format, one line per
// query, server and concurrency, so that runs can be compared with benchstat
// (golang.org/x/perf/cmd/benchstat old.bench new.bench).
func WriteBenchstat(w io.Writer, rows []Row, statements map[string]int, peaks []Peak) {
	name := strings.NewReplacer(" ", "_", "'", "")
	for _, r := range rows {
		n := r.Statements
		if r.Via != "sql" {
			n = statements[r.Query]
		}
		count := int(r.Rate)
		if r.Rate <= 0 {
			continue
		}
		fmt.Fprintf(w, "BenchmarkDashboard/%s/%s/c=%d\t%d\t%.0f ns/op\t%.0f p50-ns\t%.0f p99-ns\t%.0f cpu-ns/op\t%.0f db-cpu-ns/op\t%d statements/op\n",
			name.Replace(r.Query), r.Via, r.Concurrency, max(count, 1), float64(time.Second)/r.Rate,
			float64(r.P50), float64(r.P99), float64(r.CPU), float64(r.DB), n)
	}
	for _, p := range peaks {
		fmt.Fprintf(w, "BenchmarkServerPeakMemory/%s\t1\t%d peak-bytes\n", p.Server, p.Bytes)
	}
}
