package graph

import (
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// SDL prints the executable schema as one GraphQL SDL document, the file
// frontend tools (relay-compiler, graphql-codegen) read. Types and
// directives come out sorted by name, so the same schema always prints the
// same text. The spec's built-in scalars and directives are left out (every
// tool knows them) except @defer, which is not yet in the spec: tools
// validating a document that uses it need its definition.
func SDL() string {
	schema := NewExecutableSchema(Config{}).Schema()
	var b strings.Builder
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(withDirective(schema, "defer"))
	return b.String()
}

// withDirective returns a shallow copy of s in which the built-in directive
// name counts as declared by the schema, so the formatter prints it.
func withDirective(s *ast.Schema, name string) *ast.Schema {
	d, ok := s.Directives[name]
	if !ok {
		return s
	}
	c := *s
	c.Directives = make(map[string]*ast.DirectiveDefinition, len(s.Directives))
	for k, v := range s.Directives {
		c.Directives[k] = v
	}
	declared := *d
	if declared.Position != nil {
		pos := *declared.Position
		if pos.Src != nil {
			src := *pos.Src
			src.BuiltIn = false
			pos.Src = &src
		}
		declared.Position = &pos
	}
	c.Directives[name] = &declared
	return &c
}
