package graph_test

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sodoan/sodoan/graph/model"
)

// Every argument of every Query and Mutation field, and every field of
// every input reached from them, is sent hostile values (NUL bytes, numbers
// past Int32, impossible dates, foreign and malformed IDs, odd cursors,
// empty and very long text, invalid enum values, lists with nulls), in
// variables and in the document's text, by each kind of caller. Whatever
// the answer, it is an answer: coded errors, no INTERNAL, no 5xx, no
// internal text, and nothing the server logs as its own error.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	w := newWalkWorld(t)
	g := hostileGen{s: w.schema, ids: w.ids}
	targets := g.targets()
	if len(targets) < 60 {
		t.Fatalf("only %d fields with arguments found in the schema", len(targets))
	}
	t.Run("walk", func(t *testing.T) {
		for _, tg := range targets {
			g := g
			_, g.brief = hashesPasswords[tg.field.Name]
			cases := g.cases(tg.field)
			for _, caller := range callerKinds {
				if only, ok := hashesPasswords[tg.field.Name]; ok && caller != only {
					continue
				}
				t.Run(tg.name+"/"+caller, func(t *testing.T) {
					t.Parallel()
					env := w.as(t, caller)
					// A few requests at a time: most of a request's time
					// is waiting for the database.
					var wg sync.WaitGroup
					sem := make(chan struct{}, 4)
					for _, batch := range batches(cases) {
						wg.Add(1)
						go func() {
							defer wg.Done()
							sem <- struct{}{}
							defer func() { <-sem }()
							q, vars := g.document(tg, batch)
							descs := make([]string, len(batch))
							for i, c := range batch {
								descs[i] = c.desc
							}
							w.send(t, env, caller+" "+tg.name+": "+strings.Join(descs, "; "), q, vars)
						}()
					}
					wg.Wait()
				})
			}
		}
	})
	t.Logf("%d fields, %d requests, %d executed", len(targets), len(w.sent), w.executed)
	// Most hostile values are refused before anything runs; but the
	// documents are valid, so many must have run (as each caller may).
	if w.executed < len(w.sent)/10 {
		t.Errorf("only %d of %d requests got past validation: the generated documents are broken", w.executed, len(w.sent))
	}
	w.noErrorLogs(t)
}

// walkTarget is a field to call with hostile arguments: a root field, or a
// field of the records a root field returns (parent is then the call of
// the root field that reaches them, and edges whether through a
// connection's edges).
type walkTarget struct {
	name   string
	op     string
	field  *ast.FieldDefinition
	parent string
	edges  bool
}

// targets are every Query and Mutation field, and every field that takes
// arguments of the types the Query fields return, each reached through
// the first Query field (by name) that returns its type.
func (g hostileGen) targets() []walkTarget {
	var out []walkTarget
	for _, root := range []struct {
		op  string
		def *ast.Definition
	}{{"query", g.s.Query}, {"mutation", g.s.Mutation}} {
		for _, f := range rootFields(root.def) {
			out = append(out, walkTarget{name: root.op + "/" + f.Name, op: root.op, field: f})
		}
	}
	seen := map[string]bool{}
	for _, f := range rootFields(g.s.Query) {
		item, edges := g.s.Types[f.Type.Name()], false
		if e := item.Fields.ForName("edges"); e != nil {
			if n := g.s.Types[e.Type.Name()].Fields.ForName("node"); n != nil {
				item, edges = g.s.Types[n.Type.Name()], true
			}
		}
		if item.Kind != ast.Object || seen[item.Name] {
			continue
		}
		seen[item.Name] = true
		var args []string
		for _, a := range f.Arguments {
			switch {
			case a.Name == "first":
				args = append(args, "first: 2")
			case a.Type.NonNull && a.DefaultValue == nil:
				args = append(args, a.Name+": "+literal(g.s, g.base(a.Type, a.Name, f.Name, 0), a.Type))
			}
		}
		parent := "p: " + f.Name
		if len(args) > 0 {
			parent += "(" + strings.Join(args, ", ") + ")"
		}
		for _, nf := range item.Fields {
			if len(nf.Arguments) > 0 && !strings.HasPrefix(nf.Name, "__") {
				out = append(out, walkTarget{name: "query/" + f.Name + "." + nf.Name, op: "query", field: nf, parent: parent, edges: edges})
			}
		}
	}
	return out
}

// hashesPasswords are fields that cost a password hash per call (a
// deliberately slow one) and check their input the same way for every
// caller: walked as one caller who gets that far, not as four.
var hashesPasswords = map[string]string{
	"login": "anonymous", "passwordChange": "member", "accountCreate": "admin", "accountSetPassword": "admin",
}

