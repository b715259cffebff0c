package httpserver_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/testdb"
)

// /readyz turns 503 when the database goes away and 200 again when it comes
// back, with no restart of the server (the same handler and pool).
func TestReadinessFollowsDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cluster := testdb.Cluster(t, "ready")
	pool := testdb.Open(t, cluster.URL("ready"), db.PoolOptions{MaxConns: 4})
	if err := db.NewMigrator(pool, zerolog.Nop()).Up(ctx); err != nil {
		t.Fatal(err)
	}
	env := apitest.NewOn(t, pool)

	if rec := get(t, env.Handler, "/readyz"); rec.Code != http.StatusOK {
		t.Fatalf("before the outage: %d %s", rec.Code, rec.Body)
	}
	if err := cluster.Stop(ctx, "fast"); err != nil {
		t.Fatal(err)
	}
	rec := get(t, env.Handler, "/readyz")
	if rec.Code != http.StatusServiceUnavailable || decode(t, rec)["reason"] != "database unreachable" {
		t.Fatalf("during the outage: %d %s", rec.Code, rec.Body)
	}
	if rec := get(t, env.Handler, "/healthz"); rec.Code != http.StatusOK {
		t.Errorf("healthz during the outage: %d (the process is alive)", rec.Code)
	}

	if _, err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		rec := get(t, env.Handler, "/readyz")
		if rec.Code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready 30s after the database returned: %d %s", rec.Code, rec.Body)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
