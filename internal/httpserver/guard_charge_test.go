package httpserver_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// Bodies the guard refuses (malformed JSON, batches, oversized) never reach
// the GraphQL layer's size charge, so they are charged to the address by
// size where they are refused: a stream of malformed 100 KiB bodies is
// answered 429 once the address's points are spent, and another address
// is not affected.
func TestRefusedBodiesAreCharged(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.AnonymousBudget(1000))
	malformed := `{"query": "` + strings.Repeat("x", 100<<10) // 100 KiB and never closed
	attacker := env.From("198.51.100.20")
	statuses := map[int]int{}
	var refusal *httptest.ResponseRecorder
	for range 12 {
		rec := attacker.Raw(http.MethodPost, "/graphql", "application/json", malformed)
		statuses[rec.Code]++
		if rec.Code == http.StatusTooManyRequests {
			refusal = rec
		}
	}
	// 100 KiB and a few bytes cost 101 points each: nine fit in 1,000.
	if statuses[http.StatusBadRequest] != 9 || statuses[http.StatusTooManyRequests] != 3 {
		t.Fatalf("12 malformed 100 KiB bodies answered %v, want 9 × 400 then 3 × 429", statuses)
	}
	if refusal.Header().Get("Retry-After") == "" || !strings.Contains(refusal.Body.String(), `"RATE_LIMITED"`) {
		t.Errorf("refusal: Retry-After %q, body %s", refusal.Header().Get("Retry-After"), refusal.Body)
	}
	// What is left (91 points) still pays for a small refused body: it
	// is priced by its size, a point.
	if rec := attacker.Raw(http.MethodPost, "/graphql", "application/json", `[{"query": "{ __typename }"}]`); rec.Code != http.StatusBadRequest {
		t.Errorf("a small batch with 91 points left: %d, want 400 BATCHING_NOT_SUPPORTED", rec.Code)
	}
	if rec := env.From("203.0.113.30").Raw(http.MethodPost, "/graphql", "application/json", malformed); rec.Code != http.StatusBadRequest {
		t.Errorf("another address: %d, want 400", rec.Code)
	}
}
