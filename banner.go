package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rs/zerolog"
	"golang.org/x/term"

	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/dblocate"
	"github.com/sodoan/sodoan/internal/seed"
)

// isTerminal reports whether w is a terminal (a person reads it).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// banner is what a developer needs once the server is up: where it is,
// which database it uses and how to reach that, and whom to sign in as.
type banner struct {
	URL      string
	Env      config.Environment
	Database string // the database's name and where it is
	Psql     string // a psql line that reaches it; "" when not to print one
	// DemoAccounts are listed when the demo is in the database.
	DemoAccounts []seed.DemoAccount
}

// newBanner gathers the banner's facts; a failure to look for the demo
// only leaves the accounts out.
func newBanner(ctx context.Context, cfg config.Config, addr net.Addr, found *dblocate.Database, pool *pgxpool.Pool, log zerolog.Logger) banner {
	b := banner{URL: browserURL(addr), Env: cfg.Env, Psql: found.Psql()}
	b.Database = string(found.Source)
	if cc, err := pgconn.ParseConfig(found.URL); err == nil {
		b.Database = fmt.Sprintf("%s on %s:%d (%s)", cc.Database, cc.Host, cc.Port, describeSource(found))
	}
	if cfg.Env == config.Development {
		has, err := seed.HasDemoAccounts(ctx, pool)
		if err != nil {
			log.Warn().Err(err).Msg("start-up banner: demo accounts not listed")
		}
		if has {
			b.DemoAccounts = seed.DemoAccounts
		}
	}
	return b
}

func describeSource(found *dblocate.Database) string {
	switch {
	case found.Source == dblocate.FromCluster && found.Outcome == dblocate.Shared:
		return "local cluster, shared with another running server"
	case found.Source == dblocate.FromCluster:
		return "local cluster, " + string(found.Outcome) + ", stopped when the server exits"
	case found.Source == dblocate.FromURL:
		return "DATABASE_URL"
	}
	return "PostgreSQL on " + string(found.Source)
}

// browserURL is the address to open in a browser: a wildcard listener
// (":8080", "0.0.0.0:8080", "[::]:8080") is reached on localhost.
func browserURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}

func writeBanner(w io.Writer, b banner) {
	var s strings.Builder
	fmt.Fprintf(&s, "\nSổ Đoàn is running (%s)\n", b.Env)
	if b.Env == config.Development {
		fmt.Fprintf(&s, "  GraphiQL:  %s\n", b.URL)
	}
	fmt.Fprintf(&s, "  GraphQL:   %sgraphql\n", b.URL)
	fmt.Fprintf(&s, "  database:  %s\n", b.Database)
	if b.Psql != "" {
		fmt.Fprintf(&s, "  psql:      %s\n", b.Psql)
	}
	if len(b.DemoAccounts) > 0 {
		fmt.Fprintf(&s, "  demo accounts, password %s:\n", seed.DemoPassword)
		for _, a := range b.DemoAccounts {
			fmt.Fprintf(&s, "    %-16s %s\n", a.Username, a.Role)
		}
	}
	s.WriteString("  stop with Ctrl-C\n\n")
	io.WriteString(w, s.String())
}
