// Package loader batches the lookups one GraphQL request makes, so reading
// a list of N records and a field of each costs one query per field, not N
// (no N+1). Loaders live for one request: nothing is cached across requests
// or users.
package loader

import (
	"context"
	"time"

	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/ctxvalue"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/report"
)

// Stores are where the loaders read from.
type Stores struct {
	Org      *org.Store
	Members  *member.Store
	Activity *activity.Store
	Award    *award.Store
	Accounts *account.Store
	News     *news.Store
	Reports  *report.Store
	Timeline *org.Timeline
	Dues     *dues.Store
}

// HoursKey asks for a member's volunteer hours in a year (Year 0: all years).
type HoursKey struct {
	MemberID int64
	Year     int
}

// StatsKey asks for a unit's dashboard figures in a year.
type StatsKey struct {
	UnitID int64
	Year   int
}

// PageKey asks for the first page of a parent's list; Year narrows lists
// that take one (0: none).
type PageKey struct {
	ParentID int64
	First    int
	Year     int
}

// MemberList is the arguments of a nested member list (the filter's unit
// and viewer are set by the loader).
type MemberList struct {
	Filter member.Filter
	Order  member.Order
	First  int
}

// ActivityList is the arguments of a nested activity list.
type ActivityList struct {
	Filter activity.Filter
	Order  activity.Order
	First  int
}

// Loaders are one request's batching loaders.
type Loaders struct {
	// AtHand is what list resolvers loaded for their whole page ahead of
	// its objects asking.
	AtHand AtHand
	// Nested lists that take arguments: first pages and counts.
	UnitMembers        *Lists[MemberList, *member.Member]
	UnitActivities     *Lists[ActivityList, *activity.Activity]
	CampaignActivities *Lists[ActivityList, *activity.Activity]

	Unit          *dataloadgen.Loader[int64, *org.Unit]
	Member        *dataloadgen.Loader[int64, *member.Member]
	Activity      *dataloadgen.Loader[int64, *activity.Activity]
	Campaign      *dataloadgen.Loader[int64, *activity.Campaign]
	Contribution  *dataloadgen.Loader[int64, *activity.Contribution]
	Commendation  *dataloadgen.Loader[int64, *award.Commendation]
	Pledge        *dataloadgen.Loader[int64, *award.Pledge]
	MemberEvents  *dataloadgen.Loader[int64, []*member.Event]
	MemberRatings *dataloadgen.Loader[int64, []*member.Rating]
	UnitRatings   *dataloadgen.Loader[int64, []*award.UnitRating]
	// PartyReferral is by referral id; MemberReferrals by member.
	PartyReferral   *dataloadgen.Loader[int64, *member.PartyReferral]
	MemberReferrals *dataloadgen.Loader[int64, []*member.PartyReferral]
	// Transfer is by transfer id; MemberTransfers by member.
	Transfer *dataloadgen.Loader[int64, *member.MemberTransfer]
	// DuesCollection and DuesRemittance are by id; DuesPayments by collection.
	DuesCollection *dataloadgen.Loader[int64, *dues.Collection]
	DuesRemittance *dataloadgen.Loader[int64, *dues.Remittance]
	DuesPayments   *dataloadgen.Loader[int64, []*dues.Payment]
	// ReportTexts are a report document's texts, by document.
	ReportTexts *dataloadgen.Loader[int64, []*report.Text]
	// ReportSubmission is by submission id.
	ReportSubmission *dataloadgen.Loader[int64, *report.Submission]
	MemberTransfers  *dataloadgen.Loader[int64, []*member.MemberTransfer]
	MemberHours      *dataloadgen.Loader[HoursKey, float64]
	Guests           *dataloadgen.Loader[int64, []activity.Guest]
	Contributions    *dataloadgen.Loader[int64, []*activity.Contribution]
	Totals           *Eager[int64, activity.Totals]
	PledgeCounts     *dataloadgen.Loader[int64, award.PledgeCounts]
	Account          *dataloadgen.Loader[int64, *account.Account]
	AccountRoles     *dataloadgen.Loader[int64, []account.Role]
	// ManagedAccount is whether the request's caller manages the account.
	ManagedAccount *dataloadgen.Loader[int64, bool]
	Post           *dataloadgen.Loader[int64, *news.Post]
	Photo          *dataloadgen.Loader[int64, *news.Photo]
	PostPhotos     *dataloadgen.Loader[int64, []news.PostPhoto]
	PostViews      *dataloadgen.Loader[int64, int64]
	UnitStats      *dataloadgen.Loader[StatsKey, *org.Stats]
	SubtreeSize    *dataloadgen.Loader[int64, int]
	PlanTarget     *dataloadgen.Loader[int64, *report.Target]
	UnitChange     *dataloadgen.Loader[int64, *org.Change]
	Position       *dataloadgen.Loader[int64, *org.Position]
	CommitteeTerm  *dataloadgen.Loader[int64, *org.Term]
	// UnitAsOf is a unit's version of a day.
	UnitAsOf *dataloadgen.Loader[org.AsOfKey, *org.UnitVersion]
	// Heirs are the paths of the units that carry on an ended unit's
	// history (org.Timeline.HeirsOf); asked only when a check on an ended
	// unit fails otherwise.
	Heirs *dataloadgen.Loader[int64, []string]
	// Participants and ParticipantCount see only the members the request's
	// caller may see.
	Participants     *Eager[PageKey, page.Page[*activity.Participation]]
	ParticipantCount *dataloadgen.Loader[int64, int]
	// Children and ChildCount take the parent unit; the ...All variants
	// include archived units.
	Children, ChildrenAll     *dataloadgen.Loader[PageKey, page.Page[*org.Unit]]
	ChildCount, ChildCountAll *dataloadgen.Loader[int64, int]
	// MemberParticipations and MemberParticipationCount take a member.
	MemberParticipations     *dataloadgen.Loader[PageKey, page.Page[*activity.Participation]]
	MemberParticipationCount *dataloadgen.Loader[HoursKey, int]
	MemberCommendations      *dataloadgen.Loader[PageKey, page.Page[*award.Commendation]]
	MemberCommendationCount  *dataloadgen.Loader[int64, int]
	// Signatures and SignatureCount see only members the caller may see.
	Signatures     *dataloadgen.Loader[PageKey, page.Page[*award.Signature]]
	SignatureCount *dataloadgen.Loader[int64, int]
}

