// Package unaccent takes Vietnamese text to its letters without diacritics, as
// people type it on a keyboard without Vietnamese input ("Họ và tên" →
// "ho va ten"), for matching what was typed either way.
package unaccent

import (
	"strings"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Plain is s in lower case without diacritics; đ, a letter of its own
// rather than d with a mark, becomes d too.
func Plain(s string) string {
	s = strings.NewReplacer("đ", "d", "Đ", "D").Replace(s)
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	plain, _, err := transform.String(t, s)
	if err != nil {
		plain = s
	}
	return strings.ToLower(plain)
}

// Key is Plain with every run of characters other than letters and digits
// made one space, and none at the ends: "Số thẻ  đoàn viên (*)" →
// "so the doan vien".
func Key(s string) string {
	return strings.Join(strings.FieldsFunc(Plain(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}
