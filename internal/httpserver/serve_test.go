package httpserver_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/sodoan/sodoan/internal/httpserver"
)

var testTimeouts = httpserver.Timeouts{
	ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 10 * time.Second,
	Idle: 10 * time.Second, ShutdownGrace: 10 * time.Second,
}

// A stop signal while a request is running lets it finish, then Serve
// returns cleanly and the port stops accepting.
func TestServeFinishesInFlightRequests(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		if r.Context().Err() != nil {
			http.Error(w, "request context cancelled by shutdown", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "finished")
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpserver.Serve(ctx, ln, h, testTimeouts, zerolog.Nop()) }()

	type result struct {
		body string
		err  error
	}
	answered := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			answered <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- result{string(b), err}
	}()

	<-started
	stop() // as SIGTERM does in main
	select {
	case err := <-served:
		t.Fatalf("Serve returned while a request was running: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)

	if r := <-answered; r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: body %q, err %v", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

// Requests still running when the grace period ends are cut off, and Serve
// says so instead of hanging.
func TestServeCutsOffAfterGrace(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(5 * time.Second)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	timeouts := testTimeouts
	timeouts.ShutdownGrace = 200 * time.Millisecond
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- httpserver.Serve(ctx, ln, h, timeouts, zerolog.Nop()) }()
	go http.Get("http://" + ln.Addr().String() + "/stuck")
	<-started
	stop()
	select {
	case err := <-served:
		if err == nil || !strings.Contains(err.Error(), "cut off") {
			t.Errorf("want a cut-off error, got %v", err)
		}
	case <-time.After(3 * time.Second):
		t.Fatal("Serve did not return after the grace period")
	}
}
