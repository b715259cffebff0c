package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

const createUnit = `mutation { unitCreate(input: {level: PROVINCE, name: "Tỉnh đoàn Khánh Hòa"}) { unit { id } } }`

// Requests the endpoint is not for are refused before GraphQL runs, with
// a code and a message a developer can act on, and nothing is written.
func TestRequestShapeIsChecked(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	body, _ := json.Marshal(map[string]string{"query": createUnit})
	big := `{"query": "{ __typename }", "variables": {"pad": "` + strings.Repeat("x", 2<<20) + `"}}`
	for _, tt := range []struct {
		name, method, contentType, body string
		status                          int
		code                            string
	}{
		{"PUT", http.MethodPut, "application/json", string(body), http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"},
		{"plain text (a cross-site form can send it)", http.MethodPost, "text/plain", string(body), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"url-encoded form", http.MethodPost, "application/x-www-form-urlencoded", "query=" + url.QueryEscape(createUnit), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"multipart form", http.MethodPost, "multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + string(body) + "\r\n--x--\r\n", http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"no content type", http.MethodPost, "", string(body), http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
		{"batch", http.MethodPost, "application/json", "[" + string(body) + "," + string(body) + "]", http.StatusBadRequest, "BATCHING_NOT_SUPPORTED"},
		{"query is a number", http.MethodPost, "application/json", `{"query": 5}`, http.StatusBadRequest, "BAD_REQUEST"},
		{"variables not an object", http.MethodPost, "application/json", `{"query": "{ __typename }", "variables": [1]}`, http.StatusBadRequest, "BAD_REQUEST"},
		{"broken JSON", http.MethodPost, "application/json", `{"query": "{ __typename }"`, http.StatusBadRequest, "BAD_REQUEST"},
		{"over 1 MiB", http.MethodPost, "application/json", big, http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE"},
		{"mutation over GET", http.MethodGet, "", "", 0, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := env.Count(t, "units")
			target := "/graphql"
			if tt.method == http.MethodGet {
				target += "?query=" + url.QueryEscape(createUnit)
			}
			rec := env.Raw(tt.method, target, tt.contentType, tt.body)
			if tt.status != 0 && rec.Code != tt.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			var resp apitest.Response
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || len(resp.Errors) == 0 {
				t.Fatalf("want a GraphQL error, got %d %s", rec.Code, rec.Body)
			}
			if tt.code != "" && resp.Errors[0].Extensions["code"] != tt.code {
				t.Errorf("code %v, want %s: %s", resp.Errors[0].Extensions["code"], tt.code, rec.Body)
			}
			for _, leak := range []string{"json:", "Go struct", "unmarshal", "http:"} {
				if strings.Contains(rec.Body.String(), leak) {
					t.Errorf("response quotes Go's error text (%q): %s", leak, rec.Body)
				}
			}
			if after := env.Count(t, "units"); after != before {
				t.Errorf("refused request wrote %d units", after-before)
			}
		})
	}
}

// Requests gqlgen's transports would refuse with bare English and no code
// are answered like every other bad request: a code, in the caller's
// language.
func TestMalformedRequestsHaveCodes(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	q := "query=" + url.QueryEscape("{ __typename }")
	for _, tt := range []struct {
		name, method, target, contentType, body string
		status                                  int
		code                                    string
	}{
		{"GET variables not JSON", http.MethodGet, "/graphql?" + q + "&variables=%7Bx", "", "", http.StatusBadRequest, "BAD_REQUEST"},
		{"GET variables a list", http.MethodGet, "/graphql?" + q + "&variables=%5B1%5D", "", "", http.StatusBadRequest, "BAD_REQUEST"},
		{"GET extensions not JSON", http.MethodGet, "/graphql?" + q + "&extensions=nope", "", "", http.StatusBadRequest, "BAD_REQUEST"},
		{"GET a broken escape", http.MethodGet, "/graphql?" + q + "&x=%zz", "", "", http.StatusBadRequest, "BAD_REQUEST"},
		{"GET too many parameters", http.MethodGet, "/graphql?" + q + strings.Repeat("&a=1", 20000), "", "", http.StatusBadRequest, "BAD_REQUEST"},
		{"content type with broken parameters", http.MethodPost, "/graphql", "application/json;;;=;", `{"query": "{ __typename }"}`, http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE"},
	} {
		rec := env.Raw(tt.method, tt.target, tt.contentType, tt.body)
		var resp apitest.Response
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || rec.Code != tt.status || len(resp.Errors) != 1 ||
			resp.Errors[0].Extensions["code"] != tt.code {
			t.Errorf("%s: %d %.300s, want %d %s", tt.name, rec.Code, rec.Body, tt.status, tt.code)
		}
	}
	if rec := env.Raw(http.MethodGet, "/graphql?"+q+"&variables=null", "", ""); rec.Code != http.StatusOK {
		t.Errorf("GET with null variables: %d %s", rec.Code, rec.Body)
	}
}

// Documents that repeat themselves are refused by text limits before they
// run; a mutation repeated under aliases writes nothing.
func TestAliasAndRepeatLimits(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	var manyCreates strings.Builder
	manyCreates.WriteString("mutation { ")
	for i := range 31 {
		fmt.Fprintf(&manyCreates, `u%d: unitCreate(input: {level: PROVINCE, name: "Tỉnh %d"}) { unit { id } } `, i, i)
	}
	manyCreates.WriteString("}")
	for _, tt := range []struct{ name, query, code, says string }{
		{"31 aliased creates", manyCreates.String(), "ALIAS_LIMIT_EXCEEDED", "31 aliases"},
		{"a field six times", `{ serviceInfo { version version version version version version } }`, "FIELD_REPEAT_LIMIT_EXCEEDED", "version"},
		{"repeats inside a fragment", `query { ...F } fragment F on Query { serviceInfo { version version version version version version } }`,
			"FIELD_REPEAT_LIMIT_EXCEEDED", "6 times"},
	} {
		resp := env.Do(t, tt.query, nil, "Accept-Language", "en")
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != tt.code || !strings.Contains(resp.Errors[0].Message, tt.says) {
			t.Errorf("%s: %+v", tt.name, resp.Errors)
		}
	}
	if n := env.Count(t, "units"); n != 0 {
		t.Errorf("refused documents created %d units", n)
	}
	fine := `{ a: serviceInfo { version } b: serviceInfo { version } serviceInfo { version version } rateLimit { limit } }`
	if resp := env.Do(t, fine, nil); len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"rateLimit":null`) {
		t.Errorf("a few aliases and a repeat are fine (and this server sets no rate limit): %s %+v", resp.Data, resp.Errors)
	}
}

// Fragments the validator would spend the square of their number on are
// refused before it runs, with one error: spreads of undefined fragments,
// a ring of fragments, one field in many inline fragments, many different
// fragments spread into one selection. A few of each stay fine.
func TestFragmentShapesRefusedBeforeValidation(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	var ring, spreads, defs strings.Builder
	ring.WriteString("{ ...F0 }")
	for i := range 300 {
		fmt.Fprintf(&ring, " fragment F%d on Query { ...F%d ...F%d }", i, (i+1)%300, (i+2)%300)
	}
	for i := range 51 {
		fmt.Fprintf(&spreads, " ...S%d", i)
		fmt.Fprintf(&defs, " fragment S%d on Query { __typename }", i)
	}
	for _, tt := range []struct{ name, query, code, says string }{
		{"unknown fragments", "{" + strings.Repeat(" ...Missing", 3) + " ...Nowhere ...Gone }", "GRAPHQL_VALIDATION_FAILED", `"Missing"`},
		{"a ring of fragments", ring.String(), "GRAPHQL_VALIDATION_FAILED", "within itself"},
		{"a fragment spreading itself", "{ ...A } fragment A on Query { serviceInfo { name } ...A }", "GRAPHQL_VALIDATION_FAILED", `"A"`},
		{"a field in many inline fragments", "{" + strings.Repeat(" ... { __typename }", 21) + " }", "FIELD_REPEAT_LIMIT_EXCEEDED", "21 times"},
		{"inline fragments nested", "{" + strings.Repeat(" ... { __typename", 21) + strings.Repeat(" }", 21) + " }", "FIELD_REPEAT_LIMIT_EXCEEDED", "21 times"},
		{"51 fragments in one selection", "{" + spreads.String() + " }" + defs.String(), "FIELD_REPEAT_LIMIT_EXCEEDED", "51"},
	} {
		resp := env.Do(t, tt.query, nil, "Accept-Language", "en")
		if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != tt.code || !strings.Contains(resp.Errors[0].Message, tt.says) || len(resp.Errors[0].Message) > 200 {
			t.Errorf("%s: want one short %s error saying %q, got %+v", tt.name, tt.code, tt.says, resp.Errors)
		}
	}
	fine := `query { nodes(ids: []) { ... on Unit { id name } ... on Member { id fullName } ... on Activity { id } __typename ...N } ...Q }
		fragment N on Node { id } fragment Q on Query { serviceInfo { name } }`
	if resp := env.Do(t, fine, nil); len(resp.Errors) > 0 {
		t.Errorf("a few inline fragments and fragments are fine: %+v", resp.Errors)
	}
}

// A fragment that spreads another twice, twelve times over, expands to
// thousands of copies; the limits count without expanding, so it is
// refused (too many fields once expanded, or too deep) cheaply.
func TestFragmentBombIsCheap(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	var doc strings.Builder
	doc.WriteString("query { unit(id: \"x\") { ...F0 } }\n")
	for i := range 12 {
		fmt.Fprintf(&doc, "fragment F%d on Unit { parent { ...F%d } children(first: 2) { edges { node { ...F%d } } } }\n", i, i+1, i+1)
	}
	doc.WriteString("fragment F12 on Unit { name }")
	start := time.Now()
	resp := env.Do(t, doc.String(), nil)
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "DEPTH_LIMIT_EXCEEDED" && resp.Errors[0].Extensions["code"] != "COMPLEXITY_LIMIT_EXCEEDED" {
		t.Errorf("want DEPTH_LIMIT_EXCEEDED or COMPLEXITY_LIMIT_EXCEEDED, got %+v", resp.Errors)
	}
	t.Logf("refused in %s", time.Since(start))
}

// Suggestions ("Did you mean ...?") disclose field names; production
// leaves them out, development keeps them.
func TestFieldSuggestions(t *testing.T) {
	t.Parallel()
	dev := apitest.New(t)
	prod := apitest.New(t, apitest.Production)
	typo := `{ serviceInfo { verison } }`
	if resp := dev.Do(t, typo, nil); len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, "Did you mean") {
		t.Errorf("development should suggest: %+v", resp.Errors)
	}
	resp := prod.Do(t, typo, nil)
	if len(resp.Errors) == 0 || strings.Contains(resp.Errors[0].Message, "Did you mean") || !strings.Contains(resp.Errors[0].Message, "verison") {
		t.Errorf("production should refuse without suggesting: %+v", resp.Errors)
	}
}

// Each account spends its own budget of complexity points; when it is
// spent, the next operation is refused with 429, Retry-After and the
// remaining budget in headers, and (a mutation) writes nothing. Anonymous
// callers are budgeted per address.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.WithRateLimits(graph.RateLimits{
		Accounts: ratelimit.New(100), Anonymous: ratelimit.New(100),
	}))
	query := `{ units(first: 10) { totalCount edges { node { name } } } }` // costs 1 + 10 × (edge + node + name) + totalCount
	first := env.Do(t, query, nil)
	cost, _ := strconv.Atoi(first.Header.Get("X-RateLimit-Used"))
	if len(first.Errors) > 0 || first.Header.Get("X-RateLimit-Limit") != "100" || cost < 20 || cost > 50 {
		t.Fatalf("first request: %d %+v, headers %v", first.Status, first.Errors, first.Header)
	}
	// The same budget, asked for in the query, as GitHub's API offers it.
	var budget struct {
		RateLimit struct{ Limit, Cost, Remaining int }
	}
	env.MustDo(t, `{ rateLimit { limit cost remaining resetAt } }`, nil, &budget)
	// Allow the two points the bucket may refill between the requests.
	if b := budget.RateLimit; b.Limit != 100 || b.Cost < 1 || b.Remaining > 100-cost-b.Cost+2 {
		t.Errorf("rateLimit field: %+v after a %d-point query", b, cost)
	}
	var refused apitest.Response
	for range 100 / cost {
		if refused = env.Do(t, query, nil); refused.Status == http.StatusTooManyRequests {
			break
		}
	}
	if refused.Status != http.StatusTooManyRequests || len(refused.Errors) != 1 || refused.Errors[0].Extensions["code"] != "RATE_LIMITED" {
		t.Fatalf("budget spent: want 429 RATE_LIMITED, got %d %+v", refused.Status, refused.Errors)
	}
	if wait, err := strconv.Atoi(refused.Header.Get("Retry-After")); err != nil || wait < 1 || wait > 60 {
		t.Errorf("Retry-After %q", refused.Header.Get("Retry-After"))
	}
	if r, err := strconv.Atoi(refused.Header.Get("X-RateLimit-Remaining")); err != nil || r >= cost {
		t.Errorf("refused with %q points left for a %d-point query", refused.Header.Get("X-RateLimit-Remaining"), cost)
	}
	spend(t, env, `{ __typename }`)
	write := env.Do(t, createUnit, nil)
	if write.Status != http.StatusTooManyRequests || env.Count(t, "units") != 0 {
		t.Errorf("a refused mutation must not write: %d %+v, units %d", write.Status, write.Errors, env.Count(t, "units"))
	}

	// Another account has its own budget.
	other := env.Account(t, "other", nil, nil)
	if resp := env.As(env.Session(t, other)).Do(t, query, nil); resp.Status != http.StatusOK {
		t.Errorf("another account was refused: %d %+v", resp.Status, resp.Errors)
	}

	// Anonymous callers: one address's budget, not another's.
	anon := env.Anonymous().From("198.51.100.7")
	spend(t, anon, query)
	if resp := env.Anonymous().From("198.51.100.8").Do(t, query, nil); resp.Status != http.StatusOK {
		t.Errorf("another address was refused: %d %+v", resp.Status, resp.Errors)
	}

	// Documents refused before they run (here: not valid against the schema)
	// still cost a point each, so they cannot be sent for free.
	invalid := env.Anonymous().From("198.51.100.10")
	spent := false
	for range 150 {
		if resp := invalid.Do(t, `{ khongCoTruongNay }`, nil); resp.Status == http.StatusTooManyRequests {
			spent = true
			break
		}
	}
	if !spent {
		t.Error("150 invalid documents from one address and the budget of 100 is not spent")
	}

	// A query that costs more than the whole budget says so.
	big := env.Anonymous().From("198.51.100.9").Do(t, `{ units(first: 100) { edges { node { name } } } }`, nil, "Accept-Language", "en")
	if big.Status != http.StatusTooManyRequests || len(big.Errors) != 1 || !strings.Contains(big.Errors[0].Message, "smaller pages") ||
		big.Header.Get("Retry-After") != "" {
		t.Errorf("over-budget query: %d %+v %v", big.Status, big.Errors, big.Header)
	}
}

// spend sends query until the budget refuses it, and fails if it never does.
func spend(t *testing.T, e *apitest.Env, query string) {
	t.Helper()
	for range 500 {
		switch resp := e.Do(t, query, nil); resp.Status {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			return
		default:
			t.Fatalf("spending the budget: %d %+v", resp.Status, resp.Errors)
		}
	}
	t.Fatal("500 requests and the budget is not spent")
}

// Sign-in attempts from one address are limited apart from the query
// budget; the refused attempt does not even check the password.
func TestLoginAttemptsPerAddress(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.WithRateLimits(graph.RateLimits{Logins: ratelimit.New(3)}))
	id := env.Account(t, "bithu", nil, nil)
	login := `mutation($p: String!) { login(input: {login: "bithu", password: $p}) { token userErrors { code } } }`
	guesser := env.Anonymous().From("203.0.113.5")
	for i := range 3 {
		if resp := guesser.Do(t, login, map[string]any{"p": fmt.Sprint("sai-", i)}); len(resp.Errors) > 0 {
			t.Fatalf("attempt %d: %+v", i+1, resp.Errors)
		}
	}
	resp := guesser.Do(t, login, map[string]any{"p": apitest.TestPassword})
	if resp.Status != http.StatusTooManyRequests || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "RATE_LIMITED" ||
		resp.Header.Get("Retry-After") == "" {
		t.Fatalf("fourth attempt: %d %+v", resp.Status, resp.Errors)
	}
	var sessions int
	if err := env.Pool.QueryRow(t.Context(), `SELECT count(*) FROM sessions WHERE account_id = $1`, id).Scan(&sessions); err != nil || sessions != 0 {
		t.Errorf("a refused attempt signed in: %d sessions, %v", sessions, err)
	}
	var out struct{ Login struct{ Token string } }
	resp = env.Anonymous().From("203.0.113.6").Do(t, login, map[string]any{"p": apitest.TestPassword})
	if err := json.Unmarshal(resp.Data, &out); err != nil || out.Login.Token == "" {
		t.Errorf("another address may still sign in: %+v %s", resp.Errors, resp.Data)
	}
}

// A request that runs past its deadline is stopped and told so (TIMEOUT),
// not reported as a server fault.
func TestRequestDeadline(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.WithRequestTimeout(time.Nanosecond)).Anonymous()
	resp := env.Do(t, `{ units(first: 5) { totalCount } }`, nil)
	if len(resp.Errors) == 0 || resp.Errors[0].Extensions["code"] != "TIMEOUT" {
		t.Errorf("want TIMEOUT, got %+v", resp.Errors)
	}
}

// Made-up tokens are charged to the address they come from; once its
// budget is spent, unknown tokens from it are still looked up (never
// refused: one may be a colleague's real session behind the same office
// address) but one at a time through the lookup gate. A stale token resent
// is answered without a lookup and not charged again.
func TestBadTokensPerAddress(t *testing.T) {
	t.Parallel()
	gate := ratelimit.NewGate(2)
	env := apitest.New(t, apitest.CachedPrincipals,
		apitest.WithRateLimits(graph.RateLimits{BadTokens: ratelimit.New(3), TokenLookups: gate}))
	office := env.From("203.0.113.20")
	const q = `{ me { username } }`
	if resp := office.Do(t, q, nil); resp.Status != http.StatusOK {
		t.Fatalf("the administrator's session: %d %+v", resp.Status, resp.Errors)
	}
	// A forgotten tab resending its stale token is answered 401 without a
	// lookup, and does not spend the address's budget.
	stale := office.As("ma-da-het-han")
	for i := range 10 {
		resp := stale.Do(t, q, nil)
		if resp.Status != http.StatusUnauthorized {
			t.Fatalf("stale token, attempt %d: %d %+v", i+1, resp.Status, resp.Errors)
		}
		if n := statements(t, env, resp.RequestID); i > 0 && n != 0 {
			t.Errorf("the stale token was looked up again (%d statements)", n)
		}
	}
	// Many made-up tokens, each new: every one is answered 401 (none 429),
	// those past the budget through the gate, each with its one lookup.
	for i := range 40 {
		resp := office.As(fmt.Sprint("khong-phai-ma-that-", i)).Do(t, q, nil)
		if resp.Status != http.StatusUnauthorized || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "UNAUTHENTICATED" {
			t.Fatalf("bad token %d: %d %+v", i+1, resp.Status, resp.Errors)
		}
		if n := statements(t, env, resp.RequestID); n != 1 {
			t.Errorf("bad token %d: %d statements, want its one lookup", i+1, n)
		}
	}
	if q := queuedLookups(env); gate.Passed() < 35 || int64(q) != gate.Passed() {
		t.Errorf("%d lookups went through the gate (%d logged as queued), want the ~37 past the budget", gate.Passed(), q)
	}
	// A real session the server has not seen yet, from the same address,
	// signs in.
	colleague := env.Account(t, "dongnghiep", nil, nil)
	if resp := office.As(env.Session(t, colleague)).Do(t, q, nil); resp.Status != http.StatusOK ||
		!strings.Contains(string(resp.Data), `"username":"dongnghiep"`) {
		t.Errorf("a valid session from the flooded address: %d %s %+v", resp.Status, resp.Data, resp.Errors)
	}
	if resp := env.From("198.51.100.30").As("khong-phai-ma-that").Do(t, q, nil); resp.Status != http.StatusUnauthorized {
		t.Errorf("another address: %d %+v", resp.Status, resp.Errors)
	}
}

// queuedLookups counts the requests whose token was looked up through the
// gate, from the request log.
func queuedLookups(e *apitest.Env) int {
	n := 0
	for line := range strings.SplitSeq(e.Logs(), "\n") {
		var entry struct {
			Message     string
			TokenLookup string `json:"token_lookup"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Message == "request" && entry.TokenLookup == "queued" {
			n++
		}
	}
	return n
}

// A flood of invented tokens sent at once from addresses over budget keeps
// at most one lookup running per address and the gate's width overall,
// and a real session sent in the middle of it still signs in.
func TestBadTokenFloodIsBounded(t *testing.T) {
	t.Parallel()
	gate := ratelimit.NewGate(2)
	env := apitest.New(t, apitest.WithRateLimits(graph.RateLimits{BadTokens: ratelimit.New(1), TokenLookups: gate}))
	const q = `{ me { username } }`
	addresses := []string{"203.0.113.40", "203.0.113.41", "203.0.113.42"}
	for _, a := range addresses {
		env.From(a).As("het-han-san-"+a).Do(t, q, nil) // spends the address's budget
	}
	colleague := env.Account(t, "dongnghiep", nil, nil)
	token := env.Session(t, colleague)
	const perAddress = 25
	var wg sync.WaitGroup
	var refused, valid atomic.Int64
	for _, a := range addresses {
		for i := range perAddress {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp := env.From(a).As(fmt.Sprintf("bia-dat-%s-%d", a, i)).Do(t, q, nil)
				if resp.Status != http.StatusUnauthorized {
					refused.Add(1)
				}
			}()
		}
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		resp := env.From(addresses[0]).As(token).Do(t, q, nil)
		if resp.Status == http.StatusOK && strings.Contains(string(resp.Data), "dongnghiep") {
			valid.Add(1)
		}
	}()
	wg.Wait()
	if refused.Load() > 0 || valid.Load() != 1 {
		t.Errorf("%d invented tokens not answered 401; valid session signed in: %v", refused.Load(), valid.Load() == 1)
	}
	if gate.Peak() > 2 || gate.Passed() != int64(len(addresses)*perAddress+1) {
		t.Errorf("gate ran %d lookups, at most %d at once; want %d, at most 2", gate.Passed(), gate.Peak(), len(addresses)*perAddress+1)
	}
}

// Changing one's password checks a typed password, so it shares the
// address's budget of sign-in attempts, and wrong current passwords count
// as failed sign-ins of the account (which then locks).
func TestPasswordChangeAttemptsAreLimited(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.QuickSignIns, apitest.WithRateLimits(graph.RateLimits{Logins: ratelimit.New(3)}))
	id := env.Account(t, "bithu", nil, nil)
	change := `mutation($p: String!) { passwordChange(input: {currentPassword: $p, newPassword: "mật khẩu mới rất dài"}) {
		userErrors { field code } } }`
	guesser := env.As(env.Session(t, id)).From("203.0.113.7")
	for i := range 3 {
		resp := guesser.Do(t, change, map[string]any{"p": fmt.Sprint("đoán-", i)})
		if len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), `"code":"INVALID_CREDENTIALS"`) {
			t.Fatalf("guess %d: %s %+v", i+1, resp.Data, resp.Errors)
		}
	}
	resp := guesser.Do(t, change, map[string]any{"p": apitest.TestPassword})
	if resp.Status != http.StatusTooManyRequests || len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "RATE_LIMITED" {
		t.Fatalf("fourth attempt: %d %s %+v", resp.Status, resp.Data, resp.Errors)
	}
	var failures int
	var changed bool
	if err := env.Pool.QueryRow(t.Context(), `SELECT failed_logins, version > 1 FROM accounts WHERE id = $1`, id).
		Scan(&failures, &changed); err != nil || failures != 3 || changed {
		t.Errorf("after 3 wrong guesses: %d failures counted, password changed %v (%v)", failures, changed, err)
	}
	if n := strings.Count(env.Logs(), "password change failed: wrong current password"); n != 3 {
		t.Errorf("%d failed changes logged, want 3", n)
	}
}

