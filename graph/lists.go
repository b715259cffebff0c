package graph

import (
	"context"
	"unicode/utf8"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
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
	return *s, nil
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
	viewer := access.From(ctx)
	if (f.MinAge != nil || f.MaxAge != nil) && !viewer.Admin && len(viewer.Officer) == 0 {
		// Ages come from dates of birth, which are personal data.
		return nil, access.ErrPersonal
	}
	f.Viewer = viewer
	o := member.ByName
	if order != nil {
		o = *order
	}
	members, err := r.MemberStore.List(ctx, f, o, p)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(members, func(ctx context.Context) (int, error) { return r.MemberStore.Count(ctx, f) }), nil
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
	f.Year = intPtr(value(in.Year))
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
	o := activity.NewestFirst
	if order != nil {
		o = *order
	}
	acts, err := r.ActivityStore.List(ctx, f, o, p)
	if err != nil {
		return nil, err
	}
	return model.NewConnection(acts, func(ctx context.Context) (int, error) { return r.ActivityStore.Count(ctx, f) }), nil
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
	f.Year = intPtr(value(in.Year))
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
