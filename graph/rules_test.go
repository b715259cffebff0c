package graph

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/testdb"
)

// These tests walk the real schema and database, so that adding a
// mutation, a record type or a table without its rule, declaration or
// audit trigger fails here, naming what is missing (ARCHITECTURE.md's
// checklist).

func realSchema() *ast.Schema { return NewExecutableSchema(Config{}).Schema() }

func TestEveryMutationHasARule(t *testing.T) {
	s := realSchema()
	for _, f := range s.Mutation.Fields {
		if _, ok := mutationRules[f.Name]; !ok {
			t.Errorf("mutation %s has no entry in mutationRules (graph/rules.go): say who may run it and which input names its unit", f.Name)
		}
	}
	for name := range mutationRules {
		if s.Mutation.Fields.ForName(name) == nil {
			t.Errorf("mutationRules has %s, which the schema does not: remove it", name)
		}
	}
}

// Every target of a rule is a path to an ID in the mutation's arguments,
// and rules that compare units name some.
func TestRuleTargetsAreIDsOfTheInput(t *testing.T) {
	s := realSchema()
	for name, ru := range mutationRules {
		f := s.Mutation.Fields.ForName(name)
		if f == nil {
			continue
		}
		if ru.who == 0 {
			t.Errorf("%s: the rule says nobody; set who", name)
		}
		needsTargets := ru.who != anyone && ru.who != signedIn
		if needsTargets != (len(ru.targets) > 0) {
			t.Errorf("%s: a rule of kind %d must name targets exactly when it compares units", name, ru.who)
		}
		for _, tg := range ru.targets {
			if rt, ok := recordTypes.byKind[tg.kind]; !ok {
				t.Errorf("%s: target %v is of kind %s, which has no record type", name, tg.path, tg.kind)
			} else if rt.owner == nil && !tg.parent {
				// Such a target would pass every ID: nothing to manage.
				t.Errorf("%s: target %v is of kind %s, whose records belong to no unit", name, tg.path, tg.kind)
			}
			if err := idAt(s, f, tg.path); err != "" {
				t.Errorf("%s: target %s: %s", name, strings.Join(tg.path, "."), err)
			}
		}
	}
}

// idAt reports what is wrong with path as a way to an ID in f's
// arguments ("" when nothing is).
func idAt(s *ast.Schema, f *ast.FieldDefinition, path []string) string {
	arg := f.Arguments.ForName(path[0])
	if arg == nil {
		return "no argument " + path[0]
	}
	typ := arg.Type
	for _, step := range path[1:] {
		if step == each {
			if typ.Elem == nil {
				return "* on a value that is not a list"
			}
			typ = typ.Elem
			continue
		}
		def := s.Types[typ.Name()]
		if def == nil || def.Kind != ast.InputObject || def.Fields.ForName(step) == nil {
			return "no input field " + step + " in " + typ.Name()
		}
		typ = def.Fields.ForName(step).Type
	}
	if typ.Name() != "ID" || typ.Elem != nil {
		return "leads to " + typ.String() + ", not an ID"
	}
	return ""
}

// A create takes an idempotency key, and every mutation named ...Create
// says it creates.
func TestEveryCreateTakesAnIdempotencyKey(t *testing.T) {
	s := realSchema()
	for _, f := range s.Mutation.Fields {
		ru := mutationRules[f.Name]
		if strings.HasSuffix(f.Name, "Create") && !ru.creates {
			t.Errorf("%s makes a record: mark its rule creates: true", f.Name)
		}
		if !ru.creates {
			continue
		}
		input := f.Arguments.ForName("input")
		if input == nil || s.Types[input.Type.Name()].Fields.ForName("idempotencyKey") == nil {
			t.Errorf("%s creates a record but its input has no idempotencyKey: a retried request would create two", f.Name)
		}
	}
}

// respond sets UserErrors by name; every mutation's payload has them.
func TestEveryPayloadHasUserErrors(t *testing.T) {
	s := realSchema()
	for _, f := range s.Mutation.Fields {
		if f.Name == "logout" || f.Name == "visitRecord" {
			continue // nothing a user can get wrong: no userErrors
		}
		payload := s.Types[f.Type.Name()]
		ue := payload.Fields.ForName("userErrors")
		if ue == nil || ue.Type.String() != "[UserError!]!" {
			t.Errorf("%s's payload %s needs userErrors: [UserError!]!", f.Name, payload.Name)
		}
	}
}

// Every Node type of the schema is declared in recordTypes, and every
// declaration is a Node type.
func TestEveryNodeTypeIsRegistered(t *testing.T) {
	s := realSchema()
	var nodes []string
	for _, def := range s.GetPossibleTypes(s.Types["Node"]) {
		nodes = append(nodes, def.Name)
		if _, ok := recordTypes.byKind[model.Kind(def.Name)]; !ok {
			t.Errorf("%s implements Node but has no declaration in recordTypes (graph/records.go): node(id:) cannot load it", def.Name)
		}
	}
	for kind := range recordTypes.byKind {
		if !slices.Contains(nodes, string(kind)) {
			t.Errorf("recordTypes declares %s, which is no Node type of the schema", kind)
		}
	}
}

