package httpserver_test

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/ratelimit"
	"github.com/sodoan/sodoan/internal/testdb"
)

// limited turns on rate limits, so answers carry X-RateLimit-* headers.
func limited(o *httpserver.Options) {
	o.RateLimits = graph.RateLimits{Accounts: ratelimit.New(1000), Anonymous: ratelimit.New(1000)}
}

// varies reports whether the Vary headers name field.
func varies(h http.Header, field string) bool {
	for _, v := range h.Values("Vary") {
		for f := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(f), field) {
				return true
			}
		}
	}
	return false
}

// getQuery sends query over GET with extra headers (name, value, ...).
func getQuery(h http.Handler, query string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func postQuery(h http.Handler, query string, headers ...string) *httptest.ResponseRecorder {
	body, _ := json.Marshal(map[string]string{"query": query})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// A GET answer's ETag is a hash of its body alone: the rate-limit headers
// change on every request and must not change it. A matching If-None-Match
// gets 304 with no body but the same validators.
func TestETagAndNotModified(t *testing.T) {
	t.Parallel()
	env := apitest.NewOn(t, testdb.Migrated(t), limited)
	const q = `{ serviceInfo { name version } }`
	first := getQuery(env.Handler, q)
	tag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || !strings.HasPrefix(tag, `W/"`) {
		t.Fatalf("first GET: %d, ETag %q: %s", first.Code, tag, first.Body)
	}
	second := getQuery(env.Handler, q)
	if second.Header().Get("ETag") != tag {
		t.Errorf("same answer, new ETag: %q then %q", tag, second.Header().Get("ETag"))
	}
	// A public answer keeps only the limit of the rate-limit headers: a
	// shared cache must not hand this address's budget to another.
	for _, h := range []string{"X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset"} {
		if v := second.Header().Get(h); v != "" {
			t.Errorf("public answer carries %s: %s", h, v)
		}
	}
	if second.Header().Get("X-RateLimit-Limit") != "1000" {
		t.Errorf("public answer's X-RateLimit-Limit = %q, want 1000", second.Header().Get("X-RateLimit-Limit"))
	}
	// A private answer keeps them all, and they change while its ETag,
	// a hash of the body, does not.
	const own = `{ serviceInfo { name } rateLimit { limit } }`
	p1, p2 := getQuery(env.Handler, own), getQuery(env.Handler, own)
	if p1.Header().Get("ETag") == "" || p1.Header().Get("ETag") != p2.Header().Get("ETag") {
		t.Errorf("same private answer, ETags %q and %q", p1.Header().Get("ETag"), p2.Header().Get("ETag"))
	}
	if p1.Header().Get("X-RateLimit-Remaining") == p2.Header().Get("X-RateLimit-Remaining") {
		t.Errorf("rate-limit headers did not change (%q), so this test proves nothing", p1.Header().Get("X-RateLimit-Remaining"))
	}

	for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag, "*"} {
		rec := getQuery(env.Handler, q, "If-None-Match", inm)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %s: %d with %d bytes, want 304 and none", inm, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("ETag") != tag || rec.Header().Get("Cache-Control") != "public, max-age=30" ||
			rec.Header().Get("X-RateLimit-Limit") == "" {
			t.Errorf("304 headers: %v", rec.Header())
		}
	}
	if rec := getQuery(env.Handler, q, "If-None-Match", `W/"stale"`); rec.Code != http.StatusOK || rec.Body.String() != first.Body.String() {
		t.Errorf("stale If-None-Match: %d %s", rec.Code, rec.Body)
	}
	if other := getQuery(env.Handler, `{ serviceInfo { name } }`); other.Header().Get("ETag") == tag {
		t.Error("a different answer has the same ETag")
	}
	if post := postQuery(env.Handler, q, "If-None-Match", tag); post.Code != http.StatusOK || post.Header().Get("ETag") != "" {
		t.Errorf("POST: %d, ETag %q; want 200 and none", post.Code, post.Header().Get("ETag"))
	}
}

// Only anonymous GET answers without errors may be cached, briefly and by
// anyone; a signed-in caller's answers are never stored; POST never.
func TestCacheControl(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	admin := "Bearer " + env.AdminToken
	tests := []struct {
		name string
		rec  *httptest.ResponseRecorder
		want string
	}{
		{"anonymous GET", getQuery(env.Handler, `{ serviceInfo { name } }`), "public, max-age=30"},
		{"anonymous GET with errors", getQuery(env.Handler, `{ unit(id: "not-an-id") { name } }`), "no-store"},
		{"anonymous GET refused", getQuery(env.Handler, `{ nope }`), "no-store"},
		{"anonymous GET of a mutation", getQuery(env.Handler, `mutation { logout { __typename } }`), "no-store"},
		{"signed-in GET", getQuery(env.Handler, `{ serviceInfo { name } }`, "Authorization", admin), "private, no-store"},
		{"signed-in GET with errors", getQuery(env.Handler, `{ nope }`, "Authorization", admin), "private, no-store"},
		{"bad token GET", getQuery(env.Handler, `{ serviceInfo { name } }`, "Authorization", "Bearer nobody"), "private, no-store"},
		{"anonymous POST", postQuery(env.Handler, `{ serviceInfo { name } }`), "no-store"},
		{"signed-in POST", postQuery(env.Handler, `{ serviceInfo { name } }`, "Authorization", admin), "private, no-store"},
		{"guard refusal", postQuery(env.Handler, `{ serviceInfo { name } }`, "Content-Type", "text/plain"), "no-store"},
		{"signed-in guard refusal", postQuery(env.Handler, `{ serviceInfo { name } }`, "Content-Type", "text/plain", "Authorization", admin), "private, no-store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.rec.Header()
			if got := h.Values("Cache-Control"); len(got) != 1 || got[0] != tt.want {
				t.Errorf("Cache-Control %q, want %q (status %d: %s)", got, tt.want, tt.rec.Code, tt.rec.Body)
			}
			if h.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options: nosniff")
			}
			for _, f := range []string{"Authorization", "Accept-Language", "Accept-Encoding", "Origin"} {
				if !varies(h, f) {
					t.Errorf("Vary %q lacks %s", h.Values("Vary"), f)
				}
			}
		})
	}
}

