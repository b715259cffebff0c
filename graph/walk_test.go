package graph_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/seed"
)

// What the schema-walking tests (hostile input, filter sweep) share: the
// schema as the server executes it, a server on the demo data with one
// account of each kind of caller, and the checks every answer must pass.

// schemaOf is the executable schema's own AST, so fields added later are
// walked without anyone listing them.
func schemaOf() *ast.Schema {
	return graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
}

// walkWorld is a server on the demo data.
type walkWorld struct {
	env    *apitest.Env
	schema *ast.Schema
	// callers maps a kind of caller to its account (0: anonymous).
	callers map[string]int64
	// ids holds an existing record's ID of each kind.
	ids map[model.Kind]string

	mu sync.Mutex
	// sent remembers what each request id carried, to name the request
	// behind a server-side error log line.
	sent map[string]string
	// executed counts the answers that got past validation (data, no
	// validation or parse error): a walk whose documents all fail
	// validation would check nothing but the validator.
	executed int
}

// callerKinds are the kinds of callers every walk is made as.
var callerKinds = []string{"anonymous", "member", "officer", "admin"}

func newWalkWorld(t *testing.T) *walkWorld {
	t.Helper()
	env := apitest.New(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, env.Pool); err != nil {
		t.Fatal(err)
	}
	w := &walkWorld{env: env, schema: schemaOf(), callers: map[string]int64{"anonymous": 0}, ids: map[model.Kind]string{}, sent: map[string]string{}}
	for kind, username := range map[string]string{"member": "doanvien.vptu", "officer": "bithu.vptu", "admin": "quantri"} {
		var id int64
		if err := env.Pool.QueryRow(ctx, `SELECT id FROM accounts WHERE username = $1`, username).Scan(&id); err != nil {
			t.Fatalf("demo account %s: %v", username, err)
		}
		w.callers[kind] = id
	}
	tables := map[model.Kind]string{
		model.KindUnit: "units", model.KindMember: "members", model.KindActivity: "activities", model.KindCampaign: "campaigns",
		model.KindContribution: "contributions", model.KindCommendation: "commendations", model.KindPledge: "pledges",
		model.KindAuditEntry: "audit_log", model.KindPlanTarget: "plan_targets", model.KindPost: "posts", model.KindPhoto: "photos",
	}
	for kind, table := range tables {
		var id *int64
		if err := env.Pool.QueryRow(ctx, `SELECT min(id) FROM `+table).Scan(&id); err != nil {
			t.Fatalf("an id of %s: %v", table, err)
		}
		if id == nil {
			id = new(int64)
			*id = 1
		}
		w.ids[kind] = model.EncodeID(kind, *id)
	}
	// Account IDs point at an account no caller uses, so a mutation that
	// deactivates it does not sign a caller out for the rest of the walk.
	w.ids[model.KindAccount] = model.EncodeID(model.KindAccount, env.Account(t, "walk.victim", nil, nil))
	return w
}

// as returns the server sending requests as a fresh session of the given
// kind of caller: a fresh one, so a walked logout ends only its own.
func (w *walkWorld) as(t *testing.T, caller string) *apitest.Env {
	t.Helper()
	if w.callers[caller] == 0 {
		return w.env.Anonymous()
	}
	return w.env.As(w.env.Session(t, w.callers[caller]))
}

// leaks are bits of text that must never reach a client.
var leaks = []string{"SQLSTATE", "pgx", "pgconn", "runtime error", "goroutine ", ".go:", "panic", "invalid memory address"}

