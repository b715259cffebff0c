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
	MemberHours   *dataloadgen.Loader[HoursKey, float64]
	Guests        *dataloadgen.Loader[int64, []activity.Guest]
	Contributions *dataloadgen.Loader[int64, []*activity.Contribution]
	Totals        *dataloadgen.Loader[int64, activity.Totals]
	PledgeCounts  *dataloadgen.Loader[int64, award.PledgeCounts]
	Account       *dataloadgen.Loader[int64, *account.Account]
	AccountRoles  *dataloadgen.Loader[int64, []account.Role]
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
	// UnitAsOf is a unit's version of a day.
	UnitAsOf *dataloadgen.Loader[org.AsOfKey, *org.UnitVersion]
	// Participants and ParticipantCount see only the members the request's
	// caller may see.
	Participants     *dataloadgen.Loader[PageKey, page.Page[*activity.Participation]]
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

// wait is how long a loader collects keys before it queries: long enough
// for gqlgen to start sibling fields' resolvers, short enough not to show in
// a request that goes several levels deep. 2 ms cost a node-by-ID request
// about half of its time; half a millisecond split batches on a busy
// machine.
const wait = time.Millisecond

// New returns fresh loaders for one request.
func New(s Stores) *Loaders {
	opt := dataloadgen.WithWait(wait)
	l := &Loaders{
		Unit:          dataloadgen.NewMappedLoader(s.Org.ByIDs, opt),
		Member:        dataloadgen.NewMappedLoader(s.Members.ByIDs, opt),
		Activity:      dataloadgen.NewMappedLoader(s.Activity.ActivitiesByIDs, opt),
		Campaign:      dataloadgen.NewMappedLoader(s.Activity.CampaignsByIDs, opt),
		Contribution:  dataloadgen.NewMappedLoader(s.Activity.ContributionsByIDs, opt),
		Commendation:  dataloadgen.NewMappedLoader(s.Award.CommendationsByIDs, opt),
		Pledge:        dataloadgen.NewMappedLoader(s.Award.PledgesByIDs, opt),
		MemberEvents:  dataloadgen.NewLoader(all(s.Members.EventsOf), opt),
		MemberRatings: dataloadgen.NewLoader(all(s.Members.RatingsOf), opt),
		MemberHours:   dataloadgen.NewLoader(memberHours(s.Activity), opt),
		Guests:        dataloadgen.NewLoader(all(s.Activity.GuestsOf), opt),
		Contributions: dataloadgen.NewLoader(all(s.Activity.ContributionsOf), opt),
		Totals:        dataloadgen.NewLoader(all(s.Activity.TotalsOf), opt),
		PledgeCounts:  dataloadgen.NewLoader(all(s.Award.CountsOf), opt),
		Account:       dataloadgen.NewMappedLoader(s.Accounts.ByIDs, opt),
		AccountRoles:  dataloadgen.NewLoader(all(s.Accounts.RolesOf), opt),
		Post:          dataloadgen.NewMappedLoader(s.News.ByIDs, opt),
		Photo:         dataloadgen.NewMappedLoader(s.News.PhotosByIDs, opt),
		PlanTarget:    dataloadgen.NewMappedLoader(s.Reports.TargetsByIDs, opt),
		UnitChange:    dataloadgen.NewMappedLoader(s.Timeline.ChangesByIDs, opt),
		Position:      dataloadgen.NewMappedLoader(s.Timeline.PositionsByIDs, opt),
		UnitAsOf:      dataloadgen.NewMappedLoader(s.Timeline.VersionsAsOf, opt),
		PostPhotos:    dataloadgen.NewLoader(all(s.News.PhotosOf), opt),
		PostViews:     dataloadgen.NewLoader(all(s.News.ViewsOf), opt),
		UnitStats:     dataloadgen.NewLoader(byYear(s.Org.StatsOf), opt),
		SubtreeSize:   dataloadgen.NewLoader(all(s.Org.SubtreeSizes), opt),
		ManagedAccount: dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]bool, error) {
			return s.Accounts.ManagedOf(ctx, access.From(ctx), ids)
		}), opt),
		ParticipantCount: dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
			return s.Activity.CountParticipantsOf(ctx, ids, access.From(ctx))
		}), opt),
	}
	l.Participants = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*activity.Participation], []error) {
		return firstPages(ctx, keys, func(ctx context.Context, ids []int64, _, first int) (map[int64]page.Page[*activity.Participation], error) {
			pages, members, err := s.Activity.FirstParticipants(ctx, ids, access.From(ctx), first)
			// The listed members are read already: a list of participants
			// showing their names needs no second query.
			for _, m := range members {
				l.Member.Prime(m.ID, m)
			}
			return pages, err
		})
	}, opt)
	l.MemberParticipations = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*activity.Participation], []error) {
		return firstPages(ctx, keys, s.Activity.FirstParticipationsOf)
	}, opt)
	l.MemberParticipationCount = dataloadgen.NewLoader(func(ctx context.Context, keys []HoursKey) ([]int, []error) {
		skeys := make([]StatsKey, len(keys))
		for i, k := range keys {
			skeys[i] = StatsKey{UnitID: k.MemberID, Year: k.Year}
		}
		return byYear(s.Activity.CountParticipationsOf)(ctx, skeys)
	}, opt)
	l.MemberCommendations = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*award.Commendation], []error) {
		return firstPages(ctx, keys, func(ctx context.Context, ids []int64, _, first int) (map[int64]page.Page[*award.Commendation], error) {
			return s.Award.FirstCommendationsOf(ctx, ids, access.From(ctx), first)
		})
	}, opt)
	l.MemberCommendationCount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Award.CountCommendationsOf(ctx, ids, access.From(ctx))
	}), opt)
	l.Signatures = dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*award.Signature], []error) {
		return firstPages(ctx, keys, func(ctx context.Context, ids []int64, _, first int) (map[int64]page.Page[*award.Signature], error) {
			return s.Award.FirstSignaturesOf(ctx, ids, access.From(ctx), first)
		})
	}, opt)
	l.SignatureCount = dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
		return s.Award.CountSignaturesOf(ctx, ids, access.From(ctx))
	}), opt)
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
	for _, archived := range []bool{false, true} {
		children := dataloadgen.NewLoader(func(ctx context.Context, keys []PageKey) ([]page.Page[*org.Unit], []error) {
			return firstPages(ctx, keys, func(ctx context.Context, ids []int64, _, first int) (map[int64]page.Page[*org.Unit], error) {
				return s.Org.FirstChildren(ctx, ids, first, archived)
			})
		}, opt)
		count := dataloadgen.NewLoader(all(func(ctx context.Context, ids []int64) (map[int64]int, error) {
			return s.Org.CountChildren(ctx, ids, archived)
		}), opt)
		if archived {
			l.ChildrenAll, l.ChildCountAll = children, count
		} else {
			l.Children, l.ChildCount = children, count
		}
	}
	return l
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

