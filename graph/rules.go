package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// rule is who may run one mutation. guardMutations applies it before the
// resolver runs, so a resolver has no permission check to forget; a
// mutation without a rule is refused (and fails rules_test.go).
type rule struct {
	who who
	// targets name where in the arguments the units or records are that
	// the caller must manage. An ID that is malformed or names no record
	// passes here, so that the resolver reports it as a NOT_FOUND
	// userError on its field.
	targets []target
	// creates says the mutation makes a record: it takes an
	// idempotencyKey so that a retry does not make two.
	creates bool
	// password says it checks a password the caller types, and so shares
	// the per-address budget of sign-in attempts.
	password bool
}

// who is the kind of caller a rule admits.
type who int

const (
	anyone         who = iota + 1 // signed in or not
	signedIn                      // any account
	managers                      // managers of every target present
	firstManager                  // managers of the first target present
	managerOrAdmin                // managers of the target; an administrator when it is left out (the top of a tree)
	roleGranter                   // administrators for ADMIN; else managers of the role's unit
)

// mutationRules is every mutation's rule.
var mutationRules = withRecords(map[string]rule{
	"login":          {who: anyone, password: true},
	"logout":         {who: anyone},
	"passwordChange": {who: signedIn, password: true},
	"visitRecord":    {who: anyone}, // counts a public post's visitors

	"accountCreate": {who: managerOrAdmin, targets: units("input", "unitId"), creates: true},
	// The account store checks, with the account locked, that the caller
	// manages every unit the account reaches (access.ManagesAccount).
	"accountSetActive":   {who: signedIn},
	"accountSetPassword": {who: signedIn},
	"roleGrant":          {who: roleGranter, targets: units("input", "unitId")},
	"roleRevoke":         {who: roleGranter, targets: units("input", "unitId")},

	"unitCreate": {who: managerOrAdmin, targets: units("input", "parentId"), creates: true},
	// A level change also needs mayRestructure: the resolver asks it and
	// tells the store, which refuses a changed level under the row lock
	// when it was not allowed (a level sent unchanged needs no right).
	"unitUpdate":  {who: managers, targets: units("input", "id")},
	"unitMove":    {who: managers, targets: []target{parentOf("input", "id"), unitAt("input", "parentId")}},
	"unitArchive": {who: managers, targets: []target{parentOf("input", "id")}},

	// Dated restructuring: the managers of the parents involved decide.
	"unitRename":      {who: managers, targets: []target{parentOf("input", "unitId")}},
	"unitRelocate":    {who: managers, targets: []target{parentOf("input", "unitId"), unitAt("input", "parentId")}},
	"unitChangeLevel": {who: managers, targets: []target{parentOf("input", "unitId")}},
	"unitMerge": {who: managers, targets: []target{parentOf("input", "unitIds", each), parentOf("input", "intoUnitId"),
		unitAt("input", "newUnit", "parentId")}},
	"unitSplit":           {who: managers, targets: []target{parentOf("input", "unitId"), unitAt("input", "parts", each, "parentId")}},
	"unitDissolve":        {who: managers, targets: []target{parentOf("input", "unitId"), unitAt("input", "membersToUnitId")}},
	"committeeTermCreate": {who: managers, targets: units("input", "unitId"), creates: true},
	"positionAppoint": {who: managers, targets: []target{unitAt("input", "unitId"), recordAt(model.KindTerm, "input", "termId")},
		creates: true},
	"positionEnd": {who: managers, targets: records(model.KindPosition, "input", "id")},

	// At once only for a move the caller manages both ends of (or out of
	// the system); else two steps, the receiving unit answering.
	"memberTransfer":       {who: managers, targets: []target{recordAt(model.KindMember, "input", "id"), unitAt("input", "toUnitId")}},
	"memberTransferIssue":  {who: managers, targets: records(model.KindMember, "input", "memberId"), creates: true},
	"memberTransferAccept": {who: managers, targets: records(model.KindTransfer, "input", "id")},
	// The sending unit withdraws its own transfer.
	"memberTransferWithdraw": {who: managers, targets: []target{sideOf(model.KindTransfer, transferSender, "input", "id")}},
	"memberTransferReturn":   {who: managers, targets: records(model.KindTransfer, "input", "id")},
	"memberLeave":            {who: managers, targets: records(model.KindMember, "input", "id")},
	"membersImport":          {who: managers, targets: units("input", "unitId"), creates: true},
	"partyReferralCreate":    {who: managers, targets: records(model.KindMember, "input", "memberId"), creates: true},
	"partyReferralUpdate":    {who: managers, targets: records(model.KindReferral, "input", "id")},
	"partyReferralDelete":    {who: managers, targets: records(model.KindReferral, "input", "id")},
	"membersAgeOut":          {who: managers, targets: records(model.KindMember, "input", "members", each, "id")},
	"membersRate":            {who: managers, targets: records(model.KindMember, "input", "ratings", each, "memberId")},
	"membersRatingsRemove":   {who: managers, targets: records(model.KindMember, "input", "memberIds", each)},

	// Participants outside the activity's subtree are refused by the store.
	"participationsRecord": {who: managers, targets: records(model.KindActivity, "input", "activityId")},
	"participationsRemove": {who: managers, targets: records(model.KindActivity, "input", "activityId")},

	"contributionCreate": {who: managers, targets: records(model.KindActivity, "input", "activityId"), creates: true},
	"contributionUpdate": {who: managers, targets: records(model.KindContribution, "input", "id")},
	"contributionDelete": {who: managers, targets: records(model.KindContribution, "input", "id")},

	// The issuing unit when it is in the tree, else the recipient.
	"commendationCreate": {who: firstManager, targets: []target{unitAt("input", "issuer", "unitId"),
		recordAt(model.KindMember, "input", "recipientMemberId"), unitAt("input", "recipientUnitId")}, creates: true},
	"commendationUpdate": {who: managers, targets: []target{recordAt(model.KindCommendation, "input", "id"),
		unitAt("input", "issuer", "unitId")}},
	"commendationDelete": {who: managers, targets: records(model.KindCommendation, "input", "id")},

	"pledgeSign":   {who: managers, targets: records(model.KindPledge, "input", "pledgeId")},
	"pledgeUnsign": {who: managers, targets: records(model.KindPledge, "input", "pledgeId")},

	"planSet": {who: managers, targets: units("input", "unitId")},
	// A report's document is written by the unit's officers.
	"reportDocumentSet": {who: managers, targets: units("input", "unitId")},
	"reportTextSave":    {who: managers, targets: units("input", "unitId")},
	"reportSubmit":      {who: managers, targets: units("input", "unitId"), creates: true},
	// The level a report was handed in to answers it.
	"reportSubmissionAccept": {who: managers, targets: records(model.KindSubmission, "input", "id")},
	"reportSubmissionReturn": {who: managers, targets: records(model.KindSubmission, "input", "id")},

	// A unit is rated by the level above it.
	"unitRate":         {who: managers, targets: []target{parentOf("input", "unitId")}},
	"unitRatingRemove": {who: managers, targets: []target{parentOf("input", "unitId")}},

	"postSetStatus": {who: managers, targets: records(model.KindPost, "input", "id")},

	// Union dues: a unit's rates and collections by its officers; a
	// remittance by the sender's, answered by the receiver's.
	"duesRateSet":            {who: managers, targets: units("input", "unitId")},
	"duesRateRemove":         {who: managers, targets: units("input", "unitId")},
	"membersDuesCategorySet": {who: managers, targets: records(model.KindMember, "input", "memberIds", each)},
	"duesCollect":            {who: managers, targets: units("input", "unitId"), creates: true},
	"duesCollectionDelete":   {who: managers, targets: records(model.KindDuesCollection, "input", "id")},
	"duesRemit":              {who: managers, targets: units("input", "unitId"), creates: true},
	"duesRemittanceConfirm":  {who: managers, targets: records(model.KindRemittance, "input", "id")},
	"duesRemittanceReturn":   {who: managers, targets: records(model.KindRemittance, "input", "id")},
}, map[string]model.Kind{
	// Made, changed and deleted the plain way: see withRecords.
	"member": model.KindMember, "campaign": model.KindCampaign, "activity": model.KindActivity,
	"pledge": model.KindPledge, "post": model.KindPost,
})