// DefaultWait is how long a loader collects keys before it queries: long
// enough for gqlgen to start sibling fields' resolvers, short enough not to
// show in a request that goes several levels deep. 2 ms cost a node-by-ID
// request about half of its time; half a millisecond split batches on a
// busy machine.
const DefaultWait = time.Millisecond

// New returns fresh loaders for one request, collecting keys for wait (0:
// DefaultWait).
func New(s Stores, wait time.Duration) *Loaders {
	if wait <= 0 {
		wait = DefaultWait
	}
	opt := dataloadgen.WithWait(wait)
	l := &Loaders{}
	l.records(s, opt)
	l.perParent(s, opt)
	l.firstPages(s, opt)
	l.counts(s, opt)
	l.lists(s, opt)
	return l
}

// records are the loaders of one record by its id.
func (l *Loaders) records(s Stores, opt dataloadgen.Option) {
	l.Unit = dataloadgen.NewMappedLoader(s.Org.ByIDs, opt)
	l.Member = dataloadgen.NewMappedLoader(s.Members.ByIDs, opt)
	l.Activity = dataloadgen.NewMappedLoader(s.Activity.ActivitiesByIDs, opt)
	l.Campaign = dataloadgen.NewMappedLoader(s.Activity.CampaignsByIDs, opt)
	l.Contribution = dataloadgen.NewMappedLoader(s.Activity.ContributionsByIDs, opt)
	l.Commendation = dataloadgen.NewMappedLoader(s.Award.CommendationsByIDs, opt)
	l.Pledge = dataloadgen.NewMappedLoader(s.Award.PledgesByIDs, opt)
	l.Account = dataloadgen.NewMappedLoader(s.Accounts.ByIDs, opt)
	l.Post = dataloadgen.NewMappedLoader(s.News.ByIDs, opt)
	l.Photo = dataloadgen.NewMappedLoader(s.News.PhotosByIDs, opt)
	l.PlanTarget = dataloadgen.NewMappedLoader(s.Reports.TargetsByIDs, opt)
	l.UnitChange = dataloadgen.NewMappedLoader(s.Timeline.ChangesByIDs, opt)
	l.Position = dataloadgen.NewMappedLoader(s.Timeline.PositionsByIDs, opt)
	l.CommitteeTerm = dataloadgen.NewMappedLoader(s.Timeline.TermsByIDs, opt)
	l.UnitAsOf = dataloadgen.NewMappedLoader(s.Timeline.VersionsAsOf, opt)
	l.Heirs = dataloadgen.NewLoader(func(ctx context.Context, ids []int64) ([][]string, []error) {
		out, errs := make([][]string, len(ids)), make([]error, len(ids))
		for i, id := range ids {
			out[i], errs[i] = s.Timeline.HeirsOf(ctx, id)
		}
		return out, errs
	}, opt)
}

