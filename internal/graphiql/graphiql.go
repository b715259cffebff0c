// Package graphiql serves GraphiQL, the in-browser GraphQL IDE, entirely
// from the binary: the page, its script and the pinned GraphiQL and React
// builds (see `make graphiql`) are embedded, so it works offline and loads
// nothing from anyone else.
package graphiql

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed assets/*.js assets/*.css assets/index.html assets/THIRD_PARTY_LICENSES.txt
var assets embed.FS

// AssetPrefix is where the page's scripts and styles are served.
const AssetPrefix = "/graphiql/"

// policy allows the page scripts and styles from this server only, and
// requests to this server only; it may not be framed (clickjacking). Styles
// may be inline because GraphiQL's components set some at run time.
const policy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

type file struct {
	body  []byte
	etag  string
	ctype string
}

// Handler serves the page at "/" and its files under AssetPrefix. The
// page talks to the GraphQL endpoint at /graphql.
type Handler struct {
	files map[string]file
}

// New reads the embedded files once.
func New() *Handler {
	h := &Handler{files: map[string]file{}}
	entries, err := fs.ReadDir(assets, "assets")
	if err != nil {
		panic("graphiql: embedded assets missing: " + err.Error())
	}
	for _, e := range entries {
		body, err := assets.ReadFile("assets/" + e.Name())
		if err != nil {
			panic("graphiql: " + err.Error())
		}
		sum := sha256.Sum256(body)
		h.files[e.Name()] = file{body: body, etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`, ctype: contentType(e.Name())}
	}
	return h
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "text/html; charset=utf-8"
}

// ServeHTTP answers GET and HEAD for the page ("/") and its files.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := "index.html"
	if r.URL.Path != "/" {
		rest, ok := strings.CutPrefix(r.URL.Path, AssetPrefix)
		if !ok || rest == "index.html" {
			http.NotFound(w, r)
			return
		}
		name = rest
	}
	f, ok := h.files[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Content-Security-Policy", policy)
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("ETag", f.etag)
	// The files change only with the binary: revalidate each load (cheap,
	// a 304), so an upgraded server never serves a stale mix.
	hd.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.body))
}
