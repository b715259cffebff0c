package news

import (
	"context"
	"fmt"
	"html"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/db"
)

// Hit is one search result.
type Hit struct {
	Kind        string // POST or ACTIVITY
	ID          int64
	Title       string
	TitleMatch  bool
	Snippet     string
	SnippetHTML string
}

// Search finds published posts (and drafts the viewer manages) and held or
// planned activities whose title or text contains every word of query,
// accents and case ignored; title matches come first, then the newest.
func (s *Store) Search(ctx context.Context, viewer *access.Principal, query string, limit int) ([]Hit, error) {
	words := strings.Fields(query)
	if len(words) == 0 {
		return nil, nil
	}
	var args db.Args
	all := func(col string) string { return "(" + strings.Join(db.SearchConds(col, query, &args), " AND ") + ")" }
	postTitle, postText := all("p.search_title"), all("p.search_text")
	actTitle, actText := all("a.search_title"), all("a.search")
	visible := Visible(viewer, &args)
	lim := args.Add(limit)
	// Each side keeps only its own best `limit` before the two are merged:
	// the overall best are among them, and nothing else is sorted.
	rows, err := s.pool.Query(ctx, `SELECT kind, id, title, body, title_hit FROM (
			(SELECT 'POST' AS kind, p.id, p.title, coalesce(p.summary || ' ', '') || p.body_markdown AS body,
				`+postTitle+` AS title_hit, coalesce(p.published_at, p.updated_at) AS at
			FROM posts p JOIN units u ON u.id = p.unit_id
			WHERE `+visible+` AND (`+postTitle+` OR `+postText+`)
			ORDER BY 5 DESC, 6 DESC, 2 LIMIT `+lim+`)
			UNION ALL
			(SELECT 'ACTIVITY', a.id, a.title, coalesce(a.description, '') || ' ' || coalesce(a.place, ''),
				`+actTitle+`, a.starts_on::timestamptz
			FROM activities a WHERE a.status <> 'CANCELLED' AND (`+actTitle+` OR `+actText+`)
			ORDER BY 5 DESC, 6 DESC, 2 LIMIT `+lim+`)
		) x ORDER BY title_hit DESC, at DESC, kind, id LIMIT `+lim, args.Bind(true)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hit, error) {
		var h Hit
		var body string
		if err := r.Scan(&h.Kind, &h.ID, &h.Title, &body, &h.TitleMatch); err != nil {
			return h, err
		}
		h.Snippet, h.SnippetHTML = snippet(body, words)
		return h, nil
	})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return hits, nil
}

// fold maps one rune to its search form (no marks, đ → d, lower case),
// rune for rune, so positions in the folded text are positions in the
// original.
func fold(r rune) rune {
	if r == 'đ' || r == 'Đ' {
		return 'd'
	}
	d := norm.NFD.String(string(r))
	for _, x := range d {
		return unicode.ToLower(x)
	}
	return r
}

const snippetRadius = 80

// snippet cuts the text around the first word found and marks the words.
func snippet(text string, words []string) (plain, marked string) {
	orig := []rune(strings.Join(strings.Fields(text), " "))
	folded := make([]rune, len(orig))
	for i, r := range orig {
		folded[i] = fold(r)
	}
	type span struct{ from, to int }
	var spans []span
	first := -1
	fs := string(folded)
	for _, w := range words {
		fw := []rune{}
		for _, r := range w {
			fw = append(fw, fold(r))
		}
		needle := string(fw)
		for off := 0; ; {
			i := strings.Index(fs[off:], needle)
			if i < 0 {
				break
			}
			from := len([]rune(fs[:off+i]))
			spans = append(spans, span{from, from + len(fw)})
			if first < 0 || from < first {
				first = from
			}
			off += i + len(needle)
		}
	}
	start, end := 0, min(len(orig), 2*snippetRadius)
	if first > snippetRadius {
		start = first - snippetRadius/2
		end = min(len(orig), start+2*snippetRadius)
	}
	var p, m strings.Builder
	if start > 0 {
		p.WriteString("…")
		m.WriteString("…")
	}
	in := func(i int) bool {
		for _, s := range spans {
			if i >= s.from && i < s.to {
				return true
			}
		}
		return false
	}
	open := false
	for i := start; i < end; i++ {
		if in(i) != open {
			open = !open
			if open {
				m.WriteString("<mark>")
			} else {
				m.WriteString("</mark>")
			}
		}
		p.WriteRune(orig[i])
		m.WriteString(html.EscapeString(string(orig[i])))
	}
	if open {
		m.WriteString("</mark>")
	}
	if end < len(orig) {
		p.WriteString("…")
		m.WriteString("…")
	}
	return p.String(), m.String()
}
