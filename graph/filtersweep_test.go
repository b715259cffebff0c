package graph_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// Every list's filters and orders, read from the schema so that a filter
// added later is swept too: each enum value, each value of an enum list and
// all of them at once, each order, every boolean, the IDs of records that
// exist, each with and without a search, on the first page and the next,
// for the lists of the root and those nested in their items, as each kind
// of caller, on the demo data. No combination may be a server fault.
func TestFilterSweep(t *testing.T) {
	t.Parallel()
	w := newWalkWorld(t)
	sw := sweeper{s: w.schema, ids: hostileGen{s: w.schema, ids: w.ids}}
	var lists []sweepList
	for _, f := range rootFields(w.schema.Query) {
		if sw.sweepable(f) {
			lists = append(lists, sweepList{name: f.Name, field: f})
		}
	}
	for _, parent := range lists { // the root lists; range does not see what is appended
		node := sw.nodeType(parent.field)
		if node == nil {
			continue
		}
		for _, f := range node.Fields {
			if sw.sweepable(f) {
				lists = append(lists, sweepList{name: parent.name + "." + f.Name, field: f, parent: parent.field})
			}
		}
	}
	if len(lists) < 8 {
		t.Fatalf("only %d lists with filters found in the schema", len(lists))
	}
	// A count alone would not notice the nested lists going missing.
	found := map[string]bool{}
	for _, l := range lists {
		found[l.name] = true
	}
	for _, want := range []string{"activities", "members", "units", "posts", "units.members", "units.activities"} {
		if !found[want] {
			t.Errorf("the sweep does not reach %s (lists found: %v)", want, found)
		}
	}
	t.Run("sweep", func(t *testing.T) {
		for _, l := range lists {
			variants := sw.variants(l.field)
			for _, caller := range callerKinds {
				t.Run(l.name+"/"+caller, func(t *testing.T) {
					t.Parallel()
					env := w.as(t, caller)
					var wg sync.WaitGroup
					sem := make(chan struct{}, 4)
					for _, v := range variants {
						wg.Add(1)
						go func() {
							defer wg.Done()
							sem <- struct{}{}
							defer func() { <-sem }()
							q, vars := sw.document(l, v.args, nil)
							what := caller + " " + l.name + " " + v.desc
							resp := w.send(t, env, what, q, vars)
							if after := endCursor(resp.Data, l.parent != nil); after != "" {
								q, vars = sw.document(l, v.args, &after)
								w.send(t, env, what+", next page", q, vars)
							}
						}()
					}
					wg.Wait()
				})
			}
		}
	})
	t.Logf("%d requests, %d executed", len(w.sent), w.executed)
	// Every value swept is valid for its input, so nearly every request
	// runs; one refused by validation means the sweep builds bad documents.
	if w.executed < len(w.sent)*9/10 {
		t.Errorf("only %d of %d requests got past validation", w.executed, len(w.sent))
	}
	w.noErrorLogs(t)
}

// sweepList is a list field to sweep: a root field, or a field of the
// items of the root list parent.
type sweepList struct {
	name   string
	field  *ast.FieldDefinition
	parent *ast.FieldDefinition
}

type sweeper struct {
	s   *ast.Schema
	ids hostileGen
}

// sweepable lists take a filter input or an enum argument (an order).
func (sw sweeper) sweepable(f *ast.FieldDefinition) bool {
	for _, a := range f.Arguments {
		if def := sw.s.Types[a.Type.Name()]; a.Name == "filter" && def.Kind == ast.InputObject || def.Kind == ast.Enum {
			return true
		}
	}
	return false
}

// nodeType is the item type of a connection field, or nil.
func (sw sweeper) nodeType(f *ast.FieldDefinition) *ast.Definition {
	conn := sw.s.Types[f.Type.Name()]
	edges := conn.Fields.ForName("edges")
	if edges == nil {
		return nil
	}
	node := sw.s.Types[edges.Type.Name()].Fields.ForName("node")
	if node == nil {
		return nil
	}
	return sw.s.Types[node.Type.Name()]
}

type sweepVariant struct {
	args map[string]any
	desc string
}

// slot is one argument or filter field to vary, with the values to try.
type slot struct {
	path   []string
	values []any
}

