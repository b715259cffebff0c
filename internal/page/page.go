// Package page implements keyset pagination for Relay connections: a page
// request (first, after) and opaque cursors that carry the sort key of the
// last row seen, so the next page is a range scan on an index, never OFFSET.
package page

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/sodoan/sodoan/internal/apperr"
)

// MaxFirst is the largest page a client may ask for.
const MaxFirst = 100

// DefaultFirst is the page a list returns when `first` is not given.
const DefaultFirst = 20

// Request is a validated page request.
type Request struct {
	// First is how many rows the page holds (1 to MaxFirst).
	First int
	// After is the decoded cursor, nil for the first page.
	After []json.RawMessage
}

// Limit is what to ask SQL for: one row more than the page, to learn whether
// another page follows without counting.
func (r Request) Limit() int { return r.First + 1 }

// New validates first and decodes after. argPath names the arguments in
// errors, e.g. "first" or "participants.first".
func New(first *int32, after *string) (Request, error) {
	n := DefaultFirst
	if first != nil {
		n = int(*first)
	}
	if n < 1 || n > MaxFirst {
		return Request{}, &apperr.Error{
			Code:    apperr.BadUserInput,
			Message: fmt.Sprintf("first must be between 1 and %d, got %d", MaxFirst, n),
			VI:      fmt.Sprintf("first phải từ 1 đến %d (đã gửi %d).", MaxFirst, n),
			Field:   []string{"first"},
		}
	}
	r := Request{First: n}
	if after != nil && *after != "" {
		keys, err := decode(*after)
		if err != nil {
			return Request{}, &apperr.Error{
				Code:    apperr.BadUserInput,
				Message: "after is not a cursor returned by this list",
				VI:      "after không phải con trỏ (cursor) do danh sách này trả về.",
				Field:   []string{"after"},
			}
		}
		r.After = keys
	}
	return r, nil
}

// Key reads the cursor's keys into dst, one pointer per key; false when the
// cursor is absent. A cursor of another list (wrong number or type of keys)
// is a user error.
func (r Request) Key(dst ...any) (bool, error) {
	if r.After == nil {
		return false, nil
	}
	if len(r.After) != len(dst) {
		return false, badCursor()
	}
	for i, raw := range r.After {
		if err := json.Unmarshal(raw, dst[i]); err != nil {
			return false, badCursor()
		}
		// Keys come from the database, whose text never holds NUL; a
		// cursor with one was made by hand, and PostgreSQL would refuse it.
		if s, ok := dst[i].(*string); ok && strings.IndexByte(*s, 0) >= 0 {
			return false, badCursor()
		}
	}
	return true, nil
}

func badCursor() error {
	return &apperr.Error{
		Code:    apperr.BadUserInput,
		Message: "after is not a cursor returned by this list",
		VI:      "after không phải con trỏ (cursor) do danh sách này trả về.",
		Field:   []string{"after"},
	}
}

// Cursor encodes a row's sort key.
func Cursor(keys ...any) string {
	b, err := json.Marshal(keys)
	if err != nil {
		// Keys are strings, numbers and dates: marshalling cannot fail.
		panic(fmt.Sprintf("page: encode cursor: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func decode(s string) ([]json.RawMessage, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	var keys []json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("empty cursor")
	}
	return keys, nil
}

// Page is one page of rows of type T with the cursor of each.
type Page[T any] struct {
	Items       []T
	Cursors     []string
	HasNextPage bool
}

// Trim cuts rows fetched with Limit down to the page and computes each
// row's cursor with key.
func Trim[T any](r Request, rows []T, key func(T) []any) Page[T] {
	p := Page[T]{HasNextPage: len(rows) > r.First}
	if p.HasNextPage {
		rows = rows[:r.First]
	}
	p.Items = rows
	p.Cursors = make([]string, len(rows))
	for i, row := range rows {
		p.Cursors[i] = Cursor(key(row)...)
	}
	return p
}

// TrimMap is Trim for rows fetched with extra sort-key columns: key builds
// each row's cursor, item picks what the page holds.
func TrimMap[R, T any](r Request, rows []R, key func(R) []any, item func(R) T) Page[T] {
	trimmed := Trim(r, rows, key)
	out := Page[T]{Cursors: trimmed.Cursors, HasNextPage: trimmed.HasNextPage, Items: make([]T, len(trimmed.Items))}
	for i, row := range trimmed.Items {
		out.Items[i] = item(row)
	}
	return out
}

// FirstPages cuts the rows read for each parent (grouped by parent id, at
// most first+1 each, in the list's order) to the parent's first page of
// first items, keyed as Trim's key does; parents without rows get an empty
// page.
func FirstPages[T any](first int, parents []int64, grouped map[int64][]T, key func(T) []any) map[int64]Page[T] {
	out := make(map[int64]Page[T], len(parents))
	for _, id := range parents {
		out[id] = Trim(Request{First: first}, grouped[id], key)
	}
	return out
}

// FirstPagesMap is FirstPages over rows that carry their sort key beside
// the item: item takes the item out of a row.
func FirstPagesMap[R, T any](first int, parents []int64, grouped map[int64][]R, key func(R) []any, item func(R) T) map[int64]Page[T] {
	out := make(map[int64]Page[T], len(parents))
	for _, id := range parents {
		out[id] = TrimMap(Request{First: first}, grouped[id], key, item)
	}
	return out
}
