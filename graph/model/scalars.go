package model

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"

	"github.com/sodoan/sodoan/internal/apperr"
	"github.com/sodoan/sodoan/internal/dates"
	"github.com/sodoan/sodoan/internal/money"
)

// Dates are carried as time.Time at midnight UTC; only the calendar date
// counts.

// MarshalDate writes a Date scalar as YYYY-MM-DD.
func MarshalDate(t time.Time) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.Quote(t.Format(time.DateOnly)))
	})
}

// UnmarshalDate reads a Date scalar: YYYY-MM-DD, or day first as
// Vietnamese writes it (26/03/2026); the day always comes first, so
// 03/04/2026 is 3 April.
func UnmarshalDate(v any) (time.Time, error) {
	s, ok := v.(string)
	if !ok {
		return time.Time{}, badScalar("Date", "a string such as 26/03/2026 or 2026-03-26", "chuỗi ngày/tháng/năm, ví dụ 26/03/2026 (hoặc 2026-03-26)")
	}
	t, err := dates.Parse(s)
	if err != nil {
		return time.Time{}, badScalar("Date", "a real calendar date written 26/03/2026 (day/month/year) or 2026-03-26",
			"một ngày có thật, viết ngày/tháng/năm như 26/03/2026 (hoặc 2026-03-26)")
	}
	return t, nil
}

// MarshalMoney writes đồng as a JSON number.
func MarshalMoney(n int64) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		io.WriteString(w, strconv.FormatInt(n, 10))
	})
}

// UnmarshalMoney reads đồng from a whole number, or from a string as
// people type it (money.Parse: 2450000, 2.450.000, 2.450.000 đ). A comma
// is refused rather than guessed at: 2,5 is two and a half in Vietnamese.
func UnmarshalMoney(v any) (int64, error) {
	switch x := v.(type) {
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case int64:
		return x, nil
	case json.Number:
		// A JSON number is read as JSON writes it: 2.450 is two and
		// some, not 2450.
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, nil
		}
	case string:
		return parseMoney(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), nil
		}
	}
	return 0, badScalar("Money", "a whole number of đồng such as 2450000 or \"2.450.000\"", "số đồng nguyên, ví dụ 2450000 hoặc \"2.450.000\"")
}

func parseMoney(s string) (int64, error) {
	n, err := money.Parse(s)
	if err != nil {
		return 0, badScalar("Money", "a whole number of đồng such as 2450000 or 2.450.000, without decimals or commas",
			"số đồng nguyên, ví dụ 2450000 hoặc 2.450.000 (dấu chấm ngăn hàng nghìn, không có phần thập phân hay dấu phẩy)")
	}
	return n, nil
}

func badScalar(scalar, want, wantVI string) error {
	return &apperr.Error{
		Code:    apperr.BadUserInput,
		Message: fmt.Sprintf("not a valid %s: expected %s", scalar, want),
		VI:      fmt.Sprintf("Không phải giá trị %s hợp lệ: cần %s.", scalar, wantVI),
	}
}

// Every String and ID a client sends, in variables or in the document's
// text, is read here, so text PostgreSQL cannot store is refused in one
// place for every argument and input field, present and future: a NUL
// byte (which text columns cannot hold) or bytes that are not UTF-8
// (possible in a document's literals; JSON decoding replaces them in
// variables). The error is BAD_USER_INPUT; graph's error presenter names
// the argument or input field from the error's path.

// MarshalString writes a String as gqlgen does.
func MarshalString(s string) graphql.Marshaler { return graphql.MarshalString(s) }

// UnmarshalString reads a String argument or input field.
func UnmarshalString(v any) (string, error) {
	return unmarshalText(v, graphql.UnmarshalString, "String", "text", "văn bản")
}

// MarshalID writes an ID as gqlgen does.
func MarshalID(s string) graphql.Marshaler { return graphql.MarshalID(s) }

// UnmarshalID reads an ID argument or input field.
func UnmarshalID(v any) (string, error) {
	return unmarshalText(v, graphql.UnmarshalID, "ID", "an ID returned by this API", "mã do API này trả về")
}

// unmarshalText reads a text scalar with gqlgen's read, then refuses what
// cannot be stored; want (wantVI in Vietnamese) says what was expected.
func unmarshalText(v any, read func(any) (string, error), scalar, want, wantVI string) (string, error) {
	s, err := read(v)
	if err != nil {
		return "", badScalar(scalar, want, wantVI)
	}
	return s, CheckText(s)
}

// CheckText refuses text that cannot be stored: a NUL byte or invalid
// UTF-8.
func CheckText(s string) error {
	if strings.IndexByte(s, 0) < 0 && utf8.ValidString(s) {
		return nil
	}
	return &apperr.Error{
		Code:    apperr.BadUserInput,
		Message: "the text holds a character that cannot be stored: a NUL byte (\\u0000) or bytes that are not UTF-8",
		VI:      "Văn bản chứa ký tự không lưu được: ký tự NUL (\\u0000) hoặc byte không phải UTF-8.",
	}
}
