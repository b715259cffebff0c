// Package requestid names each HTTP request: the client's X-Request-Id when
// it is a short safe token (so a frontend or proxy can follow its own id
// through our logs), a new unique id otherwise.
package requestid

import (
	"context"
	"net/http"

	"github.com/rs/xid"
	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/ctxvalue"
)

// Header carries the id both ways.
const Header = "X-Request-Id"

// MaxLen bounds a client's id; longer ones are replaced.
const MaxLen = 64

var key ctxvalue.Key[string]

// With returns ctx carrying id.
func With(ctx context.Context, id string) context.Context { return key.With(ctx, id) }

// From returns the request's id, or "" outside a request.
func From(ctx context.Context) string {
	id, _ := key.From(ctx)
	return id
}

// Valid reports whether a client's id can be kept: 1 to MaxLen characters
// of letters, digits, '.', '_' and '-'. Anything else (spaces, quotes,
// control characters) could forge or garble log lines and is replaced.
func Valid(id string) bool {
	if id == "" || len(id) > MaxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// Middleware gives every request its id, echoes it in the response's
// X-Request-Id and adds it as request_id to the request's logger (the one
// hlog.NewHandler put in the context, which must run before).
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(Header)
		if !Valid(id) {
			id = xid.New().String()
		}
		ctx := With(r.Context(), id)
		zerolog.Ctx(ctx).UpdateContext(func(c zerolog.Context) zerolog.Context {
			return c.Str("request_id", id)
		})
		w.Header().Set(Header, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
