package httpserver_test

import (
	"net/http"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/httpserver"
	"github.com/sodoan/sodoan/internal/imagedecode"
	"github.com/sodoan/sodoan/internal/imagedecode/testimages"
	"github.com/sodoan/sodoan/internal/news"
)

func uploadError(t *testing.T, body map[string]any) (code, reason string) {
	t.Helper()
	errs, _ := body["errors"].([]any)
	if len(errs) != 1 {
		t.Fatalf("body = %v", body)
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ = ext["code"].(string)
	reason, _ = ext["reason"].(string)
	return code, reason
}

// Images within 50 million pixels that would still need hundreds of
// megabytes to decode (the attack's progressive JPEG and 16-bit PNG) are
// refused with 413 before they are decoded; an upload finding the decode
// queue full gets 503 with Retry-After.
func TestUploadDecodeBudget(t *testing.T) {
	t.Parallel()
	gate := imagedecode.New(imagedecode.DefaultBudget, 0)
	env := apitest.New(t, func(o *httpserver.Options) { o.Media = news.Media{Dir: t.TempDir(), Decodes: gate} })
	for _, tt := range []struct {
		name string
		body []byte
	}{
		{"7000 × 7000 progressive JPEG", testimages.ProgressiveJPEG(7000, 7000)},
		{"7000 × 7000 16-bit PNG", testimages.PNG16(7000, 7000)},
	} {
		rec := env.Raw(http.MethodPost, "/uploads/photos", "application/octet-stream", string(tt.body))
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: %d %.200s, want 413", tt.name, rec.Code, rec.Body)
			continue
		}
		if code, reason := uploadError(t, decode(t, rec)); code != "BAD_USER_INPUT" || reason != "TOO_LONG" {
			t.Errorf("%s: %s %s", tt.name, code, reason)
		}
	}

	small := string(testimages.ProgressiveJPEG(64, 48))
	release, err := gate.Acquire(t.Context(), gate.Budget())
	if err != nil {
		t.Fatal(err)
	}
	rec := env.Raw(http.MethodPost, "/uploads/photos", "application/octet-stream", small)
	release()
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("with the queue full: %d %v %.200s, want 503 with Retry-After", rec.Code, rec.Header(), rec.Body)
	}
	if code, reason := uploadError(t, decode(t, rec)); code != "UNAVAILABLE" || reason != "BUSY" {
		t.Errorf("with the queue full: %s %s", code, reason)
	}
	if rec := env.Raw(http.MethodPost, "/uploads/photos", "application/octet-stream", small); rec.Code != http.StatusCreated {
		t.Errorf("once the budget is free: %d %.200s", rec.Code, rec.Body)
	}
}
