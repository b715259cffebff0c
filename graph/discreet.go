package graph

import (
	"context"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sodoan/sodoan/internal/i18n"
)

var (
	nameRe   = regexp.MustCompile(`[_A-Za-z][_0-9A-Za-z]*`)
	quotedRe = regexp.MustCompile(`"[^"]*"`)
)

// discreet wraps an error presenter for where suggestions are off
// (production): a validation or variable error whose message names a
// type, field, argument, enum value or input field of the schema that the
// caller did not write (gqlparser's messages say what type a position
// expects, which field of which type is missing) is answered with a
// generic message instead, keeping its code, locations and path.
// Development keeps gqlparser's detailed messages.
func discreet(schema *ast.Schema, present graphql.ErrorPresenterFunc) graphql.ErrorPresenterFunc {
	names := schemaNames(schema)
	return func(ctx context.Context, err error) *gqlerror.Error {
		out := present(ctx, err)
		if out == nil || out.Extensions["code"] != errcode.ValidationFailed {
			return out
		}
		variable := len(out.Path) > 0 && out.Path[0] == ast.PathName("variable")
		// gqlparser quotes the names in its validation messages; its
		// variable messages (validator.VariableValues) do not.
		var written map[string]bool
		discloses := func(text string) bool {
			for _, n := range nameRe.FindAllString(text, -1) {
				if !names[n] {
					continue
				}
				if written == nil {
					written = requestNames(ctx)
				}
				if !written[n] {
					return true
				}
			}
			return false
		}
		var kept []string // the quoted parts that name only what the caller wrote
		hidden := false
		if variable {
			hidden = discloses(out.Message)
		} else {
			for _, q := range quotedRe.FindAllString(out.Message, -1) {
				if discloses(q) {
					hidden = true
				} else {
					kept = append(kept, q)
				}
			}
		}
		if !hidden {
			return out
		}
		vi, en := "Truy vấn không hợp lệ với lược đồ ở vị trí này", "The document is not valid against the schema at this location"
		if len(kept) > 0 {
			vi, en = vi+" ("+strings.Join(kept, ", ")+")", en+" ("+strings.Join(kept, ", ")+")"
		}
		vi, en = vi+"; hãy đối chiếu với tệp lược đồ đã công bố.", en+"; check it against the published schema file."
		if variable {
			vi, en = "Giá trị của biến không đúng kiểu đã khai báo (xem path); hãy đối chiếu với tệp lược đồ đã công bố.",
				"The variable's value does not fit its declared type (see path); check it against the published schema file."
		}
		generic := *out
		generic.Message = i18n.Pick(ctx, vi, en)
		return &generic
	}
}

// schemaNames are the names a message could disclose: types, fields and
// their arguments, input fields, enum values and directives.
func schemaNames(s *ast.Schema) map[string]bool {
	names := map[string]bool{}
	for name, def := range s.Types {
		names[name] = true
		for _, f := range def.Fields {
			names[f.Name] = true
			for _, a := range f.Arguments {
				names[a.Name] = true
			}
		}
		for _, v := range def.EnumValues {
			names[v.Name] = true
		}
	}
	for name, d := range s.Directives {
		names[name] = true
		for _, a := range d.Arguments {
			names[a.Name] = true
		}
	}
	return names
}

// requestNames are the names the caller wrote: in the document, the
// operation name and the variables (keys and text values).
func requestNames(ctx context.Context) map[string]bool {
	out := map[string]bool{}
	rec := requestRecordFrom(ctx)
	if rec == nil || rec.params == nil {
		return out
	}
	add := func(text string) {
		for _, n := range nameRe.FindAllString(text, -1) {
			out[n] = true
		}
	}
	add(rec.params.Query)
	add(rec.params.OperationName)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				add(k)
				walk(e)
			}
		case []any:
			for _, e := range v {
				walk(e)
			}
		case string:
			add(v)
		}
	}
	walk(rec.params.Variables)
	return out
}
