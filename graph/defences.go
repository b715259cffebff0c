package graph

import (
	"context"
	"strconv"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/account"
	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// selectionLimits refuses documents that ask for the same thing over and
// over, a cheap way to make a server do much work for a short query: more
// than MaxAliases aliased fields in the document, one field more than
// MaxRepeats times in one selection, more than MaxDirectives directives in
// one place, or more than MaxFields fields once fragments are expanded
// (each fragment counted once, so the count does not expand them).
//
// It runs before validation, on its own parse of the text: some of
// validation's rules take time in the square of what these bound (the
// same field many times in a selection, many directives in one place), so
// bounding them first keeps every check before execution linear.
type selectionLimits struct{ MaxAliases, MaxRepeats, MaxDirectives, MaxFields, Tokens int }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = selectionLimits{}

func (selectionLimits) ExtensionName() string                   { return "SelectionLimits" }
func (selectionLimits) Validate(graphql.ExecutableSchema) error { return nil }
func (l selectionLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.Tokens)
	if err != nil {
		return nil // the executor's own parse reports it
	}
	return l.check(ctx, doc)
}

func (l selectionLimits) check(ctx context.Context, doc *ast.QueryDocument) *gqlerror.Error {
	aliases := 0
	var worst struct {
		name  string
		times int
	}
	directives := 0
	b := newBudget(ctx)
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		seen := map[string]int{}
		for _, s := range set {
			if !b.step() {
				return
			}
			switch s := s.(type) {
			case *ast.Field:
				if s.Alias != "" && s.Alias != s.Name {
					aliases++
				}
				seen[s.Name]++
				if seen[s.Name] > worst.times {
					worst.name, worst.times = s.Name, seen[s.Name]
				}
				directives = max(directives, len(s.Directives))
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				directives = max(directives, len(s.Directives))
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				directives = max(directives, len(s.Directives))
			}
		}
	}
	for _, op := range doc.Operations {
		directives = max(directives, len(op.Directives))
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		directives = max(directives, len(f.Directives))
		walk(f.SelectionSet)
	}
	if b.err != nil {
		return b.err
	}
	if aliases > l.MaxAliases {
		return limitError(ctx, "ALIAS_LIMIT_EXCEEDED",
			"Truy vấn dùng "+strconv.Itoa(aliases)+" bí danh (alias), vượt giới hạn "+strconv.Itoa(l.MaxAliases)+"; hãy tách thành nhiều truy vấn.",
			"The document uses "+strconv.Itoa(aliases)+" aliases, more than the limit of "+strconv.Itoa(l.MaxAliases)+"; split it into several requests.")
	}
	if worst.times > l.MaxRepeats {
		return limitError(ctx, "FIELD_REPEAT_LIMIT_EXCEEDED",
			"Trường "+worst.name+" được hỏi "+strconv.Itoa(worst.times)+" lần trong một lựa chọn, vượt giới hạn "+strconv.Itoa(l.MaxRepeats)+".",
			"The field "+worst.name+" is asked for "+strconv.Itoa(worst.times)+" times in one selection, more than the limit of "+strconv.Itoa(l.MaxRepeats)+".")
	}
	if directives > l.MaxDirectives {
		return limitError(ctx, "DIRECTIVE_LIMIT_EXCEEDED",
			"Có "+strconv.Itoa(directives)+" chỉ thị (directive) ở cùng một chỗ, vượt giới hạn "+strconv.Itoa(l.MaxDirectives)+".",
			"There are "+strconv.Itoa(directives)+" directives in one place, more than the limit of "+strconv.Itoa(l.MaxDirectives)+".")
	}
	for _, op := range doc.Operations {
		count := fieldCount{budget: b, fragments: map[string]int{}}
		n := count.of(doc, op.SelectionSet)
		if b.err != nil {
			return b.err
		}
		if n > l.MaxFields {
			return limitError(ctx, "COMPLEXITY_LIMIT_EXCEEDED",
				"Truy vấn có "+strconv.Itoa(n)+" trường khi mở rộng các fragment, vượt giới hạn "+strconv.Itoa(l.MaxFields)+" (complexity); hãy hỏi ít hơn.",
				"The operation expands to "+strconv.Itoa(n)+" fields, more than the limit of "+strconv.Itoa(l.MaxFields)+" (complexity); ask for less.")
		}
	}
	return nil
}

// RateLimits are the budgets the endpoint enforces; a nil limiter is no limit.
type RateLimits struct {
	// Accounts and Anonymous charge each operation its complexity: per
	// signed-in account, and per client address for callers without one.
	// Signed-in callers are not limited by address, because a whole
	// provincial office may share one.
	Accounts, Anonymous *ratelimit.Limiter
	// Logins counts password attempts (login, passwordChange) per client
	// address, on top of the per-account slowdown and lock.
	Logins *ratelimit.Limiter
	// BadTokens counts bearer tokens that sign no one in, per client
	// address (applied by the HTTP layer).
	BadTokens *ratelimit.Limiter
	// TokenLookups is where an address that has spent BadTokens has its
	// unknown tokens looked up: one at a time per address and a few at
	// once overall, never refused, so a flood of invented tokens neither
	// keeps the database busy nor locks out a real session sent from the
	// same address. nil with BadTokens set: a gate of DefaultTokenLookups.
	TokenLookups *ratelimit.Gate
}

