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
