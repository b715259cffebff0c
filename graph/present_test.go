package graph

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// What the error presenter makes of errors that are the caller's input
// rather than a fault: arguments gqlgen's scalars cannot read, and values
// PostgreSQL refuses as data. Neither is INTERNAL, neither is logged as
// an error, and the SQL never shows.
func TestInputFaultsAreNotInternal(t *testing.T) {
	_, overflow := graphql.UnmarshalInt32(int64(1 << 31))
	argPath := ast.Path{ast.PathName("units"), ast.PathName("filter"), ast.PathName("levels"), ast.PathIndex(2)}
	for _, tt := range []struct {
		name      string
		err       error
		code      string
		field     string
		logLevel  string
		notInText string
	}{
		{"Int past 32 bits", gqlerror.WrapPath(argPath, overflow), "BAD_USER_INPUT", "[filter levels 2]", "debug", "overflows"},
		{"NUL refused by PostgreSQL", fmt.Errorf("list units: %w", &pgconn.PgError{Code: "22021", Message: "invalid byte sequence"}),
			"BAD_USER_INPUT", "", "warn", "byte sequence"},
		{"number out of range", fmt.Errorf("insert: %w", &pgconn.PgError{Code: "22003", Message: "integer out of range"}),
			"BAD_USER_INPUT", "", "warn", "integer"},
		{"unique violation is ours", fmt.Errorf("insert: %w", &pgconn.PgError{Code: "23505", Message: "duplicate key"}),
			"INTERNAL", "", "error", "duplicate"},
	} {
		var logs bytes.Buffer
		ctx := graphql.WithPathContext(zerolog.New(&logs).Level(zerolog.DebugLevel).WithContext(context.Background()),
			graphql.NewPathWithField("units"))
		got := presentError(ctx, tt.err)
		field := ""
		if f, ok := got.Extensions["field"]; ok {
			field = fmt.Sprint(f)
		}
		if got.Extensions["code"] != tt.code || field != tt.field || strings.Contains(got.Message, tt.notInText) {
			t.Errorf("%s: %q %v", tt.name, got.Message, got.Extensions)
		}
		if !strings.Contains(logs.String(), `"level":"`+tt.logLevel+`"`) {
			t.Errorf("%s: logged %s, want level %s", tt.name, logs.String(), tt.logLevel)
		}
	}
}
