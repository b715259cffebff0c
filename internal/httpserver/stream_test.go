package httpserver

import (
	"bufio"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sodoan/sodoan/internal/metrics"
	"github.com/sodoan/sodoan/internal/origins"
)

// A part that /graphql's handler writes and flushes (@defer's first
// payload) reaches the client while the handler is still working, through
// every wrapper the route puts around it: metrics, CORS, compression, the
// cache policy, the deadline and the rate-limit headers. (A recorder
// cannot show this; a real connection does.)
func TestFlushedPartsStream(t *testing.T) {
	release := make(chan struct{})
	inner := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "multipart/mixed; boundary=\"-\"")
		_, _ = w.Write([]byte("first part\n"))
		flush(w)
		<-release
		_, _ = w.Write([]byte("second part\n"))
	})
	api := withDeadline(time.Minute, withRateHeaders(inner))
	h := metrics.New("test").HTTP(newCORS(origins.Matcher{})(newCompressor()(withCaching(anonymousMaxAge, api))))
	srv := httptest.NewServer(h)
	defer srv.Close()
	defer close(release)

	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("{}"))
	req.Header.Set("Accept-Encoding", "gzip")
	got := make(chan string, 1)
	go func() {
		resp, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip: read what is on the wire
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer resp.Body.Close()
		body := io.Reader(resp.Body)
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				got <- "error: " + err.Error()
				return
			}
			body = zr
		}
		line, _ := bufio.NewReader(body).ReadString('\n')
		got <- line
	}()
	select {
	case line := <-got:
		if line != "first part\n" {
			t.Fatalf("first part arrived as %q", line)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the flushed first part did not reach the client while the handler was still working")
	}
}
