package graph_test

import (
	"context"
	"testing"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/testdb"
)

// BenchmarkDashboardQueries runs loadbench's dashboard queries through the
// real handler, one at a time, on a generated province (bulk.Province),
// for what each costs the server in allocations (go test -benchmem; -run
// '^$' -bench Dashboard ./graph); loadbench measures them under load.
func BenchmarkDashboardQueries(b *testing.B) {
	ctx := context.Background()
	pool := testdb.Migrated(b)
	if _, err := bulk.Fill(ctx, pool, bulk.Province); err != nil {
		b.Fatal(err)
	}
	env := apitest.NewOn(b, pool)
	var branch, member int64
	if err := pool.QueryRow(ctx, `SELECT (SELECT unit_id FROM activities GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1),
		(SELECT max(id) FROM members)`).Scan(&branch, &member); err != nil {
		b.Fatal(err)
	}
	unit := model.EncodeID(model.KindUnit, branch)
	queries := []struct {
		name, query string
		vars        map[string]any
	}{
		{"members", `query($u: ID!) { members(filter: {unitId: $u, statuses: [ACTIVE]}, first: 20) {
			totalCount edges { node { fullName position } } } }`, map[string]any{"u": unit}},
		{"node", `query($id: ID!) { node(id: $id) { ... on Member { fullName position unit { name } } } }`,
			map[string]any{"id": model.EncodeID(model.KindMember, member)}},
		{"nested", `query($u: ID!) { activities(filter: {unitId: $u}, first: 20) { edges { node {
			id title startsOn participants(first: 50) { edges { node { member { id fullName } } } } } } } }`, map[string]any{"u": unit}},
		{"counts", `query($u: ID!) { activities(filter: {unitId: $u}, first: 50) { edges { node { startsOn participantCount } } } }`,
			map[string]any{"u": unit}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if resp := env.Do(b, q.query, q.vars); len(resp.Errors) > 0 {
					b.Fatalf("%+v", resp.Errors)
				}
			}
		})
	}
}
