package page

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// Any `after` a client sends is either refused as BAD_USER_INPUT or read
// into the list's keys; it never panics. Cursors this package writes read
// back to the keys they were made from.
func FuzzCursor(f *testing.F) {
	f.Add(Cursor("2022-07-10", int64(42)), int32(20))
	f.Add(Cursor("Nguyễn Văn An", int64(7)), int32(100))
	f.Add("", int32(0))
	f.Add("W10", int32(-5))
	f.Add("bm90IGpzb24", int32(1))
	f.Fuzz(func(t *testing.T, after string, first int32) {
		r, err := New(&first, &after)
		if err != nil {
			return
		}
		if r.First < 1 || r.First > MaxFirst {
			t.Fatalf("accepted first = %d", r.First)
		}
		var date string
		var id int64
		_, _ = r.Key(&date, &id)
	})
}

func FuzzCursorRoundTrip(f *testing.F) {
	f.Add("2022-07-10", int64(42))
	f.Add("Hồ Thị \"Lan\"", int64(-1))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return // keys come from the database: valid UTF-8, never NUL
		}
		first := int32(10)
		c := Cursor(s, n)
		r, err := New(&first, &c)
		if err != nil {
			t.Fatalf("own cursor %q refused: %v", c, err)
		}
		var gotS string
		var gotN int64
		if ok, err := r.Key(&gotS, &gotN); !ok || err != nil || gotS != s || gotN != n {
			t.Fatalf("cursor of (%q, %d) read back as (%q, %d), %v", s, n, gotS, gotN, err)
		}
	})
}

// A cursor whose text key holds NUL was forged (the database's text never
// does) and is refused like any other bad cursor, before PostgreSQL sees it.
func TestCursorWithNULIsRefused(t *testing.T) {
	first := int32(10)
	c := Cursor("a\x00b", int64(1))
	r, err := New(&first, &c)
	if err != nil {
		t.Fatal(err)
	}
	var s string
	var id int64
	if ok, err := r.Key(&s, &id); ok || err == nil {
		t.Errorf("cursor with NUL read as (%q, %d), %v", s, id, err)
	}
}
