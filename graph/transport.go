package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// transports are the ways /graphql is reached: multipart/mixed for
// operations with @defer (the client asks for it in Accept), JSON POST for
// everything else, GET for queries. Each follows the GraphQL-over-HTTP
// spec on request errors (see overHTTP).
func transports() []graphql.Transport {
	return []graphql.Transport{
		// Parts ready within 10ms of each other go out together: fewer
		// wake-ups than gqlgen's 1ms default, no delay a person notices.
		incremental{overHTTP{transport.MultipartMixed{Boundary: "graphql", DeliveryTimeout: 10 * time.Millisecond}}},
		overHTTP{transport.POST{}},
		overHTTP{transport.GET{}},
	}
}

// overHTTP makes a gqlgen transport answer request errors (the document
// does not parse or validate, variables do not coerce, a limit refuses the
// operation) as the GraphQL-over-HTTP spec says:
//   - the body has no "data" entry, as nothing was executed;
//   - with application/json the status is 200 (legacy clients read the
//     body whatever the status), with application/graphql-response+json it
//     is 4xx.
//
// gqlgen answers 422 for the former and always writes "data": null.
type overHTTP struct{ graphql.Transport }

func (t overHTTP) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	rw := &requestErrorWriter{ResponseWriter: w}
	r = withRequestRecord(r)
	t.Transport.Do(rw, r, requestErrorExec{GraphExecutor: exec, w: rw})
}

// requestErrorExec tells the writer when the operation was refused before
// execution: that is what CreateOperationContext returning errors means.
type requestErrorExec struct {
	graphql.GraphExecutor
	w *requestErrorWriter
}

func (e requestErrorExec) CreateOperationContext(ctx context.Context, params *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	rc, errs := e.GraphExecutor.CreateOperationContext(ctx, params)
	if errs != nil {
		e.w.requestError = true
	}
	return rc, errs
}

type requestErrorWriter struct {
	http.ResponseWriter
	requestError bool
	wroteHeader  bool
}

