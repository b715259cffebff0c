package tracing

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/sodoan/sodoan/internal/gqlwatch"
)

// Span attributes beyond the semantic conventions.
const (
	complexityKey = attribute.Key("graphql.operation.complexity")
	errorCodeKey  = attribute.Key("graphql.error.code")
)

// maxNameLength bounds the operation name put in span names.
const maxNameLength = 64

// GraphQL returns the gqlgen extension that makes a span of each
// operation, with its name, type and complexity; the SQL its resolvers
// send are its children. Operations refused before execution (parse,
// validation, limits, rate limit) get a span too. Nil when off.
func (t *Tracing) GraphQL() graphql.HandlerExtension {
	if t == nil {
		return nil
	}
	g := graphqlTracer{t.tracer}
	return gqlwatch.Extension("Tracing", func(ctx context.Context) (context.Context, func(context.Context, *graphql.Response)) {
		ctx, span := g.start(ctx)
		return ctx, func(ctx context.Context, resp *graphql.Response) { finish(ctx, span, resp) }
	})
}

type graphqlTracer struct{ tracer trace.Tracer }

// start opens the operation's span at the time gqlgen received it, so
// parsing and validation are inside.
func (g graphqlTracer) start(ctx context.Context) (context.Context, trace.Span) {
	kind, name := "", ""
	var attrs []attribute.KeyValue
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		name = oc.OperationName
		if oc.Operation != nil {
			kind, name = string(oc.Operation.Operation), oc.Operation.Name
			attrs = append(attrs, semconv.GraphQLOperationTypeKey.String(kind))
		}
		if name != "" {
			attrs = append(attrs, semconv.GraphQLOperationName(truncate(name, 256)))
		}
		if s, ok := oc.Stats.GetExtension("ComplexityLimit").(*extension.ComplexityStats); ok {
			attrs = append(attrs, complexityKey.Int(s.Complexity))
		}
	}
	opts := []trace.SpanStartOption{trace.WithAttributes(attrs...)}
	if start := graphql.GetStartTime(ctx); !start.IsZero() {
		opts = append(opts, trace.WithTimestamp(start))
	}
	return g.tracer.Start(ctx, operationSpanName(kind, name), opts...)
}

// operationSpanName follows the conventions ("query Dashboard"), leaving
// out names too long to be a real client's.
func operationSpanName(kind, name string) string {
	if kind == "" {
		kind = "graphql"
	}
	if name == "" || len(name) > maxNameLength {
		return kind
	}
	return kind + " " + name
}

func finish(ctx context.Context, span trace.Span, resp *graphql.Response) {
	switch {
	case resp == nil:
		// gqlgen answers nothing when the request's context ended first.
		msg := "request ended before the operation ran"
		if err := ctx.Err(); err != nil {
			msg = err.Error()
		}
		span.SetStatus(codes.Error, msg)
	case len(resp.Errors) > 0:
		code, _ := resp.Errors[0].Extensions["code"].(string)
		if code == "" {
			code = "ERROR"
		}
		span.SetAttributes(errorCodeKey.String(code))
		span.SetStatus(codes.Error, code)
	}
	span.End()
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
