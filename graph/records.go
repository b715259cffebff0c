package graph

import (
	"context"

	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
)

// recordType is everything the API derives from one kind of record that
// clients address by global ID: node(id:) loads it through see, the audit
// log turns its table's row numbers into its IDs, and the rule table's
// write checks find the unit that owns it. Every Node type of the schema
// has one (records_test.go checks).
type recordType struct {
	kind  model.Kind
	table string // its table, which is also its audit log entity
	// node starts loading a record as the caller may see it: null when it
	// does not exist or is hidden, an error when the caller must be told.
	node func(ctx context.Context, r *Resolver, id int64) func() (model.Node, error)
	// owner returns the unit whose managers change the record, nil when
	// the record does not exist. A nil owner: the record belongs to no
	// unit (accounts; their rule is in the account store).
	owner func(ctx context.Context, id int64) (*int64, error)
}

// typed declares a record type whose rows are T, loaded by the request's
// loader load. unit is the owning unit of a record; see (nil: everyone who
// can load it) filters what the caller may read.
type typed[T any] struct {
	kind  model.Kind
	table string
	load  func(*loader.Loaders) *dataloadgen.Loader[int64, *T]
	unit  func(ctx context.Context, v *T) (*int64, error)
	see   func(ctx context.Context, v *T) (*T, error)
}

func (t typed[T]) record() recordType {
	rt := recordType{kind: t.kind, table: t.table}
	rt.node = func(ctx context.Context, _ *Resolver, id int64) func() (model.Node, error) {
		load := t.load(loaders(ctx)).LoadThunk(ctx, id)
		if t.see == nil {
			return thunk(load)
		}
		return thunk(func() (*T, error) {
			v, err := found(load())
			if err != nil || v == nil {
				return nil, err
			}
			return t.see(ctx, v)
		})
	}
	if t.unit != nil {
		rt.owner = func(ctx context.Context, id int64) (*int64, error) {
			v, err := loadOne(ctx, t.load(loaders(ctx)), id)
			if err != nil || v == nil {
				return nil, err
			}
			return t.unit(ctx, v)
		}
	}
	return rt
}

// unitOf is the owner of a record that names its unit.
func unitOf[T any](id func(*T) int64) func(context.Context, *T) (*int64, error) {
	return func(_ context.Context, v *T) (*int64, error) {
		n := id(v)
		return &n, nil
	}
}

// recordTypes are the declarations, one per type. (Set in init: some
// owners look up others.)
var recordTypes registry

