package db

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/sodoan/sodoan/internal/validate"
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
// A fresh plan means pgx's simple protocol: the values are written into
// the statement as literals, so the plan is made for them whatever the
// session's plan_cache_mode (the pool forces generic plans, which would
// apply to an unnamed prepared statement too). pgx encodes each value
// from its Go type alone there, and it has no encoding for slices of named
// types (the filters' []org.Level, []activity.WorkArea): those go as the
// plain slices they are.
func (a Args) Bind(fresh bool) []any {
	if !fresh {
		return a
	}
	out := make([]any, 0, len(a)+1)
	out = append(out, pgx.QueryExecModeSimpleProtocol)
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

// Duplicate returns err as a DUPLICATE error on field, with a message in
// Vietnamese and English, when err violates the unique constraint named;
// otherwise err as it is. The constraint, not a check before the write,
// decides between two requests writing the same value at once.
func Duplicate(err error, constraint string, field []string, vi, en string) error {
	if Constraint(err) != constraint {
		return err
	}
	var v validate.Errors
	v.Add(field, validate.Duplicate, vi, en)
	return v.Err()
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
	return ByIDScan(ctx, q, sql, func(v *V) []any { return []any{v} }, args...)
}

// ByIDScan is ByID for rows of an id and several values: targets says where
// in a V each value goes.
func ByIDScan[V any](ctx context.Context, q DB, sql string, targets func(*V) []any, args ...any) (map[int64]V, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	out := map[int64]V{}
	var id int64
	var v V
	_, err = pgx.ForEachRow(rows, append([]any{&id}, targets(&v)...), func() error { out[id] = v; return nil })
	return out, err
}

// Lateral runs a per-parent query for many parents in one statement: inner
// refers to its parent as parent.id, and ids is the placeholder of the
// parents' bigint[]. Each row comes back with its parent's id as the last
// column.
func Lateral(ids, inner string) string {
	return `SELECT x.*, parent.id FROM unnest(` + ids + `::bigint[]) AS parent(id) CROSS JOIN LATERAL (` + inner + `) x`
}

// ByIDs reads the rows of table (its name, then the alias columns use, if
// any) whose id is one of ids, in one statement, and returns the records
// scan makes of them keyed by idOf; ids without a row are absent.
func ByIDs[T any](ctx context.Context, q DB, table, columns string, ids []int64,
	scan func(pgx.Row) (*T, error), idOf func(*T) int64) (map[int64]*T, error) {
	name, _, _ := strings.Cut(table, " ")
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM `+table+` WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	defer rows.Close()
	out := make(map[int64]*T, len(ids))
	for rows.Next() {
		rec, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		out[idOf(rec)] = rec
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load %s: %w", name, err)
	}
	return out, nil
}
