package graph

import (
	"context"
	"reflect"

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
				return []reflect.Value{reflect.ValueOf(1 + n*max(child, 1))}
			}))
		}
	}
	return root
}

// depthLimit refuses operations nested deeper than Max levels of fields
// (fragments count where they are spread), before anything runs.
type depthLimit struct{ Max int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	w := depthWalk{doc: oc.Doc, fragments: map[string]int{}}
	if depth := w.of(op.SelectionSet, 0); depth > d.Max {
		err := gqlerror.Errorf("operation is nested %d levels deep, which exceeds the limit of %d", depth, d.Max)
		errcode.Set(err, "DEPTH_LIMIT_EXCEEDED")
		return err
	}
	return nil
}

// depthWalk finds the deepest chain of fields. Each fragment's depth is
// worked out once, so a document that spreads fragments into fragments
// costs time in proportion to its length, not to its expansion.
type depthWalk struct {
	doc       *ast.QueryDocument
	fragments map[string]int
}

func (w depthWalk) of(set ast.SelectionSet, guard int) int {
	if guard > 100 { // cycles are refused by validation; this only bounds the stack
		return guard
	}
	deepest := 0
	for _, s := range set {
		var d int
		switch s := s.(type) {
		case *ast.Field:
			d = 1 + w.of(s.SelectionSet, guard+1)
		case *ast.InlineFragment:
			d = w.of(s.SelectionSet, guard+1)
		case *ast.FragmentSpread:
			known, ok := w.fragments[s.Name]
			if !ok {
				if f := w.doc.Fragments.ForName(s.Name); f != nil {
					known = w.of(f.SelectionSet, guard+1)
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
	Complexity   int // priced by page size, see pagedComplexity
	Depth        int // levels of nested fields
	Tokens       int // lexer tokens in the query text
	Aliases      int // aliased fields in the whole document
	FieldRepeats int // times one field may appear in one selection
}

// DefaultLimits let a dashboard ask for 20 activities with 50 participants
// each and their members, and little more.
var DefaultLimits = Limits{Complexity: 20000, Depth: 12, Tokens: 5000, Aliases: 30, FieldRepeats: 5}

func (l Limits) orDefaults() Limits {
	for _, f := range []struct {
		v *int
		d int
	}{
		{&l.Complexity, DefaultLimits.Complexity}, {&l.Depth, DefaultLimits.Depth}, {&l.Tokens, DefaultLimits.Tokens},
		{&l.Aliases, DefaultLimits.Aliases}, {&l.FieldRepeats, DefaultLimits.FieldRepeats},
	} {
		if *f.v == 0 {
			*f.v = f.d
		}
	}
	return l
}
