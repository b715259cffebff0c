-- Committees (ban chấp hành) and the posts in them, with dates, at every
-- level. A term (nhiệm kỳ) is the stretch between two congresses; a post is
-- held by one person in one unit's committee from a date to a date. The
-- holder is a member anywhere in the tree (a branch secretary, or an
-- officer of a higher unit who is a member of its office branch), or an
-- account (an officer of a higher unit who is not a member, e.g. past 30),
-- or, for neither, a person named in full. Dates are inclusive; valid_to
-- NULL means still in office.

CREATE TABLE committee_terms (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         bigint NOT NULL REFERENCES units (id),
    name            text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    valid_from      date NOT NULL CHECK (valid_from >= union_founding_date()),
    valid_to        date,
    decision_number text CHECK (length(decision_number) <= 100),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    during          daterange NOT NULL GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[]')) STORED,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CONSTRAINT committee_terms_no_overlap EXCLUDE USING gist (unit_id WITH =, during WITH &&)
);

CREATE TABLE positions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         bigint NOT NULL REFERENCES units (id),
    term_id         bigint REFERENCES committee_terms (id),
    title           text NOT NULL CHECK (title IN ('SECRETARY', 'DEPUTY_SECRETARY', 'STANDING_COMMITTEE_MEMBER', 'COMMITTEE_MEMBER')),
    member_id       bigint REFERENCES members (id),
    account_id      bigint REFERENCES accounts (id),
    holder_name     text CHECK (btrim(holder_name) <> '' AND length(holder_name) <= 200),
    valid_from      date NOT NULL CHECK (valid_from >= union_founding_date()),
    valid_to        date,
    decision_number text CHECK (length(decision_number) <= 100),
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    during          daterange NOT NULL GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[]')) STORED,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK (num_nonnulls(member_id, account_id, holder_name) = 1),
    -- One secretary at a time; nobody holds two posts in one committee at once.
    CONSTRAINT positions_one_secretary EXCLUDE USING gist (unit_id WITH =, during WITH &&) WHERE (title = 'SECRETARY'),
    CONSTRAINT positions_member_once EXCLUDE USING gist (unit_id WITH =, member_id WITH =, during WITH &&) WHERE (member_id IS NOT NULL),
    CONSTRAINT positions_account_once EXCLUDE USING gist (unit_id WITH =, account_id WITH =, during WITH &&) WHERE (account_id IS NOT NULL)
);
-- The committee in office on a date: unit_id = $1 AND during @> $2.
CREATE INDEX positions_unit_during ON positions USING gist (unit_id, during);
CREATE INDEX positions_member ON positions (member_id) WHERE member_id IS NOT NULL;
CREATE INDEX positions_account ON positions (account_id) WHERE account_id IS NOT NULL;
CREATE INDEX positions_term ON positions (term_id) WHERE term_id IS NOT NULL;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON committee_terms FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON positions FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
