package graph

import (
	"context"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/sodoan/sodoan/internal/i18n"
)

// maxErrors is the most errors one response carries; one more says how
// many were left out. A document of 2,000 unknown directives would
// otherwise be answered with 4,000 errors.
const maxErrors = 50

// introspectionDisabled is the code of an introspection refused because
// the server does not offer it (production). It is a validation error:
// the document asks for something this server does not have.
const introspectionDisabled = "INTROSPECTION_DISABLED"

func init() {
	// Answered with the status of other validation errors, not 200.
	errcode.RegisterErrorType(introspectionDisabled, errcode.KindProtocol)
}

// validationRules returns gqlparser's rules, without the "Did you mean"
// suggestions (which name fields, arguments, types and enum values the
// caller did not write) unless suggest, and each stopping after maxErrors
// errors in all. gqlgen's own switch (SetDisableSuggestion) swaps only two
// of the rules that suggest, so it is left off and this decides.
func validationRules(suggest bool) func() *rules.Rules {
	quiet := map[string]core.Rule{}
	for _, r := range []core.Rule{
		rules.FieldsOnCorrectTypeRuleWithoutSuggestions, rules.KnownArgumentNamesRuleWithoutSuggestions,
		rules.KnownTypeNamesRuleWithoutSuggestions, rules.ScalarLeafsRuleWithoutSuggestions,
		rules.ValuesOfCorrectTypeRuleWithoutSuggestions,
	} {
		quiet[strings.TrimSuffix(r.Name, "WithoutSuggestions")] = r
	}
	return func() *rules.Rules {
		// One count per validation: NewRules is called for each document.
		errs := 0
		out := rules.NewRules()
		for name, fn := range rules.NewDefaultRules().GetInner() {
			if q, ok := quiet[name]; ok && !suggest {
				fn = q.RuleFunc
			}
			if name == rules.VariablesInAllowedPositionRule.Name && !suggest {
				fn = knownVariableTypesOnly(fn)
			}
			out.AddRule(name, capped(fn, &errs, suggest))
		}
		return out
	}
}

// capped passes on fn's errors while fewer than maxErrors were reported by
// all rules, then one saying the rest were left out, then none. Unless
// suggest, any suggestion a rule still appends is cut off the message.
func capped(fn core.RuleFunc, errs *int, suggest bool) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) {
		fn(observers, func(options ...core.ErrorOption) {
			*errs++
			switch {
			case *errs <= maxErrors:
				if !suggest {
					options = append(options, withoutSuggestion)
				}
				addError(options...)
			case *errs == maxErrors+1:
				addError(core.Message("%s", tooManyErrorsMessage))
			}
		})
	}
}

// knownVariableTypesOnly keeps fn (VariablesInAllowedPosition) from
// answering a variable of a misspelt type with the type it should have
// had, which is a suggestion by another name; the misspelling itself is
// reported as an unknown type.
func knownVariableTypesOnly(fn core.RuleFunc) core.RuleFunc {
	return func(observers *core.Events, addError core.AddErrFunc) {
		unknown := false
		// Observers run in the order they were added, so this one sees
		// each value just before fn's does.
		observers.OnValue(func(w *core.Walker, v *ast.Value) {
			unknown = v.Kind == ast.Variable && v.VariableDefinition != nil && w.Schema.Types[v.VariableDefinition.Type.Name()] == nil
		})
		fn(observers, func(options ...core.ErrorOption) {
			if !unknown {
				addError(options...)
			}
		})
	}
}

func withoutSuggestion(err *gqlerror.Error) {
	if i := strings.Index(err.Message, " Did you mean"); i >= 0 {
		err.Message = err.Message[:i]
	}
}

// tooManyErrorsMessage ends a validation error list that was cut short;
// validation runs before the request's language is at hand, so it is
// bilingual.
const tooManyErrorsMessage = "Quá nhiều lỗi; các lỗi sau đã bị bỏ qua (too many errors; the rest were dropped)."

// capErrors cuts every response's errors to maxErrors and one more that
// says how many were dropped, whatever produced them.
func capErrors(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil || len(resp.Errors) <= maxErrors+1 {
		return resp
	}
	dropped := len(resp.Errors) - maxErrors
	if last := resp.Errors[len(resp.Errors)-1]; last.Message == tooManyErrorsMessage {
		dropped-- // already cut by validation; keep its note
	}
	more := gqlerror.Errorf("%s", i18n.Pick(ctx,
		"Quá nhiều lỗi; "+strconv.Itoa(dropped)+" lỗi sau đã bị bỏ qua.",
		strconv.Itoa(dropped)+" more errors were dropped."))
	errcode.Set(more, "TOO_MANY_ERRORS")
	resp.Errors = append(resp.Errors[:maxErrors:maxErrors], more)
	return resp
}

// introspectionGate refuses schema introspection (__schema) where the
// server does not offer it, as a validation error with its own code,
// before anything runs; left to the executor it would fail as INTERNAL.
//
// __type(name:) is not refused there but answered null for every name, as
// for a type that does not exist (see hideTypes): that discloses nothing,
// and generic clients that probe one type, such as the GraphQL-over-HTTP
// audit, still get a plain answer.
type introspectionGate struct{ schemaless }

func (introspectionGate) ExtensionName() string { return "IntrospectionGate" }
func (introspectionGate) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	// The introspection fields exist only on the query root, so only the
	// root selection (with the fragments spread there) is looked at.
	seen := map[string]bool{}
	var walk func(set ast.SelectionSet) bool
	walk = func(set ast.SelectionSet) bool {
		for _, s := range set {
			switch s := s.(type) {
			case *ast.Field:
				if s.Name == "__schema" {
					return true
				}
			case *ast.InlineFragment:
				if walk(s.SelectionSet) {
					return true
				}
			case *ast.FragmentSpread:
				if seen[s.Name] {
					continue
				}
				seen[s.Name] = true
				if f := oc.Doc.Fragments.ForName(s.Name); f != nil && walk(f.SelectionSet) {
					return true
				}
			}
		}
		return false
	}
	if !walk(op.SelectionSet) {
		return nil
	}
	return limitError(ctx, introspectionDisabled,
		"Máy chủ này không cho đọc lược đồ (introspection); hãy dùng tệp lược đồ đã công bố.",
		"This server does not offer introspection; use the published schema file.")
}

// hideTypes answers __type null where introspection is off, before the
// executor (which would fail it as an internal error) is reached.
func hideTypes(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
	if fc := graphql.GetRootFieldContext(ctx); fc != nil && fc.Field.Name == "__type" {
		return graphql.Null
	}
	return next(ctx)
}