// withRecords adds to rules, for each name of a kind of record, the rules
// of <name>Create (by the managers of input.unitId), <name>Update and
// <name>Delete (by the managers of the record input.id names).
func withRecords(rules map[string]rule, kinds map[string]model.Kind) map[string]rule {
	for name, kind := range kinds {
		add := map[string]rule{
			name + "Create": {who: managers, targets: units("input", "unitId"), creates: true},
			name + "Update": {who: managers, targets: records(kind, "input", "id")},
			name + "Delete": {who: managers, targets: records(kind, "input", "id")},
		}
		for n, ru := range add {
			if _, dup := rules[n]; dup {
				panic("mutationRules: two rules for " + n)
			}
			rules[n] = ru
		}
	}
	return rules
}

// guardMutations runs before every field and looks only at mutations: it
// applies the mutation's rule, and limits password attempts per address
// (logins nil: no limit).
func guardMutations(logins *ratelimit.Limiter) graphql.FieldMiddleware {
	return func(ctx context.Context, next graphql.Resolver) (any, error) {
		fc := graphql.GetFieldContext(ctx)
		if fc == nil || fc.Object != "Mutation" {
			return next(ctx)
		}
		ru, ok := mutationRules[fc.Field.Name]
		if !ok {
			return nil, &apperr.Error{Code: apperr.Internal, Message: "this mutation has no permission rule",
				VI: "Thao tác này chưa có quy tắc phân quyền."}
		}
		if ru.password && logins != nil {
			if err := loginAllowed(ctx, logins); err != nil {
				return nil, err
			}
		}
		args := fc.Field.ArgumentMap(graphql.GetOperationContext(ctx).Variables)
		if err := ru.check(ctx, args); err != nil {
			return nil, err
		}
		return next(ctx)
	}
}

