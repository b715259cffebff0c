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
// same field many times in a selection, many directives in one place,
// many fragments spread into one selection), so bounding them first keeps
// every check before execution linear. The overlap rule merges the fields
// of inline fragments into the selection around them, so a field repeated
// across inline fragments counts there too (up to MaxMerged times, more
// than MaxRepeats so that "... on A { id } ... on B { id }" stays fine),
// and so do the distinct fragments spread into it (MaxSpreads). A spread
// of an undefined fragment and a cycle of fragments are refused here with
// one error: validation's own rules spend the square of their number on
// them (and write every cycle's whole path).
// mergedRepeats times FieldRepeats is how often one response name may
// appear in a selection counting its inline fragments; spreadsPerSelection
// is how many different fragments one selection may spread.
const (
	mergedRepeats       = 4
	spreadsPerSelection = 50
)

type selectionLimits struct {
	schemaless
	MaxAliases, MaxRepeats, MaxDirectives, MaxFields, Tokens int
	MaxMerged, MaxSpreads                                    int
	// Parsed is the executor's cache of parsed documents: it holds only
	// documents that passed these checks and validation, so a text found
	// there is not parsed and checked again.
	Parsed graphql.Cache[*ast.QueryDocument]
}

func (selectionLimits) ExtensionName() string { return "SelectionLimits" }
func (l selectionLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if l.Parsed != nil {
		if _, seen := l.Parsed.Get(ctx, p.Query); seen {
			return nil
		}
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.Tokens)
	if err != nil {
		return nil // the executor's own parse reports it
	}
	return l.check(ctx, doc)
}

func (l selectionLimits) check(ctx context.Context, doc *ast.QueryDocument) *gqlerror.Error {
	b := newBudget(ctx)
	counts := countSelections(b, doc)
	if b.err != nil {
		return b.err
	}
	if err := fragmentGraph(ctx, b, doc); err != nil {
		return err
	}
	if err := l.refuseCounts(ctx, counts); err != nil {
		return err
	}
	return l.refuseExpanded(ctx, b, doc)
}

// selectionCounts are the most the document asks for of what
// selectionLimits bounds, each with what it is about.
type selectionCounts struct {
	aliases int // aliased fields in the whole document
	// worst is the field asked for most often in one selection, merged
	// the response name most often in one selection and its inline
	// fragments.
	worst, merged struct {
		name  string
		times int
	}
	directives int // the most directives in one place
	spreads    int // the most distinct fragments spread into one selection
}

// countSelections walks every operation and fragment once, each selection
// with its inline fragments as the overlap rule merges them, spending b.
func countSelections(b *budget, doc *ast.QueryDocument) selectionCounts {
	var c selectionCounts
	// flat counts response names and fragment spreads over a selection
	// and the inline fragments within it, as the overlap rule merges them.
	type flat struct {
		names   map[string]int
		spreads map[string]bool
	}
	var walk func(ast.SelectionSet, flat)
	walk = func(set ast.SelectionSet, into flat) {
		seen := map[string]int{}
		for _, s := range set {
			if !b.step() {
				return
			}
			switch s := s.(type) {
			case *ast.Field:
				if s.Alias != "" && s.Alias != s.Name {
					c.aliases++
				}
				seen[s.Name]++
				if seen[s.Name] > c.worst.times {
					c.worst.name, c.worst.times = s.Name, seen[s.Name]
				}
				name := s.Alias
				if name == "" {
					name = s.Name
				}
				into.names[name]++
				if into.names[name] > c.merged.times {
					c.merged.name, c.merged.times = name, into.names[name]
				}
				c.directives = max(c.directives, len(s.Directives))
				walk(s.SelectionSet, flat{names: map[string]int{}, spreads: map[string]bool{}})
			case *ast.InlineFragment:
				c.directives = max(c.directives, len(s.Directives))
				walk(s.SelectionSet, into)
			case *ast.FragmentSpread:
				c.directives = max(c.directives, len(s.Directives))
				into.spreads[s.Name] = true
				c.spreads = max(c.spreads, len(into.spreads))
			}
		}
	}
	for _, op := range doc.Operations {
		c.directives = max(c.directives, len(op.Directives))
		walk(op.SelectionSet, flat{names: map[string]int{}, spreads: map[string]bool{}})
	}
	for _, f := range doc.Fragments {
		c.directives = max(c.directives, len(f.Directives))
		walk(f.SelectionSet, flat{names: map[string]int{}, spreads: map[string]bool{}})
	}
	return c
}

