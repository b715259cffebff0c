package httpserver

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/sodoan/sodoan/internal/cachescope"
)

// anonymousMaxAge is how long a browser or shared cache may reuse an
// anonymous GET answer: short, so a dashboard tile is at most that stale.
const anonymousMaxAge = 30 * time.Second

// withCaching sets the headers that say how /graphql answers may be kept:
//
//   - GET answers carry an ETag (a hash of the body only, so the rate-limit
//     headers, which change on every request, do not defeat it) and a
//     matching If-None-Match gets 304 without the body;
//   - anonymous GET answers without errors may be cached for a short while
//     (they hold only public data: what anyone may read without signing in),
//     unless a resolver marked them private (cachescope.MarkPrivate: the
//     caller's own rate-limit budget differs from one address to another),
//     which gets "private, no-store"; a public answer keeps only the
//     X-RateLimit-Limit of the rate-limit headers, the others being the
//     caller's own;
//   - a request with an Authorization header gets "private, no-store",
//     whatever its method, since its answer is that account's view;
//   - anything else (POST, errors, refusals) gets "no-store".
//
// Every answer varies on the request headers that change
// it (Origin and Accept-Encoding are added by the CORS and gzip layers).
func withCaching(maxAge time.Duration, next http.Handler) http.Handler {
	public := "public, max-age=" + strconv.Itoa(int(maxAge.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Add("Vary", "Authorization, Accept, Accept-Language")
		refuse := "no-store"
		if r.Header.Get("Authorization") != "" {
			refuse = "private, no-store"
		}
		if r.Method != http.MethodGet {
			// Cache-Control is set as the answer starts, over whatever an
			// inner layer chose.
			next.ServeHTTP(&startWriter{ResponseWriter: w, start: func(status int) int {
				w.Header().Set("Cache-Control", refuse)
				return status
			}}, r)
			return
		}

		// A GET answer is held until complete: its ETag and whether it may
		// be cached depend on the whole body. Query answers are small.
		b := &bufferedWriter{header: h, status: http.StatusOK}
		ctx := cachescope.With(r.Context())
		next.ServeHTTP(b, r.WithContext(ctx))
		body := b.body.Bytes()
		if b.status != http.StatusOK {
			h.Set("Cache-Control", refuse)
			w.WriteHeader(b.status)
			_, _ = w.Write(body)
			return
		}
		tag := etagOf(body)
		h.Set("ETag", tag)
		if cachescope.Private(ctx) {
			refuse = "private, no-store"
		}
		if refuse == "no-store" && !hasErrors(body) {
			h.Set("Cache-Control", public)
			// A shared cache would hand this address's budget to others;
			// the limit is the same for every anonymous caller, the rest is
			// not (POST, or a query for rateLimit, shows them).
			for _, k := range []string{"X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset"} {
				h.Del(k)
			}
		} else {
			h.Set("Cache-Control", refuse)
		}
		if etagMatches(r.Header.Get("If-None-Match"), tag) {
			h.Del("Content-Type")
			h.Del("Content-Length")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
}

// etagOf is a weak validator: gzip may re-encode the body on the way out,
// which a weak tag allows, and If-None-Match compares weakly anyway.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// etagMatches applies If-None-Match's weak comparison: any listed tag (or
// "*") equal to ours, W/ prefixes ignored.
func etagMatches(header, tag string) bool {
	if header == "" {
		return false
	}
	opaque := strings.TrimPrefix(tag, "W/")
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == opaque {
			return true
		}
	}
	return false
}

// hasErrors reports whether a GraphQL answer lists errors (or is not a
// GraphQL answer at all); such an answer is not worth caching.
func hasErrors(body []byte) bool {
	var resp struct {
		Errors json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return true
	}
	return len(resp.Errors) > 0 && string(resp.Errors) != "null" && string(resp.Errors) != "[]"
}

// bufferedWriter keeps status and body; headers go straight to the real
// response's map, so what inner layers set (rate limits, content type)
// is sent with the final answer.
type bufferedWriter struct {
	header http.Header
	status int
	wrote  bool
	body   bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if !b.wrote {
		b.wrote, b.status = true, status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.wrote = true
	return b.body.Write(p)
}

// startWriter calls start once, as the answer starts (its WriteHeader,
// first Write or first Flush), to set headers or change the status.
type startWriter struct {
	http.ResponseWriter
	start func(status int) int
	wrote bool
}

func (w *startWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		status = w.start(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *startWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

func (w *startWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets @defer's parts out as they are written.
func (w *startWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	flush(w.ResponseWriter)
}