// send posts query with vars and fails t, naming what, unless the answer is
// a GraphQL answer without a server fault: no 5xx, every error coded, none
// INTERNAL, no internal text. It returns the decoded answer.
func (w *walkWorld) send(t *testing.T, env *apitest.Env, what, query string, vars map[string]any) apitest.Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	rec := env.Raw(http.MethodPost, "/graphql", "application/json", string(body))
	w.mu.Lock()
	w.sent[rec.Header().Get("X-Request-Id")] = what + "\n\t" + query + "\n\t" + string(body)
	w.mu.Unlock()
	var resp apitest.Response
	resp.Status = rec.Code
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || (resp.Data == nil && len(resp.Errors) == 0) {
		t.Errorf("%s: not a GraphQL answer (%d): %.300s\n\tquery: %s\n\tvariables: %.500s", what, rec.Code, rec.Body, query, body)
		return resp
	}
	ran := resp.Data != nil && string(resp.Data) != "null"
	for _, e := range resp.Errors {
		if c, _ := e.Extensions["code"].(string); c == "GRAPHQL_VALIDATION_FAILED" || c == "GRAPHQL_PARSE_FAILED" {
			ran = false
		}
	}
	if ran {
		w.mu.Lock()
		w.executed++
		w.mu.Unlock()
	}
	fail := ""
	switch {
	case rec.Code >= 500:
		fail = fmt.Sprintf("status %d", rec.Code)
	default:
		for _, e := range resp.Errors {
			code, _ := e.Extensions["code"].(string)
			if code == "" || code == "INTERNAL" {
				fail = fmt.Sprintf("error coded %q: %s", code, e.Message)
				break
			}
		}
		for _, leak := range leaks {
			// (Text the request carried may be quoted back in a message.)
			if strings.Contains(rec.Body.String(), leak) && !strings.Contains(string(body), leak) {
				fail = "answer leaks " + leak
			}
		}
	}
	if fail != "" {
		t.Errorf("%s: %s\n\tquery: %s\n\tvariables: %.500s\n\tanswer: %.600s", what, fail, query, body, rec.Body)
	}
	return resp
}

// noErrorLogs fails t for each error-level line the server logged, naming
// the request that caused it: bad input is the caller's problem, not one
// an operator is paged for.
func (w *walkWorld) noErrorLogs(t *testing.T) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(w.env.Logs()))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	reported := 0
	for sc.Scan() {
		var line struct {
			Level     string `json:"level"`
			RequestID string `json:"request_id"`
			Error     string `json:"error"`
			Message   string `json:"message"`
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if line.Level != "error" && line.Level != "fatal" && line.Level != "panic" {
			continue
		}
		if reported++; reported > 20 {
			t.Errorf("... and more error lines")
			return
		}
		w.mu.Lock()
		what := w.sent[line.RequestID]
		w.mu.Unlock()
		t.Errorf("server logged %s %q (%s) for %s", line.Level, line.Message, line.Error, what)
	}
}

// selection is a small valid selection for a field of type typ: nothing
// for a scalar or enum; for an object its scalar fields that take no
// required argument, userErrors, and __typename.
func selection(s *ast.Schema, typ *ast.Type) string {
	def := s.Types[typ.Name()]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return ""
	}
	parts := []string{"__typename"}
	if def.Kind == ast.Object {
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") || requiresArgs(f) {
				continue
			}
			switch fd := s.Types[f.Type.Name()]; {
			case fd.Kind == ast.Scalar || fd.Kind == ast.Enum:
				parts = append(parts, f.Name)
			case f.Name == "userErrors":
				parts = append(parts, "userErrors { field code }")
			}
		}
	}
	return " { " + strings.Join(parts, " ") + " }"
}

func requiresArgs(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if a.Type.NonNull && a.DefaultValue == nil {
			return true
		}
	}
	return false
}

// rootFields are the walkable fields of a root type, by name.
func rootFields(def *ast.Definition) []*ast.FieldDefinition {
	var out []*ast.FieldDefinition
	for _, f := range def.Fields {
		if !strings.HasPrefix(f.Name, "__") {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// literal writes v as a GraphQL value of type typ, for documents that
// carry input in their text instead of in variables.
func literal(s *ast.Schema, v any, typ *ast.Type) string {
	if v == nil {
		return "null"
	}
	if typ.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			return literal(s, v, typ.Elem)
		}
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = literal(s, it, typ.Elem)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	def := s.Types[typ.NamedType]
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			ft := &ast.Type{NamedType: "String"}
			if def != nil && def.Kind == ast.InputObject {
				if f := def.Fields.ForName(k); f != nil {
					ft = f.Type
				}
			}
			parts[i] = k + ": " + literal(s, x[k], ft)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		return literal(s, v, &ast.Type{Elem: typ})
	case string:
		if def != nil && def.Kind == ast.Enum && isName(x) {
			return x
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func isName(s string) bool {
	if s == "" || s == "true" || s == "false" || s == "null" {
		return false
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
