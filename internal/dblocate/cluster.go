package dblocate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNoPostgres means no database was reachable and no PostgreSQL server
// binaries were found to start one.
var ErrNoPostgres = errors.New(`no PostgreSQL found. Do one of these:
  - set DATABASE_URL to a PostgreSQL 15+ server, e.g. postgres://user:pass@host:5432/sodoan
  - start a PostgreSQL 15+ server on localhost:5432
  - install the PostgreSQL server binaries, and the project starts its own:
      Debian/Ubuntu: apt-get install postgresql-15
      Fedora:        dnf install postgresql-server
      macOS:         brew install postgresql@16`)

// ErrNoBinaries means the PostgreSQL server binaries a cluster of our own
// needs are not installed (a server in Docker, say, brings none).
var ErrNoBinaries = errors.New(`the PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed: ` +
	`none found in PG_BIN_DIR, on PATH or in /usr/lib/postgresql/*/bin. Install them ` +
	`(Debian/Ubuntu: apt-get install postgresql-15, or a newer postgresql-NN; Fedora: dnf install postgresql-server; macOS: brew install postgresql@16) ` +
	`or set PG_BIN_DIR to the folder that holds them`)

// binDirEnv names a folder holding the PostgreSQL binaries, looked at
// instead of PATH and the usual places when set.
const binDirEnv = "PG_BIN_DIR"

// Outcome says how Start got a running server.
type Outcome string

const (
	// Started: Start started the server; its caller owns it.
	Started Outcome = "started"
	// Adopted: a server was running on the folder, left by a run that died
	// without stopping it; its caller now owns it.
	Adopted Outcome = "adopted"
	// Shared: a server was running on the folder for another live process
	// (a `make run` beside a `server user create`), which owns it.
	Shared Outcome = "shared"
)

// Cluster is a PostgreSQL cluster in a folder of ours, run from the
// machine's binaries: the database of last resort for `make run`, and the
// throwaway server of tests that stop or restart PostgreSQL.
type Cluster struct {
	// Dir holds the cluster's data.
	Dir string
	// Port is where it listens on 127.0.0.1; picked when it first starts.
	Port int

	binDir string
	// runAs is the OS user the server runs as when we are root (initdb
	// refuses root); nil otherwise.
	runAs *user.User
}

// NewCluster finds the PostgreSQL binaries (in binDirs; when binDirs is nil
// in $PG_BIN_DIR if set, else on PATH and then in /usr/lib/postgresql/*/bin)
// for a cluster in dir. It starts nothing. Without the binaries the error
// is ErrNoBinaries.
func NewCluster(dir string, binDirs []string) (*Cluster, error) {
	bin, err := findBinDir(binDirs)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("cluster folder %s: %w", dir, err)
	}
	c := &Cluster{Dir: abs, binDir: bin}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root, PostgreSQL must run as another user, but there is no 'postgres' user: create one (useradd --system postgres) or run as a normal user: %w", err)
		}
		c.runAs = u
	}
	return c, nil
}

// findBinDir returns the first folder holding initdb, pg_ctl and postgres.
func findBinDir(binDirs []string) (string, error) {
	candidates := binDirs
	if candidates == nil && os.Getenv(binDirEnv) != "" {
		candidates = []string{os.Getenv(binDirEnv)}
	}
	if candidates == nil {
		if p, err := exec.LookPath("pg_ctl"); err == nil {
			candidates = append(candidates, filepath.Dir(p))
		}
		candidates = append(candidates, debianBinDirs()...)
	}
	for _, dir := range candidates {
		if isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "pg_ctl")) && isExecutable(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	return "", ErrNoBinaries
}

// debianBinDirs lists /usr/lib/postgresql/<major>/bin, newest major first.
func debianBinDirs() []string {
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	major := func(p string) float64 {
		v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(p)), 64)
		return v
	}
	sort.Slice(matches, func(i, j int) bool { return major(matches[i]) > major(matches[j]) })
	return matches
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// URL is the connection string of database in the cluster.
func (c *Cluster) URL(database string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.Port, database)
}

// Beside the data folder: the server's log, the port it last listened on
// (kept from run to run, so a psql line keeps working), and the pid of the
// process that owns the running server and stops it when it exits.
// psql is a psql command line for database in the cluster.
func (c *Cluster) psql(database string) string {
	return fmt.Sprintf("psql -h 127.0.0.1 -p %d -U postgres %s", c.Port, database)
}

func (c *Cluster) logFile() string   { return c.Dir + ".log" }
func (c *Cluster) portFile() string  { return c.Dir + ".port" }
func (c *Cluster) ownerFile() string { return c.Dir + ".owner" }

// Start initialises the cluster if its folder is new and starts the server
// on the port it had before when that is free. If a server already runs on
// the folder, Start uses it: Adopted when the process that started it has
// died (a server killed with SIGKILL leaves PostgreSQL running), so the
// caller now owns it and stops it; Shared when that process still runs.
func (c *Cluster) Start(ctx context.Context) (Outcome, error) {
	if err := c.prepareDir(); err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(c.Dir, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		if err := c.run(ctx, "initdb", "-D", c.Dir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"); err != nil {
			return "", fmt.Errorf("initialise PostgreSQL cluster in %s: %w", c.Dir, err)
		}
	}
	if port, ok := c.runningPort(); ok {
		c.Port = port
		if owner := c.owner(); owner > 0 && owner != os.Getpid() && alive(owner) {
			return Shared, nil
		}
		return Adopted, c.claim()
	}
	if c.Port == 0 {
		c.Port = c.rememberedPort()
	}
	if c.Port == 0 {
		port, err := freePort()
		if err != nil {
			return "", err
		}
		c.Port = port
	}
	// No Unix socket: its default folder needs root to create, and TCP on
	// loopback is all we use.
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=''", c.Port)
	if err := c.run(ctx, "pg_ctl", "start", "-w", "-t", "60", "-D", c.Dir, "-l", c.logFile(), "-o", opts); err != nil {
		return "", fmt.Errorf("start PostgreSQL in %s (log: %s): %w", c.Dir, c.logFile(), err)
	}
	// Remembering the port is a convenience: failing to is no reason to stop.
	_ = os.WriteFile(c.portFile(), []byte(strconv.Itoa(c.Port)+"\n"), 0o644)
	return Started, c.claim()
}

