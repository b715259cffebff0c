package graph_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// A unit's stats cost by the size of its subtree, anonymous or not: a
// province with 30 units below it costs 15 points more than a branch.
func TestAggregatesPricedBySubtree(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, apitest.AnonymousBudget(10000))
	tr := &tree{env: env}
	province := tr.unit(t, nil, "PROVINCE", "Tỉnh đoàn Ninh Thuận")
	var branch string
	for i := range 5 {
		district := tr.unit(t, &province, "DISTRICT", fmt.Sprint("Huyện đoàn ", i))
		for j := range 5 {
			branch = tr.unit(t, &district, "BRANCH", fmt.Sprint("Chi đoàn ", i, ".", j))
		}
	}
	const q = `query($id: ID!) { unit(id: $id) { stats(year: 2024) { branches activities } } }`
	charged := func(who *apitest.Env, id string) int {
		t.Helper()
		resp := who.Do(t, q, map[string]any{"id": id})
		if len(resp.Errors) > 0 {
			t.Fatalf("stats: %+v", resp.Errors)
		}
		n, _ := strconv.Atoi(resp.Header.Get("X-RateLimit-Used"))
		return n
	}
	anon := env.Anonymous().From("198.51.100.40")
	small, big := charged(anon, branch), charged(anon, province)
	if big-small != 15 || small < 10 { // 31 units at 2 to a point, less the branch's 1 (0 points)
		t.Errorf("a branch cost %d points and a province of 31 units %d; want 10 or more, and 15 more", small, big)
	}
	resp := anon.Do(t, `query($id: ID!) { rateLimit { cost } unit(id: $id) { stats { branches } } }`, map[string]any{"id": province})
	if len(resp.Errors) > 0 || resp.Header.Get("X-RateLimit-Used") != strconv.Itoa(big+1) { // + rateLimit's point
		t.Errorf("the headers show the whole charge: %s, want %d (%+v)", resp.Header.Get("X-RateLimit-Used"), big+1, resp.Errors)
	}
}
