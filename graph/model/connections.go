package model

import (
	"context"

	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/activity"
	"github.com/sodoan/sodoan/internal/award"
	"github.com/sodoan/sodoan/internal/member"
	"github.com/sodoan/sodoan/internal/news"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/report"
)

// Node is anything node(id:) can return. gqlgen resolves the concrete type
// by a type switch, so the domain types need no marker methods.
type Node any

// CommendationRecipient is a *member.Member or an *org.Unit.
type CommendationRecipient any

// Counter computes a connection's totalCount only when a client asks for
// it: the count is a second query that most pages never need.
type Counter struct {
	count func(context.Context) (int, error)
}

// TotalCount runs the count.
func (c Counter) TotalCount(ctx context.Context) (int32, error) {
	n, err := c.count(ctx)
	return int32(n), err
}

func pageInfo(cursors []string, hasNext bool) *PageInfo {
	info := &PageInfo{HasNextPage: hasNext}
	if len(cursors) > 0 {
		info.StartCursor = &cursors[0]
		info.EndCursor = &cursors[len(cursors)-1]
	}
	return info
}

// Edge is one item of a connection with its cursor.
type Edge[T any] struct {
	Cursor string
	Node   T
}

// Connection is a Relay connection over items of type T.
type Connection[T any] struct {
	Edges    []*Edge[T]
	PageInfo *PageInfo
	Counter
}

// NewConnection wraps a page; count gives totalCount when asked for.
func NewConnection[T any](p page.Page[T], count func(context.Context) (int, error)) *Connection[T] {
	c := &Connection[T]{PageInfo: pageInfo(p.Cursors, p.HasNextPage), Counter: Counter{count}, Edges: make([]*Edge[T], len(p.Items))}
	for i, n := range p.Items {
		c.Edges[i] = &Edge[T]{Cursor: p.Cursors[i], Node: n}
	}
	return c
}

// The schema's connection and edge types, one per record type.
type (
	UnitConnection            = Connection[*org.Unit]
	UnitEdge                  = Edge[*org.Unit]
	MemberConnection          = Connection[*member.Member]
	MemberEdge                = Edge[*member.Member]
	ActivityConnection        = Connection[*activity.Activity]
	ActivityEdge              = Edge[*activity.Activity]
	CampaignConnection        = Connection[*activity.Campaign]
	CampaignEdge              = Edge[*activity.Campaign]
	ParticipationConnection   = Connection[*activity.Participation]
	ParticipationEdge         = Edge[*activity.Participation]
	CommendationConnection    = Connection[*award.Commendation]
	CommendationEdge          = Edge[*award.Commendation]
	PledgeConnection          = Connection[*award.Pledge]
	PledgeEdge                = Edge[*award.Pledge]
	PledgeFiguresConnection   = Connection[*report.Pledge]
	PledgeFiguresEdge         = Edge[*report.Pledge]
	PledgeSignatureConnection = Connection[*award.Signature]
	PledgeSignatureEdge       = Edge[*award.Signature]
	AccountConnection         = Connection[*account.Account]
	AccountEdge               = Edge[*account.Account]
	AuditEntryConnection      = Connection[*account.AuditEntry]
	AuditEntryEdge            = Edge[*account.AuditEntry]
	PostConnection            = Connection[*news.Post]
	PostEdge                  = Edge[*news.Post]
)
