package news

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/access"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/idempotency"
	"github.com/sodoan/sodoan/internal/org"
	"github.com/sodoan/sodoan/internal/page"
	"github.com/sodoan/sodoan/internal/validate"
	"github.com/sodoan/sodoan/internal/versionlock"
)

// Status is where a post is in its life.
type Status string

const (
	Draft     Status = "DRAFT"
	Published Status = "PUBLISHED"
	Archived  Status = "ARCHIVED"
)

// Post is a news post (tin bài).
type Post struct {
	ID               int64
	UnitID           int64
	ActivityID       *int64
	AccountID        *int64
	Title            string
	Slug             string
	Summary          *string
	BodyMarkdown     string
	BodyHTML         string
	AuthorName       *string
	AuthorDepartment *string
	Tags             []string
	Status           Status
	PublishedAt      *time.Time
	CoverPhotoID     *int64
	Version          int32
}

// PostPhoto is a photo placed in a post, with its caption.
type PostPhoto struct {
	PostID  int64
	PhotoID int64
	Caption *string
}

// Store reads and writes posts, photos and visits.
type Store struct {
	pool db.DB
	now  func() time.Time
}

// NewStore returns a Store on pool.
func NewStore(pool db.DB) *Store { return &Store{pool: pool, now: time.Now} }

// WithClock returns a Store that takes the time from now: for recording
// what happened on another day (the demo's posts of 2022).
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

const postColumns = `p.id, p.unit_id, p.activity_id, p.account_id, p.title, p.slug, p.summary, p.body_markdown, p.body_html,
	p.author_name, p.author_department, p.tags, p.status, p.published_at, p.cover_photo_id, p.version`

var scanPost = db.Scanner(func(p *Post) []any {
	return []any{&p.ID, &p.UnitID, &p.ActivityID, &p.AccountID, &p.Title, &p.Slug, &p.Summary, &p.BodyMarkdown,
		&p.BodyHTML, &p.AuthorName, &p.AuthorDepartment, &p.Tags, &p.Status, &p.PublishedAt, &p.CoverPhotoID, &p.Version}
})

// ByIDs returns posts keyed by id.
func (s *Store) ByIDs(ctx context.Context, ids []int64) (map[int64]*Post, error) {
	return db.ByIDs(ctx, s.pool, "posts p", postColumns, ids, scanPost, func(p *Post) int64 { return p.ID })
}

// BySlug returns the post with slug, or nil.
func (s *Store) BySlug(ctx context.Context, slug string) (*Post, error) {
	p, err := scanPost(s.pool.QueryRow(ctx, `SELECT `+postColumns+` FROM posts p WHERE p.slug = $1`, slug))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return p, err
}

// PhotosOf returns each post's photos in order.
func (s *Store) PhotosOf(ctx context.Context, postIDs []int64) (map[int64][]PostPhoto, error) {
	rows, err := s.pool.Query(ctx, `SELECT post_id, photo_id, caption FROM post_photos WHERE post_id = ANY($1) ORDER BY post_id, position`, postIDs)
	if err != nil {
		return nil, fmt.Errorf("post photos: %w", err)
	}
	out := map[int64][]PostPhoto{}
	var pp PostPhoto
	_, err = pgx.ForEachRow(rows, []any{&pp.PostID, &pp.PhotoID, &pp.Caption}, func() error {
		out[pp.PostID] = append(out[pp.PostID], pp)
		return nil
	})
	return out, err
}

// Visible is the condition on posts p (joined to their unit u) a viewer may
// read: published ones for everyone, all of them for the unit's officers.
func Visible(viewer *access.Principal, args *db.Args) string {
	return "(p.status = 'PUBLISHED' OR " + viewer.UnitCondition("u", args) + ")"
}

// Filter selects posts to list.
type Filter struct {
	Viewer   *access.Principal
	UnitID   *int64
	Statuses []Status
	Tag      string
	Search   string
}

