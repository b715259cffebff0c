package dblocate

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
)

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect %s: %v", url, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// needBinaries skips a test that starts a cluster of its own when the
// PostgreSQL server binaries are not installed (a server in Docker brings
// none); the rest of the suite runs against that server.
func needBinaries(t *testing.T) {
	t.Helper()
	if _, err := findBinDir(nil); err != nil {
		t.Skipf("this test starts a PostgreSQL cluster of its own: %v", err)
	}
}

// clusterDir returns a fresh folder for a cluster that the postgres user can
// reach when the tests run as root (t.TempDir's folders are private).
func clusterDir(t *testing.T) string {
	t.Helper()
	parent, err := TempParent("dblocate-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(parent) })
	return filepath.Join(parent, "pgdata")
}

// The path taken when no server answers: a cluster is created, serves the
// product's database with a Unicode-aware locale, stops on Close, and a
// later run on the same folder finds its data again.
func TestFindStartsLocalCluster(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	ctx := context.Background()
	dir := clusterDir(t)
	opts := Options{Name: "sodoan_cluster", ProbeAddr: "-", ClusterDir: dir, Log: zerolog.Nop()}

	first, err := Find(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close(context.Background()) })
	if first.Source != FromCluster {
		t.Errorf("source = %s", first.Source)
	}
	conn := connect(t, first.URL)
	var name, ctype, lower string
	if err := conn.QueryRow(ctx, `SELECT current_database(), current_setting('lc_ctype'), lower('ĐOÀN VIÊN')`).Scan(&name, &ctype, &lower); err != nil {
		t.Fatal(err)
	}
	if name != "sodoan_cluster" || ctype != "C.UTF-8" || lower != "đoàn viên" {
		t.Errorf("database %q, lc_ctype %q, lower %q", name, ctype, lower)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE kept (note text); INSERT INTO kept VALUES ('vẫn còn')`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	if err := first.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "postmaster.pid")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid still there after Close: %v", err)
	}
	shortCtx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if c, err := pgx.Connect(shortCtx, first.URL); err == nil {
		c.Close(ctx)
		t.Fatal("server still answers after Close")
	}

	second, err := Find(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close(ctx)
	var note string
	if err := connect(t, second.URL).QueryRow(ctx, `SELECT note FROM kept`).Scan(&note); err != nil || note != "vẫn còn" {
		t.Errorf("data from the first run: %q, %v", note, err)
	}
}

// A server left running on the folder by a run that died (SIGKILL leaves
// PostgreSQL running) is adopted: logged as such, and stopped by the run
// that adopted it. One whose owner still runs is shared and left running.
func TestFindAdoptsRunningCluster(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	ctx := context.Background()
	// A process that has exited, and one that runs until the test ends.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	live := exec.Command("sleep", "600")
	if err := live.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { live.Process.Kill(); live.Wait() })

	for _, tt := range []struct {
		name    string
		owner   int
		want    Outcome
		log     string
		stopped bool
	}{
		{"owner died", dead.Process.Pid, Adopted, "adopted the local cluster an earlier run left running", true},
		{"no owner recorded", 0, Adopted, "adopted the local cluster", true},
		{"owner alive", live.Process.Pid, Shared, "another running server started", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := clusterDir(t)
			c, err := NewCluster(dir, nil)
			if err != nil {
				t.Fatal(err)
			}
			if outcome, err := c.Start(ctx); err != nil || outcome != Started {
				t.Fatalf("start: %s %v", outcome, err)
			}
			t.Cleanup(func() { c.Stop(context.Background(), "immediate") })
			if tt.owner == 0 {
				os.Remove(c.ownerFile())
			} else if err := os.WriteFile(c.ownerFile(), []byte(fmt.Sprint(tt.owner)), 0o644); err != nil {
				t.Fatal(err)
			}

			var logs bytes.Buffer
			found, err := Find(ctx, Options{Name: "adopted", ProbeAddr: "-", ClusterDir: dir, Log: zerolog.New(&logs)})
			if err != nil {
				t.Fatal(err)
			}
			if found.Outcome != tt.want || !strings.Contains(logs.String(), tt.log) || strings.Contains(logs.String(), "started a local cluster") {
				t.Errorf("outcome %s, logs %s; want %s logged as %q", found.Outcome, logs.String(), tt.want, tt.log)
			}
			if !strings.Contains(found.URL, fmt.Sprintf(":%d/", c.Port)) {
				t.Errorf("URL %s does not use the running server's port %d", found.URL, c.Port)
			}
			conn := connect(t, found.URL)
			if err := conn.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			conn.Close(ctx)
			if err := found.Close(ctx); err != nil {
				t.Fatal(err)
			}
			_, running := c.runningPort()
			if running == tt.stopped {
				t.Errorf("after Close: running %v, want stopped %v", running, tt.stopped)
			}
		})
	}
}

// childDirEnv makes the test binary a run that finds its database in that
// cluster folder and then waits to be killed (TestKilledRunsClusterIsAdopted).
const childDirEnv = "DBLOCATE_TEST_CHILD_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childDirEnv); dir != "" {
		found, err := Find(context.Background(), Options{Name: "killed", ProbeAddr: "-", ClusterDir: dir, Log: zerolog.Nop()})
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Println("ready", found.Outcome)
		time.Sleep(10 * time.Minute)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// A run killed with SIGKILL leaves its cluster running; the next run
// adopts it, says so, and stops it when it closes.
func TestKilledRunsClusterIsAdopted(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	ctx := context.Background()
	dir := clusterDir(t)
	child := exec.Command(os.Args[0])
	child.Env = append(os.Environ(), childDirEnv+"="+dir)
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready started\n" {
		t.Fatalf("child: %q, %v", line, err)
	}
	c, err := NewCluster(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background(), "immediate") })
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if _, running := c.runningPort(); !running {
		t.Fatal("the cluster died with the killed run")
	}

	var logs bytes.Buffer
	found, err := Find(ctx, Options{Name: "killed", ProbeAddr: "-", ClusterDir: dir, Log: zerolog.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	if found.Outcome != Adopted || !strings.Contains(logs.String(), "adopted the local cluster an earlier run left running") {
		t.Errorf("outcome %s, logs %s", found.Outcome, logs.String())
	}
	if err := found.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if _, running := c.runningPort(); running {
		t.Error("the adopting run left the cluster running after Close")
	}
}

// The local cluster listens on the same port from run to run, and the log
// gives a psql line that reaches it.
func TestClusterKeepsItsPort(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	ctx := context.Background()
	dir := clusterDir(t)
	var ports []int
	for i := range 2 {
		var logs bytes.Buffer
		found, err := Find(ctx, Options{Name: "sodoan_port", ProbeAddr: "-", ClusterDir: dir, Log: zerolog.New(&logs)})
		if err != nil {
			t.Fatal(err)
		}
		if found.Outcome != Started {
			t.Errorf("run %d: %s", i, found.Outcome)
		}
		cc, err := pgconn.ParseConfig(found.URL)
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, int(cc.Port))
		want := fmt.Sprintf("psql -h 127.0.0.1 -p %d -U postgres sodoan_port", cc.Port)
		if found.Psql() != want || !strings.Contains(logs.String(), want) {
			t.Errorf("psql line %q, logs %s; want %q", found.Psql(), logs.String(), want)
		}
		if err := found.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if ports[0] != ports[1] {
		t.Errorf("ports %v, want the same port both runs", ports)
	}
}

// Several processes creating the product's database at once all succeed.
func TestEnsureDatabaseConcurrently(t *testing.T) {
	t.Parallel()
	needBinaries(t)
	ctx := context.Background()
	c, err := NewCluster(clusterDir(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background(), "fast") })
	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- c.EnsureDatabase(ctx, "raced")
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("EnsureDatabase: %v", err)
		}
	}
}

func TestFindUsesURLAsGiven(t *testing.T) {
	t.Parallel()
	const url = "postgres://someone:secret@db.example:6543/elsewhere"
	found, err := Find(context.Background(), Options{URL: url, Name: "ignored", ProbeAddr: "-"})
	if err != nil || found.URL != url || found.Source != FromURL {
		t.Fatalf("Find = %+v, %v", found, err)
	}
	if err := found.Close(context.Background()); err != nil {
		t.Errorf("Close on an explicit URL: %v", err)
	}
}

// With a server on the probed address, the product's database is created
// there and found again on the next start.
func TestFindUsesLocalServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const addr = "127.0.0.1:5432"
	name := fmt.Sprintf("dblocate_probe_%d", time.Now().UnixNano())
	if c, err := net.DialTimeout("tcp", addr, time.Second); err != nil {
		t.Skipf("no PostgreSQL server on %s to probe: %v", addr, err)
	} else {
		c.Close()
	}
	found, err := Find(ctx, Options{Name: name, ProbeAddr: addr, Log: zerolog.Nop()})
	if err != nil || found.Source != FromLocalhost {
		t.Fatalf("Find = %+v, %v", found, err)
	}
	t.Cleanup(func() {
		admin := connect(t, strings.Replace(found.URL, "/"+name, "/postgres", 1))
		admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+name)
	})
	var got string
	conn := connect(t, found.URL)
	if err := conn.QueryRow(ctx, `SELECT current_database()`).Scan(&got); err != nil || got != name {
		t.Errorf("current_database = %q, %v", got, err)
	}
	conn.Close(ctx)
	again, err := Find(ctx, Options{Name: name, ProbeAddr: addr, Log: zerolog.Nop()})
	if err != nil || again.URL != found.URL {
		t.Errorf("second Find: %+v, %v", again, err)
	}
}

func TestNoBinariesSaysWhatToInstall(t *testing.T) {
	t.Parallel()
	_, err := Find(context.Background(), Options{
		Name: "x", ProbeAddr: "-", ClusterDir: clusterDir(t), BinDirs: []string{t.TempDir()}, Log: zerolog.Nop(),
	})
	if !errors.Is(err, ErrNoPostgres) || !strings.Contains(err.Error(), "apt-get install postgresql") ||
		!strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("want ErrNoPostgres with install advice, got %v", err)
	}
	// Asked for a cluster directly (tests that need one of their own), the
	// error names what is missing rather than every way to get a database.
	_, err = NewCluster(clusterDir(t), []string{t.TempDir()})
	if !errors.Is(err, ErrNoBinaries) || !strings.Contains(err.Error(), "initdb") ||
		!strings.Contains(err.Error(), "apt-get install postgresql-15") || strings.Contains(err.Error(), "localhost:5432") {
		t.Errorf("NewCluster without binaries: %v", err)
	}
}

// PG_BIN_DIR, when set, is where the binaries are looked for.
func TestBinDirFromEnvironment(t *testing.T) {
	empty := t.TempDir()
	t.Setenv("PG_BIN_DIR", empty)
	if dir, err := findBinDir(nil); !errors.Is(err, ErrNoBinaries) {
		t.Errorf("PG_BIN_DIR=%s (empty): found %q, %v", empty, dir, err)
	}
}

func TestFindRejectsBadName(t *testing.T) {
	t.Parallel()
	_, err := Find(context.Background(), Options{Name: "Sổ Đoàn; DROP", ProbeAddr: "-"})
	if err == nil || !strings.Contains(err.Error(), "lower-case") {
		t.Errorf("want a name error, got %v", err)
	}
}
