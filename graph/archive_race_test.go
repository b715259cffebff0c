package graph_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/apitest"
)

// waitingOnLocks returns how many of the test database's sessions wait for
// a lock.
func waitingOnLocks(t *testing.T, pool *pgxpool.Pool) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// awaitWaiters polls until n sessions wait for a lock or done is closed;
// false if neither happens within a generous bound.
func awaitWaiters(t *testing.T, pool *pgxpool.Pool, n int, done <-chan struct{}) bool {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); {
		select {
		case <-done:
			return true
		default:
		}
		if waitingOnLocks(t, pool) >= n {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

// openViolations counts active members in archived units.
func openViolations(t *testing.T, e *apitest.Env) int {
	t.Helper()
	var n int
	if err := e.Pool.QueryRow(context.Background(), `SELECT count(*) FROM members m JOIN units u ON u.id = m.unit_id
		WHERE m.status = 'ACTIVE' AND u.archived_at IS NOT NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A member written into a branch while the branch is being archived: the
// test stops the member's transaction after it checked that the branch is
// open and before it wrote the member (by holding a lock on the members
// table), then archives the branch. The archive must wait for the member
// and refuse, or go first and the member be refused; never both succeed.
func TestArchiveWaitsForMemberBeingAdded(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	source := tr.unit(t, &tr.bloc, "BRANCH", "Chi đoàn nguồn")
	ways := map[string]func(branch string) (string, map[string]any){
		"memberCreate": func(branch string) (string, map[string]any) {
			return `mutation($in: MemberCreateInput!) { memberCreate(input: $in) { userErrors { field code } } }`, map[string]any{
				"unitId": branch, "fullName": uniq("Đoàn viên mới"), "gender": "MALE", "birthDate": "2000-01-01", "joinedOn": "2016-03-26"}
		},
		"memberTransfer": func(branch string) (string, map[string]any) {
			m := tr.member(t, source, uniq("Đoàn viên chuyển đến"), nil)
			return `mutation($in: MemberTransferInput!) { memberTransfer(input: $in) { userErrors { field code } } }`, map[string]any{
				"id": m, "version": 1, "toUnitId": branch, "on": time.Now().Format(time.DateOnly)}
		},
	}
	for name, way := range ways {
		t.Run(name, func(t *testing.T) {
			branch := tr.unit(t, &tr.bloc, "BRANCH", uniq("Chi đoàn sắp giải thể"))
			query, input := way(branch)

			ctx := context.Background()
			hold, err := tr.env.Pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer hold.Rollback(ctx)
			if _, err := hold.Exec(ctx, `LOCK TABLE members IN SHARE MODE`); err != nil {
				t.Fatal(err)
			}

			var wg sync.WaitGroup
			var addResp, archiveResp apitest.Response
			addDone, archiveDone := make(chan struct{}), make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer close(addDone)
				addResp = tr.env.Do(t, query, map[string]any{"in": input})
			}()
			if !awaitWaiters(t, tr.env.Pool, 1, addDone) {
				t.Fatal("the member's write never reached the members table")
			}
			go func() {
				defer wg.Done()
				defer close(archiveDone)
				archiveResp = tr.env.Do(t, `mutation($in: UnitArchiveInput!) { unitArchive(input: $in) { userErrors { field code } } }`,
					map[string]any{"in": map[string]any{"id": branch, "version": 1}})
			}()
			// The archive either finishes at once (no lock stops it) or
			// waits behind the member's transaction.
			if !awaitWaiters(t, tr.env.Pool, 2, archiveDone) {
				t.Fatal("the archive neither finished nor waited")
			}
			if err := hold.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			wg.Wait()

			added := len(addResp.Errors) == 0 && strings.Contains(string(addResp.Data), `"userErrors":[]`)
			archived := len(archiveResp.Errors) == 0 && strings.Contains(string(archiveResp.Data), `"userErrors":[]`)
			if added == archived {
				t.Errorf("want exactly one of the two to succeed: %s %+v / %s %+v", addResp.Data, addResp.Errors, archiveResp.Data, archiveResp.Errors)
			}
			if n := openViolations(t, tr.env); n > 0 {
				t.Errorf("%d active members in an archived branch", n)
			}
		})
	}
}

// The same race without stopping anything: in many trials, members are
// added to a branch while it is archived; no trial leaves an active member
// in an archived branch.
func TestArchiveWhileAddingMembers(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	const trials, adders = 30, 3
	for trial := range trials {
		branch := tr.unit(t, &tr.bloc, "BRANCH", fmt.Sprintf("Chi đoàn thử %d", trial))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range adders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				tr.env.Do(t, `mutation($in: MemberCreateInput!) { memberCreate(input: $in) { userErrors { code } } }`,
					map[string]any{"in": map[string]any{"unitId": branch, "fullName": uniq("Đoàn viên"), "gender": "FEMALE",
						"birthDate": "2001-02-03", "joinedOn": "2017-03-26"}})
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tr.env.Do(t, `mutation($in: UnitArchiveInput!) { unitArchive(input: $in) { userErrors { code } } }`,
				map[string]any{"in": map[string]any{"id": branch, "version": 1}})
		}()
		close(start)
		wg.Wait()
	}
	if n := openViolations(t, tr.env); n > 0 {
		t.Errorf("%d active members in archived branches after %d trials", n, trials)
	}
}
