package dates

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string // YYYY-MM-DD, or "" when refused
	}{
		{"2026-03-26", "2026-03-26"},
		{" 2026-03-26 ", "2026-03-26"},
		{"26/03/2026", "2026-03-26"},
		{"6/3/2026", "2026-03-06"},
		{"03/04/2026", "2026-04-03"}, // day first: 3 April
		{"26.03.2026", "2026-03-26"},
		{"26-03-2026", "2026-03-26"},
		{"29/02/2024", "2024-02-29"},
		{"29/02/2023", ""},
		{"31/04/2026", ""},
		{"00/01/2026", ""},
		{"13/13/2026", ""},
		{"26/03-2026", ""}, // mixed separators
		{"26/03/26", ""},   // two-digit year
		{"2026/03/26", ""},
		{"2026-3-26", ""},
		{"", ""},
		{"ngày 26 tháng 3 năm 2026", ""},
	} {
		got, err := Parse(tt.in)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("Parse(%q) = %s, want refused", tt.in, got.Format(time.DateOnly))
		case tt.want != "" && err != nil:
			t.Errorf("Parse(%q): %v, want %s", tt.in, err, tt.want)
		case tt.want != "" && got.Format(time.DateOnly) != tt.want:
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got.Format(time.DateOnly), tt.want)
		case err == nil && (got.Location() != time.UTC || got.Hour() != 0):
			t.Errorf("Parse(%q) = %v, want midnight UTC", tt.in, got)
		}
	}
}

func TestFormatReadsBack(t *testing.T) {
	d := time.Date(2026, 3, 6, 0, 0, 0, 0, time.UTC)
	if s := Format(d); s != "06/03/2026" {
		t.Fatalf("Format = %q", s)
	}
	if back, err := Parse(Format(d)); err != nil || !back.Equal(d) {
		t.Fatalf("Parse(Format(d)) = %v, %v", back, err)
	}
}
