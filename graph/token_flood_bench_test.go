package graph_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/graph"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// How long a real session's first request takes from an address that is
// flooding the server with invented tokens (flooders at once), against the
// same request from a quiet address.
func BenchmarkValidTokenDuringFlood(b *testing.B) {
	for _, flooders := range []int{0, 50} {
		b.Run(fmt.Sprintf("flooders=%d", flooders), func(b *testing.B) {
			env := apitest.New(b, apitest.WithRateLimits(graph.RateLimits{BadTokens: ratelimit.New(1)}))
			office := env.From("203.0.113.50")
			office.As("het-han").Do(b, `{ me { id } }`, nil) // spends the budget
			id := env.Account(b, "dongnghiep", nil, nil)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for f := range flooders {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; ; i++ {
						select {
						case <-stop:
							return
						default:
						}
						office.As(fmt.Sprintf("bia-%d-%d", f, i)).Raw(http.MethodPost, "/graphql", "application/json", `{"query":"{ me { id } }"}`)
					}
				}()
			}
			tokens := make([]string, 0, b.N)
			for range b.N {
				tokens = append(tokens, env.Session(b, id))
			}
			b.ResetTimer()
			for i := range b.N {
				if rec := office.As(tokens[i]).Raw(http.MethodPost, "/graphql", "application/json", `{"query":"{ me { id } }"}`); rec.Code != http.StatusOK {
					b.Fatalf("valid session: %d %s", rec.Code, rec.Body)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
		})
	}
}