// DefaultTokenLookups is how many token lookups from over-budget addresses
// run at once across all of them.
const DefaultTokenLookups = 4

// rateLimit charges each operation what it costs, in the points the
// complexity limit computed, and refuses it (429, Retry-After) when the
// caller's budget for the minute is spent. It must run after the
// complexity extension.
type rateLimit struct{ RateLimits }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = rateLimit{}

func (rateLimit) ExtensionName() string                   { return "RateLimit" }
func (rateLimit) Validate(graphql.ExecutableSchema) error { return nil }

// requestCharge is rateLimit's charge of a point per request, which must
// run before any check of the document (the checks may refuse it).
type requestCharge struct{ rateLimit }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = requestCharge{}

func (requestCharge) ExtensionName() string { return "RequestCharge" }

// budget is the limiter and key the caller is charged to, or nil.
func (l rateLimit) budget(ctx context.Context) (*ratelimit.Limiter, string) {
	switch p := access.From(ctx); {
	case p.SignedIn() && l.Accounts != nil:
		return l.Accounts, "account:" + strconv.FormatInt(p.AccountID, 10)
	case !p.SignedIn() && l.Anonymous != nil:
		return l.Anonymous, ratelimit.AddressKey(account.ClientFrom(ctx).IP)
	}
	return nil, ""
}

// MutateOperationParameters charges every request a point before its
// document is parsed, so documents refused as malformed or over a limit
// (which never reach the complexity charge) are not free to send.
func (l requestCharge) MutateOperationParameters(ctx context.Context, _ *graphql.RawParams) *gqlerror.Error {
	lim, key := l.budget(ctx)
	if lim == nil {
		return nil
	}
	d := lim.Take(key, 1)
	ratelimit.Record(ctx, d)
	if d.Allowed {
		return nil
	}
	return rateLimitedError(ctx, d, 1)
}

// MutateOperationContext charges the rest of the operation's complexity.
func (l rateLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	lim, key := l.budget(ctx)
	if lim == nil {
		return nil
	}
	cost := 1
	if s, ok := oc.Stats.GetExtension("ComplexityLimit").(*extension.ComplexityStats); ok {
		cost = max(s.Complexity, 1)
	}
	if cost == 1 {
		return nil // paid before parsing
	}
	d := lim.Take(key, cost-1)
	if d.Allowed {
		d.Cost = cost
	}
	ratelimit.Record(ctx, d)
	if d.Allowed {
		return nil
	}
	return rateLimitedError(ctx, d, cost)
}

func rateLimitedError(ctx context.Context, d ratelimit.Decision, cost int) *gqlerror.Error {
	var vi, en string
	if d.RetryAfter == 0 {
		vi = "Truy vấn tốn " + strconv.Itoa(cost) + " điểm, nhiều hơn cả hạn mức " + strconv.Itoa(d.Limit) + " điểm mỗi phút; hãy hỏi trang nhỏ hơn (first nhỏ hơn)."
		en = "This request costs " + strconv.Itoa(cost) + " points, more than the whole budget of " + strconv.Itoa(d.Limit) + " points a minute; ask for smaller pages (a lower first)."
	} else {
		wait := strconv.Itoa(ratelimit.RetrySeconds(d.RetryAfter))
		vi = "Đã dùng hết hạn mức truy vấn (" + strconv.Itoa(d.Limit) + " điểm mỗi phút, còn " + strconv.Itoa(d.Remaining) + ", yêu cầu này tốn " + strconv.Itoa(cost) + "); hãy thử lại sau " + wait + " giây."
		en = "Rate limit reached (" + strconv.Itoa(d.Limit) + " points a minute, " + strconv.Itoa(d.Remaining) + " left, this request costs " + strconv.Itoa(cost) + "); try again in " + wait + " s."
	}
	return &gqlerror.Error{Message: i18n.Pick(ctx, vi, en), Extensions: map[string]any{
		"code": string(apperr.RateLimited), "cost": cost, "limit": d.Limit, "remaining": d.Remaining,
		"retryAfterSeconds": ratelimit.RetrySeconds(d.RetryAfter),
	}}
}

// loginAllowed refuses a sign-in attempt from an address that made too
// many in the last minute, so password guessing across many accounts is
// slowed as well as guessing at one.
func loginAllowed(ctx context.Context, l *ratelimit.Limiter) error {
	d := l.Take(ratelimit.AddressKey(account.ClientFrom(ctx).IP), 1)
	if d.Allowed {
		return nil
	}
	ratelimit.Record(ctx, d)
	wait := strconv.Itoa(ratelimit.RetrySeconds(d.RetryAfter))
	return &gqlerror.Error{Message: i18n.Pick(ctx,
		"Có quá nhiều lần đăng nhập từ địa chỉ này; hãy thử lại sau "+wait+" giây.",
		"Too many sign-in attempts from this address; try again in "+wait+" s."),
		Extensions: map[string]any{"code": string(apperr.RateLimited), "retryAfterSeconds": ratelimit.RetrySeconds(d.RetryAfter)}}
}

// limitError is a document refused by one of the limits, in the caller's
// language, with the limit's code.
func limitError(ctx context.Context, code, vi, en string) *gqlerror.Error {
	err := gqlerror.Errorf("%s", i18n.Pick(ctx, vi, en))
	errcode.Set(err, code)
	return err
}
