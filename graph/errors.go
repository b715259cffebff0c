package graph

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/rs/zerolog"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/i18n"
	"github.com/sodoan/sodoan/internal/requestid"
)

// presentError decides what a client sees of an error. Errors the services
// meant for the caller (apperr) and gqlgen's own parse and validation errors
// pass through; everything else is logged with the request id and replaced by
// a generic INTERNAL error, so no SQL or Go text leaks out.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	path := graphql.GetPath(ctx)
	var outer *gqlerror.Error
	if errors.As(err, &outer) && outer.Path != nil {
		path = outer.Path
	}

	// An error raised while reading an argument carries the argument's
	// path below the field's; that is the field the caller got wrong.
	argField := argumentPath(graphql.GetPath(ctx), path)
	if ae, ok := apperr.As(err); ok && ae.Code != apperr.Internal {
		ext := map[string]any{"code": string(ae.Code)}
		if len(ae.Field) > 0 {
			ext["field"] = ae.Field
		} else if len(argField) > 0 {
			ext["field"] = argField
		}
		msg := ae.Message
		if ae.VI != "" {
			msg = i18n.Pick(ctx, ae.VI, ae.Message)
		}
		return &gqlerror.Error{Message: msg, Path: path, Extensions: ext}
	}

	// gqlgen wraps a resolver's error in a gqlerror whose Err is the original;
	// one with no Err was written for the client (parser, validator, APQ).
	var inner *gqlerror.Error
	for e := err; errors.As(e, &inner); e = inner.Err {
		if inner.Err == nil {
			if inner.Path == nil {
				inner.Path = path
			}
			if _, coded := inner.Extensions["code"]; !coded {
				// gqlgen's few uncoded request errors (a persisted query's
				// hash that does not match, an unsupported APQ version).
				if inner.Extensions == nil {
					inner.Extensions = map[string]any{}
				}
				inner.Extensions["code"] = "BAD_REQUEST" // as the HTTP layer names a request it cannot take
			}
			return inner
		}
	}
	if len(argField) > 0 {
		// gqlgen could not read an argument as its type: an Int past 32
		// bits, a value its scalar refuses. The caller sent it.
		zerolog.Ctx(ctx).Debug().Err(err).Str("path", fmt.Sprint(path)).Msg("argument refused")
		return badArgument(ctx, path, argField, err)
	}
	switch {
	case db.BadValue(err):
		// A value the database refused as data (out of range, not
		// storable as text) that no check caught first: the caller's input,
		// so theirs to fix; logged to show which check is missing.
		return refused(ctx, path, err, apperr.BadUserInput, "database refused a value", i18n.Pick(ctx,
			"Một giá trị trong yêu cầu nằm ngoài phạm vi cho phép hoặc không lưu được; hãy kiểm tra lại các số, ngày và văn bản đã gửi.",
			"A value in the request is out of range or cannot be stored; check the numbers, dates and text sent."))
	case db.Unavailable(err):
		return withRequestID(ctx, refused(ctx, path, err, apperr.Unavailable, "database unavailable", i18n.Pick(ctx,
			"Cơ sở dữ liệu tạm thời không truy cập được; hãy thử lại sau ít phút. Thao tác ghi chưa được xác nhận thì gửi lại (cùng idempotencyKey) để không bị ghi hai lần.",
			"The database cannot be reached right now; try again in a minute. Resend any unconfirmed write with the same idempotencyKey so it is not recorded twice.")))
	case db.TimedOut(err):
		return withRequestID(ctx, refused(ctx, path, err, apperr.Timeout, "request timed out", i18n.Pick(ctx,
			"Yêu cầu chạy quá thời gian cho phép và đã bị dừng; hãy thu hẹp phạm vi (ít bản ghi hơn, khoảng thời gian ngắn hơn) rồi thử lại.",
			"The request ran past its time limit and was stopped; ask for less (fewer records, a shorter period) and try again.")))
	}
	return internalError(ctx, path, err)
}

// argumentPath returns the part of errPath below fieldPath (the field
// being resolved), with list indexes as text: the argument or input field
// an error is about. It is empty for errors of the field itself.
func argumentPath(fieldPath, errPath ast.Path) []string {
	if len(errPath) <= len(fieldPath) {
		return nil
	}
	for i, el := range fieldPath {
		if fmt.Sprint(el) != fmt.Sprint(errPath[i]) {
			return nil
		}
	}
	out := make([]string, 0, len(errPath)-len(fieldPath))
	for _, el := range errPath[len(fieldPath):] {
		out = append(out, fmt.Sprint(el))
	}
	return out
}

// badArgument is the answer to an argument gqlgen's own scalars could not
// read.
func badArgument(ctx context.Context, path ast.Path, field []string, err error) *gqlerror.Error {
	vi, en := "Giá trị không đúng kiểu của trường này.", "The value is not of the type this field takes."
	if _, ok := errors.AsType[*graphql.IntegerError](err); ok {
		vi, en = "Số nằm ngoài phạm vi: kiểu Int nhận từ -2147483648 đến 2147483647.",
			"The number is out of range: Int takes -2147483648 to 2147483647."
	}
	return &gqlerror.Error{Message: i18n.Pick(ctx, vi, en), Path: path,
		Extensions: map[string]any{"code": string(apperr.BadUserInput), "field": field}}
}

func requestIDOf(ctx context.Context) string { return requestid.From(ctx) }

// refused answers a failure the caller can act on with message and code,
// and logs it as a warning (what) with the path it happened at.
func refused(ctx context.Context, path ast.Path, err error, code apperr.Code, what, message string) *gqlerror.Error {
	zerolog.Ctx(ctx).Warn().Err(err).Str("path", fmt.Sprint(path)).Msg(what)
	return &gqlerror.Error{Message: message, Path: path, Extensions: map[string]any{"code": string(code)}}
}

// withRequestID adds the request's ID to an error worth reporting (one
// that the caller may retry, or ask the operators about).
func withRequestID(ctx context.Context, e *gqlerror.Error) *gqlerror.Error {
	e.Extensions["requestId"] = requestIDOf(ctx)
	return e
}

func internalError(ctx context.Context, path ast.Path, err error) *gqlerror.Error {
	requestID := requestIDOf(ctx)
	level := zerolog.ErrorLevel
	if errors.Is(err, context.Canceled) {
		// The client went away; nothing is wrong on our side.
		level = zerolog.DebugLevel
	}
	zerolog.Ctx(ctx).WithLevel(level).Err(err).Str("path", fmt.Sprint(path)).Msg("request failed")
	return &gqlerror.Error{
		Message: "Lỗi hệ thống; vui lòng thử lại hoặc báo quản trị viên kèm mã yêu cầu (internal error; quote the request id to the administrator)",
		Path:    path,
		Extensions: map[string]any{
			"code":      string(apperr.Internal),
			"requestId": requestID,
		},
	}
}

// recoverPanic turns a panic in a resolver into an INTERNAL error and logs the
// stack, so one bad field does not take down the request or the process.
func recoverPanic(ctx context.Context, v any) error {
	zerolog.Ctx(ctx).Error().
		Str("panic", fmt.Sprint(v)).
		Bytes("stack", debug.Stack()).
		Msg("panic in resolver")
	return &apperr.Error{Code: apperr.Internal, Message: "internal error", Err: fmt.Errorf("panic: %v", v)}
}
