package graph

import (
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// A list is marshalled in turn only when nothing selected below its
// elements is resolved concurrently; otherwise, and for lists of an
// interface, the elements keep goroutines of their own, so that their
// loaders wait together.
func TestPlainBelow(t *testing.T) {
	schema := NewExecutableSchema(Config{}).Schema()
	for _, c := range []struct {
		name, query string
		plain       bool
		atHand      map[string]bool // the fields the list's resolver loaded for its nodes
	}{
		{"activities' counts", `query { activities { edges { node { title participantCount } } } }`, false, nil},
		{"activities' counts at hand", `query { activities { edges { node { title participantCount } } } }`, true,
			map[string]bool{"participantCount": true}},
		{"at hand but for another field", `query { activities { edges { node { participantCount guests { name } } } } }`, false,
			map[string]bool{"participantCount": true}},
		{"names of participants", `query { activity(id: "x") { participants { edges { node { role member { fullName } } } } } }`, true, nil},
		{"an activity per participation", `query { activity(id: "x") { participants { edges { node { activity { title } } } } } }`, false, nil},
		{"behind a fragment", `query { activity(id: "x") { participants { edges { ...e } } } } fragment e on ParticipationEdge { node { activity { title } } }`, false, nil},
		{"skipped", `query { activity(id: "x") { participants { edges { node { role activity @skip(if: true) { title } } } } } }`, true, nil},
		{"ids, encoded in place", `query { activity(id: "x") { participants { edges { node { member { id fullName } } } } } }`, true, nil},
		{"each member's unit", `query { activity(id: "x") { participants { edges { node { member { unit { name } } } } } } }`, false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, c.query, nil)
			if errs != nil {
				t.Fatal(errs)
			}
			oc := &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: map[string]any{}}
			edges := find(doc.Operations[0].SelectionSet, "edges")
			if edges == nil {
				t.Fatal("no edges field")
			}
			if got := plainBelow(oc, edges.Definition.Type.Name(), edges.SelectionSet, 0, c.atHand); got != c.plain {
				t.Errorf("plain = %v, want %v", got, c.plain)
			}
		})
	}
	if plainBelow(&graphql.OperationContext{}, "Node", nil, 0, nil) {
		t.Error("an interface's list counts as plain")
	}
}

// find is the first field named name in sel, at any depth.
func find(sel ast.SelectionSet, name string) *ast.Field {
	for _, s := range sel {
		switch x := s.(type) {
		case *ast.Field:
			if x.Name == name {
				return x
			}
			if f := find(x.SelectionSet, name); f != nil {
				return f
			}
		case *ast.FragmentSpread:
			if f := find(x.Definition.SelectionSet, name); f != nil {
				return f
			}
		}
	}
	return nil
}
