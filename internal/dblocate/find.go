// Package dblocate finds the PostgreSQL database the server uses, in one
// place for the server, `make run` and the tests: an explicit URL; else a
// server on localhost:5432 (creating the product's database there); else a
// project-local cluster started from the machine's PostgreSQL binaries.
package dblocate

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
)

// Source says where the database came from, for the start-up log.
type Source string

const (
	FromURL       Source = "DATABASE_URL"
	FromLocalhost Source = "localhost"
	FromCluster   Source = "local cluster"
)

// Options say where to look.
type Options struct {
	// URL, when set, is used as it is.
	URL string
	// Name is the product's database, created when missing on localhost or
	// in the local cluster.
	Name string
	// ProbeAddr is the server to try before starting a cluster; default
	// localhost:5432. "-" skips it (tests that need the cluster path).
	ProbeAddr string
	// ClusterDir is the local cluster's data folder.
	ClusterDir string
	// BinDirs are where to look for PostgreSQL binaries; nil means PATH,
	// then /usr/lib/postgresql/*/bin.
	BinDirs []string
	Log     zerolog.Logger
}

// Database is a found database.
type Database struct {
	URL    string
	Source Source
	// Outcome says, for a local cluster, whether Find started it, adopted
	// it from a run that died, or shares it with a live one.
	Outcome Outcome
	// cluster is set when this process owns the local cluster (started or
	// adopted it), which Close stops.
	cluster *Cluster
	psql    string
}

// Psql is a psql command line that reaches the database, for the start-up
// log; "" when it came from DATABASE_URL (which may hold a password).
func (d *Database) Psql() string { return d.psql }

// Close stops the local cluster if this process owns it (Find started it,
// or adopted it from a run that died); otherwise it does nothing.
func (d *Database) Close(ctx context.Context) error {
	if d == nil || d.cluster == nil {
		return nil
	}
	return d.cluster.Stop(ctx, "fast")
}

var namePattern = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Find returns the database to use, following the order in the package
// comment.
func Find(ctx context.Context, o Options) (*Database, error) {
	if o.URL != "" {
		return &Database{URL: o.URL, Source: FromURL}, nil
	}
	if !namePattern.MatchString(o.Name) {
		return nil, fmt.Errorf("database name %q: use lower-case letters, digits and underscores", o.Name)
	}
	if o.ProbeAddr == "" {
		o.ProbeAddr = "localhost:5432"
	}
	if o.ProbeAddr != "-" {
		url, err := probe(ctx, o.ProbeAddr, o.Name)
		if err == nil {
			return &Database{URL: url, Source: FromLocalhost, psql: "psql " + shellQuote(url)}, nil
		}
		if !errors.Is(err, errNothingListens) {
			o.Log.Warn().Err(err).Str("addr", o.ProbeAddr).Msg("a server answers but cannot be used; starting a local cluster instead")
		}
	}

	if o.ClusterDir == "" {
		return nil, errors.New("no database reachable and no folder given for a local cluster")
	}
	c, err := NewCluster(o.ClusterDir, o.BinDirs)
	if errors.Is(err, ErrNoBinaries) {
		return nil, ErrNoPostgres
	}
	if err != nil {
		return nil, err
	}
	outcome, err := c.Start(ctx)
	if err != nil {
		return nil, err
	}
	db := &Database{URL: c.URL(o.Name), Source: FromCluster, Outcome: outcome, psql: c.psql(o.Name)}
	ev := o.Log.Info().Str("dir", c.Dir).Int("port", c.Port).Str("psql", db.psql)
	switch outcome {
	case Started:
		ev.Msg("no PostgreSQL reachable: started a local cluster (stopped when the server exits)")
	case Adopted:
		ev.Msg("no PostgreSQL reachable: adopted the local cluster an earlier run left running (stopped when the server exits)")
	case Shared:
		ev.Msg("no PostgreSQL reachable: using the local cluster another running server started (left running)")
	}
	if outcome != Shared {
		db.cluster = c
	}
	fail := func(err error) (*Database, error) {
		_ = db.Close(context.Background())
		return nil, err
	}
	if err := waitAccepting(ctx, c.URL("postgres")); err != nil {
		return fail(err)
	}
	if err := c.EnsureDatabase(ctx, o.Name); err != nil {
		return fail(err)
	}
	return db, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

var errNothingListens = errors.New("nothing listens")

// probe tries to log in to a server at addr as $PGUSER, postgres or the OS
// user, and creates the product's database there.
func probe(ctx context.Context, addr, name string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", errNothingListens
	}
	conn.Close()
	host, port, _ := net.SplitHostPort(addr)

	var lastErr error
	for _, u := range candidateUsers() {
		admin := fmt.Sprintf("postgres://%s@%s/postgres?sslmode=disable&connect_timeout=3", u, net.JoinHostPort(host, port))
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			lastErr = err
			continue
		}
		c.Close(ctx)
		if err := ensureDatabase(ctx, admin, name); err != nil {
			return "", err
		}
		return fmt.Sprintf("postgres://%s@%s/%s?sslmode=disable", u, net.JoinHostPort(host, port), name), nil
	}
	return "", fmt.Errorf("log in to %s: %w", addr, lastErr)
}

func candidateUsers() []string {
	var users []string
	if u := os.Getenv("PGUSER"); u != "" {
		users = append(users, u)
	}
	users = append(users, "postgres")
	if u, err := user.Current(); err == nil && u.Username != "postgres" && u.Username != "" {
		users = append(users, u.Username)
	}
	return users
}

func isDuplicateDatabase(err error) bool {
	var pgErr *pgconn.PgError
	// Two sessions creating the same database at once: the loser gets
	// duplicate_database, or a unique violation on the catalog.
	return errors.As(err, &pgErr) && (pgErr.Code == "42P04" || pgErr.Code == "23505")
}
