package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/peterldowns/pgtestdb"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/figures"
	"github.com/sodoan/sodoan/internal/seed"
	"github.com/sodoan/sodoan/internal/testdb"
)

// The test binary doubles as the server: started with runAsServer set, it
// runs main instead of the tests, so process-level behaviour (signals, exit
// codes, logs on stderr) is tested without a separate build.
const runAsServer = "SODOAN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(runAsServer) == "1" {
		os.Args = append([]string{os.Args[0]}, strings.Fields(os.Getenv(runAsServer+"_ARGS"))...)
		main()
		os.Exit(0)
	}
	testdb.Main(m)
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startServer runs `server serve` as a child process on a new, unmigrated
// database and waits until /readyz answers 200: serve must migrate it.
func startServer(t *testing.T) (addr string, cmd *exec.Cmd, logs *apitest.SyncBuffer, exited <-chan error) {
	t.Helper()
	return startServerOn(t, testdb.URL(t, pgtestdb.NoopMigrator{}))
}

// startServerOn is startServer on the database at url, with extra
// environment variables. exited yields the process's exit once it ends.
func startServerOn(t *testing.T, url string, env ...string) (addr string, cmd *exec.Cmd, logs *apitest.SyncBuffer, exited <-chan error) {
	t.Helper()
	addr = freePort(t)
	cmd = exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(),
		runAsServer+"=1",
		runAsServer+"_ARGS=serve",
		"DATABASE_URL="+url,
		"HTTP_ADDR="+addr,
		"SHUTDOWN_GRACE=10s",
		"LOG_FORMAT=json",
	)
	cmd.Env = append(cmd.Env, env...)
	logs = &apitest.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait(); close(done) }() // closed: every later receive returns at once
	exited = done
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // harmless if it has exited
		<-exited
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return addr, cmd, logs, exited
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready within a minute; logs:\n%s", logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// The acceptance check, as a test: the server answers {__typename},
// and SIGTERM during a slow request lets that request finish before the
// process exits cleanly.
func TestServeAnswersAndStopsGracefully(t *testing.T) {
	t.Parallel()
	addr, cmd, logs, exited := startServer(t)

	resp, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(`{"query":"{__typename}"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != `{"data":{"__typename":"Query"}}` {
		t.Fatalf("__typename: %d %s", resp.StatusCode, body)
	}

	// The database was empty and this is development: the demo is there.
	resp, err = http.Post("http://"+addr+"/graphql", "application/json",
		strings.NewReader(`{"query":"{ activities(filter: {search: \"tu sach\"}) { totalCount } }"}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != `{"data":{"activities":{"totalCount":1}}}` {
		t.Fatalf("demo activity search: %s\nlogs:\n%s", body, logs)
	}

	// Slow clients: headers and half the body now, the rest after SIGTERM.
	query := `{"query":"{ serviceInfo { name } }"}`
	conns := make([]net.Conn, 3)
	for i := range conns {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /graphql HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			addr, len(query), query[:10])
		conns[i] = conn
	}
	time.Sleep(200 * time.Millisecond)

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
		t.Fatalf("server exited with requests in flight; logs:\n%s", logs)
	case <-time.After(500 * time.Millisecond):
	}
	if _, err := http.Post("http://"+addr+"/graphql", "application/json", strings.NewReader(query)); err == nil {
		t.Error("a new connection was accepted after SIGTERM")
	}
	for i, conn := range conns {
		io.WriteString(conn, query[10:])
		slow, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("slow request %d got no response: %v\nlogs:\n%s", i, err, logs)
		}
		slowBody, _ := io.ReadAll(slow.Body)
		if slow.StatusCode != http.StatusOK || !strings.Contains(string(slowBody), "Sổ Đoàn") {
			t.Errorf("slow request %d: %d %s", i, slow.StatusCode, slowBody)
		}
	}

	awaitCleanExit(t, exited, logs)
	assertRequestLogged(t, logs.String())
}

