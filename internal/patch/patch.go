// Package patch merges an update's given fields over a record's stored
// ones: a field left out keeps its value.
package patch

// Optional is an input field that can be left out (Set false: keep the
// stored value), given as null (Set, Value nil: clear it) or given a value.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// Convert keeps o's Set but swaps its value, e.g. for an ID decoded to its key.
func Convert[T, U any](o Optional[T], v *U) Optional[U] {
	return Optional[U]{Set: o.Set, Value: v}
}

// Apply sets *dst to o's value (nil when o is null) when o is set.
func (o Optional[T]) Apply(dst **T) {
	if o.Set {
		*dst = o.Value
	}
}

// Set sets *dst to *v when v is given; a nil v keeps *dst.
func Set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
