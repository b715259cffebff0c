package graph

import (
	"context"
	"math"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/i18n"
)

// costStatsKey is where the computed price is left in the operation's
// stats, as the *extension.ComplexityStats gqlgen's own limit leaves, so
// the rate limit (and anything else reading gqlgen's key) finds it there.
const costStatsKey = "ComplexityLimit"

// introspectionPrice is what one __schema or __type field costs, whatever
// is selected below it: the answer is read from the schema in memory, and
// the introspection depth bound (see depthLimit) keeps it finite.
const introspectionPrice = 10

// costLimit prices an operation before it runs and refuses it when the
// price is over Max. Each field is priced by the schema's complexity
// functions (see pagedComplexity) for each concrete type it can be asked
// on, once: a fragment's price is worked out once per concrete type and
// reused wherever it is spread, so the time taken follows the document's
// length, not its expansion. (selectionLimits has bounded the document's
// expanded field count before.)
//
// Fields under @skip or @include are priced the same as any other: the
// price then depends only on the document and the values of the arguments
// that size pages, never on reading directives the same way the executor
// does, so no document can be priced below what runs.
type costLimit struct {
	Max int
	es  graphql.ExecutableSchema
}

func (*costLimit) ExtensionName() string { return costStatsKey }
func (c *costLimit) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

func (c *costLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	price, err := priceOperation(ctx, c.es, oc.Doc, op, oc.Variables)
	if err != nil {
		return err
	}
	oc.Stats.SetExtension(costStatsKey, &extension.ComplexityStats{Complexity: price, ComplexityLimit: c.Max})
	if price > c.Max {
		err := gqlerror.Errorf("%s", i18n.Pick(ctx,
			"Truy vấn có độ phức tạp (complexity) "+strconv.Itoa(price)+", vượt giới hạn "+strconv.Itoa(c.Max)+"; hãy hỏi trang nhỏ hơn (first nhỏ hơn) hoặc ít trường lồng nhau hơn.",
			"The operation has complexity "+strconv.Itoa(price)+", more than the limit of "+strconv.Itoa(c.Max)+"; ask for smaller pages (a lower first) or fewer nested fields."))
		err.Extensions = map[string]any{"code": "COMPLEXITY_LIMIT_EXCEEDED", "complexity": price, "limit": c.Max}
		return err
	}
	return nil
}

// priceOperation is the operation's price in rate-limit points.
func priceOperation(ctx context.Context, es graphql.ExecutableSchema, doc *ast.QueryDocument, op *ast.OperationDefinition, vars map[string]any) (int, *gqlerror.Error) {
	schema := es.Schema()
	var root *ast.Definition
	switch op.Operation {
	case ast.Mutation:
		root = schema.Mutation
	case ast.Subscription:
		root = schema.Subscription
	default:
		root = schema.Query
	}
	if root == nil {
		return 0, nil
	}
	w := &costWalk{budget: newBudget(ctx), es: es, schema: schema, doc: doc, vars: vars,
		fields: map[fieldOn]int{}, fragments: map[fragmentOn]int{}}
	price := w.set(op.SelectionSet, root)
	return price, w.err
}

type fieldOn struct {
	field *ast.Field
	on    string
}

type fragmentOn struct{ name, on string }

// costWalk prices selection sets on concrete object types. A selection
// on an interface or union is priced for each type it may turn out to be,
// and the dearest is its price, so fragments on other types cost nothing
// there (they do not run) and no type can cost more than it was priced.
type costWalk struct {
	*budget
	es        graphql.ExecutableSchema
	schema    *ast.Schema
	doc       *ast.QueryDocument
	vars      map[string]any
	fields    map[fieldOn]int
	fragments map[fragmentOn]int
}

func (w *costWalk) set(set ast.SelectionSet, on *ast.Definition) int {
	return w.sum(set, func(s ast.Selection) int {
		switch s := s.(type) {
		case *ast.Field:
			return w.field(s, on)
		case *ast.InlineFragment:
			if w.applies(s.TypeCondition, on) {
				return w.set(s.SelectionSet, on)
			}
		case *ast.FragmentSpread:
			f := s.Definition
			if f == nil {
				f = w.doc.Fragments.ForName(s.Name)
			}
			if f == nil || !w.applies(f.TypeCondition, on) {
				return 0
			}
			key := fragmentOn{f.Name, on.Name}
			price, ok := w.fragments[key]
			if !ok {
				w.fragments[key] = 0 // cycles are refused by validation; this stops one anyway
				price = w.set(f.SelectionSet, on)
				w.fragments[key] = price
			}
			return price
		}
		return 0
	})
}

