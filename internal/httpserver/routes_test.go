package httpserver_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
	}
	return body
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	rec := get(t, env.Handler, "/healthz")
	if rec.Code != http.StatusOK || decode(t, rec)["status"] != "ok" {
		t.Errorf("healthz: %d %s", rec.Code, rec.Body)
	}
	if rec.Header().Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id header")
	}
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	t.Run("migrated", func(t *testing.T) {
		t.Parallel()
		rec := get(t, apitest.New(t).Handler, "/readyz")
		if rec.Code != http.StatusOK || decode(t, rec)["status"] != "ready" {
			t.Errorf("readyz: %d %s", rec.Code, rec.Body)
		}
	})
	t.Run("not migrated", func(t *testing.T) {
		t.Parallel()
		rec := get(t, apitest.NewOn(t, testdb.Empty(t)).Handler, "/readyz")
		body := decode(t, rec)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(body["reason"].(string), "schema") {
			t.Errorf("readyz: %d %s", rec.Code, rec.Body)
		}
	})
}

func TestServiceInfo(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	var resp struct {
		ServiceInfo struct {
			Name                  string
			Version               string
			SchemaVersion         int
			DatabaseSchemaVersion int
		}
	}
	env.Client.MustPost(`{ serviceInfo { name version schemaVersion databaseSchemaVersion } }`, &resp)
	got := resp.ServiceInfo
	if got.Name != "Sổ Đoàn" || got.Version != "test" ||
		got.SchemaVersion != int(db.LatestVersion()) || got.DatabaseSchemaVersion != int(db.LatestVersion()) {
		t.Errorf("serviceInfo = %+v", got)
	}
}

func TestQueryOverGET(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	rec := get(t, env.Handler, "/graphql?query="+url.QueryEscape(`{ serviceInfo { name } }`))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"name":"Sổ Đoàn"`) {
		t.Errorf("GET query: %d %s", rec.Code, rec.Body)
	}
}

// A plain HTML form can send only form encodings or text/plain; none of them
// reaches the executor, so another site cannot submit operations.
func TestFormPostsAreRefused(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	for _, ct := range []string{"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`query={__typename}`))
		req.Header.Set("Content-Type", ct)
		env.Handler.ServeHTTP(rec, req)
		if rec.Code < 400 || strings.Contains(rec.Body.String(), `"Query"`) {
			t.Errorf("%s: got %d %s, want refusal", ct, rec.Code, rec.Body)
		}
	}
}

// Failures the client cannot act on show only a code and the request id;
// the cause (a connection error naming host and port, a missing table) stays
// in the log. An unreachable database is UNAVAILABLE (try again), anything
// else INTERNAL.
func TestServerFaultsAreHidden(t *testing.T) {
	t.Parallel()
	unreachable, broken := testdb.Unreachable(t), brokenDB(t)
	tests := []struct {
		name, code string
		pool       *pgxpool.Pool
		logged     string
	}{
		{"database unreachable", "UNAVAILABLE", unreachable, "127.0.0.1"},
		{"statement fails", "INTERNAL", broken, "schema_migrations"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := apitest.NewOn(t, tt.pool)
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ serviceInfo { databaseSchemaVersion } }"}`))
			req.Header.Set("Content-Type", "application/json")
			env.Handler.ServeHTTP(rec, req)

			var resp struct {
				Errors []struct {
					Message    string
					Path       []string
					Extensions map[string]any
				}
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) != 1 {
				t.Fatalf("want one error, got %s", rec.Body)
			}
			e := resp.Errors[0]
			requestID := rec.Header().Get("X-Request-Id")
			if e.Extensions["code"] != tt.code || e.Extensions["requestId"] != requestID || requestID == "" {
				t.Errorf("extensions = %v, request id header %q", e.Extensions, requestID)
			}
			if len(e.Path) != 1 || e.Path[0] != "serviceInfo" {
				t.Errorf("path = %v", e.Path)
			}
			for _, leak := range []string{"127.0.0.1", "dial", "connect", "schema_migrations", "SELECT", "relation", ".go:"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("response leaks %q: %s", leak, rec.Body)
				}
			}
			logs := env.Logs()
			if !strings.Contains(logs, requestID) || !strings.Contains(logs, tt.logged) {
				t.Errorf("log should hold the cause and request id:\n%s", logs)
			}
		})
	}
}

func TestDevelopmentOnlyFeatures(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	introspect := `{ __schema { queryType { name } } }`
	tests := []struct {
		name           string
		env            *apitest.Env
		wantGraphiQL   int
		wantIntrospect bool
	}{
		{"development", apitest.NewOn(t, pool), http.StatusOK, true},
		{"production", apitest.NewOn(t, pool, apitest.Production), http.StatusNotFound, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, tt.env.Handler, "/")
			if rec.Code != tt.wantGraphiQL {
				t.Errorf("GraphiQL page: %d, want %d", rec.Code, tt.wantGraphiQL)
			}
			var resp map[string]any
			err := tt.env.Client.Post(introspect, &resp)
			if (err == nil) != tt.wantIntrospect {
				t.Errorf("introspection allowed = %t, want %t (err %v)", err == nil, tt.wantIntrospect, err)
			}
		})
	}
}

// Every answer, whatever the path or outcome, says nosniff: the schema
// file and error texts are text/plain a browser must not run.
func TestEveryAnswerSaysNoSniff(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	for _, target := range []string{"/healthz", "/readyz", "/graphql/schema.graphql", "/exports/report?token=nope",
		"/media/none.jpg", "/", "/nowhere", "/graphql?query=%7B__typename%7D"} {
		rec := get(t, env.Handler, target)
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s (%d): X-Content-Type-Options %q", target, rec.Code, got)
		}
	}
}

// brokenDB is a migrated database without its schema_migrations table, so
// the server's checks of it fail as an unexpected fault would.
func brokenDB(t *testing.T) *pgxpool.Pool {
	t.Helper()
	pool := testdb.Migrated(t)
	if _, err := pool.Exec(context.Background(), `DROP TABLE schema_migrations`); err != nil {
		t.Fatal(err)
	}
	return pool
}
