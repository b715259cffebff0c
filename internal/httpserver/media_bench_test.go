package httpserver_test

import (
	"bufio"
	"bytes"
	"image"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sodoan/sodoan/internal/apitest"
	"github.com/sodoan/sodoan/internal/imagedecode"
	"github.com/sodoan/sodoan/internal/imagedecode/testimages"
)

// largestWithin returns the largest square image make(s, s) whose decode
// fits the default budget: the costliest upload the server accepts.
func largestWithin(b *testing.B, make func(w, h int) []byte) []byte {
	b.Helper()
	lo, hi := 8, 8000
	for lo < hi {
		mid := (lo + hi + 8) / 16 * 8
		data := make(mid, mid)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		if cost, _ := imagedecode.Cost(data, format, cfg); cost <= imagedecode.DefaultBudget {
			lo = mid
		} else {
			hi = mid - 8
		}
	}
	return make(lo, lo)
}

// procStatus returns a field of /proc/self/status in MB.
func procStatus(b *testing.B, field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	b.Fatalf("no %s in /proc/self/status", field)
	return 0
}

// BenchmarkUploadMemory sends 10 worst-case uploads at once through the
// real handler: the attack's images (7000 × 7000 progressive JPEGs and
// 16-bit PNGs, within the pixel cap) and the costliest images the budget
// accepts. It reports the process's peak resident memory (VmHWM, reset
// before each round) and what stays resident after the round.
func BenchmarkUploadMemory(b *testing.B) {
	env := apitest.New(b)
	uploads := [][]byte{
		testimages.ProgressiveJPEG(7000, 7000), testimages.ProgressiveJPEG(7000, 7000), testimages.ProgressiveJPEG(7000, 7000),
		testimages.PNG16(7000, 7000), testimages.PNG16(7000, 7000),
	}
	jpegMax, pngMax := largestWithin(b, testimages.ProgressiveJPEG), largestWithin(b, testimages.PNG16)
	uploads = append(uploads, jpegMax, jpegMax, jpegMax, pngMax, pngMax)
	var peak, after float64
	statuses := map[int]int{}
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		runtime.GC()
		debug.FreeOSMemory()
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			b.Fatalf("reset the peak: %v", err)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, body := range uploads {
			wg.Go(func() {
				rec := env.Raw(http.MethodPost, "/uploads/photos", "application/octet-stream", string(body))
				mu.Lock()
				statuses[rec.Code]++
				mu.Unlock()
			})
		}
		wg.Wait()
		peak = max(peak, procStatus(b, "VmHWM"))
		after = max(after, procStatus(b, "VmRSS"))
	}
	b.ReportMetric(peak, "peak-RSS-MB")
	b.ReportMetric(after, "RSS-after-MB")
	for code, n := range statuses {
		b.ReportMetric(float64(n)/float64(b.N), "status-"+strconv.Itoa(code)+"/round")
	}
}
