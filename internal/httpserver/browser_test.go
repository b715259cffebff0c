//go:build browser

package httpserver_test

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/seed"
)

// tab is headless Chromium for one test, with every host name but
// 127.0.0.1 (where the test servers listen) unresolvable. It records every
// URL the page asked for, and its errors and exceptions.
type tab struct {
	ctx      context.Context
	mu       sync.Mutex
	urls     []string
	problems []string
}

func browser(t *testing.T) *tab {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	b := &tab{ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.urls = append(b.urls, e.Request.URL)
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			b.problems = append(b.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber, text))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				b.problems = append(b.problems, fmt.Sprintf("console %s: %s (%s)", e.Entry.Source, e.Entry.Text, e.Entry.URL))
			}
		}
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	// Content-Security-Policy violations would break GraphiQL silently.
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.__violations = [];
			document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`,
	}); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

// do runs steps, failing the test with what the page shows if they do not
// finish within a generous bound.
func (b *tab) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.dump(t)
		t.Fatalf("%s: %v", what, err)
	}
}

func (b *tab) text(t *testing.T, expression string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expression))
	if err != nil {
		b.dump(t)
		t.Fatalf("%s: %v", expression, err)
	}
	return s
}

// dump logs what the page shows and what happened, to see why a step failed.
func (b *tab) dump(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	shown, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText.slice(0, 2000)`))
	b.mu.Lock()
	defer b.mu.Unlock()
	var urls []string
	for _, u := range b.urls {
		urls = append(urls, u[:min(len(u), 80)])
	}
	t.Logf("requests: %v\nproblems: %v\npage (%v):\n%s", urls, b.problems, err, shown)
}

// check fails the test for any request outside the given origins (data:
// URLs are the page's own inlined fonts and images), any error the page
// logged or threw, and any Content-Security-Policy violation.
func (b *tab) check(t *testing.T, origins ...string) {
	t.Helper()
	violations := b.text(t, `JSON.stringify(window.__violations)`)
	if violations != "[]" {
		t.Errorf("Content-Security-Policy violations: %s", violations)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, u := range b.urls {
		local := strings.HasPrefix(u, "data:")
		for _, o := range origins {
			local = local || strings.HasPrefix(u, o+"/")
		}
		if !local {
			t.Errorf("the browser requested %s, outside %v", u, origins)
		}
	}
	for _, p := range b.problems {
		t.Errorf("the page reported: %s", p)
	}
	t.Logf("%d requests, all to %v", len(b.urls), origins)
}

// browserEnv is the API in development mode on a real port.
func browserEnv(t *testing.T) (*apitest.Env, *httptest.Server) {
	t.Helper()
	// The standard introspection query is 15 levels deep; until the depth
	// limit lets it through, allow it here.
	env := apitest.New(t, limited, func(o *httpserver.Options) { o.Limits = graph.Limits{Depth: 20} })
	srv := httptest.NewServer(env.Handler)
	t.Cleanup(srv.Close)
	return env, srv
}

// GraphiQL comes entirely from our server: it shows the schema's
// documentation, runs a query and shows the answer, and the browser asks
// no one else for anything.
func TestGraphiQLInChromium(t *testing.T) {
	_, api := browserEnv(t)
	b := browser(t)

	// The documentation explorer opens on a first visit and lists the root
	// types once the schema has loaded; Query's page lists its fields.
	b.do(t, "GraphiQL documentation",
		chromedp.Navigate(api.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-doc-explorer`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('.graphiql-doc-explorer').innerText.includes('Query')`),
	)
	b.do(t, "GraphiQL documentation of Query",
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('.graphiql-doc-explorer a')].find(a => a.textContent === 'Query').click()`),
		chromedp.Poll[chromedp.Void](`document.querySelector('.graphiql-doc-explorer').innerText.includes('serviceInfo')`),
	)
	docs := b.text(t, `document.querySelector('.graphiql-doc-explorer').innerText`)
	if !strings.Contains(docs, "serviceInfo") || !strings.Contains(docs, "ServiceInfo") {
		t.Errorf("the documentation explorer does not show Query's fields:\n%s", docs)
	}

	b.do(t, "GraphiQL query",
		chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)),
		chromedp.Poll[chromedp.Void](`(document.querySelector('.graphiql-response') || {}).innerText?.includes('Sổ Đoàn')`),
	)
	result := b.text(t, `document.querySelector('.graphiql-response').innerText`)
	if !strings.Contains(result, `"name": "Sổ Đoàn"`) || !strings.Contains(result, `"version": "test"`) {
		t.Errorf("the answer pane shows:\n%s", result)
	}
	b.check(t, api.URL)
}

// dashboardPage is a dashboard served from another origin: it reads a
// public tile anonymously over GET and a signed-in one over POST, through
// CORS, and renders both with the headers a dashboard reads.
var dashboardPage = template.Must(template.New("dashboard").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Bảng điều khiển</title></head>
<body>
<div id="public"></div><div id="private"></div><div id="meta"></div><div id="error"></div>
<script>
const api = {{.API}};
async function run() {
  const tile = 'query($id: ID!) { unit(id: $id) { name stats { members { total } activities } } }';
  const pub = await fetch(api + '/graphql?query=' + encodeURIComponent(tile) +
    '&variables=' + encodeURIComponent(JSON.stringify({ id: {{.UnitID}} })), { headers: { 'Accept-Language': 'en' } });
  const pubBody = await pub.json();
  if (pubBody.errors) throw new Error(JSON.stringify(pubBody.errors));
  const u = pubBody.data.unit;
  document.getElementById('public').textContent = u.name + ': ' + u.stats.members.total + ' members, ' + u.stats.activities + ' activities';
  const priv = await fetch(api + '/graphql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + {{.Token}}, 'X-Request-Id': 'dash-tile-1' },
    body: JSON.stringify({ query: 'query($id: ID!) { me { username } unit(id: $id) { members(first: 3) { totalCount edges { node { id } } } } }', variables: { id: {{.UnitID}} } }),
  });
  const privBody = await priv.json();
  if (privBody.errors) throw new Error(JSON.stringify(privBody.errors));
  document.getElementById('private').textContent = privBody.data.me.username + ' reads ' + privBody.data.unit.members.totalCount +
    ' member records, ' + privBody.data.unit.members.edges.length + ' on this page';
  document.getElementById('meta').textContent = 'cache ' + pub.headers.get('Cache-Control') +
    '; remaining ' + priv.headers.get('X-RateLimit-Remaining') + '; request ' + priv.headers.get('X-Request-Id');
  document.body.dataset.done = 'yes';
}
run().catch(e => { document.getElementById('error').textContent = String(e); document.body.dataset.done = 'failed'; });
</script>
</body></html>`))

