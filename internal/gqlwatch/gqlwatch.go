// Package gqlwatch is a gqlgen extension that sees every GraphQL operation
// once: those executed, and those gqlgen refused before execution (parse,
// validation, limits, rate limit), for which it runs no operation
// interceptor, only the response one. Metrics and tracing both need that.
package gqlwatch

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/internal/ctxvalue"
)

// Watch is called as an operation starts and returns the context it runs
// in and done, which is called once with its first response (nil when the
// request's context ended before it ran).
type Watch func(ctx context.Context) (context.Context, func(ctx context.Context, resp *graphql.Response))

// Extension returns the extension named name that calls watch for every
// operation.
func Extension(name string, watch Watch) graphql.HandlerExtension {
	return extension{name, watch}
}

type extension struct {
	name  string
	watch Watch
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.ResponseInterceptor
} = extension{}

// dispatched marks an operation the operation interceptor saw, so the
// response interceptor leaves it alone.
var dispatched ctxvalue.Key[bool]

func (e extension) ExtensionName() string                 { return e.name }
func (extension) Validate(graphql.ExecutableSchema) error { return nil }

func (e extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	ctx, done := e.watch(ctx)
	h := next(dispatched.With(ctx, true))
	first := true
	return func(ctx context.Context) *graphql.Response {
		resp := h(ctx)
		if first {
			first = false
			done(ctx, resp)
		}
		return resp
	}
}

func (e extension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if _, ok := dispatched.From(ctx); ok {
		return next(ctx)
	}
	ctx, done := e.watch(ctx)
	resp := next(ctx)
	done(ctx, resp)
	return resp
}
