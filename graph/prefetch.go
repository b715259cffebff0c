package graph

import (
	"context"
	"encoding/json"
	"math"
	"sync"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/page"
)

// A list resolver that has read its page knows every key its nodes' loader
// fields will ask for. Rather than leave each node to resolve such a field
// in a goroutine of its own that waits on the loader for its siblings, it
// loads the field for the whole page in one batch (prefetch), then marks
// the field at hand for each node and for the list: the generated code
// resolves a field at hand in place (internal/tools/seqlists), and
// marshalList marshals a list in turn when all that is concurrent below it
// is at hand. A field not prefetched is resolved as gqlgen always does.

// atHand reports whether field of obj was loaded for its whole list (the
// generated code asks it before resolving field concurrently).
func atHand(ctx context.Context, obj any, field string) bool {
	l, ok := loader.From(ctx)
	return ok && l.AtHand.Has(obj, field)
}

// atHandBelow returns the fields at hand for the nodes of the list whose
// edges or items ctx is marshalling (the list field's parent holds the
// connection), or nil.
func atHandBelow(ctx context.Context, fc *graphql.FieldContext) map[string]bool {
	l, ok := loader.From(ctx)
	if !ok || fc.Parent == nil {
		return nil
	}
	// Only connections are marked (and a result may be a value no map
	// can hold).
	conn, ok := fc.Parent.Result.(*model.ActivityConnection)
	if !ok {
		return nil
	}
	return l.AtHand.Of(conn)
}

// prefetchActivities loads, for the page of activities conn holds, the
// loader fields its nodes select: their totals and their first page of
// participants. A page that is the only one of its kind in the answer
// (not below a list) is fetched at once; pages of sibling parents (each
// unit of a list) are batched together through the loaders' wait, as
// their nodes would have been. When a load fails, nothing is marked: the
// nodes load the fields themselves, and report what fails, field by field.
func prefetchActivities(ctx context.Context, conn *model.ActivityConnection) *model.ActivityConnection {
	if conn == nil || len(conn.Edges) == 0 || !graphql.HasOperationContext(ctx) {
		return conn
	}
	nodes := nodeSelection(ctx, "ActivityConnection", "ActivityEdge", "Activity")
	if len(nodes) == 0 {
		return conn
	}
	l := loaders(ctx)
	ids := make([]int64, len(conn.Edges))
	for i, e := range conn.Edges {
		ids[i] = e.Node.ID
	}
	var loads []func() error
	var fields []string
	totals := false
	participants := true // every selection of participants asks a first page the loader batches
	var pageKeys []loader.PageKey
	for _, f := range nodes {
		switch f.Name {
		case "participantCount", "volunteerHours", "contributionTotal":
			totals = true
			fields = append(fields, f.Name)
		case "participants":
			args := f.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
			first, ok := int32Arg(args["first"])
			if _, later := args["after"].(string); !ok || later {
				participants = false // a later page, read on its own
				continue
			}
			p, err := page.New(first, nil)
			if err != nil {
				participants = false // a wrong size, which the field itself reports
				continue
			}
			for _, id := range ids {
				pageKeys = append(pageKeys, loader.PageKey{ParentID: id, First: p.First})
			}
		}
	}
	batched := belowList(ctx)
	if totals {
		loads = append(loads, func() error { return loadEach(ctx, l.Totals, ids, batched) })
	}
	if participants && len(pageKeys) > 0 {
		fields = append(fields, "participants")
		loads = append(loads, func() error { return loadEach(ctx, l.Participants, pageKeys, batched) })
	}
	if len(fields) == 0 || together(loads) != nil {
		return conn
	}
	keys := make([]any, 0, len(conn.Edges)+1)
	for _, e := range conn.Edges {
		keys = append(keys, e.Node)
	}
	l.AtHand.Mark(fields, append(keys, conn)...)
	return conn
}

// loadEach loads keys through e: at once, or, when batched, through the
// loader's wait, together with the keys sibling lists ask meanwhile.
func loadEach[K comparable, V any](ctx context.Context, e *loader.Eager[K, V], keys []K, batched bool) error {
	if !batched {
		return e.LoadNow(ctx, keys)
	}
	_, err := e.LoadAll(ctx, keys)
	return err
}

// together runs loads at once, so that their loaders' waits overlap, and
// returns the first error.
func together(loads []func() error) error {
	if len(loads) == 1 {
		return loads[0]()
	}
	errs := make([]error, len(loads))
	var wg sync.WaitGroup
	for i, load := range loads {
		wg.Go(func() { errs[i] = load() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// nodeSelection returns what the connection field of ctx selects on its
// nodes (edges { node { ... } }), merged over fragments and aliases.
func nodeSelection(ctx context.Context, connType, edgeType, nodeType string) []graphql.CollectedField {
	oc := graphql.GetOperationContext(ctx)
	var out []graphql.CollectedField
	for _, edges := range graphql.CollectFieldsCtx(ctx, []string{connType}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{edgeType}) {
			if node.Name == "node" {
				out = append(out, graphql.CollectFields(oc, node.Selections, []string{nodeType})...)
			}
		}
	}
	return out
}

// belowList reports whether the field of ctx is resolved for an element of
// a list (a unit of a list of units), so that its siblings ask too.
func belowList(ctx context.Context) bool {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		if fc.Index != nil {
			return true
		}
	}
	return false
}

// int32Arg reads an Int argument as the operation gives it (a literal, a
// variable's JSON number, or null for the default); ok is false for
// anything else.
func int32Arg(v any) (n *int32, ok bool) {
	var i int64
	switch v := v.(type) {
	case nil:
		return nil, true
	case int64:
		i = v
	case int:
		i = int64(v)
	case int32:
		i = int64(v)
	case float64:
		i = int64(v)
		if float64(i) != v {
			return nil, false
		}
	case json.Number:
		var err error
		if i, err = v.Int64(); err != nil {
			return nil, false
		}
	default:
		return nil, false
	}
	if i < math.MinInt32 || i > math.MaxInt32 {
		return nil, false
	}
	n32 := int32(i)
	return &n32, true
}