// An anonymous answer that selects the caller's own data (their rate-limit
// budget, kept per address; their account) is not public even without
// errors: a shared cache would hand one address's budget to another. It is
// marked wherever the field is selected (alias, fragment), and the mark
// does not outlive its request.
func TestPerCallerFieldsAreNotPublic(t *testing.T) {
	t.Parallel()
	env := apitest.NewOn(t, testdb.Migrated(t), limited)
	tests := []struct{ name, query, want string }{
		{"rateLimit", `{ rateLimit { limit cost remaining resetAt } }`, "private, no-store"},
		{"rateLimit beside public fields", `{ serviceInfo { name } budget: rateLimit { remaining } }`, "private, no-store"},
		{"rateLimit in a fragment", `query { ...Budget } fragment Budget on Query { rateLimit { remaining } }`, "private, no-store"},
		{"me", `{ me { id } }`, "private, no-store"},
		{"public fields after those", `{ serviceInfo { name } }`, "public, max-age=30"},
	}
	for _, tt := range tests {
		rec := getQuery(env.Handler, tt.query)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
			t.Fatalf("%s: %d %s", tt.name, rec.Code, rec.Body)
		}
		if got := rec.Header().Values("Cache-Control"); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%s: Cache-Control %q, want %q", tt.name, got, tt.want)
		}
	}
	// The budget really is there, and really is the caller's: not a null
	// that would be harmless to share.
	if rec := getQuery(env.Handler, `{ rateLimit { remaining } }`); !strings.Contains(rec.Body.String(), `"remaining":`) {
		t.Errorf("no budget in %s", rec.Body)
	}
}

// Answers of 1 KiB or more are gzipped for clients that accept it; small
// ones and clients that do not are sent as they are.
func TestGzip(t *testing.T) {
	t.Parallel()
	env := apitest.NewOn(t, testdb.Migrated(t))
	const big = `{ __schema { types { name description } } }`
	plain := getQuery(env.Handler, big)
	if plain.Code != http.StatusOK || plain.Body.Len() < 4096 || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("uncompressed: %d, %d bytes, encoding %q", plain.Code, plain.Body.Len(), plain.Header().Get("Content-Encoding"))
	}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		var rec *httptest.ResponseRecorder
		if method == http.MethodGet {
			rec = getQuery(env.Handler, big, "Accept-Encoding", "gzip, deflate, br")
		} else {
			rec = postQuery(env.Handler, big, "Accept-Encoding", "gzip")
		}
		if rec.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("%s: Content-Encoding %q, want gzip", method, rec.Header().Get("Content-Encoding"))
		}
		size := rec.Body.Len()
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || string(body) != plain.Body.String() {
			t.Errorf("%s: gunzipped body differs (%v)", method, err)
		}
		t.Logf("%s: %d bytes gzipped to %d", method, len(body), size)
		if method == http.MethodGet && (plain.Header().Get("ETag") == "" || rec.Header().Get("ETag") != plain.Header().Get("ETag")) {
			t.Errorf("the gzipped answer's ETag %q differs from the plain one's %q", rec.Header().Get("ETag"), plain.Header().Get("ETag"))
		}
	}
	small := getQuery(env.Handler, `{ serviceInfo { name } }`, "Accept-Encoding", "gzip")
	if small.Header().Get("Content-Encoding") != "" || !strings.Contains(small.Body.String(), "Sổ Đoàn") {
		t.Errorf("small answer: encoding %q: %s", small.Header().Get("Content-Encoding"), small.Body)
	}
}
