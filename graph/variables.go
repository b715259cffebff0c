package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sodoan/sodoan/internal/i18n"
)

// strictEnums refuses an enum value in the variables that is not written
// exactly as the schema spells it. gqlparser's variable validation compares
// enum values ignoring case, and gqlgen then reads a value it does not know
// (branch for BRANCH) as the empty string, which reaches the services and
// the database as no value at all. Values written in the document are
// checked exactly by the document's validation already.
type strictEnums struct{ schema *ast.Schema }

func (*strictEnums) ExtensionName() string { return "StrictEnums" }

// Validate keeps the schema the operations run against.
func (e *strictEnums) Validate(es graphql.ExecutableSchema) error {
	e.schema = es.Schema()
	return nil
}

func (e *strictEnums) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	for _, def := range oc.Operation.VariableDefinitions {
		v, ok := oc.Variables[def.Variable]
		if !ok {
			continue
		}
		if bad, path := badEnum(e.schema, def.Type, v, ast.Path{ast.PathName("variable"), ast.PathName(def.Variable)}); bad != "" {
			err := gqlerror.ErrorPathf(path, "%s", i18n.Pick(ctx,
				"\""+bad+"\" không phải giá trị của kiểu liệt kê này; giá trị phải viết đúng như trong schema (chữ hoa).",
				"\""+bad+"\" is not a value of this enum; values are written exactly as in the schema (upper case)."))
			errcode.Set(err, errcode.ValidationFailed)
			return err
		}
	}
	return nil
}

// badEnum returns the first enum value in v (of type typ) that the schema
// does not spell exactly so, and where it is.
func badEnum(s *ast.Schema, typ *ast.Type, v any, path ast.Path) (string, ast.Path) {
	if v == nil || s == nil {
		return "", nil
	}
	if typ.Elem != nil {
		items, ok := v.([]any)
		if !ok {
			return badEnum(s, typ.Elem, v, path)
		}
		for i, it := range items {
			if bad, p := badEnum(s, typ.Elem, it, append(append(ast.Path(nil), path...), ast.PathIndex(i))); bad != "" {
				return bad, p
			}
		}
		return "", nil
	}
	def := s.Types[typ.NamedType]
	if def == nil {
		return "", nil
	}
	switch def.Kind {
	case ast.Enum:
		str, _ := v.(string)
		if def.EnumValues.ForName(str) == nil {
			return str, path
		}
	case ast.InputObject:
		fields, _ := v.(map[string]any)
		for _, f := range def.Fields {
			if fv, ok := fields[f.Name]; ok {
				if bad, p := badEnum(s, f.Type, fv, append(append(ast.Path(nil), path...), ast.PathName(f.Name))); bad != "" {
					return bad, p
				}
			}
		}
	}
	return "", nil
}
