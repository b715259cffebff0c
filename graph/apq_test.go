package graph_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// A persisted query whose hash does not match its text is answered by the
// persisted-query extension before anything runs; its size is charged all
// the same, so large mismatches are not free to send.
func TestPersistedQueryMismatchIsCharged(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.AnonymousBudget(3000)).Anonymous()
	body, _ := json.Marshal(map[string]any{
		"query":      "{ __typename } #" + strings.Repeat("x", 900<<10),
		"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": strings.Repeat("0", 64)}},
	})
	codes := map[int]int{}
	for i := range 5 {
		rec := env.Raw(http.MethodPost, "/graphql", "application/json", string(body))
		codes[rec.Code]++
		if i == 0 && !strings.Contains(rec.Body.String(), `"code":"BAD_REQUEST"`) {
			t.Errorf("a mismatched hash is answered without a code: %s", rec.Body)
		}
	}
	// 900 KiB and a few bytes cost 901 points: three fit in 3,000.
	if codes[http.StatusTooManyRequests] != 2 {
		t.Errorf("five 900 KiB mismatched persisted queries answered %v, want the last two 429", codes)
	}
}
