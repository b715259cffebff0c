package graph

import (
	"context"
	"math"
	"sort"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/graph/model"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/report"
)

// reportUnit decodes and checks the unit and year of a report or plan:
// reports name people (the committee), so only the unit's managers read them.
func reportUnit(ctx context.Context, unitID string, year int32) (int64, error) {
	id, err := model.DecodeID(model.KindUnit, unitID)
	if err != nil {
		return 0, err
	}
	if _, err := yearArg(&year, "year"); err != nil {
		return 0, err
	}
	if err := canManageUnit(ctx, id); err != nil {
		return 0, err
	}
	return id, nil
}

// plan assembles a unit's plan for a year with each target's progress.
func (r *Resolver) plan(ctx context.Context, unitID int64, year int) (*model.Plan, error) {
	u, err := loadOne(ctx, loaders(ctx).Unit, unitID)
	if err != nil || u == nil {
		return nil, err
	}
	targets, err := r.ReportStore.Targets(ctx, unitID, year)
	if err != nil {
		return nil, err
	}
	rep, err := r.ReportStore.YearlyParts(ctx, unitID, year, report.PlanParts)
	if err != nil {
		return nil, err
	}
	p := &model.Plan{Unit: u, Year: int32(year), ComputedUntil: rep.ComputedUntil, Targets: make([]*model.PlanTarget, len(targets))}
	for i, t := range targets {
		actual := report.Actual(rep, t.Metric, t.WorkArea)
		pt := &model.PlanTarget{
			ID: model.EncodeID(model.KindPlanTarget, t.ID), Metric: t.Metric, WorkArea: t.WorkArea,
			Target: t.Target, Note: t.Note, Actual: actual, Met: actual >= t.Target,
		}
		// A target so small that the quotient overflows (stored before
		// targets were bounded, or typed as 1e-320) has no progress to
		// show; +Inf would fail the whole answer's encoding.
		if progress := actual / t.Target; t.Target > 0 && !math.IsInf(progress, 0) && !math.IsNaN(progress) {
			pt.Progress = &progress
		}
		p.Targets[i] = pt
	}
	for _, s := range report.Suggest(rep.Previous) {
		p.Suggestions = append(p.Suggestions, &model.PlanTargetSuggestion{Metric: s.Metric, WorkArea: s.WorkArea, Target: s.Target})
	}
	return p, nil
}

// reportParts is what of the yearly report the query selects, so a tile
// showing two figures does not pay for the whole report.
func reportParts(ctx context.Context) report.Parts {
	return partsOf(graphql.GetOperationContext(ctx), graphql.CollectFieldsCtx(ctx, []string{"YearlyReport"}))
}

func partsOf(oc *graphql.OperationContext, fields []graphql.CollectedField) report.Parts {
	var p report.Parts
	// The fields that each need one part of the report and nothing more.
	needs := map[string]*bool{"ratings": &p.Ratings, "rating": &p.Ratings, "unitRatings": &p.Ratings, "newsPublished": &p.News, "dues": &p.Dues,
		"commendationsReceived": &p.Commendations, "commendationsGiven": &p.Commendations,
		"monthly": &p.Monthly, "committee": &p.Committee, "own": &p.Breakdown, "children": &p.Breakdown,
		"submittedRollup": &p.Breakdown}
	for _, f := range fields {
		if part, ok := needs[f.Name]; ok {
			*part = true
			continue
		}
		switch f.Name {
		case "pledges":
			// One page is read where every pledges field (aliases) asks
			// for the same; else the whole list, which each pages. A field
			// asking for a page the connection refuses reads nothing: its
			// resolver reports why.
			pg, ok := pledgesPageOf(oc, f)
			if !ok {
				continue
			}
			if !p.Pledges {
				p.PledgesPage = &pg
			} else if p.PledgesPage != nil && *p.PledgesPage != pg {
				p.PledgesPage = nil
			}
			p.Pledges = true
		case "members":
			p.Members = true
			for _, sub := range graphql.CollectFields(oc, f.Selections, []string{"ReportMembers"}) {
				p.YearStart = p.YearStart || sub.Name == "atYearStart"
				p.AgeLimit = p.AgeLimit || sub.Name == "atAgeLimit"
			}
		case "workAreas", "total":
			p.Activities = true
			for _, sub := range graphql.CollectFields(oc, f.Selections, []string{"WorkAreaFigures"}) {
				p.Notable = p.Notable || sub.Name == "notable"
			}
		case "previous":
			prev := partsOf(oc, graphql.CollectFields(oc, f.Selections, []string{"YearlyReport"}))
			p.Previous = &prev
		}
	}
	return p
}

