package access_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/bulk"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

func TestPathHas(t *testing.T) {
	for _, tt := range []struct {
		path string
		id   int64
		want bool
	}{
		{"1", 1, true}, {"1.5.23", 1, true}, {"1.5.23", 5, true}, {"1.5.23", 23, true},
		{"1.5.23", 2, false}, {"1.5.23", 52, false}, {"1.15.230", 5, false}, {"1.15.230", 23, false}, {"", 1, false},
	} {
		if got := access.PathHas(tt.path, tt.id); got != tt.want {
			t.Errorf("PathHas(%q, %d) = %t", tt.path, tt.id, got)
		}
	}
}

// On a tree that has not changed, the conditions on current data give the
// rows the conditions on remembered paths gave, and the Go check agrees
// with the SQL one for every unit; a scope on an archived unit reaches
// nothing in SQL.
func TestConditionsAsBefore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := testdb.Migrated(t)
	if _, err := bulk.Generate(ctx, pool, bulk.Options{Members: 3000, Seed: 7, Years: []int{2024}}); err != nil {
		t.Fatal(err)
	}
	ids := func(sql string, args ...any) []int64 {
		t.Helper()
		rows, err := pool.Query(ctx, sql, args...)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		list, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		slices.Sort(list)
		return list
	}
	pick := func(level string, n int) []int64 {
		return ids(`SELECT id FROM units WHERE level = $1 ORDER BY id LIMIT $2`, level, n)
	}
	scopes := [][]int64{pick("PROVINCE", 1), pick("DISTRICT", 1), pick("BLOC", 1), pick("GRASSROOTS", 1), pick("BRANCH", 1),
		append(pick("BRANCH", 3), pick("DISTRICT", 2)...)}
	type unit struct {
		id   int64
		path string
	}
	rows, _ := pool.Query(ctx, `SELECT id, path::text FROM units`)
	units, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (unit, error) {
		var u unit
		return u, r.Scan(&u.id, &u.path)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 * len(scopes) {
		// Each scope in both shapes of condition (Scope.Narrow): the same rows.
		scope, narrow := scopes[i/2], i%2 == 1
		p := &access.Principal{AccountID: 1}
		for _, id := range scope {
			p.Officer = append(p.Officer, access.Scope{UnitID: id, Narrow: narrow})
		}
		paths := ids(`SELECT id FROM units WHERE id = ANY($1)`, scope) // exists
		if len(paths) != len(scope) {
			t.Fatalf("scope %v", scope)
		}
		var old []string
		if err := pool.QueryRow(ctx, `SELECT array_agg(path::text) FROM units WHERE id = ANY($1)`, scope).Scan(&old); err != nil {
			t.Fatal(err)
		}
		var args db.Args
		members := ids(`SELECT m.id FROM members m WHERE `+p.MemberCondition("m", &args), args...)
		before := ids(`SELECT m.id FROM members m WHERE m.unit_id IN (SELECT id FROM units WHERE path <@ $1::text[]::ltree[])`, old)
		if len(members) == 0 || !slices.Equal(members, before) {
			t.Errorf("scope %v: %d members, %d before", scope, len(members), len(before))
		}
		args = db.Args{}
		personal := ids(`SELECT m.id FROM members m WHERE `+p.PersonalCondition("m", &args), args...)
		if !slices.Equal(personal, before) {
			t.Errorf("scope %v: %d members' personal data, %d before", scope, len(personal), len(before))
		}
		args = db.Args{}
		reached := ids(`SELECT u.id FROM units u WHERE `+p.UnitCondition("u", &args), args...)
		if was := ids(`SELECT id FROM units WHERE path <@ $1::text[]::ltree[]`, old); !slices.Equal(reached, was) {
			t.Errorf("scope %v: %d units, %d before", scope, len(reached), len(was))
		}
		for _, u := range units {
			if p.Manages(u.path) != slices.Contains(reached, u.id) {
				t.Errorf("scope %v, unit %s: Manages %t, SQL the opposite", scope, u.path, p.Manages(u.path))
			}
		}
	}

	// A scope whose unit is archived reaches nothing (archived here by hand,
	// members and all: the SQL alone must not reach them).
	branch := pick("BRANCH", 1)[0]
	if _, err := pool.Exec(ctx, `UPDATE units SET archived_at = now() WHERE id = $1`, branch); err != nil {
		t.Fatal(err)
	}
	for _, narrow := range []bool{false, true} {
		p := &access.Principal{AccountID: 1, Officer: []access.Scope{{UnitID: branch, Narrow: narrow}}}
		var args db.Args
		if got := ids(`SELECT m.id FROM members m WHERE `+p.MemberCondition("m", &args), args...); len(got) != 0 {
			t.Errorf("a scope on an archived branch reaches %d members", len(got))
		}
		args = db.Args{}
		if got := ids(`SELECT u.id FROM units u WHERE `+p.UnitCondition("u", &args), args...); len(got) != 0 {
			t.Errorf("a scope on an archived branch reaches %d units", len(got))
		}
	}
}
