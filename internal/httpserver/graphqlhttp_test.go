package httpserver_test

import (
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// post sends body to /graphql with the given Accept header ("" for none).
func post(t *testing.T, h http.Handler, accept, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// Request errors (nothing was executed) follow the GraphQL-over-HTTP spec:
// no data entry; 200 for application/json, whose clients read the body
// whatever the status; 4xx for application/graphql-response+json. A
// missing query is a malformed request: 400 whichever was asked.
func TestRequestErrorsFollowGraphQLOverHTTP(t *testing.T) {
	t.Parallel()
	h := apitest.New(t).Handler
	const (
		jsonType  = "application/json"
		graphType = "application/graphql-response+json"
	)
	tests := []struct {
		name, accept, body string
		status             int
		contentType, code  string
	}{
		{"parse error, no Accept", "", `{"query":"{"}`, 200, jsonType, "GRAPHQL_PARSE_FAILED"},
		{"parse error, JSON", jsonType, `{"query":"{"}`, 200, jsonType, "GRAPHQL_PARSE_FAILED"},
		{"validation error, JSON", jsonType, `{"query":"{ nope }"}`, 200, jsonType, "GRAPHQL_VALIDATION_FAILED"},
		{"variable not coerced, JSON", jsonType, `{"query":"query($y: Int!) { yearlyReport(unitId: \"x\", year: $y) { year } }","variables":{"y":"soon"}}`, 200, jsonType, "GRAPHQL_VALIDATION_FAILED"},
		{"parse error, graphql-response", graphType, `{"query":"{"}`, 400, graphType, "GRAPHQL_PARSE_FAILED"},
		{"validation error, graphql-response", graphType, `{"query":"{ nope }"}`, 400, graphType, "GRAPHQL_VALIDATION_FAILED"},
		{"graphql-response preferred", graphType + ", " + jsonType + ";q=0.9", `{"query":"{ nope }"}`, 400, graphType, "GRAPHQL_VALIDATION_FAILED"},
		{"query missing", jsonType, `{"qeury":"{ __typename }"}`, 400, jsonType, "BAD_REQUEST"},
		{"query missing, graphql-response", graphType, `{}`, 400, jsonType, "BAD_REQUEST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := post(t, h, tt.accept, tt.body)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("not JSON: %s", rec.Body)
			}
			var errs []struct{ Extensions map[string]any }
			_ = json.Unmarshal(body["errors"], &errs)
			mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
			if rec.Code != tt.status || mt != tt.contentType || len(errs) != 1 || errs[0].Extensions["code"] != tt.code {
				t.Errorf("got %d %s %s, want %d %s with code %s", rec.Code, mt, rec.Body, tt.status, tt.contentType, tt.code)
			}
			if _, ok := body["data"]; ok {
				t.Errorf("a request error has a data entry: %s", rec.Body)
			}
		})
	}
	t.Run("execution keeps data", func(t *testing.T) {
		for _, accept := range []string{"", jsonType, graphType} {
			rec := post(t, h, accept, `{"query":"{ serviceInfo { name } }"}`)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"data":{"serviceInfo"`) {
				t.Errorf("Accept %q: %d %s", accept, rec.Code, rec.Body)
			}
		}
	})
	t.Run("persisted query without its text", func(t *testing.T) {
		rec := post(t, h, jsonType, `{"extensions":{"persistedQuery":{"version":1,"sha256Hash":"`+strings.Repeat("a", 64)+`"}}}`)
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), "PERSISTED_QUERY_NOT_FOUND") {
			t.Errorf("got %d %s, want gqlgen's PERSISTED_QUERY_NOT_FOUND", rec.Code, rec.Body)
		}
	})
}

// The schema file tools read is served where introspection is allowed,
// and is the committed schema.graphql.
func TestSchemaFile(t *testing.T) {
	t.Parallel()
	committed, err := os.ReadFile("../../schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	dev := get(t, apitest.New(t).Handler, "/graphql/schema.graphql")
	if dev.Code != 200 || !strings.HasPrefix(dev.Header().Get("Content-Type"), "text/plain; charset=utf-8") {
		t.Errorf("development: %d %s", dev.Code, dev.Header().Get("Content-Type"))
	}
	if dev.Body.String() != string(committed) {
		t.Error("served schema differs from schema.graphql: run make generate")
	}
	for _, want := range []string{"type Query {", "type Mutation {", "scalar Money", "directive @defer("} {
		if !strings.Contains(dev.Body.String(), want) {
			t.Errorf("schema lacks %q", want)
		}
	}
	if prod := get(t, apitest.New(t, apitest.Production).Handler, "/graphql/schema.graphql"); prod.Code != http.StatusNotFound {
		t.Errorf("production: %d, want 404", prod.Code)
	}
}

// @defer is delivered in parts to clients that ask for multipart/mixed, and
// refused with a clear error where its parts could not arrive, never
// answered with the deferred fields silently missing.
func TestDefer(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	env.MustDo(t, `mutation { unitCreate(input: {level: PROVINCE, name: "Tỉnh đoàn Khánh Hòa"}) { unit { id } } }`, nil, nil)
	query := `{ units(first: 1) { edges { node { name ... @defer(label: "tile") { stats(year: 2022) { activities } } } } } }`
	body, _ := json.Marshal(map[string]string{"query": query})
	const multipartAccept = "multipart/mixed; deferSpec=20220824, application/json"

	t.Run("multipart", func(t *testing.T) {
		rec := post(t, env.Handler, multipartAccept, string(body))
		mt, params, _ := mime.ParseMediaType(rec.Header().Get("Content-Type"))
		if rec.Code != 200 || mt != "multipart/mixed" {
			t.Fatalf("got %d %s: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
		var parts []string
		mr := multipart.NewReader(rec.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("part %d: %v in %q", len(parts), err, rec.Body)
			}
			b, _ := io.ReadAll(p)
			parts = append(parts, string(b))
		}
		if len(parts) != 2 ||
			!strings.Contains(parts[0], `"name":"Tỉnh đoàn Khánh Hòa"`) || !strings.Contains(parts[0], `"hasNext":true`) ||
			!strings.Contains(parts[1], `"incremental":[{"data":{"stats":{"activities":0}},"label":"tile","path":["units","edges",0,"node"]`) ||
			!strings.Contains(parts[1], `"hasNext":false}`) {
			t.Errorf("parts: %q", parts)
		}
	})

	t.Run("no @defer, multipart accepted", func(t *testing.T) {
		rec := post(t, env.Handler, "application/json, multipart/mixed", `{"query":"{ serviceInfo { name } }"}`)
		if mt, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); rec.Code != 200 || mt != "application/json" ||
			!strings.HasPrefix(rec.Body.String(), `{"data":{"serviceInfo"`) {
			t.Errorf("got %d %s %s, want plain JSON", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	})

	refusals := []struct {
		name, accept, query, code string
	}{
		{"plain JSON", "application/json", query, "DEFER_NEEDS_MULTIPART"},
		{"no Accept", "", query, "DEFER_NEEDS_MULTIPART"},
		{"in a fragment spread", "", `query { units(first: 1) { edges { node { ...Tile @defer } } } } fragment Tile on Unit { stats(year: 2022) { activities } }`, "DEFER_NEEDS_MULTIPART"},
		{"inside a fragment", "", `query { units(first: 1) { edges { node { ...Row } } } } fragment Row on Unit { name ... @defer { shortName } }`, "DEFER_NEEDS_MULTIPART"},
		{"mutation", multipartAccept, `mutation { logout { __typename ... @defer { __typename } } }`, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, tt := range refusals {
		t.Run(tt.name, func(t *testing.T) {
			b, _ := json.Marshal(map[string]string{"query": tt.query})
			rec := post(t, env.Handler, tt.accept, string(b))
			if !strings.Contains(rec.Body.String(), `"code":"`+tt.code+`"`) || strings.Contains(rec.Body.String(), `"data"`) {
				t.Errorf("got %d %s, want a request error %s", rec.Code, rec.Body, tt.code)
			}
		})
	}

	t.Run("over GET", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/graphql?query="+url.QueryEscape(query), nil)
		req.Header.Set("Accept", multipartAccept)
		rec := httptest.NewRecorder()
		env.Handler.ServeHTTP(rec, req)
		if !strings.Contains(rec.Body.String(), `"code":"DEFER_NEEDS_MULTIPART"`) || strings.Contains(rec.Body.String(), `"data"`) {
			t.Errorf("got %d %s, want DEFER_NEEDS_MULTIPART", rec.Code, rec.Body)
		}
	})

	t.Run("turned off", func(t *testing.T) {
		b, _ := json.Marshal(map[string]string{"query": strings.Replace(query, `@defer(label: "tile")`, `@defer(if: false)`, 1)})
		rec := post(t, env.Handler, "application/json", string(b))
		if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"stats":{"activities":0}`) || strings.Contains(rec.Body.String(), "hasNext") {
			t.Errorf("got %d %s, want the whole result at once", rec.Code, rec.Body)
		}
	})
}