// A dashboard on another origin reads the API through CORS, anonymously
// and signed in.
func TestDashboardOnAnotherOriginInChromium(t *testing.T) {
	env, api := browserEnv(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, env.Pool); err != nil {
		t.Fatal(err)
	}
	var unitID int64
	if err := env.Pool.QueryRow(ctx, `SELECT id FROM units WHERE name = 'Chi đoàn Văn phòng Tỉnh ủy'`).Scan(&unitID); err != nil {
		t.Fatal(err)
	}
	officer := env.Account(t, "bithu", &unitID, nil)
	env.Grant(t, officer, account.Officer, &unitID)
	token := env.Session(t, officer)

	dash := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_ = dashboardPage.Execute(w, map[string]any{"API": api.URL, "Token": token, "UnitID": model.EncodeID(model.KindUnit, unitID)})
	}))
	t.Cleanup(dash.Close)
	if dash.URL == api.URL {
		t.Fatal("the dashboard must be on another origin")
	}

	b := browser(t)
	b.do(t, "dashboard", chromedp.Navigate(dash.URL+"/"), chromedp.Poll[chromedp.Void](`document.body.dataset.done`))
	text := func(id string) string { return b.text(t, `document.getElementById('`+id+`').textContent`) }
	done, public, private, meta, failure := b.text(t, `document.body.dataset.done`), text("public"), text("private"), text("meta"), text("error")
	if done != "yes" {
		t.Fatalf("the dashboard failed: %s", failure)
	}
	t.Logf("public: %s\nprivate: %s\nmeta: %s", public, private, meta)
	if !strings.HasPrefix(public, "Chi đoàn Văn phòng Tỉnh ủy: ") || strings.HasPrefix(public, "Chi đoàn Văn phòng Tỉnh ủy: 0 members") {
		t.Errorf("public tile: %q", public)
	}
	if !strings.HasPrefix(private, "bithu reads ") || !strings.HasSuffix(private, "3 on this page") {
		t.Errorf("signed-in tile: %q", private)
	}
	if !strings.Contains(meta, "cache public, max-age=30") || !strings.Contains(meta, "request dash-tile-1") ||
		strings.Contains(meta, "remaining null") {
		t.Errorf("headers the dashboard read: %q", meta)
	}
	b.check(t, dash.URL, api.URL)
}