func (f Filter) where(args *db.Args) []string {
	conds := []string{Visible(f.Viewer, args)}
	if f.UnitID != nil {
		conds = append(conds, "u.path <@ (SELECT path FROM units WHERE id = "+args.Add(*f.UnitID)+")")
	}
	if len(f.Statuses) > 0 {
		conds = append(conds, "p.status = ANY("+args.Add(f.Statuses)+"::text[])")
	}
	if f.Tag != "" {
		conds = append(conds, "p.tags @> ARRAY["+args.Add(f.Tag)+"::text]")
	}
	if strings.TrimSpace(f.Search) != "" { // words to find; only spaces is no search
		var ors []string
		for _, c := range []string{"p.search_title", "p.search_text"} {
			ors = append(ors, "("+strings.Join(db.SearchConds(c, f.Search, args), " AND ")+")")
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	return conds
}

// List returns posts newest first (drafts by last change).
func (s *Store) List(ctx context.Context, f Filter, p page.Request) (page.Page[*Post], error) {
	var args db.Args
	conds := f.where(&args)
	var at time.Time
	var id int64
	if ok, err := p.Key(&at, &id); err != nil {
		return page.Page[*Post]{}, err
	} else if ok {
		conds = append(conds, "(coalesce(p.published_at, p.updated_at), p.id) < ("+args.Add(at)+", "+args.Add(id)+")")
	}
	rows, err := s.pool.Query(ctx, `SELECT `+postColumns+`, coalesce(p.published_at, p.updated_at)
		FROM posts p JOIN units u ON u.id = p.unit_id`+db.Where(conds)+`
		ORDER BY coalesce(p.published_at, p.updated_at) DESC, p.id DESC LIMIT `+args.Add(p.Limit()), args.Bind(f.Search != "")...)
	if err != nil {
		return page.Page[*Post]{}, fmt.Errorf("list posts: %w", err)
	}
	type keyed struct {
		p  *Post
		at time.Time
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (keyed, error) {
		var k keyed
		var p Post
		err := r.Scan(&p.ID, &p.UnitID, &p.ActivityID, &p.AccountID, &p.Title, &p.Slug, &p.Summary, &p.BodyMarkdown, &p.BodyHTML,
			&p.AuthorName, &p.AuthorDepartment, &p.Tags, &p.Status, &p.PublishedAt, &p.CoverPhotoID, &p.Version, &k.at)
		k.p = &p
		return k, err
	})
	if err != nil {
		return page.Page[*Post]{}, fmt.Errorf("list posts: %w", err)
	}
	return page.TrimMap(p, list, func(k keyed) []any { return []any{k.at, k.p.ID} }, func(k keyed) *Post { return k.p }), nil
}

// Count returns how many posts match f.
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	var args db.Args
	conds := f.where(&args)
	return db.Count(ctx, s.pool, "count posts", "posts p JOIN units u ON u.id = p.unit_id", conds, args.Bind(f.Search != "")...)
}

// Input is a post's fields as an editor sends them.
type Input struct {
	UnitID           int64
	ActivityID       *int64
	Title            string
	Slug             *string
	Summary          *string
	BodyMarkdown     string
	AuthorName       *string
	AuthorDepartment *string
	Tags             []string
	CoverPhotoID     *int64
	Photos           []PostPhoto
}

// pf is the path of a field of the post inside the mutation's input.
func pf(parts ...any) []string { return validate.Input(append([]any{"post"}, parts...)...) }

func (s *Store) check(ctx context.Context, tx pgx.Tx, v *validate.Errors, p *Input) (html string, err error) {
	p.Title = v.Text(pf("title"), p.Title, true, 300)
	if p.Slug == nil || strings.TrimSpace(*p.Slug) == "" {
		slug := Slug(p.Title)
		p.Slug = &slug
	} else {
		slug := Slug(*p.Slug)
		p.Slug = &slug
	}
	if *p.Slug == "" && !v.Has(pf("title")) {
		v.Add(pf("slug"), validate.Invalid, "Không tạo được đường dẫn từ tiêu đề; hãy nhập đường dẫn.", "No slug can be made from the title; give one.")
	}
	p.Summary = v.OptionalText(pf("summary"), p.Summary, 1000)
	p.AuthorName = v.OptionalText(pf("authorName"), p.AuthorName, 200)
	p.AuthorDepartment = v.OptionalText(pf("authorDepartment"), p.AuthorDepartment, 300)
	if utf8.RuneCountInString(p.BodyMarkdown) > 100000 {
		v.Add(pf("bodyMarkdown"), validate.TooLong, "Nội dung quá dài.", "The body is too long.")
	}
	tags := []string{}
	for i, t := range p.Tags {
		if t = v.Text(pf("tags", i), t, false, 50); t != "" {
			tags = append(tags, t)
		}
	}
	p.Tags = tags
	for i := range p.Photos {
		p.Photos[i].Caption = v.OptionalText(pf("photos", i, "caption"), p.Photos[i].Caption, 1000)
	}
	if err := org.CheckOpen(ctx, tx, v, validate.Input("unitId"), p.UnitID); err != nil {
		return "", err
	}
	var exists bool
	if p.ActivityID != nil {
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM activities WHERE id = $1)`, *p.ActivityID).Scan(&exists); err != nil {
			return "", err
		}
		if !exists {
			v.Add(pf("activityId"), validate.NotFound, "Không tìm thấy hoạt động.", "No such activity.")
		}
	}
	ids := []int64{}
	for _, ph := range p.Photos {
		ids = append(ids, ph.PhotoID)
	}
	if p.CoverPhotoID != nil {
		ids = append(ids, *p.CoverPhotoID)
	}
	var found []int64
	rows, err := tx.Query(ctx, `SELECT id FROM photos WHERE id = ANY($1)`, ids)
	if err != nil {
		return "", err
	}
	found, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return "", err
	}
	has := map[int64]bool{}
	for _, id := range found {
		has[id] = true
	}
	for i, ph := range p.Photos {
		if !has[ph.PhotoID] {
			v.Add(pf("photos", i, "photoId"), validate.NotFound, "Không tìm thấy ảnh.", "No such photo.")
		}
	}
	if p.CoverPhotoID != nil && !has[*p.CoverPhotoID] {
		v.Add(pf("coverPhotoId"), validate.NotFound, "Không tìm thấy ảnh.", "No such photo.")
	}
	html, err = RenderMarkdown(p.BodyMarkdown)
	if err != nil {
		v.Add(pf("bodyMarkdown"), validate.Invalid, "Nội dung không đọc được.", "The body cannot be read.")
	}
	return html, nil
}

func duplicateSlug(err error) error {
	return db.Duplicate(err, "posts_slug_key", pf("slug"),
		"Đã có tin bài với đường dẫn này; hãy đổi tiêu đề hoặc đường dẫn.",
		"Another post has this slug; change the title or the slug.")
}

func writePhotos(ctx context.Context, tx pgx.Tx, postID int64, photos []PostPhoto) error {
	if _, err := tx.Exec(ctx, `DELETE FROM post_photos WHERE post_id = $1`, postID); err != nil {
		return err
	}
	for i, ph := range photos {
		if _, err := tx.Exec(ctx, `INSERT INTO post_photos (post_id, position, photo_id, caption) VALUES ($1, $2, $3, $4)`,
			postID, i, ph.PhotoID, ph.Caption); err != nil {
			return err
		}
	}
	return nil
}

// Create adds a draft post.
func (s *Store) Create(ctx context.Context, p Input, accountID int64) (*Post, error) {
	var out *Post
	err := idempotency.InTx(ctx, s.pool, func(tx pgx.Tx) (int64, error) {
		var v validate.Errors
		html, err := s.check(ctx, tx, &v, &p)
		if err != nil {
			return 0, err
		}
		if err := v.Err(); err != nil {
			return 0, err
		}
		var account *int64
		if accountID != 0 {
			account = &accountID
		}
		out, err = scanPost(tx.QueryRow(ctx, `INSERT INTO posts AS p (unit_id, activity_id, account_id, title, slug, summary,
			body_markdown, body_html, author_name, author_department, tags, cover_photo_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING `+postColumns,
			p.UnitID, p.ActivityID, account, p.Title, *p.Slug, p.Summary, p.BodyMarkdown, html, p.AuthorName, p.AuthorDepartment,
			p.Tags, p.CoverPhotoID))
		if err != nil {
			return 0, duplicateSlug(err)
		}
		if err := writePhotos(ctx, tx, out.ID, p.Photos); err != nil {
			return 0, err
		}
		return out.ID, nil
	})
	return out, err
}

// Update replaces a post's content (not its status).
func (s *Store) Update(ctx context.Context, id int64, version int32, p Input) (*Post, error) {
	return versionlock.Update(ctx, s.pool, id, version, lock, func(tx pgx.Tx, cur *Post) (*Post, error) {
		p.UnitID = cur.UnitID
		var v validate.Errors
		html, err := s.check(ctx, tx, &v, &p)
		if err != nil {
			return nil, err
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		out, err := scanPost(tx.QueryRow(ctx, `UPDATE posts p SET activity_id = $2, title = $3, slug = $4, summary = $5,
			body_markdown = $6, body_html = $7, author_name = $8, author_department = $9, tags = $10, cover_photo_id = $11,
			updated_at = now(), version = version + 1 WHERE id = $1 RETURNING `+postColumns,
			id, p.ActivityID, p.Title, *p.Slug, p.Summary, p.BodyMarkdown, html, p.AuthorName, p.AuthorDepartment, p.Tags, p.CoverPhotoID))
		if err != nil {
			return nil, duplicateSlug(err)
		}
		return out, writePhotos(ctx, tx, id, p.Photos)
	})
}

func lock(ctx context.Context, tx pgx.Tx, id int64, version int32) (*Post, error) {
	return versionlock.Lock(ctx, tx, `SELECT `+postColumns+` FROM posts p WHERE p.id = $1 FOR UPDATE`, id, version,
		scanPost, func(p *Post) int32 { return p.Version }, versionlock.Named{VI: "tin bài", EN: "post"})
}

// SetStatus publishes, archives or returns a post to draft. Publishing
// stamps the time once; republishing an archived post keeps it.
func (s *Store) SetStatus(ctx context.Context, id int64, version int32, status Status) (*Post, error) {
	return versionlock.Update(ctx, s.pool, id, version, lock, func(tx pgx.Tx, cur *Post) (*Post, error) {
		// An archived post counts as published news (it was, once); a draft
		// never published has nothing to archive.
		if cur.Status == Draft && status == Archived {
			var v validate.Errors
			v.Add(validate.Input("status"), validate.NotAllowed, "Tin nháp chưa đăng thì không lưu trữ được; nếu không dùng nữa, hãy xóa.",
				"A draft that was never published cannot be archived; delete it if it is not wanted.")
			return nil, v.Err()
		}
		return scanPost(tx.QueryRow(ctx, `UPDATE posts p SET status = $2,
			published_at = CASE WHEN $2 = 'DRAFT' THEN NULL ELSE coalesce(published_at, $3) END,
			updated_at = now(), version = version + 1 WHERE id = $1 RETURNING `+postColumns, id, status, s.now()))
	})
}

// Delete removes a post.
func (s *Store) Delete(ctx context.Context, id int64, version int32) error {
	return versionlock.Delete(ctx, s.pool, "posts", id, version, lock)
}
