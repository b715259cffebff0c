package graph

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/requestid"
)

// A panic in a resolver reaches the client as INTERNAL with the request
// id and nothing of the panic; the log has the value and the stack.
func TestPanicBecomesInternalError(t *testing.T) {
	var logs bytes.Buffer
	id := "dash-tile-7" // a client's own id, kept by internal/requestid
	// as the request-logging middleware sets it up
	log := zerolog.New(&logs).With().Str("request_id", id).Logger()
	ctx := requestid.With(log.WithContext(context.Background()), id)

	got := presentError(ctx, recoverPanic(ctx, "index out of range [3] with length 2"))
	if got.Extensions["code"] != "INTERNAL" || got.Extensions["requestId"] != id {
		t.Errorf("extensions %v, want INTERNAL with request id %s", got.Extensions, id)
	}
	if strings.Contains(got.Message, "index out of range") {
		t.Errorf("message leaks the panic: %q", got.Message)
	}
	if !strings.Contains(logs.String(), "index out of range") || !strings.Contains(logs.String(), "goroutine") ||
		!strings.Contains(logs.String(), id) {
		t.Errorf("log should hold the panic, its stack and the request id:\n%s", logs.String())
	}
}
