// Package validate collects the problems with a mutation's input as field
// errors worded for people, so a service can report them all at once and
// change nothing.
package validate

import (
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/dates"
)

// Codes of field errors; they match the schema's UserErrorCode.
const (
	Required   = "REQUIRED"
	Invalid    = "INVALID"
	TooLong    = "TOO_LONG"
	OutOfRange = "OUT_OF_RANGE"
	DateOrder  = "DATE_ORDER"
	NotFound   = "NOT_FOUND"
	Duplicate  = "DUPLICATE"
	Conflict   = "CONFLICT"
	NotAllowed = "NOT_ALLOWED"
	// BadCredentials: the username and password do not sign anyone in.
	BadCredentials = "INVALID_CREDENTIALS"
)

// Errors accumulates field errors. The zero value is ready to use.
type Errors struct {
	list []apperr.FieldError
}

// Add records a problem with field (a path such as "input", "fullName").
//
// The same problem (field and code) is kept once: checks made inside a
// transaction run again when db.InTx retries it, and the user should not
// read each problem twice.
func (e *Errors) Add(field []string, code, vi, en string) {
	for _, fe := range e.list {
		if fe.Code == code && slices.Equal(fe.Field, field) {
			return
		}
	}
	e.list = append(e.list, apperr.FieldError{Field: field, Code: code, VI: vi, EN: en})
}

// Err returns the collected problems as an *apperr.Invalid, or nil.
func (e *Errors) Err() error {
	if len(e.list) == 0 {
		return nil
	}
	return &apperr.Invalid{Errors: e.list}
}

// Has reports whether field already has a problem, so later checks on the
// same field do not pile up.
func (e *Errors) Has(field []string) bool {
	for _, fe := range e.list {
		if slices.Equal(fe.Field, field) {
			return true
		}
	}
	return false
}

// Path builds a field path: Path("input", "participants", 3, "memberId").
func Path(parts ...any) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = fmt.Sprint(p)
	}
	return out
}

// Input is the path of a field of a mutation's input argument:
// Input("targets", 2, "workArea") is input.targets.2.workArea.
func Input(parts ...any) []string {
	return Path(append([]any{"input"}, parts...)...)
}

// Text trims s and checks it is present (when required) and at most max
// characters. It returns the trimmed text for storing.
func (e *Errors) Text(field []string, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		e.Add(field, Required, "Không được để trống.", "Required.")
	case utf8.RuneCountInString(s) > max:
		e.Add(field, TooLong,
			fmt.Sprintf("Dài quá %d ký tự.", max),
			fmt.Sprintf("Longer than %d characters.", max))
	}
	return s
}

// OptionalText is Text for a nullable field: nil stays nil, and blank text
// becomes nil (nobody means to store whitespace).
func (e *Errors) OptionalText(field []string, s *string, max int) *string {
	if s == nil {
		return nil
	}
	t := e.Text(field, *s, false, max)
	if t == "" {
		return nil
	}
	return &t
}

// Range checks min <= n <= max.
func (e *Errors) Range(field []string, n, min, max int64) {
	if n < min || n > max {
		e.Add(field, OutOfRange,
			fmt.Sprintf("Phải từ %d đến %d.", min, max),
			fmt.Sprintf("Must be between %d and %d.", min, max))
	}
}

// NonNegative checks n >= 0.
func (e *Errors) NonNegative(field []string, n float64) {
	if n < 0 {
		e.Add(field, OutOfRange, "Không được âm.", "Must not be negative.")
	}
}

// Year checks a calendar year the Union could have records for.
func (e *Errors) Year(field []string, y int) {
	e.Range(field, int64(y), 1931, 2200)
}

// DateRange checks that a date lies between min and max (inclusive).
func (e *Errors) DateRange(field []string, d, min, max time.Time) {
	if d.Before(min) || d.After(max) {
		e.Add(field, OutOfRange,
			fmt.Sprintf("Phải trong khoảng %s đến %s.", dates.Format(min), dates.Format(max)),
			fmt.Sprintf("Must be between %s and %s.", min.Format(time.DateOnly), max.Format(time.DateOnly)))
	}
}

// NotBefore checks that later is not before earlier; the error goes on the
// later field, which is the one the user usually got wrong.
func (e *Errors) NotBefore(laterField []string, later, earlier time.Time, earlierLabelVI, earlierLabelEN string) {
	if later.Before(earlier) {
		e.Add(laterField, DateOrder,
			fmt.Sprintf("Không được trước %s.", earlierLabelVI),
			fmt.Sprintf("Must not be before the %s.", earlierLabelEN))
	}
}

var phonePattern = regexp.MustCompile(`^\+?[0-9 .-]{6,20}$`)

// Phone checks a telephone number: digits with optional +, spaces, dots or dashes.
func (e *Errors) Phone(field []string, s *string) *string {
	s = e.OptionalText(field, s, 20)
	if s != nil && !phonePattern.MatchString(*s) {
		e.Add(field, Invalid, "Số điện thoại không hợp lệ.", "Not a valid phone number.")
	}
	return s
}

// Email checks a plain address (name@domain.tld).
func (e *Errors) Email(field []string, s *string) *string {
	s = e.OptionalText(field, s, 254)
	if s == nil || e.Has(field) {
		return s
	}
	addr, err := mail.ParseAddress(*s)
	if err != nil || addr.Address != *s || !strings.Contains((*s)[strings.LastIndex(*s, "@"):], ".") {
		e.Add(field, Invalid, "Email không hợp lệ.", "Not a valid email address.")
	}
	return s
}

// StaleError reports that the record changed since the caller read it:
// an edit conflict, refused so that nothing is overwritten.
func StaleError(versionField []string) error {
	var e Errors
	e.Stale(versionField)
	return e.Err()
}

// Stale adds StaleError's error on versionField, for a batch that checks
// the versions of many records.
func (e *Errors) Stale(versionField []string) {
	e.Add(versionField, Conflict,
		"Bản ghi đã được người khác sửa sau khi bạn mở; hãy tải lại rồi thử lại.",
		"Someone changed this record after you read it; reload and try again.")
}

// NotFuture checks that day is not after today, unless field already has
// a problem.
func (e *Errors) NotFuture(field []string, day, today time.Time) {
	if day.After(today) && !e.Has(field) {
		e.Add(field, OutOfRange, "Không được sau hôm nay.", "Cannot be in the future.")
	}
}