// perParent are the loaders of what belongs to one record, whole: a
// member's events, an activity's guests, a unit's figures.
func (l *Loaders) perParent(s Stores, opt dataloadgen.Option) {
	l.MemberEvents = dataloadgen.NewLoader(all(s.Members.EventsOf), opt)
	l.MemberRatings = dataloadgen.NewLoader(all(s.Members.RatingsOf), opt)
	l.UnitRatings = dataloadgen.NewLoader(all(s.Award.UnitRatingsOf), opt)
	l.PartyReferral = dataloadgen.NewMappedLoader(s.Members.ReferralsByIDs, opt)
	l.MemberReferrals = dataloadgen.NewLoader(all(s.Members.ReferralsOf), opt)
	l.Transfer = dataloadgen.NewMappedLoader(s.Members.TransfersByIDs, opt)
	l.DuesCollection = dataloadgen.NewMappedLoader(s.Dues.CollectionsByIDs, opt)
	l.DuesRemittance = dataloadgen.NewMappedLoader(s.Dues.RemittancesByIDs, opt)
	l.DuesPayments = dataloadgen.NewLoader(all(s.Dues.PaymentsOf), opt)
	l.ReportTexts = dataloadgen.NewLoader(all(s.Reports.TextsOf), opt)
	l.ReportSubmission = dataloadgen.NewMappedLoader(s.Reports.SubmissionsByIDs, opt)
	l.MemberTransfers = dataloadgen.NewLoader(all(s.Members.TransfersOf), opt)
	l.MemberHours = dataloadgen.NewLoader(func(ctx context.Context, keys []HoursKey) ([]float64, []error) {
		return grouped(ctx, keys, HoursKey.split, func(ctx context.Context, year int, ids []int64) (map[int64]float64, error) {
			var y *int
			if year != 0 {
				y = &year
			}
			return s.Activity.MemberHours(ctx, ids, y)
		})
	}, opt)
	l.Guests = dataloadgen.NewLoader(all(s.Activity.GuestsOf), opt)
	l.Contributions = dataloadgen.NewLoader(all(s.Activity.ContributionsOf), opt)
	l.Totals = newEager(all(s.Activity.TotalsOf), opt)
	l.PledgeCounts = dataloadgen.NewLoader(all(s.Award.CountsOf), opt)
	l.AccountRoles = dataloadgen.NewLoader(all(s.Accounts.RolesOf), opt)
	l.ManagedAccount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]bool, error) {
		return s.Accounts.ManagedOf(ctx, access.From(ctx), ids)
	}), opt)
	l.PostPhotos = dataloadgen.NewLoader(all(s.News.PhotosOf), opt)
	l.PostViews = dataloadgen.NewLoader(all(s.News.ViewsOf), opt)
	l.UnitStats = dataloadgen.NewLoader(func(ctx context.Context, keys []StatsKey) ([]*org.Stats, []error) {
		return grouped(ctx, keys, StatsKey.split, inYear(s.Org.StatsOf))
	}, opt)
	l.SubtreeSize = dataloadgen.NewLoader(all(s.Org.SubtreeSizes), opt)
}

