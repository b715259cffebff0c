package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/testdb"
)

// The fault check: writers create members through the API while
// PostgreSQL is killed (immediate stop, as in a crash) and started again.
// During the outage the server keeps running and answers UNAVAILABLE (and
// /readyz 503); each writer resends an unanswered create with the same
// idempotency key until it is acknowledged. Afterwards every acknowledged
// member is in the database exactly once, nothing unacknowledged was
// created twice, and the same server process serves again.
func TestDatabaseCrashLosesNoAcknowledgedWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// A cluster of the test's own (skipped, saying why, without the server
	// binaries), since the test kills it.
	cluster := testdb.Cluster(t, "sodoan_fault")
	url := cluster.URL("sodoan_fault")
	addr, _, logs, exited := startServerOn(t, url, "DEMO_DATA=off", "DB_WAIT_TIMEOUT=30s")
	base := "http://" + addr

	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	token := apitest.AdminSession(t, pool)
	client := &http.Client{Timeout: 15 * time.Second}
	post := func(query string, vars map[string]any) (int, map[string]any, error) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		var out map[string]any
		err = json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out, err
	}

	var unitID string
	status, out, err := post(`mutation { unitCreate(input: {level: PROVINCE, name: "Tỉnh đoàn Thử nghiệm"}) { unit { id } } }`, nil)
	province := dig(out, "data", "unitCreate", "unit", "id")
	if err != nil || province == "" {
		t.Fatalf("set up a province: %d %v %v", status, out, err)
	}
	status, out, err = post(`mutation($p: ID!) { unitCreate(input: {level: BRANCH, parentId: $p, name: "Chi đoàn Thử nghiệm"}) { unit { id } } }`,
		map[string]any{"p": province})
	if unitID = dig(out, "data", "unitCreate", "unit", "id"); err != nil || status != http.StatusOK || unitID == "" {
		t.Fatalf("set up a branch: %d %v %v", status, out, err)
	}

	const writers = 4
	const create = `mutation($in: MemberCreateInput!) { memberCreate(input: $in) { member { id cardNumber } userErrors { code } } }`
	var (
		mu          sync.Mutex
		acked       = map[string]string{} // card number → member id
		unavailable atomic.Int32
		leaks       []string
		stop        atomic.Bool
	)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				card := fmt.Sprintf("F%d-%04d", w, i)
				in := map[string]any{"unitId": unitID, "fullName": "Đoàn viên " + card, "gender": "FEMALE",
					"birthDate": "2001-09-02", "joinedOn": "2018-03-26", "cardNumber": card, "idempotencyKey": "key-" + card}
				deadline := time.Now().Add(30 * time.Second)
				for {
					status, out, err := post(create, map[string]any{"in": in})
					if id := dig(out, "data", "memberCreate", "member", "id"); err == nil && id != "" {
						mu.Lock()
						acked[card] = id
						mu.Unlock()
						break
					}
					if hasUserErrors(out) {
						t.Errorf("%s refused: %v", card, out)
						return
					}
					if err == nil && errorCode(out) == "UNAVAILABLE" {
						unavailable.Add(1)
					} else if err == nil {
						if text := fmt.Sprint(out); strings.Contains(text, "SQLSTATE") || strings.Contains(text, "dial") {
							mu.Lock()
							leaks = append(leaks, text)
							mu.Unlock()
						}
					}
					if time.Now().After(deadline) {
						t.Errorf("%s never acknowledged; last answer %d %v %v", card, status, out, err)
						return
					}
					time.Sleep(50 * time.Millisecond)
				}
			}
		})
	}

	time.Sleep(700 * time.Millisecond)
	if err := cluster.Stop(ctx, "immediate"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if resp, err := client.Get(base + "/readyz"); err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("/readyz while the database is down: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	time.Sleep(700 * time.Millisecond)
	if _, err := cluster.Start(ctx); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	ackedBeforeRecovery := len(acked)
	mu.Unlock()
	time.Sleep(1500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	if unavailable.Load() == 0 {
		t.Error("no writer saw UNAVAILABLE: the outage did not happen while writing")
	}
	if len(acked) <= ackedBeforeRecovery {
		t.Errorf("no write acknowledged after the database came back (%d before, %d after)", ackedBeforeRecovery, len(acked))
	}
	for _, l := range leaks {
		t.Errorf("an error leaked internals: %s", l)
	}
	stored := testdb.Map[string, int](t, pool, `SELECT card_number, count(*) FROM members GROUP BY card_number`)
	for card := range acked {
		if stored[card] != 1 {
			t.Errorf("acknowledged member %s stored %d times", card, stored[card])
		}
	}
	for card, n := range stored {
		if _, ok := acked[card]; !ok || n != 1 {
			t.Errorf("member %s stored %d times, acknowledged %v", card, n, ok)
		}
	}
	if resp, err := client.Get(base + "/readyz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/readyz after recovery: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	select {
	case err := <-exited:
		t.Errorf("the server process exited (%v); logs:\n%s", err, logs)
	default:
	}
	t.Logf("%d members acknowledged (%d before the database returned), %d UNAVAILABLE answers",
		len(acked), ackedBeforeRecovery, unavailable.Load())
}

// dig returns the string at path in a decoded JSON object, or "".
func dig(v any, path ...string) string {
	for _, k := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return ""
		}
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// errorCode is the first top-level error's extensions.code.
func errorCode(out map[string]any) string {
	errs, _ := out["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	e, _ := errs[0].(map[string]any)
	return dig(e, "extensions", "code")
}

func hasUserErrors(out map[string]any) bool {
	data, _ := out["data"].(map[string]any)
	payload, _ := data["memberCreate"].(map[string]any)
	ue, _ := payload["userErrors"].([]any)
	return len(ue) > 0
}