// check applies the rule to a call's arguments.
func (ru rule) check(ctx context.Context, args map[string]any) error {
	p := access.From(ctx)
	if ru.who == anyone {
		return nil
	}
	if !p.SignedIn() {
		return access.ErrSignIn
	}
	switch ru.who {
	case managers:
		return manageAll(ctx, ru.targets, args)
	case firstManager:
		for _, t := range ru.targets {
			if len(t.ids(args)) > 0 {
				return manageAll(ctx, []target{t}, args)
			}
		}
	case managerOrAdmin:
		for _, t := range ru.targets {
			if len(t.ids(args)) == 0 {
				return p.RequireAdmin()
			}
		}
		return manageAll(ctx, ru.targets, args)
	case roleGranter:
		if in, _ := args["input"].(map[string]any); in != nil && in["kind"] == "ADMIN" {
			return p.RequireAdmin()
		}
		return manageAll(ctx, ru.targets, args)
	}
	return nil
}

// manageAll checks every ID found at the targets.
func manageAll(ctx context.Context, targets []target, args map[string]any) error {
	for _, t := range targets {
		for _, id := range t.ids(args) {
			if err := t.check(ctx, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// mayRestructure allows moving, archiving or changing the level of a unit
// to managers of its parent (administrators for a unit at the top): a
// branch secretary runs her branch but does not close or restructure it.
func mayRestructure(ctx context.Context, unitID int64) error {
	u, err := loadOne(ctx, loaders(ctx).Unit, unitID)
	if err != nil || u == nil {
		return err
	}
	if u.ParentID == nil {
		return access.From(ctx).RequireAdmin()
	}
	return canManageUnit(ctx, *u.ParentID)
}

// each in a target's path stands for every element of a list.
const each = "*"

// target is where a mutation's arguments name a unit or a record.
type target struct {
	kind model.Kind
	path []string
	// parent: the caller must manage the unit's parent (mayRestructure),
	// not the unit.
	parent bool
	// side, when set, is the unit to manage instead of the record's owner:
	// the other end of a record between two units.
	side func(ctx context.Context, id int64) (*int64, error)
}

func unitAt(path ...string) target                    { return target{kind: model.KindUnit, path: path} }
func recordAt(kind model.Kind, path ...string) target { return target{kind: kind, path: path} }
func parentOf(path ...string) target                  { return target{kind: model.KindUnit, path: path, parent: true} }
func sideOf(kind model.Kind, side func(context.Context, int64) (*int64, error), path ...string) target {
	return target{kind: kind, path: path, side: side}
}
func units(path ...string) []target { return []target{unitAt(path...)} }
func records(kind model.Kind, path ...string) []target {
	return []target{recordAt(kind, path...)}
}

// ids returns the IDs found at the target's path (none when it is left out).
func (t target) ids(args map[string]any) []string {
	var out []string
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		if len(path) == 0 {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
			return
		}
		if path[0] == each {
			list, _ := v.([]any)
			for _, e := range list {
				walk(e, path[1:])
			}
			return
		}
		if m, ok := v.(map[string]any); ok {
			walk(m[path[0]], path[1:])
		}
	}
	walk(args, t.path)
	return out
}

// check checks one ID of the target: the caller manages the unit that
// owns its record (or that unit's parent). A malformed ID or a missing
// record passes (see rule.targets).
func (t target) check(ctx context.Context, id string) error {
	n, err := model.DecodeID(t.kind, id)
	if err != nil {
		return nil
	}
	if t.parent {
		return mayRestructure(ctx, n)
	}
	owner := func(ctx context.Context, id int64) (*int64, error) { return recordTypes.owner(ctx, t.kind, id) }
	if t.side != nil {
		owner = t.side
	}
	unitID, err := owner(ctx, n)
	if err != nil || unitID == nil {
		return err
	}
	return canManageUnit(ctx, *unitID)
}

// canManageUnit allows managers of the unit (and administrators); a unit
// that does not exist passes, for the store to report. An ended unit
// (merged, split, dissolved) is also managed by the managers of the units
// that carry it on (org.Timeline.HeirsOf): its officers' roles lapsed with
// it, and its history (its past reports, records to complete) passes on.
func canManageUnit(ctx context.Context, unitID int64) error {
	p := access.From(ctx)
	if !p.SignedIn() {
		return access.ErrSignIn
	}
	if p.Admin {
		return nil
	}
	u, err := loadOne(ctx, loaders(ctx).Unit, unitID)
	if err != nil || u == nil {
		return err
	}
	refusal := p.RequireManage(u.Path)
	if refusal == nil || !u.Archived() {
		return refusal
	}
	heirs, err := loaders(ctx).Heirs.Load(ctx, u.ID)
	if err != nil {
		return err
	}
	return p.RequireManageOrInherit(u.Path, heirs)
}

// transferSender is the unit that issued a transfer.
func transferSender(ctx context.Context, id int64) (*int64, error) {
	t, err := loadOne(ctx, loaders(ctx).Transfer, id)
	if err != nil || t == nil {
		return nil, err
	}
	return &t.FromUnitID, nil
}
