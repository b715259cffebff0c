package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// HandlerOptions are the knobs of the GraphQL endpoint that differ between
// development and production.
type HandlerOptions struct {
	// Introspection lets tools such as GraphiQL read the schema;
	// Suggestions lets validation errors name fields the caller may have
	// meant. Both disclose the schema, so production turns them off.
	Introspection, Suggestions bool
	// Limits bound each operation; zero fields take DefaultLimits' value.
	Limits Limits
	// RateLimits budget each caller; nil limiters do not limit.
	RateLimits RateLimits
}

// NewHandler builds the /graphql endpoint with only what it needs: JSON POST
// for everything, GET for queries (gqlgen refuses mutations over GET), a
// parsed-query cache and automatic persisted queries. Websockets, multipart
// and form transports are left out on purpose: a plain HTML form cannot send
// application/json, so cross-site form posts cannot reach a mutation.
func NewHandler(r *Resolver, opts HandlerOptions) *handler.Server {
	opts.Limits = opts.Limits.orDefaults()
	srv := handler.New(NewExecutableSchema(Config{Resolvers: r, Complexity: pagedComplexity()}))
	srv.AddTransport(transport.GET{})
	srv.AddTransport(transport.POST{})

	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(opts.Limits.Tokens)
	srv.SetDisableSuggestion(!opts.Suggestions)
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	}
	// gqlparser matches enum values in variables ignoring case; see strictEnums.
	srv.Use(&strictEnums{})
	// In this order: the cheap text checks bound how far the complexity
	// calculation (which expands fragments) can go, and the rate limit
	// charges what the complexity came to.
	srv.Use(selectionLimits{MaxAliases: opts.Limits.Aliases, MaxRepeats: opts.Limits.FieldRepeats})
	srv.Use(depthLimit{Max: opts.Limits.Depth})
	srv.Use(extension.FixedComplexityLimit(opts.Limits.Complexity))
	srv.Use(rateLimit{opts.RateLimits})
	srv.AroundFields(gateMutations(opts.RateLimits.Logins))
	srv.SetErrorPresenter(presentError)
	srv.SetRecoverFunc(recoverPanic)
	return srv
}

// anonymousMutations may be called without signing in.
var anonymousMutations = map[string]bool{"login": true, "logout": true, "visitRecord": true}

// gateMutations runs before every field but looks only at mutations: it
// refuses every mutation but a few to anonymous callers before its
// resolver runs, so no write path can forget to, and limits sign-in
// attempts per address (logins nil: no limit).
func gateMutations(logins *ratelimit.Limiter) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object != "Mutation" {
			return next(ctx)
		}
		if !anonymousMutations[fc.Field.Name] && !access.From(ctx).SignedIn() {
			return nil, access.ErrSignIn
		}
		if fc.Field.Name == "login" && logins != nil {
			if err := loginAllowed(ctx, logins); err != nil {
				return nil, err
			}
		}
		return next(ctx)
	}
}
