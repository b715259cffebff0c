package patch_test

import (
	"testing"

	"github.com/sodoan/sodoan/internal/patch"
)

func ptr[T any](v T) *T { return &v }

func TestSetKeepsWhatIsLeftOut(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    *string
		want string
	}{
		{"left out", nil, "stored"},
		{"given", ptr("new"), "new"},
		{"given empty", ptr(""), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := "stored"
			patch.Set(&dst, tc.v)
			if dst != tc.want {
				t.Errorf("got %q, want %q", dst, tc.want)
			}
		})
	}
}

func TestApplyTellsLeftOutFromNull(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    patch.Optional[string]
		want *string
	}{
		{"left out", patch.Optional[string]{}, ptr("stored")},
		{"null", patch.Optional[string]{Set: true}, nil},
		{"given", patch.Optional[string]{Set: true, Value: ptr("new")}, ptr("new")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := ptr("stored")
			tc.o.Apply(&dst)
			if (dst == nil) != (tc.want == nil) || dst != nil && *dst != *tc.want {
				t.Errorf("got %v, want %v", dst, tc.want)
			}
		})
	}
}

func TestConvertKeepsSet(t *testing.T) {
	id := int64(7)
	for _, o := range []patch.Optional[string]{{}, {Set: true}, {Set: true, Value: ptr("VW5pdDo3")}} {
		var v *int64
		if o.Value != nil {
			v = &id
		}
		got := patch.Convert(o, v)
		if got.Set != o.Set || got.Value != v {
			t.Errorf("Convert(%+v) = %+v", o, got)
		}
	}
}