func init() {
	recordTypes = newRegistry(
		typed[org.Unit]{kind: model.KindUnit, table: "units",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *org.Unit] { return l.Unit },
			unit: unitOf(func(u *org.Unit) int64 { return u.ID })}.record(),
		typed[member.Member]{kind: model.KindMember, table: "members",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *member.Member] { return l.Member },
			unit: unitOf(func(m *member.Member) int64 { return m.UnitID }),
			see:  func(ctx context.Context, m *member.Member) (*member.Member, error) { return visibleMember(ctx, m, nil) }}.record(),
		typed[activity.Campaign]{kind: model.KindCampaign, table: "campaigns",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *activity.Campaign] { return l.Campaign },
			unit: unitOf(func(c *activity.Campaign) int64 { return c.UnitID })}.record(),
		typed[activity.Activity]{kind: model.KindActivity, table: "activities",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *activity.Activity] { return l.Activity },
			unit: unitOf(func(a *activity.Activity) int64 { return a.UnitID })}.record(),
		typed[activity.Contribution]{kind: model.KindContribution, table: "contributions",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *activity.Contribution] { return l.Contribution },
			unit: func(ctx context.Context, c *activity.Contribution) (*int64, error) {
				return recordTypes.owner(ctx, model.KindActivity, c.ActivityID)
			}}.record(),
		typed[award.Commendation]{kind: model.KindCommendation, table: "commendations",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *award.Commendation] { return l.Commendation },
			unit: func(ctx context.Context, c *award.Commendation) (*int64, error) {
				return commendationOwner(ctx, c.IssuerUnitID, c.MemberID, c.UnitID)
			},
			see: func(ctx context.Context, c *award.Commendation) (*award.Commendation, error) {
				return visibleCommendation(ctx, c, nil)
			}}.record(),
		typed[award.Pledge]{kind: model.KindPledge, table: "pledges",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *award.Pledge] { return l.Pledge },
			unit: unitOf(func(p *award.Pledge) int64 { return p.UnitID })}.record(),
		typed[news.Post]{kind: model.KindPost, table: "posts",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *news.Post] { return l.Post },
			unit: unitOf(func(p *news.Post) int64 { return p.UnitID }),
			see:  visiblePost}.record(),
		typed[report.Target]{kind: model.KindPlanTarget, table: "plan_targets",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *report.Target] { return l.PlanTarget },
			unit: unitOf(func(t *report.Target) int64 { return t.UnitID })}.withNode(planTargetNode),
		typed[org.Change]{kind: model.KindUnitChange, table: "unit_changes",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *org.Change] { return l.UnitChange },
			unit: unitOf(func(c *org.Change) int64 { return c.UnitID })}.record(),
		typed[org.Position]{kind: model.KindPosition, table: "positions",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *org.Position] { return l.Position },
			unit: unitOf(func(p *org.Position) int64 { return p.UnitID }),
			see: func(ctx context.Context, p *org.Position) (*org.Position, error) {
				return p, canManageUnit(ctx, p.UnitID) // as the committee: for the unit's managers
			}}.record(),
		typed[org.Term]{kind: model.KindTerm, table: "committee_terms",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *org.Term] { return l.CommitteeTerm },
			unit: unitOf(func(t *org.Term) int64 { return t.UnitID }),
			see: func(ctx context.Context, t *org.Term) (*org.Term, error) {
				return t, canManageUnit(ctx, t.UnitID)
			}}.record(),
		typed[member.PartyReferral]{kind: model.KindReferral, table: "party_referrals",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *member.PartyReferral] { return l.PartyReferral },
			unit: func(ctx context.Context, pr *member.PartyReferral) (*int64, error) {
				return recordTypes.owner(ctx, model.KindMember, pr.MemberID) // the member's officers, as their other records
			},
			see: visibleReferral}.record(),
		typed[member.MemberTransfer]{kind: model.KindTransfer, table: "member_transfers",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *member.MemberTransfer] { return l.Transfer },
			unit: unitOf(func(t *member.MemberTransfer) int64 { return t.ToUnitID }), // the receiving unit answers it
			see:  visibleTransfer}.record(),
		typed[report.Submission]{kind: model.KindSubmission, table: "report_submissions",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *report.Submission] { return l.ReportSubmission },
			unit: unitOf(func(s *report.Submission) int64 { return s.ToUnitID }), // the level above answers it
			see: func(ctx context.Context, s *report.Submission) (*report.Submission, error) {
				return s, manageEitherEnd(ctx, s.UnitID, s.ToUnitID)
			}}.record(),
		typed[dues.Collection]{kind: model.KindDuesCollection, table: "dues_collections",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *dues.Collection] { return l.DuesCollection },
			unit: unitOf(func(c *dues.Collection) int64 { return c.UnitID }),
			see: func(ctx context.Context, c *dues.Collection) (*dues.Collection, error) {
				return c, canManageUnit(ctx, c.UnitID) // the unit's money: for its officers, as its ledger
			}}.record(),
		typed[dues.Remittance]{kind: model.KindRemittance, table: "dues_remittances",
			load: func(l *loader.Loaders) *dataloadgen.Loader[int64, *dues.Remittance] { return l.DuesRemittance },
			unit: unitOf(func(r *dues.Remittance) int64 { return r.ToUnitID }), // the receiving unit answers it
			see: func(ctx context.Context, r *dues.Remittance) (*dues.Remittance, error) {
				return r, manageEitherEnd(ctx, r.UnitID, r.ToUnitID)
			}}.record(),
		recordType{kind: model.KindAccount, table: "accounts", node: accountNode},
	)
}

