// Package loadbench drives the dashboard queries through the real HTTP
// server at several concurrencies and measures them against the same data
// read with hand-written SQL, the floor the GraphQL layer is held to.
package loadbench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"sort"
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
	SQL       []string // run in order, each with Args
	Args      [][]any
}

// Row is one line of the results table.
type Row struct {
	Query       string
	Via         string // graphql or sql
	Concurrency int
	Rate        float64
	P50, P99    time.Duration
	Success     float64
	Statements  int
}

// Run attacks url with each query at each concurrency for d, and runs the
// SQL floors on pool; it returns the rows in order.
// statements reports how many SQL statements the server's checked request
// (a GET) sent; it is called right after that request. observe, when set,
// is called as each GraphQL attack starts and what it returns as it ends.
func Run(ctx context.Context, url, token string, pool *pgxpool.Pool, queries []Query, levels []int, d time.Duration,
	statements func() int, observe func(query string, c int) func()) ([]Row, map[string]int, error) {
	var rows []Row
	counts := map[string]int{}
	for _, q := range queries {
		body, err := json.Marshal(map[string]any{"query": q.GraphQL, "variables": q.Variables})
		if err != nil {
			return nil, nil, err
		}
		header := http.Header{"Content-Type": {"application/json"}, "Authorization": {"Bearer " + token}}
		if err := check(url, q, header); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", q.Name, err)
		}
		counts[q.Name] = statements()
		for _, c := range levels {
			atk := vegeta.NewAttacker(vegeta.Workers(uint64(c)), vegeta.MaxWorkers(uint64(c)), vegeta.Connections(c),
				vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
			target := vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodPost, URL: url, Body: body, Header: header})
			var m vegeta.Metrics
			ended := func() {}
			if observe != nil {
				ended = observe(q.Name, c)
			}
			for res := range atk.Attack(target, vegeta.Rate{Freq: 0}, d, q.Name) {
				m.Add(res)
			}
			m.Close()
			ended()
			rows = append(rows, Row{Query: q.Name, Via: "graphql", Concurrency: c, Rate: m.Throughput,
				P50: m.Latencies.P50, P99: m.Latencies.P99, Success: m.Success})
		}
		if len(q.SQL) == 0 {
			continue
		}
		for _, c := range levels {
			r, err := floor(ctx, pool, q, c, d)
			if err != nil {
				return nil, nil, fmt.Errorf("%s floor: %w", q.Name, err)
			}
			rows = append(rows, r)
		}
	}
	return rows, counts, nil
}

// check sends the query once, as a GET (the attack uses POST, so the
// server's log line of this one request can be told apart), and fails on
// any GraphQL error, so a broken query is not benchmarked as a fast one.
func check(url string, q Query, header http.Header) error {
	vars, err := json.Marshal(q.Variables)
	if err != nil {
		return err
	}
	params := neturl.Values{"query": {q.GraphQL}, "variables": {string(vars)}}
	req, err := http.NewRequest(http.MethodGet, url+"?"+params.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header = header.Clone()
	req.Header.Del("Content-Type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var r struct{ Errors []any }
	if err := json.Unmarshal(out, &r); err != nil || len(r.Errors) > 0 || resp.StatusCode != 200 {
		return fmt.Errorf("query fails: %d %.300s", resp.StatusCode, out)
	}
	return nil
}

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

// Write prints the table, then the server's peak memory.
func Write(w io.Writer, rows []Row, statements map[string]int, serverPeak int64) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "query\tvia\tconcurrency\treq/s\tp50\tp99\tsuccess\tSQL statements/req\t")
	for _, r := range rows {
		n := r.Statements
		if r.Via == "graphql" {
			n = statements[r.Query]
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.0f\t%s\t%s\t%.0f%%\t%d\t\n", r.Query, r.Via, r.Concurrency, r.Rate,
			r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), r.Success*100, n)
	}
	tw.Flush()
	fmt.Fprintf(w, "peak resident memory: server %d MB; load generator and SQL floor %d MB\n",
		serverPeak>>20, PeakRSSOf(os.Getpid())>>20)
}

// WriteBenchstat writes the rows in Go's benchmark format, one line per
// query, path and concurrency, so that runs can be compared with benchstat
// (golang.org/x/perf/cmd/benchstat old.bench new.bench).
func WriteBenchstat(w io.Writer, rows []Row, statements map[string]int, serverPeak int64) {
	name := strings.NewReplacer(" ", "_", "'", "")
	for _, r := range rows {
		n := r.Statements
		if r.Via == "graphql" {
			n = statements[r.Query]
		}
		count := int(r.Rate)
		if r.Rate <= 0 {
			continue
		}
		fmt.Fprintf(w, "BenchmarkDashboard/%s/%s/c=%d\t%d\t%.0f ns/op\t%.0f p50-ns\t%.0f p99-ns\t%d statements/op\n",
			name.Replace(r.Query), r.Via, r.Concurrency, max(count, 1), float64(time.Second)/r.Rate,
			float64(r.P50), float64(r.P99), n)
	}
	fmt.Fprintf(w, "BenchmarkServerPeakMemory\t1\t%d peak-bytes\n", serverPeak)
}