// A page size or cursor refused is explained in the caller's language like
// every other bad input: Vietnamese unless English is asked for.
func TestPageErrorsSpeakTheCallersLanguage(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	for _, query := range []string{`{ units(first: 0) { totalCount } }`, `{ units(after: "bm9wZQ") { totalCount } }`,
		`{ activities(filter: {from: "2024-02-30"}) { totalCount } }`} {
		vi, en := env.Do(t, query, nil), env.Do(t, query, nil, "Accept-Language", "en")
		if len(vi.Errors) != 1 || len(en.Errors) != 1 || vi.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
			vi.Errors[0].Message == en.Errors[0].Message || !strings.Contains(vi.Errors[0].Message, "phải") && !strings.Contains(vi.Errors[0].Message, "không") {
			t.Errorf("%s: vi %+v, en %+v", query, vi.Errors, en.Errors)
		}
	}
}

// TestRateLimitPricesSize checks that a request pays for its size before
// its document is parsed: a point per KiB begun (at least one), so an
// address cannot buy seconds of decoding and parsing with one point a
// megabyte, whether the document runs or is refused.
func TestRateLimitPricesSize(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.AnonymousBudget(4500))
	// bodySize is what apitest.Do sends for query with no variables.
	bodySize := func(query string) int {
		b, err := json.Marshal(map[string]any{"query": query, "variables": nil})
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	padded := func(n int) string { // a document of about n bytes: a comment pads it
		return "{ __typename }\n#" + strings.Repeat("x", n)
	}
	for i, tc := range []struct {
		query string
		want  int
	}{
		{`{ __typename }`, 1},
		{padded(900), 1},
		{padded(1500), 2},
		{padded(1<<20 - 200), (bodySize(padded(1<<20-200)) + 1023) / 1024},
		// Refused as invalid, and charged for its size all the same.
		{"{ khongCoTruongNay }\n#" + strings.Repeat("x", 100<<10), (bodySize("{ khongCoTruongNay }\n#"+strings.Repeat("x", 100<<10)) + 1023) / 1024},
	} {
		resp := env.Anonymous().From("198.51.100."+strconv.Itoa(20+i)).Do(t, tc.query, nil)
		if used := resp.Header.Get("X-RateLimit-Used"); used != strconv.Itoa(tc.want) {
			t.Errorf("a %d-byte request: charged %s points, want %d (%d %+v)", bodySize(tc.query), used, tc.want, resp.Status, resp.Errors)
		}
	}
	if got := (bodySize(padded(1<<20-200)) + 1023) / 1024; got != 1024 {
		t.Fatalf("the megabyte request is %d KiB", got)
	}

	// A budget of 4500 points buys four megabyte requests, not 4500.
	big := env.Anonymous().From("198.51.100.40")
	for i := range 5 {
		resp := big.Do(t, padded(1<<20-200), nil)
		if refused := resp.Status == http.StatusTooManyRequests; refused != (i == 4) {
			t.Fatalf("megabyte request %d: %d %+v", i+1, resp.Status, resp.Errors)
		}
	}
}