// hostileGen makes the values: a plausible one for every argument and
// input field, and hostile ones to put in its place one at a time.
type hostileGen struct {
	s   *ast.Schema
	ids map[model.Kind]string
	// brief keeps to the few values that matter most, for fields whose
	// every call costs a password hash.
	brief bool
}

// hostileCase is one call of a field: its arguments, which one (if any) is
// written into the document's text, and whether the call may fail
// validation and so must be sent alone, not to mask the calls beside it.
type hostileCase struct {
	args    map[string]any
	literal string
	solo    bool
	desc    string
}

// batches groups cases into documents: up to five calls that should pass
// validation each (the limit of repeats of one field), one that may not.
func batches(cases []hostileCase) [][]hostileCase {
	var out [][]hostileCase
	var cur []hostileCase
	for _, c := range cases {
		if c.solo || c.literal != "" {
			out = append(out, []hostileCase{c})
			continue
		}
		if cur = append(cur, c); len(cur) == 5 {
			out = append(out, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// document writes one operation calling f once per case, aliased h0, h1...
func (g hostileGen) document(tg walkTarget, cases []hostileCase) (string, map[string]any) {
	f := tg.field
	var decls, calls []string
	vars := map[string]any{}
	sel := selection(g.s, f.Type)
	for i, c := range cases {
		var args []string
		for _, a := range f.Arguments {
			v, ok := c.args[a.Name]
			if !ok {
				continue
			}
			if c.literal == a.Name {
				args = append(args, a.Name+": "+literal(g.s, v, a.Type))
				continue
			}
			name := fmt.Sprintf("h%d_%s", i, a.Name)
			decls = append(decls, "$"+name+": "+a.Type.String())
			vars[name] = v
			args = append(args, a.Name+": $"+name)
		}
		call := fmt.Sprintf("h%d: %s", i, f.Name)
		if len(args) > 0 {
			call += "(" + strings.Join(args, ", ") + ")"
		}
		calls = append(calls, call+sel)
	}
	body := strings.Join(calls, " ")
	switch {
	case tg.parent != "" && tg.edges:
		body = tg.parent + " { edges { node { " + body + " } } }"
	case tg.parent != "":
		body = tg.parent + " { " + body + " }"
	}
	head := tg.op
	if len(decls) > 0 {
		head += "(" + strings.Join(decls, ", ") + ")"
	}
	return head + " { " + body + " }", vars
}

// cases are f called with plausible arguments, with only its required
// ones, and with each argument and input field in turn made hostile.
func (g hostileGen) cases(f *ast.FieldDefinition) []hostileCase {
	base := map[string]any{}
	required := map[string]any{}
	for _, a := range f.Arguments {
		base[a.Name] = g.base(a.Type, a.Name, f.Name, 0)
		if a.Type.NonNull {
			required[a.Name] = base[a.Name]
		}
	}
	out := []hostileCase{{args: base, desc: "plausible"}, {args: required, desc: "required only"}}
	for _, a := range f.Arguments {
		var ls []leaf
		g.leaves(base[a.Name], a.Type, a.Name, []any{a.Name}, &ls)
		for _, l := range ls {
			for _, h := range g.hostile(l) {
				args := replaceAt(base, l.path, h.v)
				c := hostileCase{args: args, solo: h.solo, desc: pathString(l.path) + " = " + h.desc}
				out = append(out, c)
				if h.lit {
					c.literal, c.desc = a.Name, c.desc+" (in the text)"
					out = append(out, c)
				}
			}
		}
	}
	return out
}

// leaf is a place in the arguments that takes a value: an argument, an
// input field, a list's element.
type leaf struct {
	path []any
	typ  *ast.Type
	name string
}

func (g hostileGen) leaves(v any, typ *ast.Type, name string, path []any, out *[]leaf) {
	*out = append(*out, leaf{path: path, typ: typ, name: name})
	if typ.Elem != nil {
		if items, ok := v.([]any); ok && len(items) > 0 {
			g.leaves(items[0], typ.Elem, name, appendPath(path, 0), out)
		}
		return
	}
	def := g.s.Types[typ.NamedType]
	m, ok := v.(map[string]any)
	if def.Kind != ast.InputObject || !ok {
		return
	}
	for _, f := range def.Fields {
		g.leaves(m[f.Name], f.Type, f.Name, appendPath(path, f.Name), out)
	}
}

func appendPath(path []any, step any) []any {
	return append(append([]any(nil), path...), step)
}

func pathString(path []any) string {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = fmt.Sprint(p)
	}
	return strings.Join(parts, ".")
}

// replaceAt returns a copy of args with the value at path set to v.
func replaceAt(args map[string]any, path []any, v any) map[string]any {
	out := deepCopy(args).(map[string]any)
	var cur any = out
	for i, step := range path {
		last := i == len(path)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[step.(string)] = v
			} else {
				cur = c[step.(string)]
			}
		case []any:
			if last {
				c[step.(int)] = v
			} else {
				cur = c[step.(int)]
			}
		}
	}
	return out
}

func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// base is a plausible value for a value of typ called name, in owner (the
// field or input type it belongs to): IDs of records that exist, of the
// kind the name suggests.
func (g hostileGen) base(typ *ast.Type, name, owner string, depth int) any {
	if typ.Elem != nil {
		return []any{g.base(typ.Elem, name, owner, depth)}
	}
	def := g.s.Types[typ.NamedType]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		m := map[string]any{}
		if depth > 4 {
			return m
		}
		for _, f := range def.Fields {
			m[f.Name] = g.base(f.Type, f.Name, def.Name, depth+1)
		}
		return m
	}
	switch typ.NamedType {
	case "ID":
		return g.ids[kindOf(name, owner)]
	case "Int":
		switch name {
		case "year":
			return 2022
		case "first":
			return 5
		}
		return 1
	case "Float":
		return 1.5
	case "Boolean":
		return false
	case "Date":
		return "2022-07-10"
	case "DateTime":
		return "2022-07-10T08:00:00Z"
	case "Money":
		return 100000
	case "JSON":
		return map[string]any{}
	}
	switch name {
	case "email":
		return "walk@example.com"
	case "phone":
		return "0912 345 678"
	case "search", "query":
		return "tinh nguyen"
	case "after":
		return nil
	}
	return "Thử nghiệm " + name
}

