package graph

import (
	"context"
	"reflect"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sodoan/sodoan/internal/page"
)

// pagedComplexity prices every connection field by its page: a list of
// `first` items costs `first` times what one item's selection costs. The
// connection fields are recognised by their (first: Int, after: String)
// arguments, so a connection added later is priced without anyone
// remembering to.
func pagedComplexity() ComplexityRoot {
	var root ComplexityRoot
	rv := reflect.ValueOf(&root).Elem()
	int32Ptr, stringPtr := reflect.TypeOf((*int32)(nil)), reflect.TypeOf((*string)(nil))
	for i := range rv.NumField() {
		obj := rv.Field(i)
		if obj.Kind() != reflect.Struct {
			continue
		}
		for j := range obj.NumField() {
			f := obj.Field(j)
			t := f.Type()
			if t.Kind() != reflect.Func {
				continue
			}
			first := -1
			for a := 1; a+1 < t.NumIn(); a++ {
				if t.In(a) == int32Ptr && t.In(a+1) == stringPtr {
					first = a
				}
			}
			if first < 0 {
				continue
			}
			f.Set(reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
				child := int(args[0].Int())
				n := page.DefaultFirst
				if p := args[first]; !p.IsNil() {
					n = max(int(p.Elem().Int()), 1)
				}
				return []reflect.Value{reflect.ValueOf(satAdd(1, satMul(n, max(child, 1))))}
			}))
		}
	}
	// Subtree aggregates cost more than their fields, and more again by
	// the subtree's size when they run (see chargeSubtree).
	root.Unit.Stats = func(child int, _ *int32) int { return satAdd(aggregatePrice, child) }
	root.Query.YearlyReport = func(child int, _ string, _ int32, _, _ *time.Time) int { return satAdd(aggregatePrice, child) }
	root.Query.Plan = func(child int, _ string, _ int32) int { return satAdd(aggregatePrice, child) }
	// A list of records asked for by id costs like a page of as many.
	root.Query.Nodes = func(child int, ids []string) int { return satAdd(1, satMul(len(ids), max(child, 1))) }
	return root
}

// depthLimit refuses operations nested deeper than Max levels of fields
// (fragments count where they are spread), before anything runs.
// Introspection (__schema and __type and what is below them) counts as one
// level there, and is bounded by IntrospectionMax levels of its own: the
// standard introspection query of graphql-js, which GraphiQL, codegen and
// the other tools send, nests 15 levels to follow wrapped types.
type depthLimit struct {
	schemaless
	Max, IntrospectionMax int
}

func (depthLimit) ExtensionName() string { return "DepthLimit" }
func (d depthLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	w := &depthWalk{budget: newBudget(ctx), doc: oc.Doc, fragments: map[string]int{}}
	depth := w.of(op.SelectionSet)
	if w.err != nil {
		return w.err
	}
	if depth > d.Max {
		err := gqlerror.Errorf("operation is nested %d levels deep, which exceeds the limit of %d", depth, d.Max)
		errcode.Set(err, "DEPTH_LIMIT_EXCEEDED")
		return err
	}
	if w.introspection > d.IntrospectionMax {
		err := gqlerror.Errorf("introspection is nested %d levels deep, which exceeds the limit of %d", w.introspection, d.IntrospectionMax)
		errcode.Set(err, "DEPTH_LIMIT_EXCEEDED")
		return err
	}
	return nil
}

// depthWalk finds the deepest chain of fields, and apart from it the
// deepest chain below an introspection field. Each fragment's depth is
// worked out once, so a document that spreads fragments into fragments
// costs time in proportion to its length, not to its expansion.
// (Introspection fragments are on introspection types, so they are only
// ever spread below an introspection field.)
type depthWalk struct {
	*budget
	doc           *ast.QueryDocument
	fragments     map[string]int
	introspection int
}

func (w *depthWalk) of(set ast.SelectionSet) int {
	deepest := 0
	for _, s := range set {
		if !w.step() {
			return deepest
		}
		var d int
		switch s := s.(type) {
		case *ast.Field:
			d = 1 + w.of(s.SelectionSet)
			if isIntrospection(s) {
				w.introspection = max(w.introspection, d)
				d = 1
			}
		case *ast.InlineFragment:
			d = w.of(s.SelectionSet)
		case *ast.FragmentSpread:
			known, ok := w.fragments[s.Name]
			if !ok {
				w.fragments[s.Name] = 0 // cycles are refused by validation; this stops one anyway
				f := s.Definition
				if f == nil {
					f = w.doc.Fragments.ForName(s.Name)
				}
				if f != nil {
					known = w.of(f.SelectionSet)
				}
				w.fragments[s.Name] = known
			}
			d = known
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// Limits are the ceilings on one GraphQL operation.
type Limits struct {
	Complexity int // priced by page size, see pagedComplexity
	Fields     int // fields with fragments expanded, see selectionLimits
	Depth      int // levels of nested fields
	// IntrospectionDepth bounds the levels below __schema and __type,
	// which do not count towards Depth.
	IntrospectionDepth int
	Tokens             int // lexer tokens in the query text
	Aliases            int // aliased fields in the whole document
	FieldRepeats       int // times one field may appear in one selection
	Directives         int // directives in one place (on one field, fragment or operation)
}

// DefaultLimits let a dashboard ask for 20 activities with 50 participants
// each and their members, and little more.
var DefaultLimits = Limits{Complexity: 20000, Fields: 2000, Depth: 12, IntrospectionDepth: 25, Tokens: 5000, Aliases: 30, FieldRepeats: 5, Directives: 10}

func (l Limits) orDefaults() Limits {
	for _, f := range []struct {
		v *int
		d int
	}{
		{&l.Complexity, DefaultLimits.Complexity}, {&l.Fields, DefaultLimits.Fields}, {&l.Depth, DefaultLimits.Depth},
		{&l.IntrospectionDepth, DefaultLimits.IntrospectionDepth}, {&l.Tokens, DefaultLimits.Tokens},
		{&l.Aliases, DefaultLimits.Aliases}, {&l.FieldRepeats, DefaultLimits.FieldRepeats}, {&l.Directives, DefaultLimits.Directives},
	} {
		if *f.v == 0 {
			*f.v = f.d
		}
	}
	return l
}
