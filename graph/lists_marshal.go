package graph

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalList is what the generated code marshals lists of objects with
// (internal/tools/seqlists points it here). gqlgen gives each element a
// goroutine, so that resolvers below the elements wait on their loaders
// together; where nothing the query selects below the elements is
// resolved concurrently (concurrentFields), the elements are plain data
// and are marshalled in turn, in this goroutine. On the branch's nested
// dashboard query, goroutines per element and the growth of their stacks
// were a fifth of the server's CPU.
func marshalList(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool,
	marshal func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if length < 2 || !plainElements(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshal)
	}
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		func() {
			if !omitPanicHandler {
				defer func() {
					if r := recover(); r != nil {
						graphql.AddError(childCtx, graphql.Recover(childCtx, r))
						ret[i] = graphql.Null
					}
				}()
			}
			ret[i] = marshal(childCtx, i)
		}()
	}
	return ret
}

// plainElements reports whether the list field of ctx selects, at any
// depth below its elements, only fields gqlgen resolves in place.
func plainElements(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil || !graphql.HasOperationContext(ctx) {
		return false
	}
	return plainBelow(graphql.GetOperationContext(ctx), fc.Field.Definition.Type.Name(), fc.Field.Selections, 0, atHandBelow(ctx, fc))
}

// plainBelow reports whether sel, on typeName, selects only fields gqlgen
// resolves in place, down to the leaves. Interfaces and unions (not in
// concurrentFields), deferred fragments and very deep selections count
// as not plain: the concurrent way is always correct. atHand are the
// fields the list's resolver loaded for its nodes (the elements, or the
// nodes of its edges: depth 0 or 1), which they resolve in place too.
func plainBelow(oc *graphql.OperationContext, typeName string, sel ast.SelectionSet, depth int, atHand map[string]bool) bool {
	concurrent, isObject := concurrentFields[typeName]
	if !isObject || depth > 12 {
		return false
	}
	for _, f := range graphql.CollectFields(oc, sel, []string{typeName}) {
		if concurrent[f.Name] && !(depth <= 1 && atHand[f.Name]) || len(f.Deferrables) > 0 {
			return false
		}
		if len(f.Selections) > 0 && (f.Definition == nil || !plainBelow(oc, f.Definition.Type.Name(), f.Selections, depth+1, atHand)) {
			return false
		}
	}
	return true
}

// newDeferredGroup is what the generated code starts each object's @defer
// group with (internal/tools/seqlists points it here). gqlgen's builds the
// object's path, walking up to the root, for every object of every
// answer: an eighth of the server's CPU on the nested dashboard query. An
// operation whose text has no "defer" cannot defer a field, and never
// reads the group, so it gets an empty one; one without its text at hand
// gets gqlgen's.
func newDeferredGroup(ctx context.Context) graphql.DeferredGroup {
	if graphql.HasOperationContext(ctx) {
		if q := graphql.GetOperationContext(ctx).RawQuery; q != "" && !strings.Contains(q, "defer") {
			return graphql.DeferredGroup{Context: ctx}
		}
	}
	return graphql.NewDeferredGroup(ctx)
}
