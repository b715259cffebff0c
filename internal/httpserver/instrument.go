package httpserver

import (
	"net/http"

	"github.com/99designs/gqlgen/graphql"
)

// Instrumentation observes the server (metrics, tracing); the zero value
// observes nothing and costs nothing.
type Instrumentation struct {
	// Routed wrap the mux, outermost first. They see the request the mux
	// routes, and so the pattern it matched (r.Pattern), provided each
	// passes the request on unchanged.
	Routed []func(http.Handler) http.Handler
	// GraphQL are gqlgen extensions that watch every operation.
	GraphQL []graphql.HandlerExtension
}

// wrap puts the Routed middlewares around h.
func (in Instrumentation) wrap(h http.Handler) http.Handler {
	for i := len(in.Routed) - 1; i >= 0; i-- {
		h = in.Routed[i](h)
	}
	return h
}
