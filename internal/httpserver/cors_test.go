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

func allowOrigins(list ...string) apitest.Option {
	return func(o *httpserver.Options) { o.AllowedOrigins = list }
}

func preflight(h http.Handler, path, origin string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodOptions, path, nil)
	req.Header.Set("Origin", origin)
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	// Lower case and sorted, as browsers send it.
	req.Header.Set("Access-Control-Request-Headers", "accept-language,authorization,content-type,traceparent,x-request-id")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// A page from an allowed origin gets its preflight answered (before the
// method guard, which refuses OPTIONS); any other origin gets no CORS
// headers, so the browser keeps the answer from it.
func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	pool := testdb.Migrated(t)
	dev := apitest.NewOn(t, pool)
	prod := apitest.NewOn(t, pool, apitest.Production)
	prodNamed := apitest.NewOn(t, pool, apitest.Production, allowOrigins("https://dash.doan.vn"))
	tests := []struct {
		name   string
		env    *apitest.Env
		path   string
		origin string
		allow  bool
	}{
		{"development, localhost any port", dev, "/graphql", "http://localhost:5173", true},
		{"development, 127.0.0.1", dev, "/graphql", "http://127.0.0.1:3000", true},
		{"development, another site", dev, "/graphql", "https://evil.example", false},
		{"development, localhost over https", dev, "/graphql", "https://localhost:5173", false},
		{"development, photo upload", dev, "/uploads/photos", "http://localhost:5173", true},
		{"production, none by default", prod, "/graphql", "http://localhost:5173", false},
		{"production, named origin", prodNamed, "/graphql", "https://dash.doan.vn", true},
		{"production, named origin on upload", prodNamed, "/uploads/photos", "https://dash.doan.vn", true},
		{"production, other origin", prodNamed, "/graphql", "https://dash.doan.vn.evil.example", false},
		{"production, localhost not implied", prodNamed, "/graphql", "http://localhost:5173", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := preflight(tt.env.Handler, tt.path, tt.origin)
			if rec.Code != http.StatusNoContent {
				t.Errorf("preflight status %d, want 204: %s", rec.Code, rec.Body)
			}
			h := rec.Header()
			if got := h.Get("Access-Control-Allow-Origin"); (got == tt.origin) != tt.allow || (!tt.allow && got != "") {
				t.Fatalf("Access-Control-Allow-Origin = %q, want allowed %t", got, tt.allow)
			}
			if !tt.allow {
				return
			}
			allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
			for _, want := range []string{"authorization", "content-type", "accept-language", "x-request-id", "traceparent"} {
				if !strings.Contains(allowed, want) {
					t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, want)
				}
			}
			if h.Get("Access-Control-Allow-Methods") != http.MethodPost || h.Get("Access-Control-Max-Age") == "" {
				t.Errorf("methods %q, max age %q", h.Get("Access-Control-Allow-Methods"), h.Get("Access-Control-Max-Age"))
			}
			if h.Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed; the API signs in with Authorization only")
			}
		})
	}
}

// A method the API does not take is not allowed by the preflight either.
func TestCORSPreflightRefusesOtherMethods(t *testing.T) {
	t.Parallel()
	env := apitest.NewOn(t, testdb.Migrated(t))
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", http.MethodDelete)
	rec := httptest.NewRecorder()
	env.Handler.ServeHTTP(rec, req)
	if got := rec.Header().Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("DELETE preflight allowed for %q", got)
	}
}

// The answer itself names the origin and lets the page read the rate-limit
// headers and the request id; a plain OPTIONS (no preflight) still meets
// the method guard.
func TestCORSActualRequest(t *testing.T) {
	t.Parallel()
	env := apitest.NewOn(t, testdb.Migrated(t), limited)
	resp := env.Do(t, `{ serviceInfo { name } }`, nil, "Origin", "http://localhost:5173")
	h := resp.Header
	if h.Get("Access-Control-Allow-Origin") != "http://localhost:5173" {
		t.Fatalf("Access-Control-Allow-Origin = %q", h.Get("Access-Control-Allow-Origin"))
	}
	exposed := strings.ToLower(strings.Join(h.Values("Access-Control-Expose-Headers"), ","))
	for _, want := range []string{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after", "x-request-id"} {
		if !strings.Contains(exposed, want) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, want)
		}
	}
	if h.Get("X-RateLimit-Remaining") == "" {
		t.Error("no rate-limit headers to expose")
	}
	if !varies(h, "Origin") {
		t.Errorf("Vary %q lacks Origin", h.Values("Vary"))
	}

	other := env.Do(t, `{ serviceInfo { name } }`, nil, "Origin", "https://evil.example")
	if got := other.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("other origin allowed: %q", got)
	}

	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	rec := httptest.NewRecorder()
	env.Handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("plain OPTIONS: %d, want the guard's 405", rec.Code)
	}
}

// Request headers are allowed from a list, not echoed: a preflight from an
// allowed origin asking for a header off the list does not get it allowed,
// and preflight answers vary on Origin.
func TestCORSPreflightAllowsOnlyListedHeaders(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "http://localhost:5173")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", "content-type,x-evil")
	rec := httptest.NewRecorder()
	env.Handler.ServeHTTP(rec, req)
	if allowed := strings.ToLower(rec.Header().Get("Access-Control-Allow-Headers")); strings.Contains(allowed, "x-evil") {
		t.Errorf("a header off the list was allowed: %q", allowed)
	}
	if !varies(rec.Header(), "Origin") {
		t.Errorf("preflight answer does not vary on Origin: %v", rec.Header().Values("Vary"))
	}
}
