package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
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
	// Extensions observe every operation (metrics, tracing); they run
	// outermost, so they see the answers of every other extension.
	Extensions []graphql.HandlerExtension
}

// NewHandler builds the /graphql endpoint with only what it needs: JSON POST
// for everything, GET for queries (gqlgen refuses mutations over GET),
// multipart/mixed responses for queries with @defer (see transports), a
// parsed-query cache and automatic persisted queries. Websockets and form
// transports (multipart uploads, urlencoded) are left out on purpose: a
// plain HTML form cannot send application/json, so cross-site form posts
// cannot reach a mutation.
func NewHandler(r *Resolver, opts HandlerOptions) *handler.Server {
	opts.Limits = opts.Limits.orDefaults()
	es := NewExecutableSchema(Config{Resolvers: r, Complexity: pagedComplexity(), Directives: directives()})
	srv := handler.New(es)
	for _, t := range transports() {
		srv.AddTransport(t)
	}
	for _, e := range opts.Extensions {
		if e != nil {
			srv.Use(e)
		}
	}

	parsed := smallOnly[*ast.QueryDocument]{lru.New[*ast.QueryDocument](1000)}
	srv.SetQueryCache(parsed)
	srv.SetParserTokenLimit(opts.Limits.Tokens)
	// Suggestions are decided by our validation rules, for every rule that
	// makes them (gqlgen's SetDisableSuggestion reaches only two).
	srv.SetValidationRulesFn(validationRules(opts.Suggestions))
	// Charged before the persisted-query lookup, which may answer (a hash
	// not known) or store the text before anything else runs.
	srv.Use(requestCharge{RateLimits: opts.RateLimits})
	srv.Use(extension.AutomaticPersistedQuery{Cache: smallOnly[string]{lru.New[string](1000)}})
	srv.Use(deferGate{})
	if opts.Introspection {
		srv.Use(extension.Introspection{})
	} else {
		srv.Use(introspectionGate{})
		srv.AroundRootFields(hideTypes)
	}
	// gqlparser matches enum values in variables ignoring case; see strictEnums.
	srv.Use(&strictEnums{})
	// In this order: the charge of a point, the text checks (before
	// validation, see selectionLimits), then the price (each
	// fragment priced once, so none of them follows a fragment's
	// expansion), and the rate limit charges what the price came to.
	srv.Use(selectionLimits{MaxAliases: opts.Limits.Aliases, MaxRepeats: opts.Limits.FieldRepeats,
		MaxDirectives: opts.Limits.Directives, MaxFields: opts.Limits.Fields, Tokens: opts.Limits.Tokens, Parsed: parsed,
		MaxMerged: mergedRepeats * opts.Limits.FieldRepeats, MaxSpreads: spreadsPerSelection})
	srv.Use(depthLimit{Max: opts.Limits.Depth, IntrospectionMax: opts.Limits.IntrospectionDepth})
	srv.Use(&costLimit{Max: opts.Limits.Complexity})
	srv.Use(rateLimit{RateLimits: opts.RateLimits})
	srv.AroundResponses(capErrors)
	srv.AroundOperations(newHeavyLimit(opts.RateLimits, opts.RateLimits.HeavyPerCaller).aroundOperations)
	srv.AroundFields(guardMutations(opts.RateLimits.Logins))
	present := presentError
	if !opts.Suggestions {
		present = discreet(es.Schema(), presentError)
	}
	srv.SetErrorPresenter(present)
	srv.SetRecoverFunc(recoverPanic)
	return srv
}

// schemaless is embedded by the extensions that need nothing from the
// schema, so that each need not say so.
type schemaless struct{}

func (schemaless) Validate(graphql.ExecutableSchema) error { return nil }

// gqlgen runs an extension's mutator only if a type assertion finds it, so
// a mistyped method would be skipped without a word: these fail the build.
var (
	_ = []graphql.OperationParameterMutator{requestCharge{}, selectionLimits{}}
	_ = []graphql.OperationContextMutator{deferGate{}, introspectionGate{}, &strictEnums{}, depthLimit{}, &costLimit{}, rateLimit{}}
)

// cachedTextMax bounds the query texts the caches keep: comments do not
// count as tokens, so a 1 MiB document may be within the token limit, and
// a thousand of them would hold a GiB. Longer texts are served uncached.
const cachedTextMax = 32 << 10

// smallOnly is a cache keyed by query text (or, for persisted queries,
// holding it) that keeps only texts up to cachedTextMax.
type smallOnly[T any] struct{ graphql.Cache[T] }

func (c smallOnly[T]) Add(ctx context.Context, key string, value T) {
	if len(key) > cachedTextMax {
		return
	}
	if text, ok := any(value).(string); ok && len(text) > cachedTextMax {
		return
	}
	c.Cache.Add(ctx, key, value)
}