// unaudited are the tables without the audit trigger, each with why.
var unaudited = map[string]string{
	"schema_migrations":    "golang-migrate's own",
	"sessions":             "sign-in sessions: created on every login; logins are audited by the account store",
	"audit_log":            "the log itself",
	"idempotency_keys":     "retries' bookkeeping, not records",
	"download_links":       "short-lived links to exports",
	"photos":               "image bytes; the post that shows them is audited",
	"member_list_uploads":  "uploaded spreadsheets, kept a day; the members an import writes are audited",
	"member_imports":       "the log of imports itself; the members an import writes are audited",
	"dues_shares":          "rules of the whole Union, changed only by migrations",
	"report_text_versions": "the history of report texts, itself a log; each save is audited on report_texts",
	"post_photos":          "which photos a post shows; the post is audited",
	"site_visits":          "anonymous visit counts",
	"post_views":           "anonymous visit counts",
	"post_viewers":         "anonymous visit counts",
	"site_visitors":        "anonymous visit counts",
	"online_visitors":      "anonymous visit counts",
	"address_visitors":     "anonymous visit counts",
	"visit_salts":          "daily salts of the visit counts",
	"unit_figures":         "report figures derived from audited records by triggers (internal/figures)",
	"unit_year_figures":    "report figures derived from audited records by triggers (internal/figures)",
	"unit_rollup_figures":  "report figures summed from unit_year_figures by triggers (internal/figures)",
	"figures_horizon":      "the last year the kept member counts reach; moved by the server, not by users",
	"activity_totals":      "report figures derived from audited records by triggers (internal/figures)",
	"unit_participants":    "report figures derived from audited records by triggers (internal/figures)",
	"member_stays":         "who was in which unit when, derived from the audited member events by triggers (internal/figures)",
}

// Every table holds records that are audited (the audit trigger) or is
// listed in unaudited with a reason; every declared record type's table
// is audited.
func TestEveryRecordsTableIsAudited(t *testing.T) {
	pool := testdb.Migrated(t)
	audited := testdb.Map[string, bool](t, pool, `
		SELECT c.relname, EXISTS (
			SELECT FROM pg_trigger tg JOIN pg_proc p ON p.oid = tg.tgfoid
			WHERE tg.tgrelid = c.oid AND p.proname = 'audit_row' AND NOT tg.tgisinternal)
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`)
	for _, table := range slices.Sorted(maps.Keys(audited)) {
		has := audited[table]
		_, exempt := unaudited[table]
		switch {
		case !has && !exempt:
			t.Errorf("table %s has no audit trigger: add `CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION audit_row(...)` to its migration, or list it in unaudited with why", table, table)
		case has && exempt:
			t.Errorf("table %s is audited but listed in unaudited: remove it there", table)
		}
	}
	for table := range unaudited {
		if _, ok := audited[table]; !ok {
			t.Errorf("unaudited lists %s, which is no table", table)
		}
	}
	for table, rt := range recordTypes.byTable {
		if !audited[table] {
			t.Errorf("record type %s's table %s has no audit trigger", rt.kind, table)
		}
	}
}

// publicMemberFields are the fields of Member that are not personal data:
// those who may see the member see them.
var publicMemberFields = []string{"id", "fullName", "gender", "joinedOn", "position", "status", "unit",
	"participations", "volunteerHours", "commendations", "version", "duesCategory"}

// Every field of Member is classified: marked @personal or listed as
// public; and the audit log hides each personal field's column (or
// table) from its row images as the field hides it.
func TestEveryMemberFieldIsClassified(t *testing.T) {
	s := realSchema()
	for _, f := range s.Types["Member"].Fields {
		if strings.HasPrefix(f.Name, "__") {
			continue
		}
		marked := f.Directives.ForName("personal") != nil
		public := slices.Contains(publicMemberFields, f.Name)
		switch {
		case marked == public:
			t.Errorf("Member.%s: mark it @personal in member.graphqls, or list it in publicMemberFields if anyone who sees the member may see it", f.Name)
		case marked && !auditHides(f.Name):
			t.Errorf("Member.%s is personal, but the audit log's row images show it: add its column or table to personalKeys (graph/access.go)", f.Name)
		}
	}
}

// auditHides reports whether personalKeys hides the personal field
// named field: its column of members (birthDate: birth_date) or, for a
// list, the table that holds it (events: member_events, partyReferrals:
// party_referrals).
func auditHides(field string) bool {
	var col strings.Builder
	for _, r := range field {
		if r >= 'A' && r <= 'Z' {
			col.WriteByte('_')
			r += 'a' - 'A'
		}
		col.WriteRune(r)
	}
	for _, table := range []string{"member_" + col.String(), col.String()} {
		if keys, ok := personalKeys[table]; ok && keys == nil {
			return true
		}
	}
	return slices.Contains(personalKeys["members"], col.String())
}