// variants are the field's required arguments with, in turn, each value of
// each argument and filter field, each alone and beside a search.
func (sw sweeper) variants(f *ast.FieldDefinition) []sweepVariant {
	base := map[string]any{}
	var slots []slot
	var search []string
	for _, a := range f.Arguments {
		switch a.Name {
		case "first", "after":
			continue
		case "query":
			search = []string{a.Name}
		}
		if a.Type.NonNull && a.DefaultValue == nil {
			base[a.Name] = sw.value(a.Type, a.Name, f.Name)
		}
		def := sw.s.Types[a.Type.Name()]
		if a.Name == "filter" && def.Kind == ast.InputObject {
			for _, fi := range def.Fields {
				if fi.Name == "search" {
					search = []string{a.Name, fi.Name}
					continue
				}
				if vs := sw.values(fi.Type, fi.Name, def.Name); len(vs) > 0 {
					slots = append(slots, slot{path: []string{a.Name, fi.Name}, values: vs})
				}
			}
			continue
		}
		if vs := sw.values(a.Type, a.Name, f.Name); len(vs) > 0 {
			slots = append(slots, slot{path: []string{a.Name}, values: vs})
		}
	}
	out := []sweepVariant{{args: base, desc: "unfiltered"}}
	searches := []string{""}
	if search != nil {
		searches = append(searches, "tinh nguyen", "Đoàn")
	}
	for _, words := range searches {
		with := base
		desc := ""
		if words != "" {
			with = setPath(base, search, words)
			desc = fmt.Sprintf(" searching %q", words)
			out = append(out, sweepVariant{args: with, desc: "only" + desc})
		}
		for _, sl := range slots {
			for _, v := range sl.values {
				raw, _ := json.Marshal(v)
				out = append(out, sweepVariant{args: setPath(with, sl.path, v), desc: strings.Join(sl.path, ".") + " = " + string(raw) + desc})
			}
		}
	}
	return out
}

// values are what to try in a slot of type typ: every enum value; each
// value of an enum list, and all; both booleans; an existing record's ID;
// a year, ages, a date range. Free text other than the search is left
// alone: the hostile walk covers it.
func (sw sweeper) values(typ *ast.Type, name, owner string) []any {
	def := sw.s.Types[typ.Name()]
	switch {
	case def.Kind == ast.Enum && typ.Elem == nil:
		out := make([]any, len(def.EnumValues))
		for i, v := range def.EnumValues {
			out[i] = v.Name
		}
		return out
	case def.Kind == ast.Enum:
		var out, all []any
		for _, v := range def.EnumValues {
			out = append(out, []any{v.Name})
			all = append(all, v.Name)
		}
		return append(out, all, []any{})
	case typ.Name() == "Boolean":
		return []any{true, false}
	case typ.Name() == "ID":
		id := sw.value(&ast.Type{NamedType: "ID"}, name, owner)
		if typ.Elem != nil {
			return []any{[]any{id}}
		}
		return []any{id}
	case typ.Name() == "Int" && name == "year":
		return []any{2022, 2023}
	case typ.Name() == "Int":
		return []any{18, 30}
	case typ.Name() == "Date" && name == "to":
		return []any{"2022-12-31"}
	case typ.Name() == "Date":
		return []any{"2022-01-01"}
	}
	return nil
}

// value is a required argument's plausible value.
func (sw sweeper) value(typ *ast.Type, name, owner string) any {
	return sw.ids.base(typ, name, owner, 0)
}

// setPath returns a copy of args with path (argument, then input field)
// set to v.
func setPath(args map[string]any, path []string, v any) map[string]any {
	out := deepCopy(args).(map[string]any)
	cur := out
	for i, p := range path {
		if i == len(path)-1 {
			cur[p] = v
			break
		}
		next, ok := cur[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			cur[p] = next
		}
		cur = next
	}
	return out
}

// document reads one page of the list with args, after the given cursor;
// a nested list is read in each of the first three items of its parent.
func (sw sweeper) document(l sweepList, args map[string]any, after *string) (string, map[string]any) {
	f := l.field
	vars := map[string]any{}
	var decls, list []string
	names := make([]string, 0, len(args))
	for k := range args {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		a := f.Arguments.ForName(name)
		decls = append(decls, "$"+name+": "+a.Type.String())
		list = append(list, name+": $"+name)
		vars[name] = args[name]
	}
	if f.Arguments.ForName("first") != nil {
		list = append(list, "first: 3")
	}
	if after != nil {
		decls = append(decls, "$after: String")
		list = append(list, "after: $after")
		vars["after"] = *after
	}
	call := f.Name
	if len(list) > 0 {
		call += "(" + strings.Join(list, ", ") + ")"
	}
	sel := selection(sw.s, f.Type)
	if sw.nodeType(f) != nil {
		sel = " { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { __typename } } }"
	}
	body := "l: " + call + sel
	if l.parent != nil {
		body = "p: " + l.parent.Name + "(first: 3) { edges { node { " + body + " } } }"
	}
	head := "query"
	if len(decls) > 0 {
		head += "(" + strings.Join(decls, ", ") + ")"
	}
	return head + " { " + body + " }", vars
}

// endCursor is where the next page of a root list starts, "" when there
// is none (nested lists are read a page at a time from the root instead).
func endCursor(data json.RawMessage, nested bool) string {
	if nested {
		return ""
	}
	var out struct {
		L struct {
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
	}
	if json.Unmarshal(data, &out) != nil || !out.L.PageInfo.HasNextPage {
		return ""
	}
	return out.L.PageInfo.EndCursor
}
