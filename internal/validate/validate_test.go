package validate

import (
	"testing"

	"github.com/sodoan/sodoan/internal/apperr"
)

// Checks made inside a transaction run again when it is retried; each
// problem is still reported once, and different problems all are.
func TestSameProblemReportedOnce(t *testing.T) {
	var v Errors
	for range 2 { // the transaction's first run and its retry
		v.Add(Path("input", "unitId"), NotFound, "Không tìm thấy đơn vị.", "No such unit.")
		v.Add(Path("input", "participants", "0", "memberId"), NotFound, "Không tìm thấy đoàn viên.", "No such member.")
	}
	v.Add(Path("input", "unitId"), NotAllowed, "Đơn vị đã lưu trữ.", "The unit is archived.")
	inv, ok := apperr.AsInvalid(v.Err())
	if !ok || len(inv.Errors) != 3 {
		t.Fatalf("want 3 problems, got %+v", v.Err())
	}
}