// refuseCounts refuses a document over one of the counted limits, the
// first in a fixed order, so the same document always gets the same error.
func (l selectionLimits) refuseCounts(ctx context.Context, c selectionCounts) *gqlerror.Error {
	if c.aliases > l.MaxAliases {
		return limitError(ctx, "ALIAS_LIMIT_EXCEEDED",
			"Truy vấn dùng "+strconv.Itoa(c.aliases)+" bí danh (alias), vượt giới hạn "+strconv.Itoa(l.MaxAliases)+"; hãy tách thành nhiều truy vấn.",
			"The document uses "+strconv.Itoa(c.aliases)+" aliases, more than the limit of "+strconv.Itoa(l.MaxAliases)+"; split it into several requests.")
	}
	if c.worst.times > l.MaxRepeats {
		return limitError(ctx, "FIELD_REPEAT_LIMIT_EXCEEDED",
			"Trường "+c.worst.name+" được hỏi "+strconv.Itoa(c.worst.times)+" lần trong một lựa chọn, vượt giới hạn "+strconv.Itoa(l.MaxRepeats)+".",
			"The field "+c.worst.name+" is asked for "+strconv.Itoa(c.worst.times)+" times in one selection, more than the limit of "+strconv.Itoa(l.MaxRepeats)+".")
	}
	if l.MaxMerged > 0 && c.merged.times > l.MaxMerged {
		return limitError(ctx, "FIELD_REPEAT_LIMIT_EXCEEDED",
			"Trường "+c.merged.name+" được hỏi "+strconv.Itoa(c.merged.times)+" lần trong một lựa chọn và các fragment của nó, vượt giới hạn "+strconv.Itoa(l.MaxMerged)+".",
			"The field "+c.merged.name+" is asked for "+strconv.Itoa(c.merged.times)+" times in one selection and its inline fragments, more than the limit of "+strconv.Itoa(l.MaxMerged)+".")
	}
	if l.MaxSpreads > 0 && c.spreads > l.MaxSpreads {
		return limitError(ctx, "FIELD_REPEAT_LIMIT_EXCEEDED",
			"Có "+strconv.Itoa(c.spreads)+" fragment khác nhau được dùng trong một lựa chọn, vượt giới hạn "+strconv.Itoa(l.MaxSpreads)+".",
			strconv.Itoa(c.spreads)+" different fragments are spread into one selection, more than the limit of "+strconv.Itoa(l.MaxSpreads)+".")
	}
	if c.directives > l.MaxDirectives {
		return limitError(ctx, "DIRECTIVE_LIMIT_EXCEEDED",
			"Có "+strconv.Itoa(c.directives)+" chỉ thị (directive) ở cùng một chỗ, vượt giới hạn "+strconv.Itoa(l.MaxDirectives)+".",
			"There are "+strconv.Itoa(c.directives)+" directives in one place, more than the limit of "+strconv.Itoa(l.MaxDirectives)+".")
	}
	return nil
}

