package graphiql

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func serve(h http.Handler, method, target string, headers ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var reference = regexp.MustCompile(`(?:src|href)="([^"]*)"`)

// The page loads only files this handler serves, each with its type, and
// names no other host.
func TestPageLoadsOnlyLocalFiles(t *testing.T) {
	t.Parallel()
	h := New()
	page := serve(h, http.MethodGet, "/")
	if page.Code != http.StatusOK || !strings.HasPrefix(page.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %q", page.Code, page.Header().Get("Content-Type"))
	}
	if !strings.Contains(page.Body.String(), `data-endpoint="/graphql"`) {
		t.Error("the page does not name /graphql")
	}
	var refs []string
	for _, m := range reference.FindAllStringSubmatch(page.Body.String(), -1) {
		if m[1] != "data:," { // the empty icon, so the browser asks for no favicon
			refs = append(refs, m[1])
		}
	}
	if len(refs) != 6 {
		t.Fatalf("the page references %d files, want the 2 styles and 4 scripts: %v", len(refs), refs)
	}
	for _, ref := range refs {
		if strings.Contains(ref, "//") || strings.HasPrefix(ref, "/") {
			t.Errorf("%q is not a path relative to this server", ref)
			continue
		}
		rec := serve(h, http.MethodGet, "/"+ref)
		want := "text/css"
		if strings.HasSuffix(ref, ".js") {
			want = "text/javascript"
		}
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), want) || rec.Body.Len() == 0 {
			t.Errorf("%s: %d %q, %d bytes", ref, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	if rec := serve(h, http.MethodGet, AssetPrefix+"THIRD_PARTY_LICENSES.txt"); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "MIT") {
		t.Errorf("licenses: %d", rec.Code)
	}
}

// Neither the page nor its files may be framed by another page, and the
// page runs scripts from this server only.
func TestFramingAndScriptPolicy(t *testing.T) {
	t.Parallel()
	h := New()
	for _, target := range []string{"/", AssetPrefix + "app.js", AssetPrefix + "graphiql.min.css"} {
		rec := serve(h, http.MethodGet, target)
		hd := rec.Header()
		csp := hd.Get("Content-Security-Policy")
		if hd.Get("X-Frame-Options") != "DENY" || !strings.Contains(csp, "frame-ancestors 'none'") ||
			!strings.Contains(csp, "script-src 'self';") || strings.Contains(csp, "unsafe-eval") ||
			hd.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: headers %v", target, hd)
		}
	}
}

func TestFilesRevalidate(t *testing.T) {
	t.Parallel()
	h := New()
	first := serve(h, http.MethodGet, AssetPrefix+"graphiql.min.js")
	tag := first.Header().Get("ETag")
	if tag == "" || first.Header().Get("Cache-Control") != "no-cache" {
		t.Fatalf("headers %v", first.Header())
	}
	if again := serve(h, http.MethodGet, AssetPrefix+"graphiql.min.js", "If-None-Match", tag); again.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", again.Code)
	}
}

func TestUnknownFiles(t *testing.T) {
	t.Parallel()
	h := New()
	for _, target := range []string{AssetPrefix + "nope.js", AssetPrefix + "index.html", AssetPrefix, "/other", AssetPrefix + "../graphiql.go"} {
		if rec := serve(h, http.MethodGet, target); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", target, rec.Code)
		}
	}
}
