package money

import (
	"math"
	"testing"
)

func TestAdd(t *testing.T) {
	for _, tt := range []struct{ a, b, want int64 }{
		{1, 2, 3},
		{math.MaxInt64, 1, math.MaxInt64},
		{math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, -1, math.MinInt64},
		{math.MaxInt64, math.MinInt64, -1},
		{-5, 3, -2},
	} {
		if got := Add(tt.a, tt.b); got != tt.want {
			t.Errorf("Add(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
	if got := Sum(math.MaxInt64, math.MaxInt64, 5); got != math.MaxInt64 {
		t.Errorf("Sum = %d", got)
	}
}

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2450000", 2450000, true},
		{" 2450000 ", 2450000, true},
		{"2.450.000", 2450000, true},
		{"2 450 000", 2450000, true},
		{"2\u00a0450\u00a0000", 2450000, true},
		{"2.450.000 đ", 2450000, true},
		{"2.450.000đ", 2450000, true},
		{"2.450.000 đồng", 2450000, true},
		{"2.450.000 VNĐ", 2450000, true},
		{"2450000 VND", 2450000, true},
		{"999", 999, true},
		{"1.000", 1000, true},
		{"-5.000", -5000, true},
		{"0", 0, true},
		{"9.223.372.036.854.775.807", math.MaxInt64, true},
		{"9.223.372.036.854.775.808", 0, false},
		{"2,450,000", 0, false},
		{"2,5", 0, false},
		{"2.45", 0, false},
		{"2.4500.000", 0, false},
		{"2.450 000", 0, false},
		{"1000.000", 0, false},
		{".450.000", 0, false},
		{"2.450.000.", 0, false},
		{"1e6", 0, false},
		{"đ", 0, false},
		{"", 0, false},
		{"hai triệu", 0, false},
	} {
		got, err := Parse(tt.in)
		if tt.ok && (err != nil || got != tt.want) {
			t.Errorf("Parse(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
		if !tt.ok && err == nil {
			t.Errorf("Parse(%q) = %d, want refused", tt.in, got)
		}
	}
}