// refuseExpanded refuses an operation with more than MaxFields fields once
// its fragments are expanded; fieldCount counts each fragment once per
// operation, so the count stays linear however often they are spread.
func (l selectionLimits) refuseExpanded(ctx context.Context, b *budget, doc *ast.QueryDocument) *gqlerror.Error {
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
	// HeavyPerCaller is how many operations with subtree aggregates (stats,
	// reports, plans) one caller runs at once; 0 means
	// DefaultHeavyPerCaller. More wait their turn (see heavyLimit).
	HeavyPerCaller int
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
type rateLimit struct {
	schemaless
	RateLimits
}

func (rateLimit) ExtensionName() string { return "RateLimit" }

// requestCharge is rateLimit's charge for the request's size (at least a
// point), which must run before any check of the document (the checks may
// refuse it).
//
// It holds the budgets, not rateLimit itself: embedding rateLimit would
// make it a context mutator too, and gqlgen would run the complexity
// charge twice.
type requestCharge struct {
	schemaless
	RateLimits
}

func (requestCharge) ExtensionName() string { return "RequestCharge" }

// budget is the limiter and key the caller is charged to, or nil.
func (l rateLimit) budget(ctx context.Context) (*ratelimit.Limiter, string) {
	switch signedIn := access.From(ctx).SignedIn(); {
	case signedIn && l.Accounts != nil:
		return l.Accounts, callerKey(ctx)
	case !signedIn && l.Anonymous != nil:
		return l.Anonymous, callerKey(ctx)
	}
	return nil, ""
}

// callerKey names whom a budget is kept for: the account signed in, else
// the client's address.
func callerKey(ctx context.Context) string {
	if p := access.From(ctx); p.SignedIn() {
		return "account:" + strconv.FormatInt(p.AccountID, 10)
	}
	return ratelimit.AddressKey(account.ClientFrom(ctx).IP)
}

// tooMany is a RATE_LIMITED refusal that says when to try again.
func tooMany(ctx context.Context, retryAfterSeconds int, vi, en string) *gqlerror.Error {
	return &gqlerror.Error{Message: i18n.Pick(ctx, vi, en),
		Extensions: map[string]any{"code": string(apperr.RateLimited), "retryAfterSeconds": retryAfterSeconds}}
}

// sizeFreeBytes is how much of a request is included in its first point;
// each further KiB begun costs a point more.
const sizeFreeBytes = 1 << 10

// SizePoints prices reading and parsing n bytes of request: 1 point up to
// a KiB, then a point per KiB begun. Decoding and parsing take time in the
// size of the text whatever it asks for, so a large body, even one that
// is refused, is not priced like a small one.
func SizePoints(n int64) int {
	if n <= sizeFreeBytes {
		return 1
	}
	return int((n + sizeFreeBytes - 1) / sizeFreeBytes)
}

// MutateOperationParameters charges every request for its size before its
// document is parsed, so documents refused as malformed or over a limit
// (which never reach the complexity charge) are not free to send, and
// large ones cost what reading them costs.
func (l requestCharge) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	size := requestRecordFrom(ctx)
	if size != nil {
		size.params = p
	}
	lim, key := rateLimit(l).budget(ctx)
	if lim == nil {
		return nil
	}
	cost := 1
	if size != nil {
		cost = SizePoints(size.bytes)
	}
	d := lim.Take(key, cost)
	ratelimit.Record(ctx, d)
	if !d.Allowed {
		return rateLimitedError(ctx, d, cost)
	}
	if size != nil {
		size.charged = cost
	}
	return nil
}

// MutateOperationContext charges the rest of the operation's complexity:
// the request's first point, paid with its size, pays the first point of
// it.
func (l rateLimit) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	lim, key := l.budget(ctx)
	if lim == nil {
		return nil
	}
	cost := 1
	if s, ok := oc.Stats.GetExtension(costStatsKey).(*extension.ComplexityStats); ok {
		cost = max(s.Complexity, 1)
	}
	paid := 1
	if size := requestRecordFrom(ctx); size != nil && size.charged > 0 {
		paid = size.charged
	}
	if cost == 1 {
		return nil // paid before parsing
	}
	d := lim.Take(key, cost-1)
	if d.Allowed {
		d.Cost = paid + cost - 1 // the headers and rateLimit field show the whole charge
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
	seconds := ratelimit.RetrySeconds(d.RetryAfter)
	wait := strconv.Itoa(seconds)
	return tooMany(ctx, seconds,
		"Có quá nhiều lần đăng nhập từ địa chỉ này; hãy thử lại sau "+wait+" giây.",
		"Too many sign-in attempts from this address; try again in "+wait+" s.")
}

