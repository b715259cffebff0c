package main

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/peterldowns/pgtestdb"

	"github.com/sodoan/sodoan/internal/config"
	"github.com/sodoan/sodoan/internal/seed"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestBrowserURL(t *testing.T) {
	for _, tt := range []struct{ listen, want string }{
		{"0.0.0.0:8080", "http://localhost:8080/"},
		{"[::]:8080", "http://localhost:8080/"},
		{"127.0.0.1:19001", "http://127.0.0.1:19001/"},
		{"192.0.2.7:80", "http://192.0.2.7:80/"},
	} {
		addr, err := net.ResolveTCPAddr("tcp", tt.listen)
		if err != nil {
			t.Fatal(err)
		}
		if got := browserURL(addr); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.listen, got, tt.want)
		}
	}
}

func TestBannerContent(t *testing.T) {
	var out bytes.Buffer
	writeBanner(&out, banner{
		URL: "http://localhost:8080/", Env: config.Development,
		Database:     "sodoan on 127.0.0.1:5433 (local cluster, started, stopped when the server exits)",
		Psql:         "psql -h 127.0.0.1 -p 5433 -U postgres sodoan",
		DemoAccounts: seed.DemoAccounts,
	})
	text := out.String()
	for _, want := range []string{
		"GraphiQL:  http://localhost:8080/\n",
		"GraphQL:   http://localhost:8080/graphql\n",
		"database:  sodoan on 127.0.0.1:5433 (local cluster",
		"psql:      psql -h 127.0.0.1 -p 5433 -U postgres sodoan\n",
		"password " + seed.DemoPassword,
		"quantri", "doanvien.vptu",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("banner lacks %q:\n%s", want, text)
		}
	}

	out.Reset()
	writeBanner(&out, banner{URL: "http://localhost:8080/", Env: config.Production, Database: "x on db:5432 (DATABASE_URL)"})
	if text := out.String(); strings.Contains(text, "GraphiQL") || strings.Contains(text, "psql:") || strings.Contains(text, "demo") {
		t.Errorf("production banner offers GraphiQL, psql or demo accounts:\n%s", text)
	}
}

// Started as `make run` does from a terminal (LOG_FORMAT unset is the same
// decision; a test has no terminal, so console is asked for), the server
// prints readable logs and the banner with the demo accounts; with logs
// going elsewhere it keeps to JSON and prints no banner.
func TestServeBanner(t *testing.T) {
	t.Parallel()
	addr, _, logs, _ := startServerOn(t, testdb.URL(t, pgtestdb.NoopMigrator{}), "LOG_FORMAT=console")
	// The child's output is copied to logs by a goroutine: wait for it.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(logs.String(), "stop with Ctrl-C") && time.Now().Before(deadline); {
		time.Sleep(50 * time.Millisecond)
	}
	text := logs.String()
	for _, want := range []string{"Sổ Đoàn is running (development)", "GraphiQL:  http://" + addr + "/", "database:  ", "quantri", seed.DemoPassword} {
		if !strings.Contains(text, want) {
			t.Errorf("console start-up lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, `{"level"`) {
		t.Errorf("console start-up has JSON lines:\n%s", text)
	}

	_, _, logs, _ = startServerOn(t, testdb.URL(t, pgtestdb.NoopMigrator{}), "DEMO_DATA=off")
	text = logs.String()
	if strings.Contains(text, "Sổ Đoàn is running") || !strings.Contains(text, `"level":"info"`) {
		t.Errorf("start-up with logs not on a terminal: want JSON and no banner:\n%s", text)
	}
}