// firstPages batches first-page requests with the same page size into one
// fetch per size.
func firstPages[V any](ctx context.Context, keys []PageKey, fetch func(context.Context, []int64, int, int) (map[int64]V, error)) ([]V, []error) {
	type group struct{ first, year int }
	groups := map[group][]int64{}
	for _, k := range keys {
		g := group{k.First, k.Year}
		groups[g] = append(groups[g], k.ParentID)
	}
	got := map[PageKey]V{}
	for g, ids := range groups {
		m, err := fetch(ctx, ids, g.year, g.first)
		if err != nil {
			return make([]V, len(keys)), []error{err}
		}
		for id, v := range m {
			got[PageKey{id, g.first, g.year}] = v
		}
	}
	out := make([]V, len(keys))
	for i, k := range keys {
		out[i] = got[k]
	}
	return out, nil
}

// byYear batches keys of one year into one fetch per distinct year.
func byYear[V any](fetch func(context.Context, []int64, int) (map[int64]V, error)) func(context.Context, []StatsKey) ([]V, []error) {
	return func(ctx context.Context, keys []StatsKey) ([]V, []error) {
		years := map[int][]int64{}
		for _, k := range keys {
			years[k.Year] = append(years[k.Year], k.UnitID)
		}
		got := map[StatsKey]V{}
		for y, ids := range years {
			m, err := fetch(ctx, ids, y)
			if err != nil {
				return make([]V, len(keys)), []error{err}
			}
			for id, v := range m {
				got[StatsKey{id, y}] = v
			}
		}
		out := make([]V, len(keys))
		for i, k := range keys {
			out[i] = got[k]
		}
		return out, nil
	}
}

// memberHours groups keys by year so each distinct year is one query.
func memberHours(s *activity.Store) func(context.Context, []HoursKey) ([]float64, []error) {
	return func(ctx context.Context, keys []HoursKey) ([]float64, []error) {
		byYear := map[int][]int64{}
		for _, k := range keys {
			byYear[k.Year] = append(byYear[k.Year], k.MemberID)
		}
		hours := map[HoursKey]float64{}
		for year, ids := range byYear {
			var y *int
			if year != 0 {
				y = &year
			}
			m, err := s.MemberHours(ctx, ids, y)
			if err != nil {
				return make([]float64, len(keys)), []error{err}
			}
			for id, h := range m {
				hours[HoursKey{id, year}] = h
			}
		}
		out := make([]float64, len(keys))
		for i, k := range keys {
			out[i] = hours[k]
		}
		return out, nil
	}
}

type ctxKey struct{}

// With returns ctx carrying l.
func With(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// For returns the request's loaders. It panics when the middleware that
// installs them is missing: that is a wiring bug, not a runtime condition.
func For(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loader: no loaders in context; is the loader middleware installed?")
	}
	return l
}
