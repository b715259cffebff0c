package graph

import (
	"context"
	"crypto/sha256"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/validate"
)

// keyed returns ctx carrying the idempotency key a create mutation was sent
// with (none: ctx unchanged). The input's fingerprint goes with it, so the
// store can refuse a key reused for a different request.
func keyed(ctx context.Context, operation string, k graphql.Omittable[*string], input any) context.Context {
	key := value(k)
	if key == nil {
		return ctx
	}
	body, _ := json.Marshal(input) // generated input types always marshal
	sum := sha256.Sum256(body)
	return idempotency.With(ctx, idempotency.Key{Key: *key, Operation: operation, Fingerprint: sum[:]})
}

// replayed answers a create the store recognised as a retry (idempotency.Replay)
// with the record the first request created.
func replayed[T any](ctx context.Context, rec *T, err error, l *dataloadgen.Loader[int64, *T]) (*T, error) {
	id, ok := idempotency.ReplayOf(err)
	if !ok {
		return rec, err
	}
	rec, err = loadOne(ctx, l, id)
	if err == nil && rec == nil {
		var v validate.Errors
		v.Add(validate.Path("input", "idempotencyKey"), validate.NotFound,
			"Bản ghi do khóa này tạo đã bị xóa.", "The record this key created has since been deleted.")
		err = v.Err()
	}
	return rec, err
}