// fragmentGraph refuses, with one validation error, a spread of a
// fragment the document does not define and a fragment that spreads
// itself through others, in time linear in the document (a depth-first
// walk that visits each fragment once).
func fragmentGraph(ctx context.Context, b *budget, doc *ast.QueryDocument) *gqlerror.Error {
	// The first definition of a name is the one used; validation reports
	// the duplicates.
	defs := make(map[string]*ast.FragmentDefinition, len(doc.Fragments))
	for _, f := range doc.Fragments {
		if _, dup := defs[f.Name]; !dup {
			defs[f.Name] = f
		}
	}
	for _, op := range doc.Operations {
		for _, s := range spreadsWithin(b, op.SelectionSet) {
			if defs[s.Name] == nil {
				return unknownFragment(ctx, s)
			}
		}
	}
	return fragmentCycles(ctx, b, doc, defs)
}

// fragmentCycles walks the fragments depth first from each not yet
// visited, refusing a spread of a fragment on the current path (a cycle)
// or of one not defined.
func fragmentCycles(ctx context.Context, b *budget, doc *ast.QueryDocument, defs map[string]*ast.FragmentDefinition) *gqlerror.Error {
	const (
		unvisited = iota
		onPath
		done
	)
	state := make(map[string]int, len(defs))
	type frame struct {
		name    string
		spreads []*ast.FragmentSpread
		next    int
	}
	for _, root := range doc.Fragments {
		if state[root.Name] != unvisited {
			continue
		}
		state[root.Name] = onPath
		stack := []frame{{name: root.Name, spreads: spreadsWithin(b, root.SelectionSet)}}
		for len(stack) > 0 {
			if !b.step() {
				return b.err
			}
			top := &stack[len(stack)-1]
			if top.next == len(top.spreads) {
				state[top.name] = done
				stack = stack[:len(stack)-1]
				continue
			}
			s := top.spreads[top.next]
			top.next++
			f := defs[s.Name]
			switch {
			case f == nil:
				return unknownFragment(ctx, s)
			case state[s.Name] == onPath:
				return invalidDocument(ctx, s.Position, `Fragment "`+s.Name+`" tự dùng lại chính nó (qua các fragment khác).`,
					`Cannot spread fragment "`+s.Name+`" within itself.`)
			case state[s.Name] == unvisited:
				state[s.Name] = onPath
				stack = append(stack, frame{name: s.Name, spreads: spreadsWithin(b, f.SelectionSet)})
			}
		}
	}
	return b.err
}

// spreadsWithin lists the spreads anywhere in a selection, fields and
// inline fragments included, spending b.
func spreadsWithin(b *budget, set ast.SelectionSet) []*ast.FragmentSpread {
	var out []*ast.FragmentSpread
	stack := []ast.SelectionSet{set}
	for len(stack) > 0 && b.step() {
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, s := range top {
			switch s := s.(type) {
			case *ast.Field:
				stack = append(stack, s.SelectionSet)
			case *ast.InlineFragment:
				stack = append(stack, s.SelectionSet)
			case *ast.FragmentSpread:
				out = append(out, s)
			}
		}
	}
	return out
}

func unknownFragment(ctx context.Context, s *ast.FragmentSpread) *gqlerror.Error {
	return invalidDocument(ctx, s.Position, `Không có fragment "`+s.Name+`".`, `Unknown fragment "`+s.Name+`".`)
}

// invalidDocument is a validation error at pos, as validation itself
// would report it.
func invalidDocument(ctx context.Context, pos *ast.Position, vi, en string) *gqlerror.Error {
	err := gqlerror.ErrorPosf(pos, "%s", i18n.Pick(ctx, vi, en))
	errcode.Set(err, errcode.ValidationFailed)
	return err
}

// limitError is a document refused by one of the limits, in the caller's
// language, with the limit's code.
func limitError(ctx context.Context, code, vi, en string) *gqlerror.Error {
	err := gqlerror.Errorf("%s", i18n.Pick(ctx, vi, en))
	errcode.Set(err, code)
	return err
}
