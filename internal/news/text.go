// Package news keeps the news posts (tin bài) units publish, their photos,
// site search and the portal's visitor counter.
package news

import (
	"bytes"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/sodoan/sodoan/internal/unaccent"
)

// Slug turns a Vietnamese title into a URL part without diacritics:
// "Hội nghị tổng kết công tác Đoàn năm 2022" → "hoi-nghi-tong-ket-cong-tac-doan-nam-2022".
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range unaccent.Plain(title) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 180 {
		s = strings.TrimSuffix(s[:180], "-")
	}
	return s
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// policy allows what a news post needs (text formatting, lists, tables,
// links, images) and nothing that runs: no scripts, event handlers, styles
// or javascript: links.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// RenderMarkdown turns a post's Markdown into HTML that is safe to insert
// into a page.
func RenderMarkdown(md string) (string, error) {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return "", err
	}
	return policy.Sanitize(buf.String()), nil
}
