package cachescope_test

import (
	"context"
	"testing"

	"github.com/sodoan/sodoan/internal/cachescope"
)

type derivedKey struct{}

func TestMarkPrivate(t *testing.T) {
	ctx := cachescope.With(context.Background())
	if cachescope.Private(ctx) {
		t.Fatal("a fresh scope is private")
	}
	cachescope.MarkPrivate(context.WithValue(ctx, derivedKey{}, 1)) // from a derived context, as resolvers do
	if !cachescope.Private(ctx) {
		t.Error("the mark made in a derived context was lost")
	}
	bare := context.Background()
	cachescope.MarkPrivate(bare) // must not panic
	if cachescope.Private(bare) {
		t.Error("a context without a scope reads as private")
	}
}
