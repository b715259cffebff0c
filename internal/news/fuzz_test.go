package news

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var slugShape = regexp.MustCompile(`^([a-z0-9]+(-[a-z0-9]+)*)?$`)

// Whatever a title holds, its slug is lower-case ASCII words joined by
// single dashes, at most 180 bytes, and slugging it again changes nothing.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"Hội nghị tổng kết công tác Đoàn năm 2022", "ĐOÀN KHỐI", "!!!", "a--b", "  x  ", "\xff\xfe", strings.Repeat("Tuổi trẻ ", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := Slug(title)
		if !slugShape.MatchString(s) || len(s) > 180 {
			t.Fatalf("Slug(%q) = %q", title, s)
		}
		if again := Slug(s); again != s {
			t.Fatalf("Slug is not stable: %q → %q → %q", title, s, again)
		}
	})
}

// Whatever Markdown an editor (or an attacker with an editor's account)
// writes, the HTML that comes out has no script, event handler, style or
// javascript: link.
func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{"**Đậm** và _nghiêng_", "<script>alert(1)</script>", "[x](javascript:alert(1))",
		"<img src=x onerror=alert(1)>", "| a | b |\n|---|---|\n| 1 | 2 |", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, md string) {
		out, err := RenderMarkdown(md)
		if err != nil {
			return
		}
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "style", "object", "embed", "form", "svg", "math":
				t.Fatalf("RenderMarkdown(%q) kept <%s>: %s", md, tok.Data, out)
			}
			for _, a := range tok.Attr {
				value := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
				if strings.HasPrefix(a.Key, "on") || a.Key == "style" ||
					((a.Key == "href" || a.Key == "src") && (strings.HasPrefix(value, "javascript:") || strings.HasPrefix(value, "vbscript:"))) {
					t.Fatalf("RenderMarkdown(%q) kept %s=%q: %s", md, a.Key, a.Val, out)
				}
			}
		}
	})
}
