package i18n

import "testing"

func TestFromHeader(t *testing.T) {
	tests := []struct {
		header string
		want   Lang
	}{
		{"", VI},
		{"vi", VI},
		{"vi-VN,vi;q=0.9,en;q=0.8", VI},
		{"en", EN},
		{"en-US,en;q=0.9", EN},
		{"fr-FR", VI},
		{"fr;q=0.9,en;q=0.5", EN},
		{"garbage;;q=", VI},
	}
	for _, tt := range tests {
		if got := FromHeader(tt.header); got != tt.want {
			t.Errorf("FromHeader(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}
