// Package idempotency makes creates safe to retry: a client sends a key
// with a create, and a retry with the same key answers with the record the
// first request made instead of making another.
package idempotency

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/sodoan/sodoan/internal/ctxvalue"
	"github.com/sodoan/sodoan/internal/db"
	"github.com/sodoan/sodoan/internal/validate"
)

// Key is what a client sent to make a create safe to retry: the key, the
// mutation it came with and a fingerprint of its input.
type Key struct {
	Key         string
	Operation   string
	Fingerprint []byte
}

var keyKey ctxvalue.Key[Key]

// With returns ctx carrying k for the create it is passed to.
func With(ctx context.Context, k Key) context.Context { return keyKey.With(ctx, k) }

// Without returns ctx without a key: for the work of a create whose key
// was already claimed (a background job the request started).
func Without(ctx context.Context) context.Context { return keyKey.With(ctx, Key{}) }

// Replay is the error Claim returns when the key has already created a
// record: the caller answers with that record instead of creating another.
type Replay struct{ RecordID int64 }

func (r *Replay) Error() string {
	return fmt.Sprintf("idempotency key already created record %d", r.RecordID)
}

// ReplayOf returns the id of the record an earlier request with the same
// key created, if err says so.
func ReplayOf(err error) (int64, bool) {
	var r *Replay
	if errors.As(err, &r) {
		return r.RecordID, true
	}
	return 0, false
}

// keyLifetime is how long a key is honoured; after that it may be reused.
const keyLifetime = "24 hours"

// Claim, first thing in a create's transaction, claims the idempotency key
// in ctx for the signed-in actor. It returns nil when the create should
// go ahead, a *Replay when the key has already created a record, and a
// field error when the key was used for a different request. Two requests
// with one key at the same moment are serialised by the key's row lock:
// the second waits for the first to commit, then replays it. Without a key
// or an actor it does nothing.
func Claim(ctx context.Context, tx pgx.Tx) error {
	k, ok := keyKey.From(ctx)
	actor, _ := db.ActorFrom(ctx)
	if !ok || actor.AccountID == 0 || k.Operation == "" {
		return nil
	}
	if len(k.Key) == 0 || len(k.Key) > 200 {
		var v validate.Errors
		v.Add(validate.Input("idempotencyKey"), validate.Invalid,
			"Khóa chống ghi trùng phải có từ 1 đến 200 ký tự.", "The idempotency key must be 1 to 200 characters.")
		return v.Err()
	}
	var claimed bool
	err := tx.QueryRow(ctx, `
		WITH expired AS (
			DELETE FROM idempotency_keys WHERE account_id = $1 AND key <> $2 AND created_at < now() - interval '`+keyLifetime+`')
		INSERT INTO idempotency_keys (account_id, key, operation, fingerprint) VALUES ($1, $2, $3, $4)
		ON CONFLICT (account_id, key) DO UPDATE
			SET operation = EXCLUDED.operation, fingerprint = EXCLUDED.fingerprint, record_id = NULL, created_at = now()
			WHERE idempotency_keys.created_at < now() - interval '`+keyLifetime+`'
		RETURNING true`, actor.AccountID, k.Key, k.Operation, k.Fingerprint).Scan(&claimed)
	if err == nil {
		return nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("claim idempotency key: %w", err)
	}
	var operation string
	var fingerprint []byte
	var recordID *int64
	if err := tx.QueryRow(ctx, `SELECT operation, fingerprint, record_id FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
		actor.AccountID, k.Key).Scan(&operation, &fingerprint, &recordID); err != nil {
		return fmt.Errorf("read idempotency key: %w", err)
	}
	if operation != k.Operation || string(fingerprint) != string(k.Fingerprint) || recordID == nil {
		var v validate.Errors
		v.Add(validate.Input("idempotencyKey"), validate.Duplicate,
			"Khóa này đã được dùng cho một yêu cầu khác; mỗi thao tác tạo mới cần một khóa riêng.",
			"This key was already used for a different request; each new create needs its own key.")
		return v.Err()
	}
	return &Replay{RecordID: *recordID}
}

// Created records, in the create's transaction, which record the key in
// ctx created, so a retry can answer with it.
func Created(ctx context.Context, tx pgx.Tx, recordID int64) error {
	k, ok := keyKey.From(ctx)
	actor, _ := db.ActorFrom(ctx)
	if !ok || actor.AccountID == 0 || k.Operation == "" {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE idempotency_keys SET record_id = $3 WHERE account_id = $1 AND key = $2`,
		actor.AccountID, k.Key, recordID); err != nil {
		return fmt.Errorf("record idempotency key: %w", err)
	}
	return nil
}

// InTx runs create in a transaction (db.InTx) that claims the key in ctx
// first and records the id of the record create made last, so that a retry
// with the key gets a *Replay naming that record instead of making another.
func InTx(ctx context.Context, conn db.DB, create func(pgx.Tx) (createdID int64, err error)) error {
	return db.InTx(ctx, conn, func(tx pgx.Tx) error {
		if err := Claim(ctx, tx); err != nil {
			return err
		}
		id, err := create(tx)
		if err != nil {
			return err
		}
		return Created(ctx, tx, id)
	})
}
