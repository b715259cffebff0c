package news

import (
	"cmp"
	"context"
	"fmt"
	"html"
	"slices"
	"strings"
	"time"
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
	at          time.Time // what the newest-first order goes by
}

// Search finds published posts (and drafts the viewer manages) and held or
// planned activities whose title or text contains every word of query,
// accents and case ignored; title matches come first, then the newest.
//
// Activities are many, and a common word matches thousands of them; sorting
// them all to show twenty cost tens of milliseconds. So activities are read
// newest first, title matches and text matches apart, each stopping at
// `limit`: PostgreSQL walks the date index until it has enough, or looks
// the rare words up in the trigram index. Text matches are only read when
// there are fewer title matches than asked for.
func (s *Store) Search(ctx context.Context, viewer *access.Principal, query string, limit int) ([]Hit, error) {
	words := strings.Fields(query)
	if len(words) == 0 {
		return nil, nil
	}
	all := func(col string, args *db.Args) string {
		return "(" + strings.Join(db.SearchConds(col, query, args), " AND ") + ")"
	}
	var args db.Args
	postTitle, postText := all("p.search_title", &args), all("p.search_text", &args)
	actTitle := all("a.search_title", &args)
	visible := Visible(viewer, &args)
	lim := args.Add(limit)
	hits, err := s.searchRows(ctx, `(SELECT 'POST' AS kind, p.id, p.title, coalesce(p.summary || ' ', '') || p.body_markdown,
				`+postTitle+`, coalesce(p.published_at, p.updated_at) AS at
			FROM posts p JOIN units u ON u.id = p.unit_id
			WHERE `+visible+` AND (`+postTitle+` OR `+postText+`)
			ORDER BY 5 DESC, 6 DESC, 2 LIMIT `+lim+`)
		UNION ALL
		(SELECT 'ACTIVITY', a.id, a.title, coalesce(a.description, '') || ' ' || coalesce(a.place, ''), true, a.starts_on::timestamptz
			FROM activities a WHERE a.status <> 'CANCELLED' AND `+actTitle+`
			ORDER BY a.starts_on DESC, a.id DESC LIMIT `+lim+`)`, args, words)
	if err != nil {
		return nil, err
	}
	titled := 0
	for _, h := range hits {
		if h.Kind == "ACTIVITY" {
			titled++
		}
	}
	if titled < limit {
		// Every activity whose title matches is in hand, so the newest text
		// matches, twice the page, hold the page's text-only ones.
		var args db.Args
		actTitle, actText := all("a.search_title", &args), all("a.search", &args)
		more, err := s.searchRows(ctx, `SELECT 'ACTIVITY', a.id, a.title, coalesce(a.description, '') || ' ' || coalesce(a.place, ''),
				`+actTitle+`, a.starts_on::timestamptz
			FROM activities a WHERE a.status <> 'CANCELLED' AND `+actText+`
			ORDER BY a.starts_on DESC, a.id DESC LIMIT `+args.Add(2*limit), args, words)
		if err != nil {
			return nil, err
		}
		for _, h := range more {
			if !h.TitleMatch {
				hits = append(hits, h)
			}
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		switch {
		case a.TitleMatch != b.TitleMatch:
			if a.TitleMatch {
				return -1
			}
			return 1
		case !a.at.Equal(b.at):
			return b.at.Compare(a.at)
		case a.Kind != b.Kind:
			return strings.Compare(a.Kind, b.Kind)
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return hits[:min(len(hits), limit)], nil
}

// searchRows runs one search statement; its columns are kind, id, title,
// the text to quote from, whether the title matched, and the date to rank by.
func (s *Store) searchRows(ctx context.Context, sql string, args db.Args, words []string) ([]Hit, error) {
	rows, err := s.pool.Query(ctx, sql, args.Bind(true)...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	hits, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Hit, error) {
		var h Hit
		var body string
		if err := r.Scan(&h.Kind, &h.ID, &h.Title, &body, &h.TitleMatch, &h.at); err != nil {
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
	// hit[i]: rune i is part of a matched word. Matching runs over the
	// folded runes directly, so a long body costs one pass per word.
	hit := make([]bool, len(orig))
	first := -1
	for _, w := range words {
		needle := []rune{}
		for _, r := range w {
			needle = append(needle, fold(r))
		}
		for i := 0; i+len(needle) <= len(folded); i++ {
			if slices.Equal(folded[i:i+len(needle)], needle) {
				for k := i; k < i+len(needle); k++ {
					hit[k] = true
				}
				if first < 0 || i < first {
					first = i
				}
				i += len(needle) - 1
			}
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
	open := false
	for i := start; i < end; i++ {
		if hit[i] != open {
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