func (w *requestErrorWriter) WriteHeader(status int) {
	if w.wroteHeader {
		return
	}
	w.wroteHeader = true
	if w.requestError || status >= 400 {
		w.requestError = true
		switch responseMediaType(w.Header()) {
		case "application/json":
			if status == http.StatusUnprocessableEntity {
				status = http.StatusOK
			}
		case "application/graphql-response+json":
			if status < 400 {
				status = http.StatusBadRequest
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *requestErrorWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if !w.requestError {
		return w.ResponseWriter.Write(b)
	}
	// gqlgen writes a request error in one call, as a marshalled
	// graphql.Response; write it again without its data entry.
	var resp struct {
		Errors     json.RawMessage `json:"errors,omitempty"`
		Extensions json.RawMessage `json:"extensions,omitempty"`
	}
	if err := json.Unmarshal(b, &resp); err != nil || len(resp.Errors) == 0 {
		return w.ResponseWriter.Write(b)
	}
	out, err := json.Marshal(resp)
	if err != nil {
		return w.ResponseWriter.Write(b)
	}
	if _, err := w.ResponseWriter.Write(out); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Flush lets the multipart transport stream through this writer.
func (w *requestErrorWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *requestErrorWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func responseMediaType(h http.Header) string {
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	return mt
}

// requestRecord is what is known of a request before its document is
// parsed: how many bytes of it the transport read (a POST's body, a GET's
// query string), so that the rate limit can price it (see SizePoints);
// the points charged for it, which pay the operation's first points of
// complexity; and its parameters, so that errors can be told from the
// names the caller wrote (see discreet).
type requestRecord struct {
	bytes   int64
	charged int
	params  *graphql.RawParams
}

type requestRecordKey struct{}

// withRequestRecord counts the bytes the transport reads from r into a
// requestRecord in r's context.
func withRequestRecord(r *http.Request) *http.Request {
	size := &requestRecord{bytes: int64(len(r.URL.RawQuery))}
	r = r.WithContext(context.WithValue(r.Context(), requestRecordKey{}, size))
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &countingBody{ReadCloser: r.Body, size: size}
	}
	return r
}

func requestRecordFrom(ctx context.Context) *requestRecord {
	s, _ := ctx.Value(requestRecordKey{}).(*requestRecord)
	return s
}

type countingBody struct {
	io.ReadCloser
	size *requestRecord
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.size.bytes += int64(n)
	return n, err
}

// incremental serves requests that accept multipart/mixed. Only an
// operation that may use @defer is answered in parts; the rest get plain
// JSON, since clients such as GraphiQL accept multipart/mixed on every
// request and gain nothing from it. Requests it serves in parts are marked,
// as the multipart transport is the only one that delivers @defer'd
// fragments (the others send the first payload alone), for deferGate.
type incremental struct{ graphql.Transport }

type incrementalKey struct{}

func (t incremental) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Transport.Do(w, r, exec) // reports the unreadable body
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	// Looked for in the raw body rather than decoded (the POST transport
	// decodes it once, after): a body without "@defer" cannot defer unless
	// it names a persisted query, whose text is not in it. A client that
	// escapes the @ gets deferGate's clear refusal, not missing data.
	if !bytes.Contains(body, []byte("@defer")) && !bytes.Contains(body, []byte("persistedQuery")) {
		overHTTP{transport.POST{}}.Do(w, r, exec)
		return
	}
	t.Transport.Do(w, r.WithContext(context.WithValue(r.Context(), incrementalKey{}, true)), exec)
}

// deferGate refuses @defer where its fragments would never arrive: over
// plain JSON (the client did not ask for multipart/mixed) and in mutations
// (gqlgen sends a mutation's first payload only). The refusal is a clear
// request error, never a result with fields silently missing.
type deferGate struct{ schemaless }

func (deferGate) ExtensionName() string { return "DeferGate" }

func (deferGate) MutateOperationContext(ctx context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil || !defers(rc.Doc, rc.Operation.SelectionSet, rc.Variables, map[string]bool{}) {
		return nil
	}
	streamed, _ := ctx.Value(incrementalKey{}).(bool)
	if streamed && rc.Operation.Operation == ast.Query {
		return nil
	}
	if rc.Operation.Operation != ast.Query {
		return limitError(ctx, errcode.ValidationFailed,
			"Chỉ dùng @defer trong truy vấn (query), không dùng trong mutation.",
			"@defer is supported in queries only, not in mutations.")
	}
	return limitError(ctx, "DEFER_NEEDS_MULTIPART",
		"@defer cần trả lời từng phần: gửi truy vấn bằng POST với Accept: multipart/mixed; deferSpec=20220824, hoặc bỏ @defer.",
		"@defer needs incremental delivery: POST the query with Accept: multipart/mixed; deferSpec=20220824, or drop @defer.")
}

// defers reports whether a selection set, with the fragments it spreads,
// holds a @defer that is on (its `if` is true or left out).
func defers(doc *ast.QueryDocument, set ast.SelectionSet, vars map[string]any, seen map[string]bool) bool {
	for _, sel := range set {
		switch sel := sel.(type) {
		case *ast.Field:
			if defers(doc, sel.SelectionSet, vars, seen) {
				return true
			}
		case *ast.InlineFragment:
			if deferOn(sel.Directives, vars) || defers(doc, sel.SelectionSet, vars, seen) {
				return true
			}
		case *ast.FragmentSpread:
			if deferOn(sel.Directives, vars) {
				return true
			}
			if seen[sel.Name] {
				continue
			}
			seen[sel.Name] = true
			if def := doc.Fragments.ForName(sel.Name); def != nil && defers(doc, def.SelectionSet, vars, seen) {
				return true
			}
		}
	}
	return false
}

func deferOn(dirs ast.DirectiveList, vars map[string]any) bool {
	d := dirs.ForName("defer")
	if d == nil {
		return false
	}
	on, ok := d.ArgumentMap(vars)["if"].(bool)
	return !ok || on
}
