// Package i18n picks the language of messages meant for people: Vietnamese,
// the users' language, unless the request asks for English.
package i18n

import (
	"context"
	"net/http"

	"golang.org/x/text/language"

	"github.com/sodoan/sodoan/internal/ctxvalue"
)

// Lang is a supported message language.
type Lang string

const (
	VI Lang = "vi"
	EN Lang = "en"
)

// Vietnamese comes first: it is the answer when nothing matches.
var matcher = language.NewMatcher([]language.Tag{language.Vietnamese, language.English})

// FromHeader chooses the language for an Accept-Language header.
func FromHeader(acceptLanguage string) Lang {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return VI
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No || i == 0 {
		return VI
	}
	return EN
}

var langKey ctxvalue.Key[Lang]

// With returns ctx carrying lang.
func With(ctx context.Context, lang Lang) context.Context { return langKey.With(ctx, lang) }

// From returns the request's language, Vietnamese by default.
func From(ctx context.Context) Lang {
	if l, ok := langKey.From(ctx); ok {
		return l
	}
	return VI
}

// Middleware records each request's language in its context.
func Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(With(r.Context(), FromHeader(r.Header.Get("Accept-Language")))))
	})
}

// Pick returns the message in the request's language.
func Pick(ctx context.Context, vi, en string) string {
	if From(ctx) == EN && en != "" {
		return en
	}
	return vi
}
