package httpserver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/testdb"
)

// A client's own request id, when it is a short safe token, is kept: in
// the answer, the request's log line and an INTERNAL error's requestId, so
// a dashboard can quote the id it logged itself. Others are replaced.
func TestClientRequestID(t *testing.T) {
	t.Parallel()
	env := apitest.NewOn(t, brokenDB(t))
	tests := []struct {
		sent string
		kept bool
	}{
		{"dash-tile.42_a", true},
		{strings.Repeat("a", 64), true},
		{strings.Repeat("a", 65), false},
		{"id with spaces", false},
		{`"}` + "\n{\"level\":\"error\"", false},
	}
	for _, tt := range tests {
		resp := env.Do(t, `{ serviceInfo { databaseSchemaVersion } }`, nil, "X-Request-Id", tt.sent)
		if (resp.RequestID == tt.sent) != tt.kept || resp.RequestID == "" {
			t.Errorf("sent %q: X-Request-Id %q, want kept %t", tt.sent, resp.RequestID, tt.kept)
		}
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "INTERNAL" || resp.Errors[0].Extensions["requestId"] != resp.RequestID {
			t.Errorf("sent %q: errors %+v, want INTERNAL with requestId %q", tt.sent, resp.Errors, resp.RequestID)
		}
		if !strings.Contains(env.Logs(), `"request_id":"`+resp.RequestID+`"`) {
			t.Errorf("sent %q: no log line with request_id %q", tt.sent, resp.RequestID)
		}
	}
}

// GraphiQL is served wherever introspection is on (it needs the schema),
// cannot be framed, and its scripts are compressed.
func TestGraphiQLRoutes(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	on := true
	tests := []struct {
		name string
		env  *apitest.Env
		want int
	}{
		{"development", apitest.NewOn(t, pool), http.StatusOK},
		{"production", apitest.NewOn(t, pool, apitest.Production), http.StatusNotFound},
		{"production with introspection", apitest.NewOn(t, pool, apitest.Production, func(o *httpserver.Options) { o.Introspection = &on }), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, target := range []string{"/", "/graphiql/graphiql.min.js"} {
				req := httptest.NewRequest(http.MethodGet, target, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				rec := httptest.NewRecorder()
				tt.env.Handler.ServeHTTP(rec, req)
				if rec.Code != tt.want {
					t.Fatalf("%s: %d, want %d", target, rec.Code, tt.want)
				}
				if tt.want != http.StatusOK {
					continue
				}
				h := rec.Header()
				if h.Get("X-Frame-Options") != "DENY" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
					t.Errorf("%s: framing allowed: %v", target, h)
				}
				if strings.HasSuffix(target, ".js") && h.Get("Content-Encoding") != "gzip" {
					t.Errorf("%s: not compressed", target)
				}
			}
		})
	}
}
