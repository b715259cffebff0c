package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
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
	pool, closeDB, t, err := openBenchData(ctx, cfg, log, *members, stdout)
	if err != nil {
		return err
	}
	defer closeDB()
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
			d, err := medianRun(ctx, *runs, func() (time.Duration, error) {
				start := time.Now()
				_, err := store.YearlyParts(ctx, unit, t.year, s.parts)
				return time.Since(start), err
			})
			if err != nil {
				return fmt.Errorf("%s of unit %d: %w", s.name, unit, err)
			}
			fmt.Fprintf(stdout, " %10.1f", ms(d))
		}
		fmt.Fprintln(stdout)
	}
	return writeLatency(ctx, pool, t, *runs, stdout)
}

// benchWrites are the writes whose cost the kept figures add to, each
// with the figures' trigger that fires on it; $1 is a held activity.
var benchWrites = []struct {
	name, table, sql string
}{
	{"50 participations", "participations", `INSERT INTO participations (activity_id, member_id, volunteer_hours)
		SELECT $1, id, 2 FROM members WHERE id NOT IN (SELECT member_id FROM participations WHERE activity_id = $1) ORDER BY id LIMIT 50`},
	{"a contribution", "contributions", `INSERT INTO contributions (activity_id, kind, description, value_dong)
		VALUES ($1, 'CASH', 'Ủng hộ quỹ khuyến học', 1500000)`},
}

// writeLatency times each bench write with the kept figures' triggers on
// and off, in transactions rolled back so the database stays as it was
// (the triggers run at the statement's end, so the statement's time holds
// their cost).
func writeLatency(ctx context.Context, pool *pgxpool.Pool, t benchTargets, runs int, stdout io.Writer) error {
	var act int64
	if err := pool.QueryRow(ctx, `SELECT id FROM activities WHERE unit_id = $1 AND status = 'DONE' ORDER BY starts_on DESC LIMIT 1`,
		t.branch).Scan(&act); err != nil {
		return fmt.Errorf("a held activity of the branch: %w", err)
	}
	fmt.Fprintf(stdout, "\nwrite latency, median of %d runs (ms)\n%-20s %10s %10s %7s\n", runs, "write", "figures on", "off", "ratio")
	for _, w := range benchWrites {
		var took [2]time.Duration
		for i, on := range []bool{true, false} {
			d, err := medianRun(ctx, runs, func() (time.Duration, error) {
				return rolledBack(ctx, pool, func(tx pgx.Tx) (time.Duration, error) {
					if !on {
						if _, err := tx.Exec(ctx, `ALTER TABLE `+w.table+` DISABLE TRIGGER unit_figures_insert`); err != nil {
							return 0, err
						}
					}
					start := time.Now()
					_, err := tx.Exec(ctx, w.sql, act)
					return time.Since(start), err
				})
			})
			if err != nil {
				return fmt.Errorf("%s: %w", w.name, err)
			}
			took[i] = d
		}
		fmt.Fprintf(stdout, "%-20s %10.2f %10.2f %7.2f\n", w.name, ms(took[0]), ms(took[1]), float64(took[0])/float64(took[1]))
	}
	return nil
}

// medianRun runs f once to warm the caches, then runs times more and
// returns the median of the durations f measured.
func medianRun(ctx context.Context, runs int, f func() (time.Duration, error)) (time.Duration, error) {
	if _, err := f(); err != nil {
		return 0, err
	}
	took := make([]time.Duration, runs)
	for i := range took {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		d, err := f()
		if err != nil {
			return 0, err
		}
		took[i] = d
	}
	slices.Sort(took)
	return took[runs/2], nil
}

// rolledBack runs f in a transaction that is then rolled back, and
// returns what f measured.
func rolledBack(ctx context.Context, pool *pgxpool.Pool, f func(pgx.Tx) (time.Duration, error)) (time.Duration, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	return f(tx)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
