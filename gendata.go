package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/config"
)

// gendataCommand handles `server gendata`: a province-sized dataset for
// benchmarks and load tests, written with COPY into an empty database.
func gendataCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("gendata", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	members := fs.Int("members", 100_000, "about how many members to make")
	seed := fs.Uint64("seed", 1, "the same seed makes the same data")
	if err := fs.Parse(args); err != nil {
		return usageError{"gendata: " + err.Error() + "\n" + usage}
	}
	if *members < 50 || *members > 2_000_000 {
		return usageError{fmt.Sprintf("gendata --members takes 50 to 2000000, got %d", *members)}
	}
	cfg.DBStatementTimeout, cfg.DBIdleInTxTimeout = 0, 0 // bulk COPY may rightly run for minutes
	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	start := time.Now()
	g, err := bulk.Generate(ctx, pool, bulk.Options{Members: *members, Seed: *seed,
		Log: func(step string, rows int64, took time.Duration) {
			fmt.Fprintf(stdout, "%-40s %9d rows  %6.1fs\n", step, rows, took.Seconds())
		}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done in %.1fs: %d units, %d members, %d activities, %d participations\n",
		time.Since(start).Seconds(), g.Units, g.Members, g.Activities, g.Participations)
	return nil
}
