package graph_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
)

// Secretaries editing the same record at once from the version they read:
// exactly one edit lands, every other one is told the record changed
// (CONFLICT on input.version) and overwrites nothing.
func TestConcurrentEditsOneWins(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	for _, tt := range []struct {
		name, mutation, inputType, field string
		id                               string
	}{
		{"member", "memberUpdate", "MemberUpdateInput", "fullName", tr.member(t, tr.branchA, "Trần Thị Hoa", nil)},
		{"unit", "unitUpdate", "UnitUpdateInput", "name", tr.branchB},
		{"activity", "activityUpdate", "ActivityUpdateInput", "title", tr.activity(t, tr.branchA, "Hiến máu nhân đạo", nil)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			version := tr.version(t, tt.id)
			const editors = 6
			results := make([][]string, editors)
			var wg sync.WaitGroup
			for i := range editors {
				// An editor whose request fails outright (or whose goroutine the
				// helpers stop) keeps this answer, which is neither a win nor a
				// conflict.
				results[i] = []string{"no answer"}
				wg.Go(func() {
					input := map[string]any{"id": tt.id, "version": version, tt.field: fmt.Sprintf("Bản sửa %d", i)}
					resp := tr.env.Do(t, fmt.Sprintf(`mutation($input: %s!) { %s(input: $input) { userErrors { field code } } }`,
						tt.inputType, tt.mutation), map[string]any{"input": input})
					var data map[string]struct{ UserErrors []apitest.UserError }
					if len(resp.Errors) > 0 || json.Unmarshal(resp.Data, &data) != nil {
						return
					}
					results[i] = codes(data[tt.mutation].UserErrors)
				})
			}
			wg.Wait()
			winners := -1
			for i, r := range results {
				switch {
				case len(r) == 0 && winners == -1:
					winners = i
				case len(r) == 0:
					t.Errorf("editors %d and %d both won", winners, i)
				case len(r) != 1 || r[0] != "input.version:CONFLICT":
					t.Errorf("editor %d: %v, want input.version:CONFLICT", i, r)
				}
			}
			if winners == -1 {
				t.Fatalf("no edit landed: %v", results)
			}
			var out struct{ Node map[string]any }
			tr.env.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Member { fullName } ... on Unit { name } ... on Activity { title } } }`,
				map[string]any{"id": tt.id}, &out)
			if got, want := out.Node[tt.field], fmt.Sprintf("Bản sửa %d", winners); got != want {
				t.Errorf("stored %v, want the winner's %q", got, want)
			}
			if v := tr.version(t, tt.id); v != version+1 {
				t.Errorf("version %d after one edit, want %d", v, version+1)
			}
		})
	}
}
