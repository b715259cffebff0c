-- A transfer between units of the system is two steps, as the Union does
-- it (issue 17): the sending unit issues an introduction (giới thiệu sinh
-- hoạt Đoàn) with its number; an officer of the receiving unit accepts it,
-- which moves the member, or returns it with a reason. At most one is
-- pending per member. The move's event names the transfer, so the
-- member's history has both dates.
CREATE TABLE member_transfers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id    bigint NOT NULL REFERENCES members (id),
    from_unit_id bigint NOT NULL REFERENCES units (id),
    to_unit_id   bigint NOT NULL REFERENCES units (id),
    number       text CHECK (length(number) <= 100),
    issued_on    date NOT NULL,
    status       text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'ACCEPTED', 'RETURNED')),
    answered_on  date,
    answer_note  text CHECK (length(answer_note) <= 2000),
    note         text CHECK (length(note) <= 2000),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (from_unit_id <> to_unit_id),
    CHECK ((status = 'PENDING') = (answered_on IS NULL)),
    CHECK (answered_on IS NULL OR answered_on >= issued_on)
);
CREATE UNIQUE INDEX member_transfers_one_pending ON member_transfers (member_id) WHERE status = 'PENDING';
CREATE INDEX member_transfers_to ON member_transfers (to_unit_id, issued_on DESC);
CREATE INDEX member_transfers_from ON member_transfers (from_unit_id, issued_on DESC);
CREATE INDEX member_transfers_member ON member_transfers (member_id, issued_on);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON member_transfers FOR EACH ROW EXECUTE FUNCTION audit_row('member');

ALTER TABLE member_events ADD COLUMN transfer_id bigint REFERENCES member_transfers (id);
