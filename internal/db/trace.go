package db

import (
	"context"
	"sync/atomic"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/ctxvalue"
)

// StatementCounter counts the SQL statements sent on behalf of one request,
// so a request's cost in round trips can be logged and tested (no N+1).
type StatementCounter struct{ n atomic.Int64 }

// Count returns the statements counted so far.
func (c *StatementCounter) Count() int64 { return c.n.Load() }

var counterKey ctxvalue.Key[*StatementCounter]

// WithStatementCounter returns ctx carrying c.
func WithStatementCounter(ctx context.Context, c *StatementCounter) context.Context {
	return counterKey.With(ctx, c)
}

// StatementCounterFrom returns the counter WithStatementCounter put in ctx,
// or nil.
func StatementCounterFrom(ctx context.Context) *StatementCounter {
	c, _ := counterKey.From(ctx)
	return c
}

func count(ctx context.Context, n int64) {
	if c := StatementCounterFrom(ctx); c != nil {
		c.n.Add(n)
	}
}

// statementTracer adds every query, and every statement of a batch, to the
// counter in the query's context.
type statementTracer struct{}

func (statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	count(ctx, 1)
	return ctx
}

func (statementTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (statementTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	if d.Batch != nil {
		count(ctx, int64(d.Batch.Len()))
	}
	return ctx
}

func (statementTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (statementTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}
