package graph

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/page"
)

// The list queries and nested lists share these: decode the filter, read a
// page, and count only if the client asks for totalCount.

const maxSearch = 200

func searchText(s *string) (string, error) {
	if s == nil {
		return "", nil
	}
	if utf8.RuneCountInString(*s) > maxSearch {
		return "", &apperr.Error{Code: apperr.BadUserInput, Field: []string{"filter", "search"},
			Message: "search text is longer than 200 characters", VI: "Từ khóa tìm kiếm dài quá 200 ký tự."}
	}
	// Words are what is searched for; text of only spaces searches for
	// nothing, so it is no search at all rather than an empty condition.
	return strings.Join(strings.Fields(*s), " "), nil
}

// The years the Union can have records for (it was founded in 1931); a
// year filter outside them is a mistake, and one far outside would
// overflow the date arithmetic that turns years into date ranges.
const firstYear, lastYear = 1931, 2200

// yearArg checks a year given as an argument or filter field; field is
// its path for the error.
func yearArg(year *int32, field ...string) (*int, error) {
	if year == nil {
		return nil, nil
	}
	if *year < firstYear || *year > lastYear {
		return nil, &apperr.Error{Code: apperr.BadUserInput, Field: field,
			Message: "year must be between 1931 and 2200", VI: "Năm phải từ 1931 đến 2200."}
	}
	return intPtr(year), nil
}

func unitFilter(in *model.UnitFilter) (org.Filter, error) {
	var f org.Filter
	if in == nil {
		return f, nil
	}
	var err error
	if f.WithinUnitID, err = filterID(model.KindUnit, value(in.WithinUnitID)); err != nil {
		return f, err
	}
	if f.ParentID, err = filterID(model.KindUnit, value(in.ParentID)); err != nil {
		return f, err
	}
	f.Levels = list(in.Levels)
	if f.Search, err = searchText(value(in.Search)); err != nil {
		return f, err
	}
	if v := value(in.IncludeArchived); v != nil {
		f.IncludeArchived = *v
	}
	f.AsOf = value(in.AsOf)
	return f, nil
}

func (r *Resolver) listUnits(ctx context.Context, f org.Filter, first *int32, after *string) (*model.UnitConnection, error) {
	p, err := page.New(first, after)
	if err != nil {
		return nil, err
	}
	units, err := r.UnitStore.List(ctx, f, p)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(units, func(ctx context.Context) (int, error) { return r.UnitStore.Count(ctx, f) }), nil
}

func memberFilter(in *model.MemberFilter) (member.Filter, error) {
	var f member.Filter
	if in == nil {
		return f, nil
	}
	var err error
	if f.UnitID, err = filterID(model.KindUnit, value(in.UnitID)); err != nil {
		return f, err
	}
	f.Statuses = list(in.Statuses)
	f.Positions = list(in.Positions)
	f.Gender = value(in.Gender)
	f.MinAge, f.MaxAge = intPtr(value(in.MinAge)), intPtr(value(in.MaxAge))
	for _, age := range []*int{f.MinAge, f.MaxAge} {
		if age != nil && (*age < 0 || *age > 120) {
			return f, &apperr.Error{Code: apperr.BadUserInput, Field: []string{"filter", "minAge"},
				Message: "ages must be between 0 and 120", VI: "Tuổi phải từ 0 đến 120."}
		}
	}
	f.Search, err = searchText(value(in.Search))
	return f, err
}

func (r *Resolver) listMembers(ctx context.Context, f member.Filter, order *member.Order, first *int32, after *string) (*model.MemberConnection, error) {
	p, err := page.New(first, after)
	if err != nil {
		return nil, err
	}
	if err := checkAgeFilter(ctx, f); err != nil {
		return nil, err
	}
	f.Viewer = access.From(ctx)
	members, err := r.MemberStore.List(ctx, f, orderOr(order, member.ByName), p)
	if err == nil {
		err = notePersonalMatches(ctx, f, members.Items)
	}
	if err != nil {
		return nil, err
	}
	return model.NewConnection(members, func(ctx context.Context) (int, error) { return r.MemberStore.Count(ctx, f) }), nil
}

// unitMembers is a unit's member list. Its first page, as a list of units
// shows it, comes from a loader that fetches every listed unit's in one
// query; later pages are read one list at a time.
func (r *Resolver) unitMembers(ctx context.Context, unitID int64, f member.Filter, order *member.Order, first *int32, after *string) (*model.MemberConnection, error) {
	if err := checkAgeFilter(ctx, f); err != nil {
		return nil, err
	}
	args := loader.MemberList{Filter: f, Order: orderOr(order, member.ByName)}
	return nested(first, after, func(first int) (page.Page[*member.Member], error) {
		args.First = first
		list, err := loaders(ctx).UnitMembers.Page(ctx, unitID, args)
		if err == nil {
			err = notePersonalMatches(ctx, f, list.Items)
		}
		return list, err
	}, func(ctx context.Context) (int, error) {
		return loaders(ctx).UnitMembers.Count(ctx, unitID, args)
	}, func(page.Request) (*model.MemberConnection, error) {
		f.UnitID = &unitID
		return r.listMembers(ctx, f, order, first, after)
	})
}

// checkAgeFilter refuses age filters to callers who may not see birth
// dates: ages come from them, which are personal data.
func checkAgeFilter(ctx context.Context, f member.Filter) error {
	if f.ByPersonalData() && !access.From(ctx).IsOfficer() {
		return access.ErrPersonal
	}
	return nil
}

