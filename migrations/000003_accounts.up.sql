-- Accounts, their roles on the organisation tree, sign-in sessions, and the
-- audit log that every write leaves behind.

CREATE TABLE accounts (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9._-]{2,49}$'),
    email               text CHECK (email IS NULL OR (length(email) <= 254 AND email LIKE '%_@_%')),
    display_name        text NOT NULL CHECK (btrim(display_name) <> '' AND length(display_name) <= 200),
    password_hash       text NOT NULL,
    -- The unit whose officers manage this account; NULL only for accounts
    -- an administrator made outside the tree (such as the first admin).
    unit_id             bigint REFERENCES units (id),
    member_id           bigint UNIQUE REFERENCES members (id) ON DELETE SET NULL,
    active              boolean NOT NULL DEFAULT true,
    failed_logins       int NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    last_failed_at      timestamptz,
    locked_until        timestamptz,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    version             int NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX accounts_username ON accounts (username);
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX accounts_unit ON accounts (unit_id);

-- A role held on a unit and everything below it. ADMIN has no unit.
CREATE TABLE account_roles (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('ADMIN', 'OFFICER')),
    unit_id     bigint REFERENCES units (id),
    granted_by  bigint REFERENCES accounts (id),
    granted_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'ADMIN') = (unit_id IS NULL))
);
CREATE UNIQUE INDEX account_roles_unique ON account_roles (account_id, role, coalesce(unit_id, 0));
CREATE INDEX account_roles_unit ON account_roles (unit_id);

-- Only a hash of each token is kept: a leaked table signs nobody in.
CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id   bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    user_agent   text,
    ip           text
);
CREATE INDEX sessions_account ON sessions (account_id) WHERE revoked_at IS NULL;

-- The audit log: one row per changed row (written by triggers, in the same
-- transaction as the change) and per personal record an officer read.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    account_id  bigint,   -- no foreign key: the log outlives what it names
    request_id  text,
    action      text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'READ')),
    entity      text NOT NULL,
    record_id   bigint,
    unit_id     bigint,   -- the unit whose officers may read this entry
    member_id   bigint,   -- the member the entry concerns, if any
    before      jsonb,
    after       jsonb
);
CREATE INDEX audit_log_unit ON audit_log (unit_id, id);
CREATE INDEX audit_log_record ON audit_log (entity, record_id, id);
CREATE INDEX audit_log_member ON audit_log (member_id, id) WHERE member_id IS NOT NULL;
CREATE INDEX audit_log_account ON audit_log (account_id, id);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();

-- audit_row records a change. The server names the actor and request with
-- set_config('sodoan.account_id' / 'sodoan.request_id', ..., true) at the
-- start of each write transaction; changes made outside it (the demo loader,
-- a psql session) are logged with no actor. TG_ARGV[0] says how to find the
-- unit the row belongs to, which decides who may read the entry.
CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    r       jsonb;
    unit    bigint;
    member  bigint;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD) - '{password_hash,search,sort_name}'::text[];
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW) - '{password_hash,search,sort_name}'::text[];
    END IF;
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL; -- nothing the log shows changed (only a hidden column did)
    END IF;
    r := coalesce(new_row, old_row);
    member := CASE WHEN TG_TABLE_NAME = 'members' THEN (r->>'id')::bigint ELSE (r->>'member_id')::bigint END;
    unit := CASE TG_ARGV[0]
        WHEN 'self'     THEN (r->>'id')::bigint
        WHEN 'unit'     THEN (r->>'unit_id')::bigint
        WHEN 'activity' THEN (SELECT unit_id FROM activities WHERE id = (r->>'activity_id')::bigint)
        WHEN 'pledge'   THEN (SELECT unit_id FROM pledges WHERE id = (r->>'pledge_id')::bigint)
        WHEN 'member'   THEN (SELECT unit_id FROM members WHERE id = (r->>'member_id')::bigint)
        WHEN 'recipient' THEN coalesce((r->>'unit_id')::bigint,
                              (SELECT unit_id FROM members WHERE id = (r->>'member_id')::bigint))
        WHEN 'account'  THEN coalesce((r->>'unit_id')::bigint,
                              (SELECT unit_id FROM accounts WHERE id = (r->>'account_id')::bigint))
    END;
    INSERT INTO audit_log (account_id, request_id, action, entity, record_id, unit_id, member_id, before, after)
    VALUES (nullif(current_setting('sodoan.account_id', true), '')::bigint,
            nullif(current_setting('sodoan.request_id', true), ''),
            TG_OP, TG_TABLE_NAME, (r->>'id')::bigint, unit,
            CASE WHEN TG_TABLE_NAME IN ('accounts', 'account_roles') THEN NULL ELSE member END,
            old_row, new_row);
    RETURN NULL;
END $$;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON units FOR EACH ROW EXECUTE FUNCTION audit_row('self');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON members FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON member_events FOR EACH ROW EXECUTE FUNCTION audit_row('member');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON member_ratings FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON campaigns FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON activities FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON activity_guests FOR EACH ROW EXECUTE FUNCTION audit_row('activity');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON participations FOR EACH ROW EXECUTE FUNCTION audit_row('activity');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON contributions FOR EACH ROW EXECUTE FUNCTION audit_row('activity');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON commendations FOR EACH ROW EXECUTE FUNCTION audit_row('recipient');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON pledges FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON pledge_signatures FOR EACH ROW EXECUTE FUNCTION audit_row('pledge');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION audit_row('account');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON account_roles FOR EACH ROW EXECUTE FUNCTION audit_row('account');
