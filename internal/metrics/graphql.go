package metrics

import (
	"context"
	"errors"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sodoan/sodoan/internal/gqlwatch"
)

// Label values for what a request does not say or the set cannot hold.
const (
	// Anonymous is an operation written without a name.
	Anonymous = "anonymous"
	// Other is a name or code past the bounded set.
	Other = "other"
	// Unknown is the name and type of a request refused before its
	// document was understood (unparsable, rate limited before parsing).
	Unknown = "unknown"
	// OK is the outcome of an operation answered without errors.
	OK = "ok"
)

// maxNameLength keeps absurdly long names out of the label set.
const maxNameLength = 64

// GraphQL returns the gqlgen extension that counts and times every
// operation, including those refused before execution (parse, validation,
// limits, rate limit), or nil on a nil *Metrics.
func (m *Metrics) GraphQL() graphql.HandlerExtension {
	if m == nil {
		return nil
	}
	// Executed operations are seen in the operation interceptor (which also
	// sees one whose deadline passed before it ran, answered without a
	// response), refused ones in the response interceptor.
	return gqlwatch.Extension("Metrics", func(ctx context.Context) (context.Context, func(context.Context, *graphql.Response)) {
		return ctx, m.observe
	})
}

func (m *Metrics) observe(ctx context.Context, resp *graphql.Response) {
	name, kind := Unknown, Unknown
	if graphql.HasOperationContext(ctx) {
		oc := graphql.GetOperationContext(ctx)
		switch {
		case oc.Operation != nil:
			kind = string(oc.Operation.Operation)
			name = m.operationName(oc.Operation.Name, true)
		case oc.OperationName != "":
			// Named by the client but not found in a valid document:
			// counted under the name only if a valid one bore it.
			name = m.operationName(oc.OperationName, false)
		}
	}
	m.operations.WithLabelValues(name, kind, m.outcome(ctx, resp)).Inc()
	if start := graphql.GetStartTime(ctx); !start.IsZero() {
		m.operationDuration.WithLabelValues(kind).Observe(time.Since(start).Seconds())
	}
}

func (m *Metrics) operationName(name string, valid bool) string {
	switch {
	case name == "":
		return Anonymous
	case len(name) > maxNameLength:
		return Other
	case valid:
		return m.names.admit(name, Other)
	default:
		return m.names.known(name, Other)
	}
}

// serverFaults are the codes that say the server, not the request, failed;
// they name the outcome even when a client error came first.
var serverFaults = []string{"INTERNAL", "UNAVAILABLE", "TIMEOUT"}

// outcome is OK, or the code of the error that best says what went wrong.
func (m *Metrics) outcome(ctx context.Context, resp *graphql.Response) string {
	if resp == nil {
		// gqlgen answers nothing when the request's context ended first.
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "TIMEOUT"
		}
		return "CANCELED"
	}
	if len(resp.Errors) == 0 {
		return OK
	}
	code := codeOf(resp.Errors[0])
	for _, e := range resp.Errors[1:] {
		if serverFault(code) {
			break
		}
		if c := codeOf(e); serverFault(c) {
			code = c
		}
	}
	if !wellFormedCode(code) {
		return Other
	}
	return m.codes.admit(code, Other)
}

func serverFault(code string) bool {
	for _, f := range serverFaults {
		if code == f {
			return true
		}
	}
	return false
}

func codeOf(e *gqlerror.Error) string {
	if e == nil {
		return ""
	}
	c, _ := e.Extensions["code"].(string)
	return c
}

// wellFormedCode accepts codes such as BAD_USER_INPUT.
func wellFormedCode(c string) bool {
	if c == "" || len(c) > 40 {
		return false
	}
	for _, r := range c {
		if (r < 'A' || r > 'Z') && r != '_' && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