// pledgesPageOf is the page a report's pledges field asks for; false
// where its arguments are not one the connection takes.
func pledgesPageOf(oc *graphql.OperationContext, f graphql.CollectedField) (report.PledgePage, bool) {
	args := f.ArgumentMap(oc.Variables)
	var first *int32
	if v := args["first"]; v != nil {
		n, err := graphql.UnmarshalInt32(v)
		if err != nil {
			return report.PledgePage{}, false
		}
		first = &n
	}
	var after *string
	if s, ok := args["after"].(string); ok {
		after = &s
	}
	_, pg, err := pledgesPage(first, after)
	return pg, err == nil
}

// pledgesPage decodes a page of a report's pledges: the page request and
// the place it starts after (a cursor is the place and id of the last
// pledge seen; none, the start of the list, sorts before every place).
func pledgesPage(first *int32, after *string) (page.Request, report.PledgePage, error) {
	p, err := page.New(first, after)
	if err != nil {
		return page.Request{}, report.PledgePage{}, err
	}
	pg := report.PledgePage{Limit: p.Limit()}
	if _, err := p.Key(&pg.AfterPlace, &pg.AfterID); err != nil {
		return page.Request{}, report.PledgePage{}, err
	}
	return p, pg, nil
}

// reportPledges pages rep's pledge figures, which the report computes
// whole or from the page on (report.PledgePage). The page's pledges are
// loaded in one batch where the query selects them, not in as many as the
// loader's waits split the figures' resolvers into.
func reportPledges(ctx context.Context, rep *report.Report, first *int32, after *string) (*model.Connection[*report.Pledge], error) {
	p, pg, err := pledgesPage(first, after)
	if err != nil {
		return nil, err
	}
	list := rep.Pledges
	start := sort.Search(len(list), func(i int) bool {
		return list[i].Place > pg.AfterPlace || (list[i].Place == pg.AfterPlace && list[i].PledgeID > pg.AfterID)
	})
	rows := make([]*report.Pledge, 0, p.Limit())
	for i := start; i < len(list) && len(rows) < p.Limit(); i++ {
		rows = append(rows, &list[i])
	}
	out := page.Trim(p, rows, func(x *report.Pledge) []any { return []any{x.Place, x.PledgeID} })
	if selectsPledge(ctx) && len(out.Items) > 0 {
		ids := make([]int64, len(out.Items))
		for i, x := range out.Items {
			ids[i] = x.PledgeID
		}
		_, _ = loaders(ctx).Pledge.LoadAll(ctx, ids) // a pledge that fails to load fails its own field
	}
	total := rep.PledgeCount
	return model.NewConnection(out, func(context.Context) (int, error) { return total, nil }), nil
}

// selectsPledge says whether the pledges connection being resolved
// selects its figures' pledge.
func selectsPledge(ctx context.Context) bool {
	oc := graphql.GetOperationContext(ctx)
	for _, edges := range graphql.CollectFieldsCtx(ctx, []string{"PledgeFiguresConnection"}) {
		if edges.Name != "edges" {
			continue
		}
		for _, node := range graphql.CollectFields(oc, edges.Selections, []string{"PledgeFiguresEdge"}) {
			if node.Name != "node" {
				continue
			}
			for _, f := range graphql.CollectFields(oc, node.Selections, []string{"PledgeFigures"}) {
				if f.Name == "pledge" {
					return true
				}
			}
		}
	}
	return false
}

// planTargetNode loads a plan target by ID, with its progress, for the
// managers of its unit (as plan(unitId, year) shows it).
func planTargetNode(ctx context.Context, r *Resolver, id int64) func() (model.Node, error) {
	load := loaders(ctx).PlanTarget.LoadThunk(ctx, id)
	return func() (model.Node, error) {
		t, err := found(load())
		if err != nil || t == nil {
			return nil, err
		}
		if err := canManageUnit(ctx, t.UnitID); err != nil {
			return nil, err
		}
		if err := r.chargeSubtree(ctx, t.UnitID); err != nil {
			return nil, err
		}
		p, err := r.plan(ctx, t.UnitID, t.Year)
		if err != nil || p == nil {
			return nil, err
		}
		want := model.EncodeID(model.KindPlanTarget, id)
		for _, pt := range p.Targets {
			if pt.ID == want {
				return pt, nil
			}
		}
		return nil, nil
	}
}

// documentKey names a unit's report document; a period left out is the year.
func documentKey(unitID int64, year int32, period *report.Period) report.DocumentKey {
	k := report.DocumentKey{UnitID: unitID, Year: int(year), Period: report.WholeYear}
	if period != nil {
		k.Period = *period
	}
	return k
}
