// Command seqlists runs after gqlgen (make generate). gqlgen marshals the
// elements of every list of objects in goroutines of their own, so that
// their resolvers can wait on loaders together; a list of plain data (a
// page of participants and their names) pays for a goroutine, and the
// growth of its stack, per element for nothing. This command:
//
//   - writes graph/concurrent_gen.go: for each object type, the fields
//     gqlgen resolves concurrently (those it dispatches with
//     ResolveConcurrently), read from the generated code itself;
//   - points the generated list marshalling at marshalList (graph/lists_marshal.go),
//     which marshals a list in turn when nothing selected below its elements
//     is concurrent, and as gqlgen does otherwise;
//   - resolves id fields in place: their resolvers only encode a key;
//   - resolves in place the loader fields a list resolver loaded for its
//     whole page (atHandFields; graph/prefetch.go), when they are at hand;
//   - points each object's @defer group at newDeferredGroup, which builds
//     the object's path only for an operation that can defer.
//
// Usage: go run ./internal/tools/seqlists graph/generated.go graph/concurrent_gen.go
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: seqlists graph/generated.go graph/concurrent_gen.go")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "seqlists:", err)
		os.Exit(1)
	}
}

func run(generated, table string) error {
	src, err := os.ReadFile(generated)
	if err != nil {
		return err
	}
	src = idInPlace.ReplaceAll(src, []byte(idInPlaceWith))
	if src, err = inPlaceAtHand(src); err != nil {
		return err
	}
	fields, err := concurrentFields(src)
	if err != nil {
		return err
	}
	const call = "graphql.MarshalSliceConcurrently("
	if n := bytes.Count(src, []byte(call)); n == 0 && !bytes.Contains(src, []byte("marshalList(")) {
		return fmt.Errorf("%s has no list marshalling to point at marshalList: has gqlgen changed?", generated)
	}
	src = bytes.ReplaceAll(src, []byte(call), []byte("marshalList("))
	src = bytes.ReplaceAll(src, []byte("graphql.NewDeferredGroup(ctx)"), []byte("newDeferredGroup(ctx)"))
	if err := os.WriteFile(generated, src, 0o644); err != nil {
		return err
	}
	return os.WriteFile(table, tableSource(fields), 0o644)
}

// idInPlace is a non-null id field that gqlgen resolves concurrently
// because its resolver encodes a global ID; the encoding waits on nothing,
// so it is resolved in place, as gqlgen resolves plain fields. Every id
// resolver is model.EncodeID of the object's key (graph/*.resolvers.go).
var idInPlace = regexp.MustCompile(`(?m)^(\t+)case "id":\n\t+out\.ResolveConcurrently\(ec\.OperationContext, &deferred, i,\n` +
	`\t+true, true,\n\t+func\(ctx context\.Context\) graphql\.Marshaler \{\n\t+return (ec\._[A-Za-z]+_id\(ctx, field, obj\))\n\t+\}\)\n`)

const idInPlaceWith = "${1}case \"id\": // an encoding: resolved in place (internal/tools/seqlists)\n" +
	"${1}\tout.Values[i] = ${2}\n${1}\tif out.Values[i] == graphql.Null {\n${1}\t\tatomic.AddUint32(&out.Invalids, 1)\n${1}\t}\n"

// atHandFields are, per object type, the fields graph's list resolvers may
// load for a whole page ahead of its nodes (graph/prefetch.go).
var atHandFields = map[string][]string{
	"Activity": {"participants", "participantCount", "volunteerHours", "contributionTotal"},
}

// concurrentCase is a field's case in an object marshaller's switch that
// gqlgen resolves concurrently.
var concurrentCase = regexp.MustCompile(`(?m)^(\t+)case "([A-Za-z]+)":\n(\t+out\.ResolveConcurrently\(ec\.OperationContext, &deferred, i,\n` +
	`\t+true, (true|false),\n\t+func\(ctx context\.Context\) graphql\.Marshaler \{\n\t+return (ec\._([A-Za-z]+)_[A-Za-z]+\(ctx, field, obj\))\n\t+\}\)\n)`)

