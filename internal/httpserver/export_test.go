package httpserver_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/ratelimit"
)

// Report downloads are budgeted per client address, before the link is
// looked up: the fourth of a minute from one address gets 429 with
// Retry-After and a coded error; another address is not affected.
func TestExportRateLimit(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(o *httpserver.Options) { o.Exports = ratelimit.New(3) })
	office := env.From("198.51.100.7")
	for i := range 3 {
		if rec := office.Raw(http.MethodGet, "/exports/report?token=khong-co", "", ""); rec.Code != http.StatusNotFound {
			t.Fatalf("download %d: %d, want 404 (an unknown link, within the budget)", i+1, rec.Code)
		}
	}
	rec := office.Raw(http.MethodGet, "/exports/report?token=khong-co", "", "")
	if rec.Code != http.StatusTooManyRequests {
		t.Fatalf("fourth download: %d, want 429", rec.Code)
	}
	if s, err := strconv.Atoi(rec.Header().Get("Retry-After")); err != nil || s < 1 || s > 60 {
		t.Errorf("Retry-After = %q", rec.Header().Get("Retry-After"))
	}
	body := decode(t, rec)
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["extensions"].(map[string]any)["code"] != "RATE_LIMITED" {
		t.Errorf("body = %v", body)
	}
	if rec := env.From("203.0.113.9").Raw(http.MethodGet, "/exports/report?token=khong-co", "", ""); rec.Code != http.StatusNotFound {
		t.Errorf("another address: %d, want 404", rec.Code)
	}
}