// TestProductionErrorsNameOnlyWhatWasWritten sends documents and
// variables that validation or variable coercion refuse with messages
// naming schema types, fields and values (the type a position expects,
// the field left out). In production no message may name a schema name
// the request did not hold; development keeps gqlparser's details.
func TestProductionErrorsNameOnlyWhatWasWritten(t *testing.T) {
	t.Parallel()
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	names, types := map[string]bool{}, map[string]bool{}
	for name, def := range schema.Types {
		names[name], types[name] = true, true
		for _, f := range def.Fields {
			names[f.Name] = true
			for _, a := range f.Arguments {
				names[a.Name] = true
			}
		}
		for _, v := range def.EnumValues {
			names[v.Name], types[v.Name] = true, true
		}
	}
	quoted := regexp.MustCompile(`"[^"]*"`)
	ident := regexp.MustCompile(`[_A-Za-z][_0-9A-Za-z]*`)
	cases := []struct {
		query  string
		vars   map[string]any
		detail string // what development says and production must not
	}{
		{`query($x: Int) { members(filter: $x) { totalCount } }`, map[string]any{"x": 1}, "MemberFilter"},
		{`{ members(filter: 5) { totalCount } }`, nil, "MemberFilter"},
		{`query($f: MemberFilter) { members(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"statuses": 5}}, "MemberStatus"},
		{`{ serviceInfo { verison } }`, nil, "ServiceInfo"},
		{`mutation { unitCreate(input: {}) { unit { id } } }`, nil, "UnitLevel"},
		{`{ members(orderBy: 3) { totalCount } }`, nil, "MemberOrder"},
		{`{ members { edges } }`, nil, "MemberEdge"},
		{`{ members(filter: {bogus: 2}) { totalCount } }`, nil, "MemberFilter"},
	}
	dev := apitest.New(t)
	prod := apitest.New(t, apitest.Production)
	for _, tc := range cases {
		written := map[string]bool{}
		vars, _ := json.Marshal(tc.vars)
		for _, n := range ident.FindAllString(tc.query+" "+string(vars), -1) {
			written[n] = true
		}
		if resp := dev.Do(t, tc.query, tc.vars, "Accept-Language", "en"); len(resp.Errors) == 0 || !strings.Contains(resp.Errors[0].Message, tc.detail) {
			t.Errorf("%s: development should say %q: %+v", tc.query, tc.detail, resp.Errors)
		}
		for _, lang := range []string{"vi", "en"} {
			resp := prod.Do(t, tc.query, tc.vars, "Accept-Language", lang)
			if len(resp.Errors) == 0 {
				t.Errorf("%s (%s): not refused", tc.query, lang)
			}
			for _, e := range resp.Errors {
				if e.Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
					t.Errorf("%s (%s): code %v", tc.query, lang, e.Extensions["code"])
				}
				// Names are quoted in these messages, or (variables) bare
				// type names; the message's own words may be field names
				// too ("at", "path"), and are not looked at.
				for _, n := range ident.FindAllString(strings.Join(quoted.FindAllString(e.Message, -1), " "), -1) {
					if names[n] && !written[n] {
						t.Errorf("%s (%s): the message names %q, which the request did not: %q", tc.query, lang, n, e.Message)
					}
				}
				for _, n := range ident.FindAllString(e.Message, -1) {
					if types[n] && !written[n] {
						t.Errorf("%s (%s): the message names the type %q, which the request did not: %q", tc.query, lang, n, e.Message)
					}
				}
			}
		}
	}
	// What the caller wrote stays in the message, in their language.
	resp := prod.Do(t, `{ serviceInfo { verison } }`, nil)
	if len(resp.Errors) != 1 || !strings.Contains(resp.Errors[0].Message, `"verison"`) || !strings.Contains(resp.Errors[0].Message, "lược đồ") {
		t.Errorf("production, Vietnamese: %+v", resp.Errors)
	}
	// The code and path stay.
	resp = prod.Do(t, `query($f: MemberFilter) { members(filter: $f) { totalCount } }`, map[string]any{"f": map[string]any{"statuses": 5}})
	if len(resp.Errors) != 1 || fmt.Sprint(resp.Errors[0].Path) != "[variable f statuses 0]" {
		t.Errorf("production, variable: %+v", resp.Errors)
	}
}