// notePersonalMatches logs, as reads of personal data, the members a
// filter on personal data matched: that a member is over 28 is read from
// their birth date as surely as the date itself. (The store matches only
// members whose personal data the caller may read.)
func notePersonalMatches(ctx context.Context, f member.Filter, members []*member.Member) error {
	if !f.ByPersonalData() {
		return nil
	}
	for _, m := range members {
		if err := personal(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func orderOr[T any](order *T, def T) T {
	if order != nil {
		return *order
	}
	return def
}

func activityFilter(in *model.ActivityFilter) (activity.Filter, error) {
	var f activity.Filter
	if in == nil {
		return f, nil
	}
	var err error
	if f.UnitID, err = filterID(model.KindUnit, value(in.UnitID)); err != nil {
		return f, err
	}
	if f.CampaignID, err = filterID(model.KindCampaign, value(in.CampaignID)); err != nil {
		return f, err
	}
	if f.Year, err = yearArg(value(in.Year), "filter", "year"); err != nil {
		return f, err
	}
	f.AsOf = value(in.AsOf)
	f.From, f.To = value(in.From), value(in.To)
	if f.From != nil && f.To != nil && f.To.Before(*f.From) {
		return f, &apperr.Error{Code: apperr.BadUserInput, Field: []string{"filter", "to"},
			Message: "the end of the date range (to) is before its start (from)",
			VI:      "Ngày kết thúc (to) trước ngày bắt đầu (from)."}
	}
	f.WorkAreas, f.Kinds, f.Statuses = list(in.WorkAreas), list(in.Kinds), list(in.Statuses)
	f.Search, err = searchText(value(in.Search))
	return f, err
}

func (r *Resolver) listActivities(ctx context.Context, f activity.Filter, order *activity.Order, first *int32, after *string) (*model.ActivityConnection, error) {
	p, err := page.New(first, after)
	if err != nil {
		return nil, err
	}
	acts, err := r.ActivityStore.List(ctx, f, orderOr(order, activity.NewestFirst), p)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(acts, func(ctx context.Context) (int, error) { return r.ActivityStore.Count(ctx, f) }), nil
}

// nestedActivities is the activity list of a unit or a campaign: first
// pages batched across the listed parents, later pages one list at a time.
func (r *Resolver) nestedActivities(ctx context.Context, parent activity.Parent, id int64, f activity.Filter, order *activity.Order, first *int32, after *string) (*model.ActivityConnection, error) {
	if parent == activity.UnderUnit && f.AsOf != nil {
		f.UnitID = &id // the subtree of a past day: read on its own, not batched with today's
		return r.listActivities(ctx, f, order, first, after)
	}
	lists := loaders(ctx).UnitActivities
	if parent == activity.InCampaign {
		lists = loaders(ctx).CampaignActivities
	}
	args := loader.ActivityList{Filter: f, Order: orderOr(order, activity.NewestFirst)}
	return nested(first, after, func(first int) (page.Page[*activity.Activity], error) {
		args.First = first
		return lists.Page(ctx, id, args)
	}, func(ctx context.Context) (int, error) {
		return lists.Count(ctx, id, args)
	}, func(page.Request) (*model.ActivityConnection, error) {
		if parent == activity.InCampaign {
			f.CampaignID = &id
		} else {
			f.UnitID = &id
		}
		return r.listActivities(ctx, f, order, first, after)
	})
}

func commendationFilter(in *model.CommendationFilter) (award.Filter, error) {
	var f award.Filter
	if in == nil {
		return f, nil
	}
	var err error
	if f.UnitID, err = filterID(model.KindUnit, value(in.UnitID)); err != nil {
		return f, err
	}
	if f.IssuedWithinUnitID, err = filterID(model.KindUnit, value(in.IssuedWithinUnitID)); err != nil {
		return f, err
	}
	if f.MemberID, err = filterID(model.KindMember, value(in.MemberID)); err != nil {
		return f, err
	}
	if f.Year, err = yearArg(value(in.Year), "filter", "year"); err != nil {
		return f, err
	}
	f.Forms = list(in.Forms)
	f.RecipientKind = value(in.RecipientKind)
	return f, nil
}

func (r *Resolver) listCommendations(ctx context.Context, f award.Filter, first *int32, after *string) (*model.CommendationConnection, error) {
	p, err := page.New(first, after)
	if err != nil {
		return nil, err
	}
	f.Viewer = access.From(ctx)
	list, err := r.AwardStore.Commendations(ctx, f, p)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(list, func(ctx context.Context) (int, error) { return r.AwardStore.CountCommendations(ctx, f) }), nil
}

// nested reads a page of a list nested in each item of another list (a
// unit's children, an activity's participants): the first page through
// batched, a loader that reads the first pages of every listed parent in
// one query, with count for its total; later pages, which a client asks
// for one parent at a time, through later.
func nested[T any](first *int32, after *string, batched func(first int) (page.Page[T], error),
	count func(context.Context) (int, error), later func(page.Request) (*model.Connection[T], error)) (*model.Connection[T], error) {
	p, err := page.New(first, after)
	if err != nil {
		return nil, err
	}
	if p.After != nil {
		return later(p)
	}
	list, err := batched(p.First)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(list, count), nil
}

// connection is a page with its count, as nested's later pages are.
func connection[T any](list page.Page[T], err error, count func(context.Context) (int, error)) (*model.Connection[T], error) {
	if err != nil {
		return nil, err
	}
	return model.NewConnection(list, count), nil
}
