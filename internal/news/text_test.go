package news

import (
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"Hội nghị tổng kết công tác Đoàn năm 2022":     "hoi-nghi-tong-ket-cong-tac-doan-nam-2022",
		"  Trao tặng tủ sách – trẻ em xã Phước Đại!  ": "trao-tang-tu-sach-tre-em-xa-phuoc-dai",
		"Ngày hội \"Tuổi trẻ sáng tạo\" (lần 2)":       "ngay-hoi-tuoi-tre-sang-tao-lan-2",
		"ĐOÀN KHỐI": "doan-khoi",
		"!!!":       "",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

// Whatever an editor types, the HTML that comes out cannot run code.
func TestRenderMarkdownIsSafe(t *testing.T) {
	for _, attack := range []string{
		"<script>alert('x')</script>",
		"<img src=x onerror=alert(1)>",
		"[bấm vào đây](javascript:alert(1))",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<iframe src=\"https://example.com\"></iframe>",
		"<div style=\"background:url(javascript:alert(1))\">x</div>",
		"![ảnh](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
	} {
		out, err := RenderMarkdown("Tin **quan trọng**\n\n" + attack)
		if err != nil {
			t.Fatal(err)
		}
		low := strings.ToLower(out)
		for _, bad := range []string{"<script", "onerror", "javascript:", "<iframe", "style=", "data:text"} {
			if strings.Contains(low, bad) {
				t.Errorf("%q rendered to %q, which contains %q", attack, out, bad)
			}
		}
		if !strings.Contains(out, "<strong>quan trọng</strong>") {
			t.Errorf("formatting lost: %q", out)
		}
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Chi đoàn sinh hoạt định kỳ. ", 400) + "Ngày <b>hội</b> hiến máu tình nguyện."
	for _, tt := range []struct {
		name, text string
		words      []string
		plain      string // a part the plain snippet must hold
		marked     string // a part the marked one must hold
	}{
		{"accents and case ignored", "Hội nghị TỔNG KẾT năm 2022", []string{"tong", "ket"}, "Hội nghị TỔNG KẾT",
			"<mark>TỔNG</mark> <mark>KẾT</mark>"},
		{"the match far in: the snippet starts near it", long, []string{"hien", "mau"}, "…", "<mark>hiến</mark> <mark>máu</mark>"},
		{"text is escaped", "Lưu ý <script>alert(1)</script> khi tình nguyện", []string{"tinh"}, "<script>",
			"&lt;script&gt;alert(1)&lt;/script&gt; khi <mark>tình</mark>"},
	} {
		plain, marked := snippet(tt.text, tt.words)
		if !strings.Contains(plain, tt.plain) || !strings.Contains(marked, tt.marked) {
			t.Errorf("%s:\n plain %q\nmarked %q", tt.name, plain, marked)
		}
	}
}

// A long body with many matches, as a 100 KB post can be.
func BenchmarkSnippetLongBody(b *testing.B) {
	body := strings.Repeat("Tuổi trẻ tình nguyện vì cộng đồng, tình nguyện mùa hè xanh. ", 1500)
	for b.Loop() {
		snippet(body, []string{"tinh", "nguyen"})
	}
}