// awaitCleanExit waits for a server sent SIGTERM to exit, and fails the
// test unless it exits with status 0 within 15 seconds.
func awaitCleanExit(t *testing.T, exited <-chan error, logs *apitest.SyncBuffer) {
	t.Helper()
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("server exit: %v\nlogs:\n%s", err, logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("server did not exit after SIGTERM; logs:\n%s", logs)
	}
}

// assertRequestLogged checks that requests are logged as JSON lines with a
// request id and a duration.
func assertRequestLogged(t *testing.T, logs string) {
	t.Helper()
	for line := range strings.SplitSeq(logs, "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) != nil || entry["message"] != "request" {
			continue
		}
		if entry["path"] == "/graphql" && entry["request_id"] != "" && entry["duration_ms"] != nil && entry["status"] == float64(200) {
			return
		}
	}
	t.Errorf("no JSON request log line with request_id and duration_ms:\n%s", logs)
}

func TestConfigurationErrorsNameTheVariable(t *testing.T) {
	t.Parallel()
	err := run(context.Background(), []string{"serve"}, map[string]string{"HTTP_ADDR": "eighty"}, nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "HTTP_ADDR") {
		t.Errorf("want an error naming HTTP_ADDR, got %v", err)
	}
}

// server schema prints what schema.graphql holds, and needs no settings or
// database: make generate runs it anywhere, even with a bad environment.
func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"schema"}, map[string]string{"HTTP_ADDR": "eighty"}, nil, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(committed) {
		t.Error("server schema differs from the committed schema.graphql: run make generate")
	}
	var usage usageError
	if err := run(context.Background(), []string{"schema", "extra"}, nil, nil, io.Discard, io.Discard); !errors.As(err, &usage) {
		t.Errorf("extra argument: %v, want a usage error", err)
	}
}

func TestMigrateCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	environ := map[string]string{"DATABASE_URL": testdb.URL(t, pgtestdb.NoopMigrator{})}
	migrate := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"migrate"}, args...), environ, nil, &out, io.Discard)
		return out.String(), err
	}
	latest := db.LatestVersion()
	steps := []struct {
		args []string
		want uint
	}{
		{[]string{"version"}, 0},
		{[]string{"up"}, latest},
		{[]string{"down"}, latest - 1},
		{[]string{"up"}, latest},
		{[]string{"down", "all"}, 0},
		{[]string{"force", fmt.Sprint(latest)}, latest},
	}
	for _, s := range steps {
		out, err := migrate(s.args...)
		want := fmt.Sprintf("schema version %d (dirty: false)", s.want)
		if err != nil || !strings.HasPrefix(out, want) {
			t.Fatalf("migrate %v: %q, %v; want %q", s.args, out, err, want)
		}
	}
	for _, bad := range [][]string{{}, {"sideways"}, {"down", "-2"}, {"force"}, {"force", "x"}} {
		var usage usageError
		if _, err := migrate(bad...); err == nil || !errors.As(err, &usage) {
			t.Errorf("migrate %v: want a usage error, got %v", bad, err)
		}
	}
}

func TestSeedCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	environ := map[string]string{"DATABASE_URL": testdb.URL(t, pgtestdb.NoopMigrator{})}
	var out bytes.Buffer
	if err := run(ctx, []string{"seed"}, environ, nil, &out, io.Discard); err != nil {
		t.Fatalf("seed on an empty database: %v", err)
	}
	if !strings.HasPrefix(out.String(), "demo data loaded: ") || !strings.Contains(out.String(), " members") {
		t.Errorf("seed output: %q", out.String())
	}
	if err := run(ctx, []string{"seed"}, environ, nil, io.Discard, io.Discard); !errors.Is(err, seed.ErrNotEmpty) {
		t.Errorf("second seed: %v, want ErrNotEmpty", err)
	}
	var usage usageError
	if err := run(ctx, []string{"seed", "now"}, environ, nil, io.Discard, io.Discard); !errors.As(err, &usage) {
		t.Errorf("seed now: want a usage error, got %v", err)
	}
}

func TestUserCreateCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.URL(t, pgtestdb.NoopMigrator{})
	environ := map[string]string{"DATABASE_URL": url}
	create := func(password string, args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"user", "create"}, args...), environ, strings.NewReader(password), &out, io.Discard)
		return out.String(), err
	}
	out, err := create("mật khẩu quản trị 2026\n", "--username", "QuanTri", "--name", "Quản trị hệ thống", "--admin")
	if err != nil || !strings.HasPrefix(out, "account quantri created") {
		t.Fatalf("create: %q, %v", out, err)
	}

	// The new administrator can sign in with that password.
	pool, err := db.Open(ctx, url, db.PoolOptions{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	accounts := account.NewStore(pool, account.DefaultPolicy)
	s, err := accounts.Login(ctx, "quantri", "mật khẩu quản trị 2026", account.Client{})
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	p, err := accounts.Authenticate(ctx, s.Token)
	if err != nil || p == nil || !p.Admin {
		t.Fatalf("authenticate: %+v, %v", p, err)
	}

	var usage usageError
	for _, tt := range []struct {
		name     string
		password string
		args     []string
		want     string
	}{
		{"no role", "mật khẩu đủ dài\n", []string{"--username", "a1b", "--name", "A"}, ""},
		{"no password", "", []string{"--username", "a1b", "--name", "A", "--admin"}, ""},
		{"bad unit", "mật khẩu đủ dài\n", []string{"--username", "a1b", "--name", "A", "--officer-of", "42"}, ""},
		{"short password", "ngắn\n", []string{"--username", "a1b", "--name", "A", "--admin"}, "password:"},
		{"taken username", "mật khẩu đủ dài\n", []string{"--username", "quantri", "--name", "A", "--admin"}, "username:"},
		// quantri is also the demo's administrator: the error says why it may be taken.
		{"taken demo username", "mật khẩu đủ dài\n", []string{"--username", "QuanTri", "--name", "A", "--admin"}, "account of the demo data"},
		{"demo password named", "mật khẩu đủ dài\n", []string{"--username", "quantri", "--name", "A", "--admin"}, "sodoan-demo-2026"},
	} {
		_, err := create(tt.password, tt.args...)
		switch {
		case err == nil:
			t.Errorf("%s: accepted", tt.name)
		case tt.want == "" && !errors.As(err, &usage):
			t.Errorf("%s: want a usage error, got %v", tt.name, err)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: %v, want it to mention %q", tt.name, err, tt.want)
		}
	}
}

// server figures: verify says the demo's figures match, names a figure
// changed by hand and exits with an error, rebuild repairs it; bad
// arguments are usage errors and an unknown unit is refused.
func TestFiguresCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := testdb.URL(t, pgtestdb.NoopMigrator{})
	environ := map[string]string{"DATABASE_URL": url}
	if err := run(ctx, []string{"seed"}, environ, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	cmd := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(ctx, append([]string{"figures"}, args...), environ, nil, &out, io.Discard)
		return out.String(), err
	}
	if out, err := cmd("verify"); err != nil || out != "figures match the records\n" {
		t.Fatalf("verify of the demo: %q, %v", out, err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(ctx, `UPDATE unit_figures SET n = n + 1 WHERE (unit_id, month, figure) =
		(SELECT unit_id, month, figure FROM unit_figures ORDER BY 1, 2, 3 LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	if out, err := cmd("verify"); !errors.Is(err, errFiguresDiffer) || !strings.Contains(out, "unit_figures unit ") {
		t.Fatalf("verify after tampering: %q, %v", out, err)
	}
	if out, err := cmd("rebuild"); err != nil || !strings.HasPrefix(out, "rebuilt ") {
		t.Fatalf("rebuild: %q, %v", out, err)
	}
	if out, err := cmd("verify"); err != nil {
		t.Fatalf("verify after rebuild: %q, %v", out, err)
	}
	if _, err := cmd("verify", "--unit", "987654"); !errors.Is(err, figures.ErrNoUnit) {
		t.Errorf("verify --unit 987654: %v, want no such unit", err)
	}
	var usage usageError
	for _, bad := range [][]string{{}, {"check"}, {"verify", "--unit", "x"}, {"verify", "--year", "-3"}, {"rebuild", "extra"}} {
		if _, err := cmd(bad...); !errors.As(err, &usage) {
			t.Errorf("figures %v: want a usage error, got %v", bad, err)
		}
	}
}
