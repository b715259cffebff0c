package db

import (
	"context"
	"errors"
	"io"
	"net"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// Unavailable reports whether err means the database could not be reached
// or went away mid-request (restart, failover, network), as opposed to a
// fault in the request itself. Callers answer UNAVAILABLE: try again soon.
func Unavailable(err error) bool {
	// A request that ran out of time or whose client left is not the
	// database being away, though pgconn marks "context already done"
	// safe to retry.
	if err == nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgerrcode.IsConnectionException(pgErr.Code),
			pgErr.Code == pgerrcode.AdminShutdown,
			pgErr.Code == pgerrcode.CrashShutdown,
			pgErr.Code == pgerrcode.CannotConnectNow,
			pgErr.Code == pgerrcode.TooManyConnections:
			return true
		}
		return false
	}
	if pgconn.SafeToRetry(err) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, puddle.ErrClosedPool) {
		return true
	}
	var netErr net.Error
	return errors.As(err, &netErr)
}

// TimedOut reports whether err is a request running out of time: its
// deadline passed or PostgreSQL's statement_timeout cancelled a statement.
func TimedOut(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == pgerrcode.QueryCanceled
}

// retryable reports whether a failed transaction may simply be run again:
// PostgreSQL chose it as the victim of a serialization conflict or a
// deadlock, or the connection failed before anything was sent.
func retryable(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == pgerrcode.SerializationFailure || pgErr.Code == pgerrcode.DeadlockDetected
	}
	return pgconn.SafeToRetry(err)
}

// txAttempts bounds how often InTx runs a transaction that keeps losing
// conflicts; after that the error goes to the caller.
const txAttempts = 4

// retryDelay waits a little longer before each new attempt, with jitter so
// two transactions that collided do not collide again in step.
func retryDelay(ctx context.Context, attempt int) error {
	base := time.Duration(attempt*attempt) * 5 * time.Millisecond
	jitter := time.Duration(time.Now().UnixNano() % int64(base))
	t := time.NewTimer(base + jitter)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// BadValue reports whether PostgreSQL refused a value in a statement as
// data (SQLSTATE class 22, data exception: a number out of range, text it
// cannot store, a date past its calendar). Values come from requests, so
// this is the caller's input that no earlier check caught: an error for
// them to fix, not a fault of the server.
func BadValue(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgerrcode.IsDataException(pgErr.Code)
}