// claim records this process as the running server's owner.
func (c *Cluster) claim() error {
	if err := os.WriteFile(c.ownerFile(), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		return fmt.Errorf("record the local cluster's owner: %w", err)
	}
	return nil
}

// owner is the pid in the owner file, 0 when there is none.
func (c *Cluster) owner() int { return numberIn(c.ownerFile()) }

// numberIn is the number a file of ours holds, 0 when it is missing or
// holds something else.
func numberIn(path string) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return n
}

// rememberedPort is the port of the last start when it is free now, else 0.
func (c *Cluster) rememberedPort() int {
	port := numberIn(c.portFile())
	if port <= 0 || port > 65535 {
		return 0
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return 0 // taken by something else meanwhile
	}
	ln.Close()
	return port
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Stop stops the server; mode is "fast" (roll back sessions, shut down
// cleanly) or "immediate" (as after a crash: recovery runs at next start).
func (c *Cluster) Stop(ctx context.Context, mode string) error {
	if err := c.run(ctx, "pg_ctl", "stop", "-w", "-D", c.Dir, "-m", mode); err != nil {
		return fmt.Errorf("stop PostgreSQL in %s: %w", c.Dir, err)
	}
	_ = os.Remove(c.ownerFile())
	return nil
}

// EnsureDatabase creates database name if it is missing. Concurrent callers
// may race to create it; losing that race is fine.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) error {
	return ensureDatabase(ctx, c.URL("postgres"), name)
}

func ensureDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("connect to create database %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err = conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize())
	if err != nil && !isDuplicateDatabase(err) {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// TempParent creates a fresh folder in the system's temporary folder to
// hold a throwaway cluster's data folder (tests'): unlike t.TempDir's,
// private to root, the postgres user can enter it when the tests run as root.
func TempParent(prefix string) (string, error) {
	parent, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", err
	}
	return parent, os.Chmod(parent, 0o755)
}

// prepareDir creates the data folder, owned by the server's user. When we
// are root the server runs as postgres, which must be able to reach the
// folder through every parent.
func (c *Cluster) prepareDir() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fmt.Errorf("create cluster folder %s: %w", c.Dir, err)
	}
	if c.runAs == nil {
		return nil
	}
	uid, _ := strconv.Atoi(c.runAs.Uid)
	gid, _ := strconv.Atoi(c.runAs.Gid)
	if err := os.Chown(c.Dir, uid, gid); err != nil {
		return fmt.Errorf("give cluster folder %s to the postgres user: %w", c.Dir, err)
	}
	if err := os.Chmod(c.Dir, 0o700); err != nil {
		return fmt.Errorf("cluster folder %s: %w", c.Dir, err)
	}
	for dir := filepath.Dir(c.Dir); ; dir = filepath.Dir(dir) {
		fi, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("cluster folder parent %s: %w", dir, err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("PostgreSQL runs as the postgres user, which cannot enter %s (it lacks o+x): run `chmod o+x %s`, or set PG_LOCAL_DIR to a folder it can reach such as /tmp/sodoan-pgdata", dir, dir)
		}
		if dir == "/" {
			break
		}
	}
	// The log sits beside the folder; create it now so postgres can write it.
	f, err := os.OpenFile(c.logFile(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("cluster log %s: %w", c.logFile(), err)
	}
	f.Close()
	return os.Chown(c.logFile(), uid, gid)
}

// runningPort reads the port of a live server on the folder from
// postmaster.pid; false when none runs (a stale file from a crash is left
// for pg_ctl, which handles it).
func (c *Cluster) runningPort() (int, bool) {
	b, err := os.ReadFile(filepath.Join(c.Dir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	lines := strings.Split(string(b), "\n")
	if len(lines) < 4 {
		return 0, false
	}
	pid, err1 := strconv.Atoi(strings.TrimSpace(lines[0]))
	port, err2 := strconv.Atoi(strings.TrimSpace(lines[3]))
	if err1 != nil || err2 != nil || pid <= 0 {
		return 0, false
	}
	if !alive(pid) {
		return 0, false
	}
	return port, true
}

// run runs a PostgreSQL program, as the postgres user when we are root,
// and returns its output's tail in the error when it fails.
func (c *Cluster) run(ctx context.Context, program string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.binDir, program), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	if c.runAs != nil {
		uid, _ := strconv.ParseUint(c.runAs.Uid, 10, 32)
		gid, _ := strconv.ParseUint(c.runAs.Gid, 10, 32)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		cmd.Env = append(cmd.Env, "HOME="+c.runAs.HomeDir)
		cmd.Dir = "/"
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w: %s", program, err, tail(out.String(), 1500))
	}
	return nil
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return s
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitAccepting polls until the server takes connections; pg_ctl -w already
// waits, this covers an adopted server that is still starting.
func waitAccepting(ctx context.Context, url string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := pgx.Connect(ctx, url)
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("PostgreSQL does not accept connections: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