// inPlaceAtHand puts, before each atHandFields case's concurrent
// resolution, its resolution in place for when graph's atHand says the
// field is loaded already (and not deferred).
func inPlaceAtHand(src []byte) ([]byte, error) {
	found := 0
	out := concurrentCase.ReplaceAllFunc(src, func(m []byte) []byte {
		g := concurrentCase.FindSubmatch(m)
		field := string(g[2])
		if !slices.Contains(atHandFields[string(g[6])], field) {
			return m
		}
		indent, concurrently, nonNull, call := string(g[1]), string(g[3]), string(g[4]), string(g[5])
		found++
		var b strings.Builder
		fmt.Fprintf(&b, "%scase %q:\n", indent, field)
		fmt.Fprintf(&b, "%s\tif len(field.Deferrables) == 0 && atHand(ctx, obj, %q) { // loaded for its list: in place (internal/tools/seqlists)\n", indent, field)
		fmt.Fprintf(&b, "%s\t\tout.Values[i] = %s\n", indent, call)
		if nonNull == "true" {
			fmt.Fprintf(&b, "%s\t\tif out.Values[i] == graphql.Null {\n%s\t\t\tatomic.AddUint32(&out.Invalids, 1)\n%s\t\t}\n", indent, indent, indent)
		}
		fmt.Fprintf(&b, "%s\t\tbreak\n%s\t}\n%s", indent, indent, concurrently)
		return []byte(b.String())
	})
	want := 0
	for _, fields := range atHandFields {
		want += len(fields)
	}
	if found != want {
		return nil, fmt.Errorf("found %d of the %d fields resolved in place when at hand: has gqlgen changed?", found, want)
	}
	return out, nil
}

// concurrentFields reads, from each generated object marshaller
// (func (ec *executionContext) _Type(ctx, sel, obj)), the cases of its
// switch over the fields that call ResolveConcurrently.
func concurrentFields(src []byte) (map[string][]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "generated.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || !strings.HasPrefix(fn.Name.Name, "_") || strings.Contains(fn.Name.Name[1:], "_") ||
			fn.Type.Params.NumFields() != 3 || fn.Body == nil {
			continue
		}
		typeName := fn.Name.Name[1:]
		var isObject bool
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			sw, ok := n.(*ast.SwitchStmt)
			if !ok || !isFieldName(sw.Tag) {
				return true
			}
			isObject = true
			for _, st := range sw.Body.List {
				cc := st.(*ast.CaseClause)
				if len(cc.List) == 0 || !callsConcurrently(cc.Body) {
					continue
				}
				for _, e := range cc.List {
					if lit, ok := e.(*ast.BasicLit); ok {
						name, _ := strconv.Unquote(lit.Value)
						out[typeName] = append(out[typeName], name)
					}
				}
			}
			return false
		})
		if isObject && out[typeName] == nil {
			out[typeName] = []string{}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no object marshallers found: has gqlgen changed?")
	}
	return out, nil
}

func isFieldName(e ast.Expr) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "Name" {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == "field"
}

func callsConcurrently(body []ast.Stmt) bool {
	found := false
	for _, st := range body {
		ast.Inspect(st, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && (sel.Sel.Name == "ResolveConcurrently" || sel.Sel.Name == "Concurrently") {
				found = true
			}
			return !found
		})
	}
	return found
}

func tableSource(fields map[string][]string) []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by internal/tools/seqlists (make generate). DO NOT EDIT.\n\npackage graph\n\n")
	b.WriteString("// concurrentFields are, for each object type, the fields gqlgen resolves\n// concurrently; marshalList reads it.\n")
	b.WriteString("var concurrentFields = map[string]map[string]bool{\n")
	types := make([]string, 0, len(fields))
	for t := range fields {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		names := slices.Clone(fields[t])
		slices.Sort(names)
		fmt.Fprintf(&b, "\t%q: {", t)
		for i, n := range names {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q: true", n)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		panic(err) // the source above is fixed: a programming error
	}
	return out
}
