package account

import (
	"strings"
	"testing"
	"time"
)

// A lapsed role names how its unit ended, in both languages.
func TestLapseNote(t *testing.T) {
	on := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	decision := "57-QĐ/HĐTN"
	archived := time.Date(2025, 6, 30, 20, 0, 0, 0, time.UTC) // 1 July, 03:00 in Vietnam
	for _, tt := range []struct {
		name   string
		role   Role
		vi, en []string
	}{
		{"in force", Role{Kind: Officer}, nil, nil},
		{"dissolved", Role{Kind: Officer, Lapsed: true, Ended: &UnitEnd{ArchivedAt: archived, Kind: "DISSOLVE", EffectiveOn: &on, DecisionNumber: &decision}},
			[]string{"giải thể", "01/07/2025", decision}, []string{"dissolved", "2025-07-01", decision}},
		{"merged", Role{Kind: Officer, Lapsed: true, Ended: &UnitEnd{ArchivedAt: archived, Kind: "MERGE", EffectiveOn: &on, DecisionNumber: &decision}},
			[]string{"hợp nhất", "01/07/2025", decision}, []string{"merged", decision}},
		{"split up", Role{Kind: Officer, Lapsed: true, Ended: &UnitEnd{ArchivedAt: archived, Kind: "SPLIT", EffectiveOn: &on, DecisionNumber: &decision}},
			[]string{"chia tách", decision}, []string{"split up", decision}},
		{"archived without a decision", Role{Kind: Officer, Lapsed: true, Ended: &UnitEnd{ArchivedAt: archived}},
			[]string{"lưu trữ", "01/07/2025"}, []string{"archived", "2025-07-01"}},
	} {
		vi, en := tt.role.LapseNote()
		if tt.vi == nil {
			if vi != "" || en != "" {
				t.Errorf("%s: note %q / %q", tt.name, vi, en)
			}
			continue
		}
		for _, want := range tt.vi {
			if !strings.Contains(vi, want) {
				t.Errorf("%s: %q lacks %q", tt.name, vi, want)
			}
		}
		for _, want := range tt.en {
			if !strings.Contains(en, want) {
				t.Errorf("%s: %q lacks %q", tt.name, en, want)
			}
		}
	}
}