// firstPages are the loaders of a record's nested lists' first pages.
func (l *Loaders) firstPages(s Stores, opt dataloadgen.Option) {
	l.Participants = newEager(func(ctx context.Context, keys []PageKey) ([]page.Page[*activity.Participation], []error) {
		return grouped(ctx, keys, PageKey.split, func(ctx context.Context, g pageGroup, ids []int64) (map[int64]page.Page[*activity.Participation], error) {
			pages, members, err := s.Activity.FirstParticipants(ctx, ids, access.From(ctx), g.first)
			// The listed members are read already: a list of participants
			// showing their names needs no second query.
			for _, m := range members {
				l.Member.Prime(m.ID, m)
			}
			return pages, err
		})
	}, opt)
	l.MemberParticipations = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*activity.Participation], []error) {
		return grouped(ctx, keys, PageKey.split, func(ctx context.Context, g pageGroup, ids []int64) (map[int64]page.Page[*activity.Participation], error) {
			return s.Activity.FirstParticipationsOf(ctx, ids, g.year, g.first)
		})
	}, opt)
	l.MemberCommendations = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*award.Commendation], []error) {
		return grouped(ctx, keys, PageKey.split, func(ctx context.Context, g pageGroup, ids []int64) (map[int64]page.Page[*award.Commendation], error) {
			return s.Award.FirstCommendationsOf(ctx, ids, access.From(ctx), g.first)
		})
	}, opt)
	l.Signatures = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*award.Signature], []error) {
		return grouped(ctx, keys, PageKey.split, func(ctx context.Context, g pageGroup, ids []int64) (map[int64]page.Page[*award.Signature], error) {
			return s.Award.FirstSignaturesOf(ctx, ids, access.From(ctx), g.first)
		})
	}, opt)
	for _, archived := range []bool{false, true} {
		children := dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*org.Unit], []error) {
			return grouped(ctx, keys, PageKey.split, func(ctx context.Context, g pageGroup, ids []int64) (map[int64]page.Page[*org.Unit], error) {
				return s.Org.FirstChildren(ctx, ids, g.first, archived)
			})
		}, opt)
		if archived {
			l.ChildrenAll = children
		} else {
			l.Children = children
		}
	}
}

// counts are the loaders of how long a record's nested lists are.
func (l *Loaders) counts(s Stores, opt dataloadgen.Option) {
	l.ParticipantCount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Activity.CountParticipantsOf(ctx, ids, access.From(ctx))
	}), opt)
	l.MemberParticipationCount = dataloadgen.NewLoader(func(ctx context.Context, keys []HoursKey) ([]int, []error) {
		return grouped(ctx, keys, HoursKey.split, inYear(s.Activity.CountParticipationsOf))
	}, opt)
	l.MemberCommendationCount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Award.CountCommendationsOf(ctx, ids, access.From(ctx))
	}), opt)
	l.SignatureCount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Award.CountSignaturesOf(ctx, ids, access.From(ctx))
	}), opt)
	l.ChildCount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Org.CountChildren(ctx, ids, false)
	}), opt)
	l.ChildCountAll = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Org.CountChildren(ctx, ids, true)
	}), opt)
}

