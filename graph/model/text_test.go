package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// String and ID inputs accept exactly the text PostgreSQL can store:
// valid UTF-8 without NUL comes through unchanged, anything else is
// refused.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Nguyễn Văn An", "", "a\x00b", "\xff", "VW5pdDox", "\u202e😀"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		storable := utf8.ValidString(s) && !strings.ContainsRune(s, 0)
		for name, read := range map[string]func(any) (string, error){"String": UnmarshalString, "ID": UnmarshalID} {
			got, err := read(s)
			if storable && (err != nil || got != s) {
				t.Fatalf("%s refused or changed %q: %q, %v", name, s, got, err)
			}
			if !storable && err == nil {
				t.Fatalf("%s accepted %q", name, s)
			}
		}
	})
}
