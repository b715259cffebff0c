package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/figures"
)

// errFiguresDiffer makes `server figures verify` exit non-zero when it
// found a difference, so a scheduled check can alert.
var errFiguresDiffer = errors.New("the kept figures differ from the records: run `server figures rebuild`")

// figuresCommand handles `server figures verify|rebuild [--unit ID] [--year Y]`.
func figuresCommand(ctx context.Context, cfg config.Config, log zerolog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "rebuild") {
		return usageError{"figures takes verify or rebuild\n" + usage}
	}
	verb := args[0]
	fs := flag.NewFlagSet("figures", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	unit := fs.Int64("unit", 0, "only this unit and the units below it")
	year := fs.Int("year", 0, "only this year")
	if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 || *unit < 0 || *year < 0 {
		return usageError{"figures " + verb + ": bad arguments\n" + usage}
	}
	cfg.DBStatementTimeout, cfg.DBIdleInTxTimeout = 0, 0 // a whole database may rightly take minutes
	pool, closeDB, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer closeDB()
	filter := figures.Filter{UnitID: *unit, Year: *year}
	if verb == "rebuild" {
		n, err := figures.Rebuild(ctx, pool, filter)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "rebuilt %d month rows of figures\n", n)
		return nil
	}
	diffs, err := figures.Verify(ctx, pool, filter)
	if err != nil {
		return err
	}
	const shown = 50
	for i, d := range diffs {
		if i == shown {
			fmt.Fprintf(stdout, "... and %d more\n", len(diffs)-shown)
			break
		}
		fmt.Fprintln(stdout, d)
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%d differences: %w", len(diffs), errFiguresDiffer)
	}
	fmt.Fprintln(stdout, "figures match the records")
	return nil
}
