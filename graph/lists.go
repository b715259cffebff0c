package graph

import (
	"context"
	"fmt"
	"github.com/99designs/gqlgen/graphql"
	"strings"
	"unicode/utf8"

	"github.com/vikstrous/dataloadgen"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/dues"
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

// filterArgs reads the fields of a filter that can be wrong (IDs, years,
// search text, ranges) and keeps the first mistake, so that a filter reads
// as one list of its fields and answers the error of the first bad one.
type filterArgs struct{ err error }

func (a *filterArgs) keep(err error) {
	if a.err == nil {
		a.err = err
	}
}

func (a *filterArgs) id(kind model.Kind, id *string) *int64 {
	n, err := filterID(kind, id)
	a.keep(err)
	return n
}

func (a *filterArgs) year(year *int32, field ...string) *int {
	y, err := yearArg(year, field...)
	a.keep(err)
	return y
}

func (a *filterArgs) search(s *string) string {
	t, err := searchText(s)
	a.keep(err)
	return t
}

// decodeFilter reads a list's filter argument with read; no filter is the
// zero filter.
func decodeFilter[In, F any](in *In, read func(in *In, a *filterArgs) F) (F, error) {
	var a filterArgs
	if in == nil {
		var none F
		return none, nil
	}
	f := read(in, &a)
	return f, a.err
}

// listed reads a page of a list queried on its own; count runs only if
// the client asks for totalCount.
func listed[T any](first *int32, after *string, read func(page.Request) (page.Page[T], error),
	count func(context.Context) (int, error)) (*model.Connection[T], error) {
	p, err := page.New(first, after)
	if err != nil {
		return nil, err
	}
	list, err := read(p)
	return connection(list, err, count)
}

// listedLazily is listed for lists whose page needs no check of its own:
// a query that selects only the count (a dashboard's tile) reads no page.
func listedLazily[T any](ctx context.Context, first *int32, after *string, read func(page.Request) (page.Page[T], error),
	count func(context.Context) (int, error)) (*model.Connection[T], error) {
	if after != nil || pageSelected(ctx) { // a cursor is checked by reading its page
		return listed(first, after, read, count)
	}
	if _, err := page.New(first, after); err != nil {
		return nil, err
	}
	return model.NewConnection(page.Page[T]{}, count), nil
}

// pageSelected reports whether the connection field of ctx selects
// anything but its count.
func pageSelected(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Definition == nil {
		return true
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, []string{fc.Field.Definition.Type.Name()}) {
		if f.Name != "totalCount" && f.Name != "__typename" {
			return true
		}
	}
	return false
}

func unitFilter(in *model.UnitFilter) (org.Filter, error) {
	return decodeFilter(in, func(in *model.UnitFilter, a *filterArgs) org.Filter {
		f := org.Filter{WithinUnitID: a.id(model.KindUnit, value(in.WithinUnitID)),
			ParentID: a.id(model.KindUnit, value(in.ParentID)), Levels: list(in.Levels),
			Search: a.search(value(in.Search)), AsOf: value(in.AsOf)}
		if v := value(in.IncludeArchived); v != nil {
			f.IncludeArchived = *v
		}
		return f
	})
}

func (r *Resolver) listUnits(ctx context.Context, f org.Filter, first *int32, after *string) (*model.UnitConnection, error) {
	return listedLazily(ctx, first, after, func(p page.Request) (page.Page[*org.Unit], error) {
		return r.UnitStore.List(ctx, f, p)
	}, func(ctx context.Context) (int, error) { return r.UnitStore.Count(ctx, f) })
}

func memberFilter(in *model.MemberFilter) (member.Filter, error) {
	return decodeFilter(in, func(in *model.MemberFilter, a *filterArgs) member.Filter {
		f := member.Filter{UnitID: a.id(model.KindUnit, value(in.UnitID)),
			Statuses: list(in.Statuses), Positions: list(in.Positions), Gender: value(in.Gender),
			MinAge: intPtr(value(in.MinAge)), MaxAge: intPtr(value(in.MaxAge)),
			Turns30By: value(in.Turns30By), Turns30From: value(in.Turns30From)}
		for _, age := range []struct {
			name string
			n    *int
		}{{"minAge", f.MinAge}, {"maxAge", f.MaxAge}} {
			if age.n != nil && (*age.n < 0 || *age.n > 120) {
				a.keep(&apperr.Error{Code: apperr.BadUserInput, Field: []string{"filter", age.name},
					Message: "ages must be between 0 and 120", VI: "Tuổi phải từ 0 đến 120."})
			}
		}
		if f.Turns30From != nil && (f.Turns30By == nil || f.Turns30From.After(*f.Turns30By)) {
			a.keep(&apperr.Error{Code: apperr.BadUserInput, Field: []string{"filter", "turns30From"},
				Message: "turns30From needs turns30By, on or after it", VI: "turns30From cần đi cùng turns30By, không sau ngày đó."})
		}
		f.Search = a.search(value(in.Search))
		return f
	})
}

func (r *Resolver) listMembers(ctx context.Context, f member.Filter, order *member.Order, first *int32, after *string) (*model.MemberConnection, error) {
	return listed(first, after, func(p page.Request) (page.Page[*member.Member], error) {
		if err := checkAgeFilter(ctx, f); err != nil {
			return page.Page[*member.Member]{}, err
		}
		f.Viewer = access.From(ctx)
		members, err := r.MemberStore.List(ctx, f, orderOr(order, member.ByName), p)
		if err == nil {
			err = notePersonalMatches(ctx, f, members.Items)
		}
		return members, err
	}, func(ctx context.Context) (int, error) { return r.MemberStore.Count(ctx, f) })
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
	return decodeFilter(in, func(in *model.ActivityFilter, a *filterArgs) activity.Filter {
		f := activity.Filter{UnitID: a.id(model.KindUnit, value(in.UnitID)),
			CampaignID: a.id(model.KindCampaign, value(in.CampaignID)),
			Year:       a.year(value(in.Year), "filter", "year"),
			AsOf:       value(in.AsOf), From: value(in.From), To: value(in.To),
			WorkAreas: list(in.WorkAreas), Kinds: list(in.Kinds), Statuses: list(in.Statuses)}
		if f.From != nil && f.To != nil && f.To.Before(*f.From) {
			a.keep(&apperr.Error{Code: apperr.BadUserInput, Field: []string{"filter", "to"},
				Message: "the end of the date range (to) is before its start (from)",
				VI:      "Ngày kết thúc (to) trước ngày bắt đầu (from)."})
		}
		f.Search = a.search(value(in.Search))
		return f
	})
}

func (r *Resolver) listActivities(ctx context.Context, f activity.Filter, order *activity.Order, first *int32, after *string) (*model.ActivityConnection, error) {
	conn, err := listedLazily(ctx, first, after, func(p page.Request) (page.Page[*activity.Activity], error) {
		return r.ActivityStore.List(ctx, f, orderOr(order, activity.NewestFirst), p)
	}, func(ctx context.Context) (int, error) { return r.ActivityStore.Count(ctx, f) })
	return prefetchActivities(ctx, conn), err
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
	conn, err := nested(first, after, func(first int) (page.Page[*activity.Activity], error) {
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
	if err != nil || after != nil {
		return conn, err // a later page: listActivities prefetched it
	}
	return prefetchActivities(ctx, conn), nil
}

func commendationFilter(in *model.CommendationFilter) (award.Filter, error) {
	return decodeFilter(in, func(in *model.CommendationFilter, a *filterArgs) award.Filter {
		return award.Filter{UnitID: a.id(model.KindUnit, value(in.UnitID)),
			IssuedWithinUnitID: a.id(model.KindUnit, value(in.IssuedWithinUnitID)),
			MemberID:           a.id(model.KindMember, value(in.MemberID)),
			Year:               a.year(value(in.Year), "filter", "year"),
			Forms:              list(in.Forms), RecipientKind: value(in.RecipientKind)}
	})
}

func (r *Resolver) listCommendations(ctx context.Context, f award.Filter, first *int32, after *string) (*model.CommendationConnection, error) {
	return listed(first, after, func(p page.Request) (page.Page[*award.Commendation], error) {
		f.Viewer = access.From(ctx)
		return r.AwardStore.Commendations(ctx, f, p)
	}, func(ctx context.Context) (int, error) { return r.AwardStore.CountCommendations(ctx, f) })
}

func campaignFilter(in *model.CampaignFilter) (activity.CampaignFilter, error) {
	return decodeFilter(in, func(in *model.CampaignFilter, a *filterArgs) activity.CampaignFilter {
		return activity.CampaignFilter{ForUnitID: a.id(model.KindUnit, value(in.ForUnitID)),
			Year: a.year(value(in.Year), "filter", "year"), WorkArea: value(in.WorkArea),
			Search: a.search(value(in.Search))}
	})
}

func auditFilter(in *model.AuditFilter) (account.AuditFilter, error) {
	return decodeFilter(in, func(in *model.AuditFilter, a *filterArgs) account.AuditFilter {
		f := account.AuditFilter{UnitID: a.id(model.KindUnit, value(in.UnitID)),
			MemberID: a.id(model.KindMember, value(in.MemberID)), AccountID: a.id(model.KindAccount, value(in.AccountID)),
			Actions: list(in.Actions)}
		if e := value(in.Entity); e != nil {
			f.Entity = *e
		}
		return f
	})
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

// seenList is a list nested in a record that shows only what the caller
// may see (an activity's participants, a pledge's signatures): first
// pages through pages, later ones from later, for viewer. Its count is of
// what they see (seen), except for an administrator, who sees everything:
// theirs is the record's own total, loaded with its other figures.
func seenList[T any](ctx context.Context, parentID int64, first *int32, after *string,
	pages *dataloadgen.Loader[loader.PageKey, page.Page[T]], seen *dataloadgen.Loader[int64, int],
	total func(context.Context) (int, error),
	later func(viewer *access.Principal, p page.Request) (page.Page[T], error)) (*model.Connection[T], error) {
	viewer := access.From(ctx)
	count := func(ctx context.Context) (int, error) {
		if !viewer.Admin {
			return seen.Load(ctx, parentID)
		}
		return total(ctx)
	}
	return nested(first, after, func(first int) (page.Page[T], error) {
		return pages.Load(ctx, loader.PageKey{ParentID: parentID, First: first})
	}, count, func(p page.Request) (*model.Connection[T], error) {
		list, err := later(viewer, p)
		return connection(list, err, count)
	})
}

// connection is a page with its count, as nested's later pages are.
func connection[T any](list page.Page[T], err error, count func(context.Context) (int, error)) (*model.Connection[T], error) {
	if err != nil {
		return nil, err
	}
	return model.NewConnection(list, count), nil
}

func (r *Resolver) listCampaigns(ctx context.Context, filter *model.CampaignFilter, first *int32, after *string) (*model.Connection[*activity.Campaign], error) {
	f, err := campaignFilter(filter)
	if err != nil {
		return nil, err
	}
	return listed(first, after, func(p page.Request) (page.Page[*activity.Campaign], error) {
		return r.ActivityStore.Campaigns(ctx, f, p)
	}, func(ctx context.Context) (int, error) { return r.ActivityStore.CountCampaigns(ctx, f) })
}

func (r *Resolver) listPledges(ctx context.Context, unitID *string, year *int32, first *int32, after *string) (*model.Connection[*award.Pledge], error) {
	var a filterArgs
	f := award.PledgeFilter{UnitID: a.id(model.KindUnit, unitID), Year: a.year(year, "year")}
	if a.err != nil {
		return nil, a.err
	}
	return listed(first, after, func(p page.Request) (page.Page[*award.Pledge], error) {
		return r.AwardStore.Pledges(ctx, f, p)
	}, func(ctx context.Context) (int, error) { return r.AwardStore.CountPledges(ctx, f) })
}

// auditLog is the audit log, for officers only: the filter is read once
// the caller is known to be one.
func (r *Resolver) auditLog(ctx context.Context, filter *model.AuditFilter, first *int32, after *string) (*model.Connection[*account.AuditEntry], error) {
	var f account.AuditFilter
	return listed(first, after, func(p page.Request) (page.Page[*account.AuditEntry], error) {
		viewer := access.From(ctx)
		err := viewer.RequireOfficer()
		if err == nil {
			f, err = auditFilter(filter)
			f.Visible = viewer
		}
		if err != nil {
			return page.Page[*account.AuditEntry]{}, err
		}
		return r.AccountStore.Audit(ctx, f, p)
	}, func(ctx context.Context) (int, error) { return r.AccountStore.CountAudit(ctx, f) })
}

// unitTransfers lists a unit's transfers in or out, for its managers.
func (r *Resolver) unitTransfers(ctx context.Context, unitID int64, in bool, status *member.TransferStatus, first *int32) ([]*member.MemberTransfer, error) {
	if err := canManageUnit(ctx, unitID); err != nil {
		return nil, err
	}
	n, err := boundedFirst(first, 50, member.MaxTransfersListed)
	if err != nil {
		return nil, err
	}
	l := member.TransferList{UnitID: unitID, In: in, Status: member.TransferPending, First: n}
	if status != nil {
		l.Status = *status
	}
	list, err := r.MemberStore.Transfers(ctx, l)
	if list == nil {
		list = []*member.MemberTransfer{}
	}
	return list, err
}

// unitRemittances lists a unit's dues remittances in (from the units
// below) or out (to the level above), for its officers.
func (r *Resolver) unitRemittances(ctx context.Context, unitID int64, in bool, status *dues.RemittanceStatus, first *int32) ([]*dues.Remittance, error) {
	if err := canManageUnit(ctx, unitID); err != nil {
		return nil, err
	}
	n, err := boundedFirst(first, 50, dues.MaxListed)
	if err != nil {
		return nil, err
	}
	list, err := r.DuesStore.Remittances(ctx, dues.RemittanceList{UnitID: unitID, In: in, Status: status, First: n})
	if list == nil {
		list = []*dues.Remittance{}
	}
	return list, err
}

// boundedFirst is a plain list's page size: def when left out, else
// between 0 and most.
func boundedFirst(first *int32, def, most int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 0 || int(*first) > most {
		return 0, &apperr.Error{Code: apperr.BadUserInput, Field: []string{"first"},
			Message: fmt.Sprintf("first must be between 0 and %d", most), VI: fmt.Sprintf("first phải từ 0 đến %d.", most)}
	}
	return int(*first), nil
}
