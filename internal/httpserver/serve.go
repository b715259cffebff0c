package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rs/zerolog"
)

// Timeouts bound how long a client may hold a connection at each stage.
type Timeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
	// ShutdownGrace is how long in-flight requests get to finish after a
	// stop signal before their connections are closed.
	ShutdownGrace time.Duration
}

// Serve answers on ln until ctx ends, then stops accepting, lets in-flight
// requests finish within the grace period and returns. It returns nil after a
// clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, t Timeouts, log zerolog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		ErrorLog:          newStdLogger(log),
		// Request contexts must not inherit ctx: a stop signal should let
		// running requests finish, not cancel them.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info().Str("addr", ln.Addr().String()).Msg("listening")

	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}

	log.Info().Str("grace", t.ShutdownGrace.String()).Msg("shutting down: finishing in-flight requests")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), t.ShutdownGrace)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Whatever is still running after the grace period is cut off.
		_ = srv.Close()
		return fmt.Errorf("shutdown: requests still running after %s were cut off", t.ShutdownGrace)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("http server: %w", err)
	}
	log.Info().Msg("stopped")
	return nil
}
