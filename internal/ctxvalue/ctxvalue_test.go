package ctxvalue

import (
	"context"
	"testing"
)

// Two keys of one type keep their values apart, and a missing value is
// reported as missing.
func TestKeysAreDistinct(t *testing.T) {
	var a, b Key[string]
	ctx := a.With(context.Background(), "a")
	if v, ok := a.From(ctx); !ok || v != "a" {
		t.Errorf("a.From = %q, %v", v, ok)
	}
	if v, ok := b.From(ctx); ok || v != "" {
		t.Errorf("b.From = %q, %v; want nothing", v, ok)
	}
	ctx = b.With(ctx, "b")
	if v, _ := a.From(ctx); v != "a" {
		t.Errorf("a.From after b.With = %q", v)
	}
}