// registry finds declarations by kind and by table.
type registry struct {
	byKind  map[model.Kind]recordType
	byTable map[string]recordType
}

func newRegistry(types ...recordType) registry {
	r := registry{byKind: map[model.Kind]recordType{}, byTable: map[string]recordType{}}
	for _, t := range types {
		if _, dup := r.byKind[t.kind]; dup {
			panic("record type declared twice: " + t.kind)
		}
		r.byKind[t.kind], r.byTable[t.table] = t, t
	}
	return r
}

// owner returns the unit owning the record of kind with id (nil: there
// is no such record).
func (r registry) owner(ctx context.Context, kind model.Kind, id int64) (*int64, error) {
	t, ok := r.byKind[kind]
	if !ok || t.owner == nil {
		return nil, nil
	}
	return t.owner(ctx, id)
}

// auditID is the global ID of the record an audit entry of table is
// about, or the bare row number for tables that are no Node (a member's
// events and ratings, an activity's guests).
func (r registry) auditKind(table string) (model.Kind, bool) {
	t, ok := r.byTable[table]
	return t.kind, ok
}

// withNode keeps a declaration's owner but loads its node another way.
func (t typed[T]) withNode(node func(ctx context.Context, r *Resolver, id int64) func() (model.Node, error)) recordType {
	rt := t.record()
	rt.node = node
	return rt
}

// accountNode shows an account to its holder and those who manage it.
func accountNode(ctx context.Context, r *Resolver, id int64) func() (model.Node, error) {
	see, load := r.seeAccount(ctx, id), thunk(loaders(ctx).Account.LoadThunk(ctx, id))
	return func() (model.Node, error) {
		if err := see(); err != nil {
			return nil, err
		}
		return load()
	}
}

// visibleReferral shows a Party referral to those who may read its member's
// personal data (noting the read), as the member's partyReferrals field.
func visibleReferral(ctx context.Context, pr *member.PartyReferral) (*member.PartyReferral, error) {
	m, err := loadOne(ctx, loaders(ctx).Member, pr.MemberID)
	if err != nil || m == nil {
		return nil, err
	}
	if err := personal(ctx, m); err != nil {
		return nil, err
	}
	return pr, nil
}

// commendationOwner is the unit whose managers record a commendation: the
// issuing unit when it is in the tree, else the recipient's.
func commendationOwner(ctx context.Context, issuer, memberID, unitID *int64) (*int64, error) {
	switch {
	case issuer != nil:
		return issuer, nil
	case memberID != nil:
		return recordTypes.owner(ctx, model.KindMember, *memberID)
	}
	return unitID, nil
}

// visibleTransfer shows a transfer to the officers of either end (the
// receiving unit must see what it is asked to accept) and to whoever may
// read the member's personal data.
func visibleTransfer(ctx context.Context, t *member.MemberTransfer) (*member.MemberTransfer, error) {
	if canManageUnit(ctx, t.FromUnitID) == nil || canManageUnit(ctx, t.ToUnitID) == nil {
		return t, nil
	}
	m, err := loadOne(ctx, loaders(ctx).Member, t.MemberID)
	if err != nil || m == nil {
		return nil, err
	}
	if err := personal(ctx, m); err != nil {
		return nil, err
	}
	return t, nil
}

// manageEitherEnd allows the officers of either unit of a record between
// two (the sender and the receiver).
func manageEitherEnd(ctx context.Context, from, to int64) error {
	if canManageUnit(ctx, from) == nil {
		return nil
	}
	return canManageUnit(ctx, to)
}
