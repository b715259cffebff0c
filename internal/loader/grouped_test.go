package loader

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// grouped makes one fetch per group, with that group's ids, and gives each
// key its own group's value for its id (zero when the fetch left it out).
func TestGroupedFetchesOncePerGroup(t *testing.T) {
	keys := []StatsKey{{1, 2024}, {2, 2023}, {3, 2024}, {1, 2023}, {4, 2024}}
	calls := map[int][]int64{}
	got, errs := grouped(context.Background(), keys, StatsKey.split,
		func(_ context.Context, year int, ids []int64) (map[int64]int, error) {
			if _, again := calls[year]; again {
				t.Errorf("year %d fetched twice", year)
			}
			calls[year] = slices.Clone(ids)
			out := map[int64]int{}
			for _, id := range ids {
				if id != 4 { // 4 has no row
					out[id] = year*10 + int(id)
				}
			}
			return out, nil
		})
	if errs != nil {
		t.Fatal(errs)
	}
	want := []int{20241, 20232, 20243, 20231, 0}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if !slices.Equal(calls[2024], []int64{1, 3, 4}) || !slices.Equal(calls[2023], []int64{2, 1}) || len(calls) != 2 {
		t.Errorf("fetches: %v", calls)
	}
}

func TestGroupedFailsEveryKeyOnError(t *testing.T) {
	boom := errors.New("boom")
	keys := []PageKey{{ParentID: 1, First: 10}, {ParentID: 2, First: 20}}
	got, errs := grouped(context.Background(), keys, PageKey.split,
		func(context.Context, pageGroup, []int64) (map[int64]string, error) { return nil, boom })
	if len(got) != len(keys) || len(errs) != 1 || !errors.Is(errs[0], boom) {
		t.Errorf("got %v, %v", got, errs)
	}
}