// kindOf guesses which kind of record an ID argument or input field
// names: unitId a unit, memberIds members, id the record its field or
// input type is about.
func kindOf(name, owner string) model.Kind {
	n := strings.TrimSuffix(strings.TrimSuffix(name, "s"), "Id")
	if n == "id" || n == "" {
		n = owner
	}
	n = strings.ToLower(n)
	for _, k := range []struct {
		prefix string
		kind   model.Kind
	}{
		{"contribution", model.KindContribution}, {"commendation", model.KindCommendation}, {"campaign", model.KindCampaign},
		{"activit", model.KindActivity}, {"participation", model.KindActivity}, {"pledge", model.KindPledge},
		{"member", model.KindMember}, {"account", model.KindAccount}, {"audit", model.KindAuditEntry},
		{"plantarget", model.KindPlanTarget}, {"post", model.KindPost}, {"photo", model.KindPhoto}, {"cover", model.KindPhoto},
	} {
		if strings.HasPrefix(n, k.prefix) {
			return k.kind
		}
	}
	return model.KindUnit
}

// hostileValue is one value to try: solo when it may fail validation,
// lit when it is also to be tried written in the document's text.
type hostileValue struct {
	v         any
	solo, lit bool
	desc      string
}

func hv(v any, desc string) hostileValue { return hostileValue{v: v, desc: desc} }

// cursor is an `after` as a client could forge one: base64url of any JSON.
func cursor(json string) string { return base64.RawURLEncoding.EncodeToString([]byte(json)) }

func (g hostileGen) hostile(l leaf) []hostileValue {
	all := g.allHostile(l)
	if !g.brief {
		return all
	}
	var out []hostileValue
	for _, h := range all {
		if h.solo || h.lit || h.desc == "empty" || h.desc == "10000 characters" || h.desc == "2147483647" {
			out = append(out, h)
		}
	}
	return out
}

