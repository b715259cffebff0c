package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/report"
)

// reportSections are the report's sections timed one by one, then all
// together: what a dashboard tile asks for and what the full report costs.
var reportSections = []struct {
	name  string
	parts report.Parts
}{
	{"members", report.Parts{Members: true}},
	{"year start", report.Parts{YearStart: true}},
	{"activities", report.Parts{Activities: true}},
	{"notable", report.Parts{Notable: true}},
	{"monthly", report.Parts{Monthly: true}},
	{"pledges", report.Parts{Pledges: true}},
	{"ratings", report.Parts{Ratings: true}},
	{"commendations", report.Parts{Commendations: true}},
	{"news", report.Parts{News: true}},
	{"committee", report.Parts{Committee: true}},
	{"breakdown", report.Parts{Breakdown: true}},
	{"previous year", report.Parts{Previous: report.All.Previous}},
	{"every section", report.All},
}

// reportbenchCommand handles `server reportbench`: every section of the
// yearly report, and the whole of it, for a branch, a bloc and the
// province, timed through the report store (median of --runs).
func reportbenchCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reportbench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	members := fs.Int("members", 100_000, "members to generate when the database is empty")
	runs := fs.Int("runs", 5, "runs of each section; the median is printed")
	if err := fs.Parse(args); err != nil || *runs < 1 {
		return usageError{"reportbench: bad arguments\n" + usage}
	}
	cfg.DBStatementTimeout, cfg.DBIdleInTxTimeout = 0, 0
	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	if err := ensureBenchData(ctx, pool, *members, stdout); err != nil {
		return err
	}
	t, err := findBenchTargets(ctx, pool)
	if err != nil {
		return err
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM members`).Scan(&n); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "report sections, %d members, year %d, median of %d runs (ms)\n", n, t.year, *runs)
	fmt.Fprintf(stdout, "%-16s %10s %10s %10s\n", "section", "branch", "bloc", "province")
	store := report.NewStore(pool)
	for _, s := range reportSections {
		fmt.Fprintf(stdout, "%-16s", s.name)
		for _, unit := range []int64{t.branch, t.bloc, t.province} {
			d, err := medianRun(ctx, *runs, func() error {
				_, err := store.YearlyParts(ctx, unit, t.year, s.parts)
				return err
			})
			if err != nil {
				return fmt.Errorf("%s of unit %d: %w", s.name, unit, err)
			}
			fmt.Fprintf(stdout, " %10.1f", float64(d.Microseconds())/1000)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// medianRun runs f once to warm the caches, then runs times more and
// returns the median duration.
func medianRun(ctx context.Context, runs int, f func() error) (time.Duration, error) {
	if err := f(); err != nil {
		return 0, err
	}
	took := make([]time.Duration, runs)
	for i := range took {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		start := time.Now()
		if err := f(); err != nil {
			return 0, err
		}
		took[i] = time.Since(start)
	}
	slices.Sort(took)
	return took[runs/2], nil
}
