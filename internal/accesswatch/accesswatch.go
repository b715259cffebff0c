// Package accesswatch hears, on a connection of its own, every change
// another server (or this one) commits that alters whom a session token
// signs in or what it may reach: the database announces them on the
// channel Channel (migration 000015). A server's principal cache is only
// trusted while the watch is connected; every notice empties it.
package accesswatch

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rs/zerolog"
)

// Channel is the PostgreSQL notification channel the triggers announce on.
const Channel = "access_changed"

// Sink is told what the watch hears. Connected(true) comes once the
// connection listens (changes before it were not heard: the sink must
// forget what it remembers then too); Connected(false) when it is lost or
// the watch stops. Changed comes for every notice.
type Sink interface {
	Connected(on bool)
	Changed()
}

// Options tune a watch; the zero value is fine.
type Options struct {
	Log zerolog.Logger
	// Ping is how long the connection may stay silent before it is checked
	// (a silently dropped connection delivers no notices and no error).
	Ping time.Duration
	// Retry is the first pause before reconnecting; it doubles up to MaxRetry.
	Retry, MaxRetry time.Duration
	// FirstWait bounds how long Start waits for the first connection.
	FirstWait time.Duration
}

func (o *Options) defaults() {
	if o.Ping <= 0 {
		o.Ping = 15 * time.Second
	}
	if o.Retry <= 0 {
		o.Retry = 100 * time.Millisecond
	}
	if o.MaxRetry <= 0 {
		o.MaxRetry = 5 * time.Second
	}
	if o.FirstWait <= 0 {
		o.FirstWait = 5 * time.Second
	}
}

// Start listens on a connection made from cfg (copied; the pool's own
// config will do) until ctx ends, telling sink what it hears. It returns
// once the first attempt to connect has listened or failed (within
// FirstWait), so a server starts with its cache usable; after a failure
// it keeps trying in the background, and the sink is not trusted
// meanwhile. The returned channel closes when the watch has stopped.
func Start(ctx context.Context, cfg *pgx.ConnConfig, sink Sink, o Options) <-chan struct{} {
	o.defaults()
	cfg = cfg.Copy()
	cfg.Tracer = nil // not a request's statements
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "sodoan access watch"
	delete(cfg.RuntimeParams, "idle_session_timeout")
	first := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		w := watch{cfg: cfg, sink: sink, o: o}
		w.run(ctx, first)
	}()
	t := time.NewTimer(o.FirstWait)
	defer t.Stop()
	select {
	case <-first:
	case <-t.C:
	case <-ctx.Done():
	}
	return done
}

type watch struct {
	cfg  *pgx.ConnConfig
	sink Sink
	o    Options
}

func (w *watch) run(ctx context.Context, first chan struct{}) {
	pause := w.o.Retry
	once := func() {
		if first != nil {
			close(first)
			first = nil
		}
	}
	defer once()
	for {
		listened, err := w.listen(ctx, once)
		w.sink.Connected(false)
		if ctx.Err() != nil {
			return
		}
		once()
		if listened {
			pause = w.o.Retry
		}
		w.o.Log.Warn().Err(err).Dur("retry_in", pause).Msg("access watch lost its connection: sessions are checked uncached until it is back")
		t := time.NewTimer(pause)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		pause = min(2*pause, w.o.MaxRetry)
	}
}

// listen connects, listens and passes notices on until the connection
// fails or ctx ends; listened reports whether it got as far as listening.
func (w *watch) listen(ctx context.Context, listening func()) (listened bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, w.o.FirstWait)
	conn, err := pgx.ConnectConfig(cctx, w.cfg)
	cancel()
	if err != nil {
		return false, fmt.Errorf("connect: %w", err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return false, fmt.Errorf("listen: %w", err)
	}
	w.sink.Connected(true)
	listening()
	for {
		wctx, cancel := context.WithTimeout(ctx, w.o.Ping)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			w.o.Log.Debug().Str("table", n.Payload).Msg("access changed")
			w.sink.Changed()
			continue
		case ctx.Err() != nil:
			return true, ctx.Err()
		case (errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err)) && !conn.IsClosed():
			// Silence: make sure the connection still stands.
			pctx, cancel := context.WithTimeout(ctx, w.o.Ping)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return true, fmt.Errorf("ping: %w", err)
			}
			continue
		}
		return true, fmt.Errorf("wait for notices: %w", err)
	}
}
