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
	check func(ctx context.Context, args map[string]any) error
	// creates says the mutation makes a record: it takes an
	// idempotencyKey so that a retry does not make two.
	creates bool
	// password says it checks a password the caller types, and so shares
	// the per-address budget of sign-in attempts.
	password bool
}

// mutationRules is every mutation's rule. A target names where in the
// arguments the unit or record is that the caller must manage; an ID that
// is malformed or names no record passes here, so that the resolver
// reports it as a NOT_FOUND userError on its field.
var mutationRules = map[string]rule{
	"login":          {check: anyone, password: true},
	"logout":         {check: anyone},
	"passwordChange": {check: signedIn, password: true},
	"visitRecord":    {check: anyone}, // counts a public post's visitors

	"accountCreate": {check: managesOrAdmin(unitAt("input", "unitId"))},
	// The account store checks, with the account locked, that the caller
	// manages every unit the account reaches (access.ManagesAccount).
	"accountSetActive":   {check: signedIn},
	"accountSetPassword": {check: signedIn},
	"roleGrant":          {check: roleRule},
	"roleRevoke":         {check: roleRule},

	"unitCreate":  {check: managesOrAdmin(unitAt("input", "parentId")), creates: true},
	"unitUpdate":  {check: manages(unitAt("input", "id"))}, // a level change also needs mayRestructure
	"unitMove":    {check: all(managesParent(unitAt("input", "id")), manages(unitAt("input", "parentId")))},
	"unitArchive": {check: managesParent(unitAt("input", "id"))},

	"memberCreate":   {check: manages(unitAt("input", "unitId")), creates: true},
	"memberUpdate":   {check: manages(recordAt(model.KindMember, "input", "id"))},
	"memberTransfer": {check: manages(recordAt(model.KindMember, "input", "id"))},
	"memberLeave":    {check: manages(recordAt(model.KindMember, "input", "id"))},
	"memberDelete":   {check: manages(recordAt(model.KindMember, "input", "id"))},
	"membersRate":    {check: manages(recordAt(model.KindMember, "input", "ratings", each, "memberId"))},

	"campaignCreate": {check: manages(unitAt("input", "unitId")), creates: true},
	"campaignUpdate": {check: manages(recordAt(model.KindCampaign, "input", "id"))},
	"campaignDelete": {check: manages(recordAt(model.KindCampaign, "input", "id"))},

	"activityCreate": {check: manages(unitAt("input", "unitId")), creates: true},
	"activityUpdate": {check: manages(recordAt(model.KindActivity, "input", "id"))},
	"activityDelete": {check: manages(recordAt(model.KindActivity, "input", "id"))},
	// Participants outside the activity's subtree are refused by the store.
	"participationsRecord": {check: manages(recordAt(model.KindActivity, "input", "activityId"))},
	"participationsRemove": {check: manages(recordAt(model.KindActivity, "input", "activityId"))},

	"contributionCreate": {check: manages(recordAt(model.KindActivity, "input", "activityId")), creates: true},
	"contributionUpdate": {check: manages(recordAt(model.KindContribution, "input", "id"))},
	"contributionDelete": {check: manages(recordAt(model.KindContribution, "input", "id"))},

	// The issuing unit when it is in the tree, else the recipient's.
	"commendationCreate": {check: managesFirst(unitAt("input", "issuer", "unitId"),
		recordAt(model.KindMember, "input", "recipientMemberId"), unitAt("input", "recipientUnitId")), creates: true},
	"commendationUpdate": {check: manages(recordAt(model.KindCommendation, "input", "id"), unitAt("input", "issuer", "unitId"))},
	"commendationDelete": {check: manages(recordAt(model.KindCommendation, "input", "id"))},

	"pledgeCreate": {check: manages(unitAt("input", "unitId")), creates: true},
	"pledgeUpdate": {check: manages(recordAt(model.KindPledge, "input", "id"))},
	"pledgeDelete": {check: manages(recordAt(model.KindPledge, "input", "id"))},
	"pledgeSign":   {check: manages(recordAt(model.KindPledge, "input", "pledgeId"))},
	"pledgeUnsign": {check: manages(recordAt(model.KindPledge, "input", "pledgeId"))},

	"planSet": {check: manages(unitAt("input", "unitId"))},

	"postCreate":    {check: manages(unitAt("input", "unitId")), creates: true},
	"postUpdate":    {check: manages(recordAt(model.KindPost, "input", "id"))},
	"postSetStatus": {check: manages(recordAt(model.KindPost, "input", "id"))},
	"postDelete":    {check: manages(recordAt(model.KindPost, "input", "id"))},
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

// check is one part of a rule.
type check = func(ctx context.Context, args map[string]any) error

func anyone(context.Context, map[string]any) error { return nil }

func signedIn(ctx context.Context, _ map[string]any) error {
	if !access.From(ctx).SignedIn() {
		return access.ErrSignIn
	}
	return nil
}

// all passes when every check does.
func all(checks ...check) check {
	return func(ctx context.Context, args map[string]any) error {
		for _, c := range checks {
			if err := c(ctx, args); err != nil {
				return err
			}
		}
		return nil
	}
}

// manages requires the caller to manage the unit of every record named at
// the targets that are present.
func manages(targets ...target) check {
	return func(ctx context.Context, args map[string]any) error {
		if err := signedIn(ctx, args); err != nil {
			return err
		}
		for _, t := range targets {
			for _, id := range t.ids(args) {
				if err := t.canManage(ctx, id); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// managesFirst is manages for the first of the targets that is present.
func managesFirst(targets ...target) check {
	return func(ctx context.Context, args map[string]any) error {
		for _, t := range targets {
			if len(t.ids(args)) > 0 {
				return manages(t)(ctx, args)
			}
		}
		return signedIn(ctx, args)
	}
}

// managesOrAdmin is manages for an optional unit: without one the record
// is at the top of a tree, where only an administrator writes.
func managesOrAdmin(t target) check {
	return func(ctx context.Context, args map[string]any) error {
		if len(t.ids(args)) == 0 {
			return access.From(ctx).RequireAdmin()
		}
		return manages(t)(ctx, args)
	}
}

// managesParent allows moving, archiving or changing the level of a unit
// to managers of its parent: a branch secretary runs her branch but does
// not close or restructure it.
func managesParent(t target) check {
	return func(ctx context.Context, args map[string]any) error {
		if err := signedIn(ctx, args); err != nil {
			return err
		}
		for _, id := range t.ids(args) {
			if n, err := t.decode(id); err == nil {
				if err := mayRestructure(ctx, n); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// mayRestructure is managesParent's test for one unit.
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

// roleRule: only administrators hand out ADMIN; other roles need the unit
// they are on. That the caller manages the account itself is checked by
// the account store, with the account locked.
func roleRule(ctx context.Context, args map[string]any) error {
	if in, _ := args["input"].(map[string]any); in != nil && in["kind"] == "ADMIN" {
		return access.From(ctx).RequireAdmin()
	}
	return manages(unitAt("input", "unitId"))(ctx, args)
}

// each in a target's path stands for every element of a list.
const each = "*"

// target is where a mutation's arguments name a unit or a record.
type target struct {
	kind model.Kind
	path []string
}

func unitAt(path ...string) target                    { return target{kind: model.KindUnit, path: path} }
func recordAt(kind model.Kind, path ...string) target { return target{kind: kind, path: path} }

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

func (t target) decode(id string) (int64, error) { return model.DecodeID(t.kind, id) }

// canManage checks one ID of the target: the caller manages the unit that
// owns its record. A malformed ID or a missing record passes (see
// mutationRules).
func (t target) canManage(ctx context.Context, id string) error {
	n, err := t.decode(id)
	if err != nil {
		return nil
	}
	unitID, err := recordTypes.owner(ctx, t.kind, n)
	if err != nil || unitID == nil {
		return err
	}
	return canManageUnit(ctx, *unitID)
}

// canManageUnit allows managers of the unit (and administrators); a unit
// that does not exist passes, for the store to report.
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
	return p.RequireManage(u.Path)
}
