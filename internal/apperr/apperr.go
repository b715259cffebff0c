// Package apperr defines the errors services return for callers to act on.
// Each carries a stable code that the GraphQL layer puts in
// `extensions.code`; anything that is not an *Error is treated as internal
// and its text never reaches a client.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code is the stable, machine-readable kind of an error.
type Code string

const (
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	NotFound        Code = "NOT_FOUND"
	BadUserInput    Code = "BAD_USER_INPUT"
	Conflict        Code = "CONFLICT"
	Unavailable     Code = "UNAVAILABLE"
	Timeout         Code = "TIMEOUT"
	RateLimited     Code = "RATE_LIMITED"
	Internal        Code = "INTERNAL"
)

// Error is an error whose message is safe to show to the caller.
type Error struct {
	Code Code
	// Message is in English; VI, when set, is the Vietnamese the caller
	// sees by default.
	Message string
	VI      string
	// Field is the path of the input field at fault, when there is one.
	Field []string
	// Err is the underlying cause, for logs only.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// FieldError is one problem with one input field, worded for people in
// Vietnamese (the users' language) and English.
type FieldError struct {
	// Field is the path to the input field, e.g. {"input", "birthDate"};
	// empty when no single field is to blame.
	Field []string
	// Code is the stable kind of problem (REQUIRED, TOO_LONG, ...).
	Code string
	VI   string
	EN   string
}

// Invalid is returned by a service when its input breaks rules the user can
// fix. Nothing was changed.
type Invalid struct {
	Errors []FieldError
}

func (e *Invalid) Error() string {
	parts := make([]string, len(e.Errors))
	for i, fe := range e.Errors {
		parts[i] = fmt.Sprintf("%v: %s (%s)", fe.Field, fe.EN, fe.Code)
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// AsInvalid returns the *Invalid in err's chain, if any.
func AsInvalid(err error) (*Invalid, bool) {
	var e *Invalid
	ok := errors.As(err, &e)
	return e, ok
}
