package main

import (
	"context"
	"slices"
	"testing"
	"time"
)

// The write bench's cases take turns run by run, after one warming run
// each, and each gets the median of its own runs.
func TestInterleavedMediansTakeTurns(t *testing.T) {
	var order []string
	timed := func(name string, ds ...time.Duration) func() (time.Duration, error) {
		i := 0
		return func() (time.Duration, error) {
			order = append(order, name)
			d := ds[i%len(ds)]
			i++
			return d, nil
		}
	}
	// The first value of each list is its warming run's, left out.
	on := timed("on", 99, 5, 1, 3)
	off := timed("off", 99, 20, 40, 10)
	medians, err := interleavedMedians(context.Background(), 3, on, off)
	if err != nil {
		t.Fatal(err)
	}
	if want := []time.Duration{3, 20}; !slices.Equal(medians, want) {
		t.Errorf("medians %v, want %v", medians, want)
	}
	if want := []string{"on", "off", "on", "off", "on", "off", "on", "off"}; !slices.Equal(order, want) {
		t.Errorf("runs in the order %v, want %v", order, want)
	}
}
