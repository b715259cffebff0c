package graph_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/testdb"
)

func TestMain(m *testing.M) { testdb.Main(m) }

// tree is a small organisation, made through the API as a secretary would:
// a province, a bloc under it, two branches under the bloc, and a district.
type tree struct {
	env      *apitest.Env
	province string
	bloc     string
	branchA  string
	branchB  string
	district string
}

func newTree(t *testing.T, opts ...apitest.Option) *tree {
	t.Helper()
	env := apitest.New(t, opts...)
	tr := &tree{env: env}
	tr.province = tr.unit(t, nil, "PROVINCE", "Tỉnh đoàn Ninh Thuận")
	tr.bloc = tr.unit(t, &tr.province, "BLOC", "Đoàn khối Cơ quan – Doanh nghiệp tỉnh")
	tr.branchA = tr.unit(t, &tr.bloc, "BRANCH", "Chi đoàn Văn phòng Tỉnh ủy")
	tr.branchB = tr.unit(t, &tr.bloc, "BRANCH", "Chi đoàn Sở Tài chính")
	tr.district = tr.unit(t, &tr.province, "DISTRICT", "Huyện đoàn Bác Ái")
	return tr
}

// unit creates a unit and returns its ID.
func (tr *tree) unit(t *testing.T, parent *string, level, name string) string {
	t.Helper()
	input := map[string]any{"level": level, "name": name}
	if parent != nil {
		input["parentId"] = *parent
	}
	return tr.env.Create(t, "unit", input)
}

var cardSeq atomic.Int64

// member creates an active member of unit with sensible details; extra
// overrides or adds input fields. It returns the member's ID.
func (tr *tree) member(t *testing.T, unit, fullName string, extra map[string]any) string {
	t.Helper()
	input := map[string]any{
		"unitId":     unit,
		"fullName":   fullName,
		"gender":     "FEMALE",
		"birthDate":  "1998-05-12",
		"joinedOn":   "2015-03-26",
		"cardNumber": fmt.Sprintf("TEST%06d", cardSeq.Add(1)),
	}
	maps.Copy(input, extra)
	return tr.env.Create(t, "member", input)
}

// activity creates an activity of unit and returns its ID.
func (tr *tree) activity(t *testing.T, unit, title string, extra map[string]any) string {
	t.Helper()
	input := map[string]any{
		"unitId":   unit,
		"title":    title,
		"kind":     "VOLUNTEER_WORK",
		"workArea": "YOUTH_VOLUNTEERING",
		"startsOn": "2022-07-10",
		"status":   "DONE",
	}
	maps.Copy(input, extra)
	return tr.env.Create(t, "activity", input)
}

// post creates a draft post of unit and returns its ID.
func (tr *tree) post(t *testing.T, unit, title, body string) string {
	t.Helper()
	return tr.env.Create(t, "post", map[string]any{"unitId": unit, "post": map[string]any{"title": title, "bodyMarkdown": body}})
}

// published creates a post of unit and publishes it; it returns its ID.
func (tr *tree) published(t *testing.T, unit, title, body string) string {
	t.Helper()
	id := tr.post(t, unit, title, body)
	tr.env.MustMutate(t, "postSetStatus", "PostSetStatusInput", "post { id }", map[string]any{"id": id, "version": 1, "status": "PUBLISHED"}, nil)
	return id
}

// filtered lists the titles of a connection's records (activities, under
// an ActivityFilter) that filter selects, in the order given, and its
// totalCount.
func (tr *tree) filtered(t *testing.T, connection, filterType string, filter map[string]any) ([]string, int) {
	t.Helper()
	var out map[string]struct {
		TotalCount int
		Edges      []struct{ Node struct{ Title string } }
	}
	tr.env.MustDo(t, fmt.Sprintf(`query($f: %s) { %s(filter: $f) { totalCount edges { node { title } } } }`, filterType, connection),
		map[string]any{"f": filter}, &out)
	var titles []string
	for _, e := range out[connection].Edges {
		titles = append(titles, e.Node.Title)
	}
	return titles, out[connection].TotalCount
}

// version reads a record's current version through node(id:).
func (tr *tree) version(t *testing.T, id string) int {
	t.Helper()
	var out struct{ Node struct{ Version int } }
	tr.env.MustDo(t, `query($id: ID!) { node(id: $id) {
		... on Unit { version } ... on Member { version } ... on Activity { version }
		... on Campaign { version } ... on Contribution { version } ... on Commendation { version }
		... on Pledge { version } } }`, map[string]any{"id": id}, &out)
	return out.Node.Version
}

// refusal is a create that must be refused: input changes a valid input,
// want is the userErrors as codes lists them.
type refusal struct {
	name  string
	input map[string]any
	want  []string
}

// refused runs record's create (memberCreate for "member") once per case,
// each in its own subtest on valid changed by the case's input, and checks
// that it is refused with exactly the userErrors wanted and that none of
// tables gains or loses a row.
func (tr *tree) refused(t *testing.T, record string, valid map[string]any, cases []refusal, tables ...string) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			input := maps.Clone(valid)
			maps.Copy(input, tt.input)
			before := make([]int, len(tables))
			for i, table := range tables {
				before[i] = tr.env.Count(t, table)
			}
			ue := tr.env.Mutate(t, record+"Create", strings.ToUpper(record[:1])+record[1:]+"CreateInput", record+" { id }", input, nil)
			if got := codes(ue); !slices.Equal(got, tt.want) {
				t.Errorf("userErrors = %v, want %v (%+v)", got, tt.want, ue)
			}
			for i, table := range tables {
				if n := tr.env.Count(t, table); n != before[i] {
					t.Errorf("a refused create wrote %s: %d rows, %d before", table, n, before[i])
				}
			}
		})
	}
}

// codes lists userErrors as "field.path:CODE" for compact assertions.
func codes(ue []apitest.UserError) []string {
	out := make([]string, len(ue))
	for i, e := range ue {
		path := ""
		for j, f := range e.Field {
			if j > 0 {
				path += "."
			}
			path += f
		}
		out[i] = path + ":" + e.Code
	}
	return out
}
