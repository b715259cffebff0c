package graph_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// A create resent with its idempotency key (the answer was lost) returns
// the record the first request made and creates nothing more; the key
// cannot be reused for a different request; a key whose request was
// refused is free again.
func TestIdempotentCreate(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	env := tr.env
	input := func(name, key string) map[string]any {
		in := map[string]any{"unitId": tr.branchA, "fullName": name, "gender": "MALE",
			"birthDate": "2000-02-03", "joinedOn": "2016-03-26", "cardNumber": "IDEMP" + name[len(name)-1:]}
		if key != "" {
			in["idempotencyKey"] = key
		}
		return in
	}
	create := func(e *apitest.Env, in map[string]any) (string, []string) {
		var out struct{ Member struct{ ID string } }
		ue := e.Mutate(t, "memberCreate", "MemberCreateInput", "member { id fullName }", in, &out)
		return out.Member.ID, codes(ue)
	}

	first, ue := create(env, input("Lê Văn A", "k-1"))
	if len(ue) > 0 || first == "" {
		t.Fatalf("first create: %v", ue)
	}
	members, audit := env.Count(t, "members"), env.Count(t, "audit_log")
	again, ue := create(env, input("Lê Văn A", "k-1"))
	if len(ue) > 0 || again != first {
		t.Errorf("resent create answered %q %v, want the first member %q", again, ue, first)
	}
	if env.Count(t, "members") != members || env.Count(t, "audit_log") != audit {
		t.Error("the resent create wrote something")
	}

	for _, tt := range []struct {
		name string
		in   map[string]any
		want string
	}{
		{"same key, other input", input("Lê Văn B", "k-1"), "input.idempotencyKey:DUPLICATE"},
		{"empty key", input("Lê Văn C", ""), ""},
		{"key too long", input("Lê Văn D", strings.Repeat("k", 201)), "input.idempotencyKey:INVALID"},
	} {
		in := tt.in
		if tt.want == "" {
			in["idempotencyKey"] = ""
			tt.want = "input.idempotencyKey:INVALID"
		}
		if _, ue := create(env, in); len(ue) != 1 || ue[0] != tt.want {
			t.Errorf("%s: %v, want %s", tt.name, ue, tt.want)
		}
	}
	if env.Count(t, "members") != members {
		t.Error("refused creates wrote members")
	}

	// A refused request does not use up its key.
	bad := input("Lê Văn E", "k-2")
	bad["birthDate"] = "2030-01-01"
	if _, ue := create(env, bad); len(ue) == 0 {
		t.Fatal("a birth date in the future should be refused")
	}
	if id, ue := create(env, input("Lê Văn E", "k-2")); len(ue) > 0 || id == "" || id == first {
		t.Errorf("key of a refused request: %q %v", id, ue)
	}

	// Keys belong to the account that sent them.
	officer := env.Account(t, "canbo", nil, nil)
	env.Grant(t, officer, "ADMIN", nil)
	if id, ue := create(env.As(env.Session(t, officer)), input("Lê Văn F", "k-1")); len(ue) > 0 || id == first {
		t.Errorf("another account's k-1: %q %v", id, ue)
	}
}

// Retries that arrive together (a client resending while the first is
// still running) create one record, and every one of them is answered
// with it.
func TestIdempotentCreateConcurrent(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	in := map[string]any{"unitId": tr.branchA, "title": "Ngày Chủ nhật xanh", "kind": "VOLUNTEER_WORK",
		"workArea": "YOUTH_VOLUNTEERING", "startsOn": "2022-07-10", "status": "DONE", "idempotencyKey": "cn-xanh-2022"}
	ids := make([]string, 8)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			var out struct{ Activity struct{ ID string } }
			if ue := tr.env.Mutate(t, "activityCreate", "ActivityCreateInput", "activity { id }", in, &out); len(ue) > 0 {
				t.Errorf("attempt %d: %v", i, ue)
			}
			ids[i] = out.Activity.ID
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("answers differ: %v", ids)
		}
	}
	if n := tr.env.Count(t, "activities"); n != 1 {
		t.Errorf("%d activities, want 1", n)
	}
}