// lists are the loaders of nested lists that take arguments.
func (l *Loaders) lists(s Stores, opt dataloadgen.Option) {
	l.UnitMembers = newLists(
		func(ctx context.Context, units []int64, a MemberList) (map[int64]page.Page[*member.Member], error) {
			a.Filter.Viewer = access.From(ctx)
			return s.Members.FirstPagesIn(ctx, units, a.Filter, a.Order, a.First)
		},
		func(ctx context.Context, units []int64, a MemberList) (map[int64]int, error) {
			a.Filter.Viewer = access.From(ctx)
			return s.Members.CountIn(ctx, units, a.Filter)
		}, opt)
	activities := func(parent activity.Parent) *Lists[ActivityList, *activity.Activity] {
		return newLists(
			func(ctx context.Context, ids []int64, a ActivityList) (map[int64]page.Page[*activity.Activity], error) {
				return s.Activity.FirstPagesOf(ctx, parent, ids, a.Filter, a.Order, a.First)
			},
			func(ctx context.Context, ids []int64, a ActivityList) (map[int64]int, error) {
				return s.Activity.CountsOf(ctx, parent, ids, a.Filter)
			}, opt)
	}
	l.UnitActivities, l.CampaignActivities = activities(activity.UnderUnit), activities(activity.InCampaign)
}

// all adapts a fetch returning a map into one where a key with no entry gets
// the zero value (no events, no guests) rather than a "not found" error.
func all[K comparable, V any](fetch func(context.Context, []K) (map[K]V, error)) func(context.Context, []K) ([]V, []error) {
	return func(ctx context.Context, keys []K) ([]V, []error) {
		m, err := fetch(ctx, keys)
		out := make([]V, len(keys))
		if err != nil {
			return out, []error{err}
		}
		for i, k := range keys {
			out[i] = m[k]
		}
		return out, nil
	}
}

// grouped batches keys into one fetch per group, given the ids of the
// group's keys (split tells a key's group and id), and hands each key its
// value: the zero value when fetch left it out, as all does.
func grouped[K any, G comparable, V any](ctx context.Context, keys []K, split func(K) (G, int64),
	fetch func(context.Context, G, []int64) (map[int64]V, error)) ([]V, []error) {
	type groupID struct {
		g  G
		id int64
	}
	groups := map[G][]int64{}
	for _, k := range keys {
		g, id := split(k)
		groups[g] = append(groups[g], id)
	}
	got := map[groupID]V{}
	for g, ids := range groups {
		m, err := fetch(ctx, g, ids)
		if err != nil {
			return make([]V, len(keys)), []error{err}
		}
		for id, v := range m {
			got[groupID{g, id}] = v
		}
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		g, id := split(k)
		out[i] = got[groupID{g, id}]
	}
	return out, nil
}

// inYear adapts a fetch for one year to grouped's fetch for a group that
// is a year.
func inYear[V any](fetch func(context.Context, []int64, int) (map[int64]V, error)) func(context.Context, int, []int64) (map[int64]V, error) {
	return func(ctx context.Context, year int, ids []int64) (map[int64]V, error) { return fetch(ctx, ids, year) }
}

// pageGroup is what first-page requests fetched together share.
type pageGroup struct{ first, year int }

func (k PageKey) split() (pageGroup, int64) { return pageGroup{k.First, k.Year}, k.ParentID }
func (k StatsKey) split() (int, int64)      { return k.Year, k.UnitID }
func (k HoursKey) split() (int, int64)      { return k.Year, k.MemberID }

var loadersKey ctxvalue.Key[*Loaders]

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context { return loadersKey.With(ctx, l) }

// From returns the request's loaders, if ctx has them.
func From(ctx context.Context) (*Loaders, bool) { return loadersKey.From(ctx) }

// For returns the request's loaders. It panics when the middleware that
// installs them is missing: that is a wiring bug, not a runtime condition.
func For(ctx context.Context) *Loaders {
	l, ok := loadersKey.From(ctx)
	if !ok {
		panic("loader: no loaders in context; is the loader middleware installed?")
	}
	return l
}
