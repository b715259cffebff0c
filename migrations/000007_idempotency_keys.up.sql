-- Keys clients send with create mutations, so a request retried after a
-- lost answer (timeout, restart, network) creates nothing twice. The key is
-- claimed in the same transaction as the record it creates: either both
-- are stored or neither is.
CREATE TABLE idempotency_keys (
    account_id  bigint      NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    key         text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    -- what the key was used for: the mutation and a hash of its input, so
    -- reusing a key for a different request is refused, not answered with
    -- the wrong record
    operation   text        NOT NULL,
    fingerprint bytea       NOT NULL,
    record_id   bigint,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, key)
);

COMMENT ON TABLE idempotency_keys IS
    'Idempotency keys of create mutations; a key is honoured for 24 hours, then may be reused.';
