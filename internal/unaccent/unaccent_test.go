package unaccent

import "testing"

func TestPlainAndKey(t *testing.T) {
	for _, tt := range []struct{ in, plain, key string }{
		{"Họ và tên", "ho va ten", "ho va ten"},
		{"HỌ VÀ TÊN", "ho va ten", "ho va ten"},
		{"Đoàn viên", "doan vien", "doan vien"},
		{"Số thẻ  đoàn viên (*)", "so the  doan vien (*)", "so the doan vien"},
		{"Ngày vào Đoàn", "ngay vao doan", "ngay vao doan"},
		{" Nữ ", " nu ", "nu"},
		{"Hội nghị tổng kết năm 2022", "hoi nghi tong ket nam 2022", "hoi nghi tong ket nam 2022"},
	} {
		if got := Plain(tt.in); got != tt.plain {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.plain)
		}
		if got := Key(tt.in); got != tt.key {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.key)
		}
	}
}
