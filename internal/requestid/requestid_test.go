package requestid

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rs/zerolog"
	"github.com/rs/zerolog/hlog"
)

func TestValid(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		"a": true, "dash-7f3a.b_C": true, strings.Repeat("x", MaxLen): true,
		"": false, strings.Repeat("x", MaxLen+1): false, "has space": false, `quote"`: false,
		"new\nline": false, "tab\t": false, "ümlaut": false, "a/b": false, "{json}": false,
	} {
		if got := Valid(id); got != want {
			t.Errorf("Valid(%q) = %t, want %t", id, got, want)
		}
	}
}

// The id reaches the handler's context, the response header and every log
// line of the request; a client's unsafe id is replaced by a fresh one.
func TestMiddleware(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sent string
		kept bool
	}{
		{"dash-42.tile_a", true},
		{"", false},
		{"two words", false},
		{strings.Repeat("7", MaxLen+1), false},
	}
	for _, tt := range tests {
		var logs bytes.Buffer
		var inHandler string
		h := hlog.NewHandler(zerolog.New(&logs))(Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inHandler = From(r.Context())
			hlog.FromRequest(r).Info().Msg("hello")
		})))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		if tt.sent != "" {
			req.Header.Set(Header, tt.sent)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(Header)
		if (got == tt.sent) != tt.kept || !Valid(got) || got != inHandler {
			t.Errorf("sent %q: header %q, context %q, want kept %t", tt.sent, got, inHandler, tt.kept)
		}
		if !strings.Contains(logs.String(), `"request_id":"`+got+`"`) {
			t.Errorf("sent %q: log lacks the id: %s", tt.sent, logs.String())
		}
	}
	if From(httptest.NewRequest(http.MethodGet, "/", nil).Context()) != "" {
		t.Error("an id outside a request")
	}
}

// Two requests without an id get different ones.
func TestFreshIDsDiffer(t *testing.T) {
	t.Parallel()
	h := Middleware(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	a, b := httptest.NewRecorder(), httptest.NewRecorder()
	h.ServeHTTP(a, httptest.NewRequest(http.MethodGet, "/", nil))
	h.ServeHTTP(b, httptest.NewRequest(http.MethodGet, "/", nil))
	if a.Header().Get(Header) == b.Header().Get(Header) {
		t.Error("the same id twice")
	}
}
