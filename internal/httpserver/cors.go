package httpserver

import (
	"net/http"
	"time"

	"github.com/rs/cors"

	"github.com/sodoan/sodoan/internal/origins"
)

// newCORS lets pages from the allowed origins call the API from a browser.
// Preflights are answered here, before the method guard (which would
// refuse OPTIONS). Credentials (cookies) are never allowed: the API signs in
// with the Authorization header only, so allowing an origin only lets its
// pages send the tokens they already hold.
func newCORS(allowed origins.Matcher) func(http.Handler) http.Handler {
	c := cors.New(cors.Options{
		AllowOriginFunc: allowed.Allowed,
		AllowedMethods:  []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Authorization", "Content-Type", "Accept", "Accept-Language",
			"If-None-Match", "X-Request-Id", "traceparent", "tracestate"},
		// What a dashboard reads beyond the CORS-safelisted headers: its
		// budget, when to retry, which request to quote, the cache validator.
		ExposedHeaders: []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Used", "X-RateLimit-Reset",
			"Retry-After", "X-Request-Id", "ETag"},
		MaxAge:               int((10 * time.Minute).Seconds()),
		OptionsSuccessStatus: http.StatusNoContent,
	})
	return c.Handler
}

// allowOnly answers a plain (non-preflight) OPTIONS request for a route
// that takes only the given method.
func allowOnly(methods string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Allow", methods+", OPTIONS")
		w.WriteHeader(http.StatusNoContent)
	})
}