func (w *costWalk) field(f *ast.Field, on *ast.Definition) int {
	if isIntrospection(f) {
		return introspectionPrice
	}
	key := fieldOn{f, on.Name}
	if price, ok := w.fields[key]; ok {
		return price
	}
	w.fields[key] = 1
	child := 0
	if f.Definition != nil {
		if t := w.schema.Types[f.Definition.Type.Name()]; t != nil && t.IsCompositeType() {
			for _, p := range w.possible(t) {
				child = max(child, w.set(f.SelectionSet, p))
			}
		}
	}
	price := satAdd(1, child)
	if c, ok := w.es.Complexity(w.ctx, on.Name, f.Name, child, f.ArgumentMap(w.vars)); ok && c >= 1 {
		price = c
	}
	w.fields[key] = price
	return price
}

func (w *costWalk) possible(t *ast.Definition) []*ast.Definition {
	if t.Kind == ast.Object {
		return []*ast.Definition{t}
	}
	return w.schema.GetPossibleTypes(t)
}

// applies reports whether a fragment on the type named cond runs on an
// object of type on.
func (w *costWalk) applies(cond string, on *ast.Definition) bool {
	if cond == "" || cond == on.Name {
		return true
	}
	t := w.schema.Types[cond]
	if t == nil || t.Kind == ast.Object {
		return false
	}
	for _, p := range w.schema.GetPossibleTypes(t) {
		if p.Name == on.Name {
			return true
		}
	}
	return false
}

// fieldCount counts the fields of a selection with fragments expanded,
// each fragment counted once and its count reused.
type fieldCount struct {
	*budget
	fragments   map[string]int
	definitions map[string]*ast.FragmentDefinition
}

// definition finds a fragment by name in a document not yet validated
// (whose spreads do not point at their definitions), from a map built
// once: looking each spread up in the list would take the square of the
// number of fragments.
func (c *fieldCount) definition(doc *ast.QueryDocument, name string) *ast.FragmentDefinition {
	if c.definitions == nil {
		c.definitions = make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
		for _, f := range doc.Fragments {
			if _, dup := c.definitions[f.Name]; !dup {
				c.definitions[f.Name] = f
			}
		}
	}
	return c.definitions[name]
}

func (c *fieldCount) of(doc *ast.QueryDocument, set ast.SelectionSet) int {
	return c.sum(set, func(s ast.Selection) int {
		switch s := s.(type) {
		case *ast.Field:
			return satAdd(1, c.of(doc, s.SelectionSet))
		case *ast.InlineFragment:
			return c.of(doc, s.SelectionSet)
		case *ast.FragmentSpread:
			known, ok := c.fragments[s.Name]
			if !ok {
				c.fragments[s.Name] = 0 // a cycle (refused by validation later) counts nothing
				if f := c.definition(doc, s.Name); f != nil {
					known = c.of(doc, f.SelectionSet)
				}
				c.fragments[s.Name] = known
			}
			return known
		}
		return 0
	})
}

// isIntrospection reports whether f is one of the schema's introspection
// roots, __schema and __type (__typename is an ordinary leaf).
func isIntrospection(f *ast.Field) bool {
	return f.Name == "__schema" || f.Name == "__type"
}

// budget lets a check of the document stop when the request's deadline
// passes or after maxSteps steps, whichever is first. The checks are
// linear in the document, so neither should happen; this makes sure.
type budget struct {
	ctx   context.Context
	steps int
	err   *gqlerror.Error
}

const maxSteps = 1 << 22

func newBudget(ctx context.Context) *budget { return &budget{ctx: ctx} }

// sum adds up what each selection of set counts for (see), one step each,
// until the budget runs out.
func (b *budget) sum(set ast.SelectionSet, see func(ast.Selection) int) int {
	total := 0
	for _, s := range set {
		if !b.step() {
			return total
		}
		total = satAdd(total, see(s))
	}
	return total
}

// step counts one step and reports whether the check may go on.
func (b *budget) step() bool {
	if b.err != nil {
		return false
	}
	b.steps++
	if (b.steps == 1 || b.steps&1023 == 0) && b.ctx.Err() != nil {
		b.err = &gqlerror.Error{Message: i18n.Pick(b.ctx,
			"Yêu cầu chạy quá thời gian cho phép và đã bị dừng khi đang kiểm tra truy vấn; hãy gửi truy vấn ngắn hơn.",
			"The request ran past its time limit while its document was being checked; send a shorter document."),
			Extensions: map[string]any{"code": string(apperr.Timeout)}}
		return false
	}
	if b.steps > maxSteps {
		b.err = limitError(b.ctx, "COMPLEXITY_LIMIT_EXCEEDED",
			"Truy vấn quá phức tạp để kiểm tra (complexity); hãy gửi truy vấn ngắn hơn.",
			"The document is too complex to check (complexity); send a shorter one.")
		return false
	}
	return true
}

// satAdd adds prices, never past math.MaxInt; negative operands (which no
// price should be) count as 0.
func satAdd(a, b int) int {
	a, b = max(a, 0), max(b, 0)
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// satMul multiplies prices, never past math.MaxInt; negative operands
// count as 0.
func satMul(a, b int) int {
	a, b = max(a, 0), max(b, 0)
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}
