package db

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Args numbers query parameters as a query is built, so optional filters
// can be appended without counting placeholders by hand.
type Args []any

// Add appends v and returns its placeholder ($n).
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// Bind returns a's values for Query. With fresh, PostgreSQL plans the
// statement for these very values instead of reusing a plan made for any
// values: search patterns need it, since only the words show how rare a
// match is (a generic plan for LIKE '%…%' chose to scan whole tables).
//
// A fresh plan means pgx's exec mode, where pgx encodes each value from
// its Go type alone, without the parameter types a prepared statement
// tells it, and it has no encoding for slices of named types (the filters'
// []org.Level, []activity.WorkArea): those go as the plain slices they are.
func (a Args) Bind(fresh bool) []any {
	if !fresh {
		return a
	}
	out := make([]any, 0, len(a)+1)
	out = append(out, pgx.QueryExecModeExec)
	for _, v := range a {
		out = append(out, plainSlice(v))
	}
	return out
}

// plainSlice returns v converted to []string, []int32 and so on when it is
// a slice of a named string, integer, float or boolean type; else v.
func plainSlice(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return v
	}
	elem := rv.Type().Elem()
	basic, ok := basicTypes[elem.Kind()]
	if !ok || elem == basic {
		return v
	}
	if rv.IsNil() {
		return reflect.Zero(reflect.SliceOf(basic)).Interface()
	}
	out := reflect.MakeSlice(reflect.SliceOf(basic), rv.Len(), rv.Len())
	for i := range rv.Len() {
		out.Index(i).Set(rv.Index(i).Convert(basic))
	}
	return out.Interface()
}

var basicTypes = map[reflect.Kind]reflect.Type{
	reflect.String: reflect.TypeFor[string](), reflect.Bool: reflect.TypeFor[bool](),
	reflect.Int: reflect.TypeFor[int](), reflect.Int8: reflect.TypeFor[int8](), reflect.Int16: reflect.TypeFor[int16](),
	reflect.Int32: reflect.TypeFor[int32](), reflect.Int64: reflect.TypeFor[int64](),
	reflect.Uint8: reflect.TypeFor[uint8](), reflect.Uint16: reflect.TypeFor[uint16](), reflect.Uint32: reflect.TypeFor[uint32](),
	reflect.Float32: reflect.TypeFor[float32](), reflect.Float64: reflect.TypeFor[float64](),
}

// Where joins conditions with AND into a WHERE clause ("" when none).
func Where(conds []string) string {
	if len(conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(conds, " AND ")
}

// Constraint returns the name of the constraint a statement violated, or ""
// when err is not a constraint violation.
func Constraint(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.ConstraintName
	}
	return ""
}

// SearchConds returns one condition per word of text, each requiring the
// word somewhere in column (a search_normalize'd column with a trigram
// index): "nguyen an" finds "Nguyễn Văn An". Accents and case in text are
// removed by search_normalize on the SQL side, like the column's.
func SearchConds(column, text string, args *Args) []string {
	var conds []string
	for _, w := range strings.Fields(text) {
		conds = append(conds, column+" LIKE '%' || search_normalize("+args.Add(escapeLike(w))+") || '%'")
	}
	return conds
}

// escapeLike makes LIKE's wildcards literal, so "50%" means the text "50%".
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// ByID runs a query of (id, value) rows, such as a count per parent, and
// returns the values keyed by id; ids without a row are absent.
func ByID[V any](ctx context.Context, q DB, sql string, args ...any) (map[int64]V, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64]V{}
	var id int64
	var v V
	_, err = pgx.ForEachRow(rows, []any{&id, &v}, func() error { out[id] = v; return nil })
	return out, err
}

// Lateral runs a per-parent query for many parents in one statement: inner
// refers to its parent as parent.id, and ids is the placeholder of the
// parents' bigint[]. Each row comes back with its parent's id as the last
// column.
func Lateral(ids, inner string) string {
	return `SELECT x.*, parent.id FROM unnest(` + ids + `::bigint[]) AS parent(id) CROSS JOIN LATERAL (` + inner + `) x`
}

// ByUnit reads a list over a unit's subtree unit by unit: inner selects
// one unit's rows (its conditions name that unit u.id) in the list's order,
// with the page's limit, from the unit's own index; the subtree of the
// unit whose id is the SQL expression root is merged in outerOrder (inner's
// columns as x.*). Cheap when the subtree is small, whatever the table's
// size.
func ByUnit(root, inner, outerOrder, limit string) string {
	return `SELECT x.* FROM units u CROSS JOIN LATERAL (` + inner + `) x
		WHERE u.path <@ (SELECT path FROM units WHERE id = ` + root + `) ORDER BY ` + outerOrder + ` LIMIT ` + limit
}

// SmallSubtree is the most units a subtree may hold for its lists to be
// read unit by unit (each unit's first page from its own index, merged).
// Above it, a list walks the whole table in its order and keeps the rows
// in the subtree, which stops early because they are common.
const SmallSubtree = 40

// Subtrees answers whether units' subtrees are small (at most SmallSubtree
// units, itself included: a branch has one, a province thousands), which
// lists use to choose how to read. Answers are remembered for a minute:
// they only choose how a list is read, never what it holds, so one made
// stale by a new or moved unit costs at most some speed. The zero value is
// not usable; see NewSubtrees.
type Subtrees struct {
	mu    sync.Mutex
	small map[int64]subtreeAnswer
}

type subtreeAnswer struct {
	small bool
	at    time.Time
}

// NewSubtrees returns an empty Subtrees.
func NewSubtrees() *Subtrees {
	return &Subtrees{small: map[int64]subtreeAnswer{}}
}

// Small reports whether unitID's subtree is small.
func (t *Subtrees) Small(ctx context.Context, conn DB, unitID int64) (bool, error) {
	small, _, err := t.Split(ctx, conn, []int64{unitID})
	return len(small) == 1, err
}

// Split sorts unitIDs into those with small subtrees and those with large
// ones, asking the database (in one statement) only about units it has not
// asked about within the minute.
func (t *Subtrees) Split(ctx context.Context, conn DB, unitIDs []int64) (small, large []int64, err error) {
	now := time.Now()
	var unknown []int64
	known := make(map[int64]bool, len(unitIDs))
	t.mu.Lock()
	for _, id := range unitIDs {
		if a, ok := t.small[id]; ok && now.Sub(a.at) < time.Minute {
			known[id] = a.small
		} else {
			unknown = append(unknown, id)
		}
	}
	t.mu.Unlock()
	if len(unknown) > 0 {
		sizes, err := ByID[int](ctx, conn, `SELECT p.id, (SELECT count(*) FROM (SELECT 1 FROM units u
				WHERE u.path <@ (SELECT path FROM units WHERE id = p.id) LIMIT $2) s)
			FROM unnest($1::bigint[]) AS p(id)`, unknown, SmallSubtree+1)
		if err != nil {
			return nil, nil, fmt.Errorf("size of units' subtrees: %w", err)
		}
		t.mu.Lock()
		if len(t.small) > 100_000 { // more units than any deployment has: start afresh
			clear(t.small)
		}
		for _, id := range unknown {
			known[id] = sizes[id] <= SmallSubtree
			t.small[id] = subtreeAnswer{small: known[id], at: now}
		}
		t.mu.Unlock()
	}
	for _, id := range unitIDs {
		if known[id] {
			small = append(small, id)
		} else {
			large = append(large, id)
		}
	}
	return small, large, nil
}
