package imagedecode

import (
	"context"
	"image"
	"image/color"
	"math"
	"testing"
)

// Dimensions whose product of bytes would overflow are priced at the most
// an int64 holds, never wrapped round to a small (or negative) cost that
// the gate would admit; and the gate refuses a cost that is not positive.
func TestCostDoesNotWrap(t *testing.T) {
	huge := image.Config{ColorModel: color.RGBA64Model, Width: 1<<30 - 1, Height: 1<<30 + 1}
	for _, format := range []string{"png", "webp", "gif"} {
		n, err := Cost(nil, format, huge)
		if err != nil || n != math.MaxInt64 {
			t.Errorf("%s of %d × %d: cost %d (%v), want the int64 maximum", format, huge.Width, huge.Height, n, err)
		}
	}
	g := New(1<<20, 1)
	for _, n := range []int64{0, -1, math.MinInt64} {
		if release, err := g.Acquire(context.Background(), n); err == nil {
			release()
			t.Errorf("a cost of %d was admitted", n)
		}
	}
}
