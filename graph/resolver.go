// Package graph is the GraphQL layer: schema files, generated execution code
// and thin resolvers that call the services in internal/.
package graph

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/dues"
	"github.com/sodoan/sodoan/internal/jobs"
	"github.com/sodoan/sodoan/internal/loader"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/report"
)

//go:generate go tool gqlgen generate
//go:generate go run ../internal/tools/seqlists generated.go concurrent_gen.go

// Resolver holds the services the resolvers call; nothing else, so every
// request's state lives in its context.
type Resolver struct {
	Pool          *pgxpool.Pool
	Version       string
	UnitStore     *org.Store
	MemberStore   *member.Store
	ActivityStore *activity.Store
	AwardStore    *award.Store
	AccountStore  *account.Store
	ReportStore   *report.Store
	NewsStore     *news.Store
	Timeline      *org.Timeline
	DuesStore     *dues.Store
	// Jobs runs what a request starts in the background (large imports).
	Jobs *jobs.Runner
}

// NewResolver wires the stores on pool; policy sets the sign-in rules.
func NewResolver(pool *pgxpool.Pool, version string, policy account.Policy) *Resolver {
	return &Resolver{
		Pool:          pool,
		Version:       version,
		UnitStore:     org.NewStore(pool),
		MemberStore:   member.NewStore(pool),
		ActivityStore: activity.NewStore(pool),
		AwardStore:    award.NewStore(pool),
		AccountStore:  account.NewStore(pool, policy),
		ReportStore:   report.NewStore(pool),
		NewsStore:     news.NewStore(pool),
		Timeline:      org.NewTimeline(pool),
		DuesStore:     dues.NewStore(pool),
		Jobs:          jobs.New(context.Background(), nil),
	}
}

// Stores are the loaders' sources.
func (r *Resolver) Stores() loader.Stores {
	return loader.Stores{Org: r.UnitStore, Members: r.MemberStore, Activity: r.ActivityStore, Award: r.AwardStore, Accounts: r.AccountStore, News: r.NewsStore, Reports: r.ReportStore, Timeline: r.Timeline, Dues: r.DuesStore}
}
