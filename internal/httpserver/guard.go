package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// guardGraphQL lets through only the requests the GraphQL transports are
// meant for, and answers the rest with a clear error before any parsing:
//   - GET (queries only; gqlgen refuses mutations over GET) or POST;
//   - POST bodies of type application/json, which a plain HTML form cannot
//     send, so a cross-site form post never reaches a mutation;
//   - one operation per body: a JSON array (batching) is refused;
//   - a well-formed JSON object no larger than maxBytes, with a query (or
//     a persisted query's hash in extensions).
//
// gqlgen would answer some of these with Go's decoding messages; checking
// here keeps those out of responses.
//
// A body refused here never reaches the GraphQL layer's size charge, so it
// is charged here, to the client's address in refused (nil: not charged):
// a point per KiB begun, as there, so a stream of malformed megabytes costs
// what reading them costs. Past the budget the answer is 429.
func guardGraphQL(maxBytes int64, refused *ratelimit.Limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var read int64 // bytes of the body read before a refusal
		refuse := func(no *refusal) {
			if r.Method == http.MethodPost && chargeAddress(w, r, refused, graph.SizePoints(read),
				func(wait string) string {
					return "Địa chỉ này đã gửi quá nhiều yêu cầu không hợp lệ; hãy thử lại sau " + wait + " giây."
				},
				func(wait string) string {
					return "Too many invalid requests from this address; try again in " + wait + " s."
				}) {
				return
			}
			writeGraphQLError(w, no.status, no.code, i18n.Pick(ctx, no.vi, no.en))
		}
		switch r.Method {
		case http.MethodGet:
			if no := checkGraphQLURL(r.URL.RawQuery); no != nil {
				refuse(no)
				return
			}
			next.ServeHTTP(w, r)
			return
		case http.MethodPost:
		default:
			w.Header().Set("Allow", "GET, POST")
			refuse(&refusal{http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED",
				"Chỉ nhận GET (truy vấn) hoặc POST.", "Only GET (queries) and POST are accepted."})
			return
		}
		body, no := readGraphQLBody(w, r, maxBytes)
		read = int64(len(body))
		if no == nil {
			no = checkGraphQLBody(body)
		}
		if no != nil {
			refuse(no)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// refusal is a request guardGraphQL turns away: its status, the error's
// code and the message in Vietnamese and English.
type refusal struct {
	status int
	code   string
	vi, en string
}

// checkGraphQLURL checks a GET's parameters. gqlgen answers bad ones with
// bare English and no code: the same checks here answer them like every
// other bad request.
func checkGraphQLURL(rawQuery string) *refusal {
	query, err := url.ParseQuery(rawQuery)
	if err != nil || !jsonObjectOrNull(query.Get("variables")) || !jsonObjectOrNull(query.Get("extensions")) {
		return &refusal{http.StatusBadRequest, "BAD_REQUEST",
			"Tham số của URL không đọc được: query (văn bản GraphQL), operationName, variables và extensions (đối tượng JSON).",
			"The URL's parameters cannot be read: query (GraphQL text), operationName, variables and extensions (JSON objects)."}
	}
	return nil
}

// readGraphQLBody reads a POST's JSON body, at most maxBytes of it. It
// returns what it read even when it refuses, for the refusal's charge.
func readGraphQLBody(w http.ResponseWriter, r *http.Request, maxBytes int64) ([]byte, *refusal) {
	// A media type whose parameters do not parse is refused here too:
	// gqlgen would answer "transport not supported" with no code.
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, &refusal{http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
			"Gửi yêu cầu GraphQL dạng JSON (Content-Type: application/json).",
			"Send the GraphQL request as JSON (Content-Type: application/json)."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return body, &refusal{http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE",
			"Yêu cầu quá lớn (tối đa " + byteSize(maxBytes) + ").", "The request is too large (at most " + byteSize(maxBytes) + ")."}
	case err != nil:
		return body, &refusal{http.StatusBadRequest, "BAD_REQUEST",
			"Không đọc được nội dung yêu cầu.", "The request body could not be read."}
	}
	return body, nil
}

// checkGraphQLBody checks that a POST's body is one operation in the shape
// the transport expects, with a query or a persisted query's hash.
func checkGraphQLBody(body []byte) *refusal {
	if trimmed := bytes.TrimLeft(body, " \t\r\n"); len(trimmed) > 0 && trimmed[0] == '[' {
		return &refusal{http.StatusBadRequest, "BATCHING_NOT_SUPPORTED",
			"Mỗi yêu cầu chỉ gửi một thao tác GraphQL (không nhận mảng).",
			"Send one GraphQL operation per request; arrays (batching) are not accepted."}
	}
	// Checked for shape only: variables and extensions stay raw (gqlgen
	// decodes them once, after), they just have to be objects or null.
	var shape struct {
		Query         *string         `json:"query"`
		OperationName *string         `json:"operationName"`
		Variables     json.RawMessage `json:"variables"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	if err := json.Unmarshal(body, &shape); err != nil || !objectOrNull(shape.Variables) || !objectOrNull(shape.Extensions) {
		return &refusal{http.StatusBadRequest, "BAD_REQUEST",
			"Nội dung phải là một đối tượng JSON: query (chuỗi), operationName (chuỗi), variables (đối tượng), extensions (đối tượng).",
			"The body must be a JSON object: query (string), operationName (string), variables (object), extensions (object)."}
	}
	if shape.Query == nil && !persistedQuery(shape.Extensions) {
		return &refusal{http.StatusBadRequest, "BAD_REQUEST",
			"Thiếu query: nội dung phải có trường query chứa văn bản GraphQL.",
			"The query is missing: the body needs a query field holding the GraphQL text."}
	}
	return nil
}

// persistedQuery reports whether extensions name a persisted query, which
// stands in for the query text (automatic persisted queries).
func persistedQuery(extensions json.RawMessage) bool {
	var ext struct {
		PersistedQuery json.RawMessage `json:"persistedQuery"`
	}
	return json.Unmarshal(extensions, &ext) == nil && len(ext.PersistedQuery) > 0 && string(ext.PersistedQuery) != "null"
}

// jsonObjectOrNull reports whether a URL parameter is absent, or JSON that
// is null or an object.
func jsonObjectOrNull(param string) bool {
	if param == "" {
		return true
	}
	var v map[string]any
	return json.Unmarshal([]byte(param), &v) == nil
}

// objectOrNull reports whether raw JSON is absent, null or an object.
func objectOrNull(raw json.RawMessage) bool {
	return len(raw) == 0 || raw[0] == '{' || string(raw) == "null"
}

func byteSize(n int64) string {
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}

// withDeadline gives each request at most d; the SQL it runs is cancelled
// when the deadline passes, and the client gets a TIMEOUT error.
func withDeadline(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(&deadlineWriter{ResponseWriter: w, ctx: ctx}, r.WithContext(ctx))
	})
}

// deadlineWriter replaces the bare `null` gqlgen answers with when the
// request's context ended before execution began (its end-of-stream signal)
// by a TIMEOUT error a client can understand.
type deadlineWriter struct {
	http.ResponseWriter
	ctx context.Context
}

func (w *deadlineWriter) Write(b []byte) (int, error) {
	if errors.Is(w.ctx.Err(), context.DeadlineExceeded) && string(bytes.TrimSpace(b)) == "null" {
		body, _ := json.Marshal(map[string]any{"errors": []any{map[string]any{
			"message": i18n.Pick(w.ctx,
				"Yêu cầu chạy quá thời gian cho phép và đã bị dừng; hãy thử lại.",
				"The request ran past its time limit and was stopped; try again."),
			"extensions": map[string]string{"code": "TIMEOUT"},
		}}})
		if _, err := w.ResponseWriter.Write(body); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush lets @defer's multipart answer stream through (gqlgen asks the
// writer itself for http.Flusher).
func (w *deadlineWriter) Flush() { flush(w.ResponseWriter) }

// withRateHeaders carries the rate-limit decision made while executing
// the operation to the response: X-RateLimit-* headers, and 429 with
// Retry-After when it was refused.
func withRateHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, o := ratelimit.WithOutcome(r.Context())
		next.ServeHTTP(&startWriter{ResponseWriter: w, start: func(status int) int {
			return o.Apply(w.Header(), status)
		}}, r.WithContext(ctx))
	})
}

func flush(w http.ResponseWriter) {
	// Through every wrapper that can Unwrap, not only one that flushes.
	_ = http.NewResponseController(w).Flush()
}

// withClient records who is calling (address and user agent) for rate
// limits, visitor counts and session records. The address is the peer's,
// unless the peer is a trusted proxy: then it is the nearest address in
// X-Forwarded-For that is not one of ours.
func withClient(trusted []netip.Prefix, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := account.Client{UserAgent: headerText(r.UserAgent(), 300), IP: clientIP(r, trusted)}
		next.ServeHTTP(w, r.WithContext(account.WithClient(r.Context(), c)))
	})
}

// headerText makes a header's value storable as text: bytes that are not
// UTF-8 replaced (net/http lets them through; PostgreSQL refuses them)
// and cut to at most max bytes without splitting a character.
func headerText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if !isTrusted(peer, trusted) {
		return peer.Unmap().String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		addr, err := netip.ParseAddr(hop)
		if err != nil {
			// Some proxies write ip:port.
			ap, perr := netip.ParseAddrPort(hop)
			if perr != nil {
				break // a garbled hop: trust nothing further left
			}
			addr = ap.Addr()
		}
		if !isTrusted(addr, trusted) {
			return addr.Unmap().String()
		}
	}
	return peer.Unmap().String()
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	a = a.Unmap()
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// chargeAddress takes cost points from lim for the request's client
// address; when they are not there it answers 429 RATE_LIMITED with
// Retry-After and the message (vi, en) for the wait, and reports true. A
// nil lim charges nothing.
func chargeAddress(w http.ResponseWriter, r *http.Request, lim *ratelimit.Limiter, cost int, vi, en func(wait string) string) bool {
	if lim == nil {
		return false
	}
	ctx := r.Context()
	d := lim.Take(ratelimit.AddressKey(account.ClientFrom(ctx).IP), cost)
	if d.Allowed {
		return false
	}
	wait := strconv.Itoa(max(ratelimit.RetrySeconds(d.RetryAfter), 1))
	w.Header().Set("Retry-After", wait)
	writeGraphQLError(w, http.StatusTooManyRequests, "RATE_LIMITED", i18n.Pick(ctx, vi(wait), en(wait)))
	return true
}