func (g hostileGen) allHostile(l leaf) []hostileValue {
	var out []hostileValue
	if !l.typ.NonNull {
		out = append(out, hv(nil, "null"))
	} else {
		out = append(out, hostileValue{v: nil, solo: true, desc: "null where required"})
	}
	if l.typ.Elem != nil {
		return append(out, hv([]any{}, "empty list"),
			hostileValue{v: []any{nil}, solo: l.typ.Elem.NonNull, desc: "list holding null"},
			hostileValue{v: []any{g.base(l.typ.Elem, l.name, "", 0), nil}, solo: l.typ.Elem.NonNull, desc: "list with a null"})
	}
	def := g.s.Types[l.typ.NamedType]
	switch def.Kind {
	case ast.InputObject:
		return append(out, hostileValue{v: map[string]any{}, solo: true, desc: "empty object"},
			hostileValue{v: "x", solo: true, desc: "string for an object"})
	case ast.Enum:
		return append(out, hostileValue{v: "NOT_A_VALUE", solo: true, desc: "unknown enum value"},
			hostileValue{v: "", solo: true, desc: "empty enum value"},
			hostileValue{v: strings.ToLower(def.EnumValues[0].Name), solo: true, desc: "enum value in lower case"})
	}
	first := l.name == "first"
	switch l.typ.NamedType {
	case "String":
		out = append(out,
			hostileValue{v: "a\x00b", lit: true, desc: "NUL inside"},
			hv("\x00", "only NUL"), hv("", "empty"), hv("   ", "blank"),
			hv(strings.Repeat("đ", 10000), "10000 characters"),
			hv(`%_\'"; DROP TABLE units; --`, "SQL and LIKE wildcards"),
			hv("\u202e\U0001F600\uFFFD\u0301", "odd code points"),
			hostileValue{v: 12, solo: true, desc: "number for a string"})
		if l.name == "after" || l.name == "cursor" {
			out = append(out,
				hv(cursor(`["a\u0000b", 1]`), "cursor holding NUL"),
				hv(cursor(`[1e400, 1]`), "cursor with a huge number"),
				hv(cursor(`[]`), "empty cursor"), hv(cursor(`[null, null]`), "cursor of nulls"),
				hv(cursor(`["9999-99-99", 1]`), "cursor with a bad date"),
				hv(cursor(`["2022-07-10", 9223372036854775808]`), "cursor past int64"),
				hv(cursor(`[{"a": 1}, [2]]`), "cursor of objects"),
				hv(cursor(`"x"`), "cursor not a list"),
				hv(cursor(`["`+strings.Repeat("x", 5000)+`", 1]`), "very long cursor"),
				hv("!!!not base64", "not base64"))
		}
	case "ID":
		other := model.KindMember
		if kindOf(l.name, "") == model.KindMember {
			other = model.KindUnit
		}
		out = append(out,
			hostileValue{v: "a\x00b", lit: true, desc: "NUL inside"},
			hv("", "empty"), hv("x", "not an ID"), hv(g.ids[other], "ID of another kind"),
			hv(model.EncodeID(kindOf(l.name, ""), math.MaxInt64), "ID past every record"),
			hv(base64.RawURLEncoding.EncodeToString([]byte("Unit:1\x00")), "ID hiding NUL"),
			hv(base64.RawURLEncoding.EncodeToString([]byte("Unit:99999999999999999999")), "ID past int64"),
			hv(strings.Repeat("A", 10000), "10000 characters"),
			hostileValue{v: 7, desc: "number for an ID"})
	case "Int":
		out = append(out,
			hostileValue{v: int64(2147483648), solo: first, lit: true, desc: "2147483648"},
			hostileValue{v: int64(-2147483649), solo: first, desc: "-2147483649"},
			hostileValue{v: int64(math.MaxInt32), solo: first, desc: "2147483647"},
			hostileValue{v: int64(math.MinInt32), solo: first, desc: "-2147483648"},
			hostileValue{v: 0, solo: first, desc: "0"}, hostileValue{v: -1, solo: first, desc: "-1"},
			hostileValue{v: 1.5, solo: true, desc: "fraction"},
			hostileValue{v: "5", solo: true, desc: "string for a number"})
	case "Float":
		out = append(out, hv(1e308, "1e308"), hv(-1e308, "-1e308"), hv(0, "0"), hv(-1, "-1"), hv(5e-324, "tiny"))
	case "Boolean":
		out = append(out, hostileValue{v: "true", solo: true, desc: "string for a boolean"})
	case "Date":
		out = append(out,
			hv("0001-01-01", "year 1"), hv("9999-12-31", "year 9999"), hv("2022-02-30", "30 February"),
			hv("29/12/2022", "day first"), hv("", "empty"), hostileValue{v: "2022-07-10\x00", lit: true, desc: "NUL after"},
			hv(20220710, "number"), hv("+275760-09-13", "far future"))
	case "DateTime":
		out = append(out, hv("0001-01-01T00:00:00Z", "year 1"), hv("9999-12-31T23:59:59Z", "year 9999"), hv("x", "not a time"),
			hv("2022-07-10T08:00:00+99:00", "bad offset"))
	case "Money":
		out = append(out, hv("99999999999999999999", "past int64"), hv(int64(math.MaxInt64), "largest int64"),
			hv(int64(math.MinInt64), "smallest int64"), hv(-1, "-1"), hv("1.232.000", "separators"), hv(1.5, "fraction"),
			hv("1e9", "exponent"))
	case "JSON":
		out = append(out, hv(map[string]any{"a\x00": "\x00"}, "NUL in keys and values"), hv("x", "string"), hv([]any{1}, "list"))
	}
	return out
}
