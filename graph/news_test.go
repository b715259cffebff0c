package graph_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/news"
)

func pngBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.Set(x, x%h, color.RGBA{R: 200, A: 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// pngDeclaring is a tiny valid PNG whose header claims w × h pixels: what
// a decompression bomb looks like before it is decoded.
func pngDeclaring(t *testing.T, w, h uint32) []byte {
	t.Helper()
	b := pngBytes(t, 1, 1)
	binary.BigEndian.PutUint32(b[16:], w) // IHDR data starts after the 8-byte signature and the chunk's length and type
	binary.BigEndian.PutUint32(b[20:], h)
	binary.BigEndian.PutUint32(b[29:], crc32.ChecksumIEEE(b[12:29]))
	return b
}

type uploaded struct {
	ID, URL, ContentType string
	Width, Height        int
}

func upload(t *testing.T, e *apitest.Env, token string, body []byte, contentType string) (*httptest.ResponseRecorder, uploaded) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/uploads/photos", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	var out uploaded
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return rec, out
}

// Photos are checked by their bytes, stored once, served with cache headers.
func TestPhotoUpload(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	e := c.env
	image := pngBytes(t, 64, 48)
	rec, photo := upload(t, e, e.AdminToken, image, "image/png")
	if rec.Code != 201 || photo.Width != 64 || photo.Height != 48 || photo.ContentType != "image/png" || !strings.HasPrefix(photo.URL, "/media/") {
		t.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	if _, again := upload(t, e, c.tokens["branch A secretary"], image, "image/png"); again.URL != photo.URL {
		t.Errorf("the same image stored twice: %s, %s", photo.URL, again.URL)
	}

	got := get(t, e, photo.URL)
	if got.Code != 200 || !bytes.Equal(got.Body.Bytes(), image) || got.Header().Get("Content-Type") != "image/png" ||
		!strings.Contains(got.Header().Get("Cache-Control"), "max-age=31536000") {
		t.Errorf("serve: %d %v", got.Code, got.Header())
	}

	for _, tt := range []struct {
		name   string
		token  string
		body   []byte
		status int
	}{
		{"a text file named .jpg", e.AdminToken, []byte("đây không phải là ảnh, chỉ đổi tên thành anh.jpg"), 422},
		{"a truncated PNG", e.AdminToken, image[:40], 422},
		{"too large", e.AdminToken, bytes.Repeat([]byte{0xff}, 11<<20), 413},
		{"a small file declaring 40,000 × 40,000 pixels", e.AdminToken, pngDeclaring(t, 40_000, 40_000), 413},
		{"anonymous", "", image, 401},
		{"a plain member", c.tokens["member of A"], image, 403},
	} {
		rec, _ := upload(t, e, tt.token, tt.body, "image/jpeg")
		if rec.Code != tt.status {
			t.Errorf("%s: %d %s, want %d", tt.name, rec.Code, rec.Body.String()[:min(rec.Body.Len(), 200)], tt.status)
		}
	}
	// A multipart form from another site cannot carry the bearer token.
	var form bytes.Buffer
	form.WriteString("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n")
	form.Write(image)
	form.WriteString("\r\n--x--\r\n")
	if rec, _ := upload(t, e, "", form.Bytes(), "multipart/form-data; boundary=x"); rec.Code != 401 {
		t.Errorf("cross-site form: %d", rec.Code)
	}
	if rec, p := upload(t, e, e.AdminToken, form.Bytes(), "multipart/form-data; boundary=x"); rec.Code != 201 || p.URL != photo.URL {
		t.Errorf("multipart upload with the token: %d %s", rec.Code, rec.Body)
	}
	// Names that are not a stored photo's: escapes from the folder (escaped,
	// so the router does not clean them away first), other types, other
	// spellings of a real name.
	real := strings.TrimPrefix(photo.URL, "/media/")
	for _, name := range []string{"..%2F..%2Fetc%2Fpasswd", "..%2F" + real, strings.TrimSuffix(real, ".png") + ".svg",
		strings.ToUpper(real[:64]) + ".png", real + ".html", strings.Repeat("0", 64) + ".png"} {
		if rec := get(t, e, "/media/"+name); rec.Code != http.StatusNotFound {
			t.Errorf("/media/%s: %d, want 404", name, rec.Code)
		}
	}
}

type postOut struct {
	ID, Title, Slug, Status, BodyHTML string
	PublishedAt                       *string
	Version                           int
	Byline                            struct{ Name, Department string }
	Photos                            []struct {
		Caption string
		Photo   struct {
			URL   string
			Width int
		}
	}
	Cover *struct{ URL string }
	Views int
}

const postFields = `id title slug status bodyHtml publishedAt version byline { name department }
	photos { caption photo { url width } } cover { url } views`

// A post with photos is written as a draft, published, and read by anyone;
// the draft was invisible until then.
func TestPostLifecycle(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	e := c.env
	_, photo := upload(t, e, e.AdminToken, pngBytes(t, 80, 60), "image/png")
	secretary := c.as("branch A secretary")
	var created struct{ Post postOut }
	secretary.MustMutate(t, "postCreate", "PostCreateInput", "post { "+postFields+" }", map[string]any{
		"unitId": c.branchA,
		"post": map[string]any{
			"title":        "Hội nghị tổng kết công tác Đoàn năm 2022",
			"summary":      "Chi đoàn tổng kết năm 2022 và triển khai nhiệm vụ năm 2023.",
			"bodyMarkdown": "Sáng 29/12, **Chi đoàn** tổ chức hội nghị.\n\n<script>alert('xss')</script>\n\n[xem](javascript:alert(1))",
			"authorName":   "Lê Thị Kim Ngân", "authorDepartment": "Phòng Tổng hợp",
			"tags": []string{"tổng kết", "2022"}, "coverPhotoId": photo.ID,
			"photos": []map[string]any{{"photoId": photo.ID, "caption": "Quang cảnh hội nghị"}},
		},
	}, &created)
	p := created.Post
	if p.Slug != "hoi-nghi-tong-ket-cong-tac-doan-nam-2022" || p.Status != "DRAFT" || p.PublishedAt != nil ||
		len(p.Photos) != 1 || p.Photos[0].Caption != "Quang cảnh hội nghị" || p.Photos[0].Photo.Width != 80 || p.Cover == nil ||
		p.Byline.Department != "Phòng Tổng hợp" {
		t.Errorf("created = %+v", p)
	}
	if strings.Contains(p.BodyHTML, "<script") || strings.Contains(p.BodyHTML, "javascript:") || !strings.Contains(p.BodyHTML, "<strong>Chi đoàn</strong>") {
		t.Errorf("body html = %q", p.BodyHTML)
	}

	readAnon := func() (int, string) {
		var out struct {
			Posts struct{ TotalCount int }
			Post  *postOut
		}
		c.as("anonymous").MustDo(t, `query($s: String) { posts { totalCount } post(slug: $s) { status } }`, map[string]any{"s": p.Slug}, &out)
		status := ""
		if out.Post != nil {
			status = out.Post.Status
		}
		return out.Posts.TotalCount, status
	}
	if n, s := readAnon(); n != 0 || s != "" {
		t.Errorf("anonymous sees the draft: %d %q", n, s)
	}
	resp := c.as("district officer").Do(t, `mutation($in: PostSetStatusInput!) { postSetStatus(input: $in) { post { id } } }`,
		map[string]any{"in": map[string]any{"id": p.ID, "version": 1, "status": "PUBLISHED"}})
	if len(resp.Errors) != 1 || resp.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("district officer publishing: %+v", resp.Errors)
	}
	var pub struct{ Post postOut }
	secretary.MustMutate(t, "postSetStatus", "PostSetStatusInput", "post { status publishedAt }",
		map[string]any{"id": p.ID, "version": 1, "status": "PUBLISHED"}, &pub)
	if pub.Post.Status != "PUBLISHED" || pub.Post.PublishedAt == nil {
		t.Errorf("published = %+v", pub.Post)
	}
	if n, s := readAnon(); n != 1 || s != "PUBLISHED" {
		t.Errorf("anonymous after publishing: %d %q", n, s)
	}

	// The same title again gets a field error, not a crash.
	ue := secretary.Mutate(t, "postCreate", "PostCreateInput", "post { id }", map[string]any{"unitId": c.branchA,
		"post": map[string]any{"title": "Hội nghị tổng kết công tác Đoàn năm 2022", "bodyMarkdown": "x"}}, nil)
	if got := codes(ue); len(got) != 1 || got[0] != "input.post.slug:DUPLICATE" {
		t.Errorf("duplicate slug: %v", got)
	}
}

// "hoi nghi tong ket" finds "Hội nghị tổng kết", title matches first.
func TestSearch(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	mk := func(title, body string) { c.published(t, c.branchA, title, body) }
	mk("Ra quân Tháng Thanh niên", "Chiều 20/3 chi đoàn chuẩn bị cho Hội nghị tổng kết sắp tới.")
	mk("Hội nghị tổng kết công tác Đoàn năm 2022", "Đánh giá kết quả năm qua.")
	c.activity(t, c.branchA, "Hội nghị tổng kết năm học", nil)

	var out struct {
		Search []struct {
			Kind, Title, Snippet, SnippetHTML string
			TitleMatch                        bool
		}
	}
	c.as("anonymous").MustDo(t, `{ search(query: "hoi nghi TONG KET") { kind title titleMatch snippet snippetHtml } }`, nil, &out)
	hits := out.Search
	if len(hits) != 3 || !hits[0].TitleMatch || !hits[1].TitleMatch || hits[2].TitleMatch || hits[2].Title != "Ra quân Tháng Thanh niên" {
		t.Fatalf("hits = %+v", hits)
	}
	if !strings.Contains(hits[2].SnippetHTML, "<mark>Hội nghị</mark>") && !strings.Contains(hits[2].SnippetHTML, "<mark>Hội</mark>") {
		t.Errorf("snippet not marked: %q", hits[2].SnippetHTML)
	}
	kinds := map[string]int{}
	for _, h := range hits {
		kinds[h.Kind]++
	}
	if kinds["POST"] != 2 || kinds["ACTIVITY"] != 1 {
		t.Errorf("kinds = %v", kinds)
	}
}

// A burst of concurrent visits by one visitor counts one visitor of the
// site and one view of the post, exactly.
func TestVisitCounter(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	post := c.published(t, c.branchA, "Tin đọc nhiều", "Nội dung")

	const visits, onPost = 200, 120
	var wg sync.WaitGroup
	errs := make(chan string, visits)
	for i := range visits {
		wg.Go(func() {
			vars := map[string]any{"in": map[string]any{"path": fmt.Sprintf("/trang/%d", i%7)}}
			if i < onPost {
				vars["in"].(map[string]any)["postId"] = post
			}
			resp := c.as("anonymous").Do(t, `mutation($in: VisitInput!) { visitRecord(input: $in) { stats { total } } }`, vars)
			if len(resp.Errors) > 0 {
				errs <- fmt.Sprint(resp.Errors)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	var st struct {
		SiteStats struct{ OnlineNow, Today, ThisWeek, Total int }
		MostRead  []struct {
			ID    string
			Views int
		}
	}
	c.as("anonymous").MustDo(t, `{ siteStats { onlineNow today thisWeek total } mostRead { id views } }`, nil, &st)
	s := st.SiteStats
	if s.Today != 1 || s.ThisWeek != 1 || s.Total != 1 || s.OnlineNow != 1 {
		t.Errorf("stats = %+v, want the %d visits counted as one visitor", s, visits)
	}
	// Its 120 visits of the post are one visitor's: one view today.
	if len(st.MostRead) != 1 || st.MostRead[0].ID != post || st.MostRead[0].Views != 1 {
		t.Errorf("most read = %+v, want one view of the post", st.MostRead)
	}
	// No address is stored, only salted hashes.
	var raw int
	if err := c.env.Pool.QueryRow(t.Context(), `SELECT count(*) FROM online_visitors WHERE length(visitor) <> 32`).Scan(&raw); err != nil || raw != 0 {
		t.Errorf("visitor keys: %d, %v", raw, err)
	}
}

// Title matches come first, newest first, then text matches, newest first;
// a small page of a common word holds only the newest title matches.
func TestSearchOrder(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	for i, day := range []string{"2022-03-05", "2022-07-10", "2021-11-20", "2022-01-15"} {
		c.activity(t, c.branchA, fmt.Sprintf("Hiến máu nhân đạo đợt %d", i+1), map[string]any{"startsOn": day})
	}
	c.activity(t, c.branchA, "Ngày Chủ nhật xanh", map[string]any{"startsOn": "2022-09-01", "description": "Kết hợp vận động hiến máu."})
	c.activity(t, c.branchA, "Sinh hoạt chi đoàn", map[string]any{"startsOn": "2020-04-01", "description": "Bàn kế hoạch hiến máu."})
	c.activity(t, c.branchA, "Dọn vệ sinh", map[string]any{"startsOn": "2022-12-01"})

	titles := func(first int) []string {
		var out struct{ Search []struct{ Title string } }
		c.as("anonymous").MustDo(t, `query($n: Int) { search(query: "hien mau", first: $n) { title } }`, map[string]any{"n": first}, &out)
		var got []string
		for _, h := range out.Search {
			got = append(got, h.Title)
		}
		return got
	}
	want := []string{"Hiến máu nhân đạo đợt 2", "Hiến máu nhân đạo đợt 1", "Hiến máu nhân đạo đợt 4", "Hiến máu nhân đạo đợt 3",
		"Ngày Chủ nhật xanh", "Sinh hoạt chi đoàn"}
	if got := titles(10); !slices.Equal(got, want) {
		t.Errorf("first 10:\n got %q\nwant %q", got, want)
	}
	if got := titles(3); !slices.Equal(got, want[:3]) {
		t.Errorf("first 3:\n got %q\nwant %q", got, want[:3])
	}
	if got := titles(5); !slices.Equal(got, want[:5]) {
		t.Errorf("first 5:\n got %q\nwant %q", got, want[:5])
	}
}

// A post's unit must be open, and tags are limited in characters, not
// bytes: a 40-letter Vietnamese tag is fine, a 51-letter one is not.
func TestPostUnitAndTags(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	closed := tr.unit(t, &tr.bloc, "BRANCH", "Chi đoàn đã giải thể")
	tr.env.MustMutate(t, "unitArchive", "UnitArchiveInput", "unit { id }", map[string]any{"id": closed, "version": tr.version(t, closed)}, nil)
	tag40 := strings.Repeat("Đ", 40)
	for _, tt := range []struct {
		name, unit string
		tags       []string
		want       []string
	}{
		{"archived unit", closed, nil, []string{"input.unitId:NOT_ALLOWED"}},
		{"long Vietnamese tag", tr.branchA, []string{tag40, "tình nguyện"}, nil},
		{"tag over 50 characters", tr.branchA, []string{strings.Repeat("ư", 51)}, []string{"input.post.tags.0:TOO_LONG"}},
	} {
		before := tr.env.Count(t, "posts")
		ue := tr.env.Mutate(t, "postCreate", "PostCreateInput", "post { id }", map[string]any{"unitId": tt.unit,
			"post": map[string]any{"title": "Tin " + tt.name, "bodyMarkdown": "Nội dung.", "tags": tt.tags}}, nil)
		if got := codes(ue); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		if created := tr.env.Count(t, "posts") - before; (len(tt.want) == 0) != (created == 1) {
			t.Errorf("%s: %d posts created", tt.name, created)
		}
	}
}

// A draft never published cannot be archived (an archived post counts as
// published news in the year-end report).
func TestDraftCannotBeArchived(t *testing.T) {
	t.Parallel()
	tr := newTree(t)
	post := tr.post(t, tr.branchA, "Bản nháp", "Chưa xong.")
	ue := tr.env.Mutate(t, "postSetStatus", "PostSetStatusInput", "post { id }", map[string]any{"id": post, "version": 1, "status": "ARCHIVED"}, nil)
	if got := codes(ue); !slices.Equal(got, []string{"input.status:NOT_ALLOWED"}) {
		t.Errorf("archiving a draft: %v", got)
	}
	var p struct{ Node struct{ Status string } }
	tr.env.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Post { status } } }`, map[string]any{"id": post}, &p)
	if p.Node.Status != "DRAFT" {
		t.Errorf("status after the refusal: %s", p.Node.Status)
	}
}

// Search shows drafts only to those who manage their unit, and never a
// cancelled activity.
func TestSearchVisibility(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	c.post(t, c.branchA, "Bản nháp kế hoạch mùa hè xanh", "Chưa đăng.")
	c.activity(t, c.branchA, "Mùa hè xanh đã hủy", map[string]any{"status": "CANCELLED"})
	c.activity(t, c.branchA, "Mùa hè xanh ở Phước Đại", nil)
	titles := func(who string) []string {
		var out struct{ Search []struct{ Title string } }
		c.as(who).MustDo(t, `{ search(query: "mua he xanh", first: 10) { title } }`, nil, &out)
		var got []string
		for _, h := range out.Search {
			got = append(got, h.Title)
		}
		slices.Sort(got)
		return got
	}
	if got := titles("anonymous"); !slices.Equal(got, []string{"Mùa hè xanh ở Phước Đại"}) {
		t.Errorf("anonymous sees %q", got)
	}
	if got := titles("admin"); !slices.Equal(got, []string{"Bản nháp kế hoạch mùa hè xanh", "Mùa hè xanh ở Phước Đại"}) {
		t.Errorf("the administrator sees %q", got)
	}
}

// One address that changes its User-Agent on every visitRecord counts at
// most news.VisitorsPerAddress views of a post and visitors of the site a
// day; another address counts on its own.
func TestVisitsPerAddressAreBounded(t *testing.T) {
	t.Parallel()
	c := newCallers(t)
	post := c.published(t, c.branchA, "Tin được bơm lượt xem", "Nội dung")
	visit := func(ip, agent string) {
		t.Helper()
		resp := c.env.Anonymous().From(ip).Do(t, `mutation($in: VisitInput!) { visitRecord(input: $in) { stats { today } } }`,
			map[string]any{"in": map[string]any{"path": "/tin", "postId": post}}, "User-Agent", agent)
		if len(resp.Errors) > 0 {
			t.Fatalf("visit: %+v", resp.Errors)
		}
	}
	counts := func() (views, today int) {
		t.Helper()
		var st struct {
			SiteStats struct{ Today int }
			Node      struct{ Views int }
		}
		c.env.Anonymous().MustDo(t, `query($id: ID!) { siteStats { today } node(id: $id) { ... on Post { views } } }`,
			map[string]any{"id": post}, &st)
		return st.Node.Views, st.SiteStats.Today
	}
	for i := range 25 {
		visit("203.0.113.77", fmt.Sprintf("Mozilla/5.0 (bơm %d)", i))
	}
	if views, today := counts(); views != news.VisitorsPerAddress || today != news.VisitorsPerAddress {
		t.Errorf("25 User-Agents from one address: %d views, %d visitors today; want %d", views, today, news.VisitorsPerAddress)
	}
	visit("198.51.100.77", "Mozilla/5.0")
	visit("198.51.100.77", "Mozilla/5.0")
	if views, today := counts(); views != news.VisitorsPerAddress+1 || today != news.VisitorsPerAddress+1 {
		t.Errorf("another address: %d views, %d visitors today; want %d", views, today, news.VisitorsPerAddress+1)
	}
}
