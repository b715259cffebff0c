-- Who belonged to which unit when, kept as the events are written (issue
-- 16). A report counts the members of a subtree on a date: it used to
-- replay every event of every member ever placed in the subtree (latest
-- event per member on or before the date), a sort of the subtree's whole
-- history for each date a report needs. A stay is one span of days a
-- member spent in one unit: an admission or a transfer into a unit starts
-- it on its day, and the member's next event of any kind ends it on that
-- day. The members on a date are then the stays of the subtree's units
-- that contain the date, read from one index.
--
-- member_stays_from_events is the one definition: the trigger on
-- member_events recomputes the stays of the members a statement touched
-- from it, and `server figures verify|rebuild` compare and refill with it.
-- Gender and position are the member's (today's, as the reports have
-- always counted them), copied so a headcount reads one index.

CREATE TABLE member_stays (
    member_id  bigint NOT NULL,
    entered_on date NOT NULL,
    left_on    date CHECK (left_on > entered_on), -- NULL: still there
    unit_id    bigint NOT NULL,
    gender     text NOT NULL,
    position   text NOT NULL,
    PRIMARY KEY (member_id, entered_on)
);
CREATE INDEX member_stays_unit ON member_stays (unit_id, entered_on) INCLUDE (left_on, member_id, gender, position);

-- Events on one day apply in the order they were recorded, as the reports
-- have read them: a stay that would end the day it starts is none.
CREATE VIEW member_stays_from_events AS
    SELECT s.member_id, s.entered_on, s.left_on, s.unit_id, m.gender, m.position
    FROM (SELECT e.member_id, e.occurred_on AS entered_on,
            lead(e.occurred_on) OVER (PARTITION BY e.member_id ORDER BY e.occurred_on, e.id) AS left_on,
            CASE e.kind WHEN 'ADMITTED' THEN e.unit_id WHEN 'TRANSFERRED' THEN e.to_unit_id END AS unit_id
        FROM member_events e) s
    JOIN members m ON m.id = s.member_id
    WHERE s.unit_id IS NOT NULL AND (s.left_on IS NULL OR s.left_on > s.entered_on);

-- member_stays_refresh recomputes the stays of the members member_ids.
-- Their rows are locked first (FOR NO KEY UPDATE, which an event's foreign
-- key check does not wait for), so two transactions writing one member's
-- events take turns, and the second, in a new statement, reads the first's
-- events once committed.
CREATE FUNCTION member_stays_refresh(member_ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF member_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM FROM members WHERE id = ANY (member_ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM member_stays WHERE member_id = ANY (member_ids);
    INSERT INTO member_stays SELECT * FROM member_stays_from_events WHERE member_id = ANY (member_ids);
END $$;

CREATE FUNCTION member_stays_events() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM member_stays_refresh(array_agg(DISTINCT member_id)) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM member_stays_refresh(array_agg(DISTINCT member_id)) FROM old_rows;
    ELSE
        PERFORM member_stays_refresh(array_agg(DISTINCT member_id)) FROM (
            SELECT member_id FROM old_rows UNION SELECT member_id FROM new_rows) r;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER member_stays_insert AFTER INSERT ON member_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_stays_events();
CREATE TRIGGER member_stays_update AFTER UPDATE ON member_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_stays_events();
CREATE TRIGGER member_stays_delete AFTER DELETE ON member_events REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_stays_events();

-- A member's new gender or position is copied to their stays. A row
-- trigger with a WHEN costs nothing on the other edits of a member.
CREATE FUNCTION member_stays_member() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_stays SET gender = NEW.gender, position = NEW.position WHERE member_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER member_stays_member AFTER UPDATE OF gender, position ON members
    FOR EACH ROW WHEN (OLD.gender IS DISTINCT FROM NEW.gender OR OLD.position IS DISTINCT FROM NEW.position)
    EXECUTE FUNCTION member_stays_member();

-- An existing database gets its stays once, here.
INSERT INTO member_stays SELECT * FROM member_stays_from_events;
ANALYZE member_stays;
