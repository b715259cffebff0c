-- The organisation tree gets a timeline. `units` stays the tree as it is
-- today, so every existing query keeps its meaning; unit_versions holds each
-- unit's parent, name, short name, level and path over time, so the tree as
-- of any date can be read ("the subtree of U on D" is path <@ over the
-- versions valid on D). Restructuring decisions (số quyết định) and the
-- lineage they create (which units a unit came from) are records too.
--
-- Dates are inclusive on both ends: a version valid_from 2025-07-01 with
-- valid_to NULL holds from that day on; a change effective on D closes the
-- version before it on D - 1.

CREATE EXTENSION IF NOT EXISTS btree_gist; -- unit_id WITH = in the exclusion constraint

-- The Union was founded on 26 March 1931; no record of it can be older, so
-- that is where a unit whose real start is unknown begins.
CREATE FUNCTION union_founding_date() RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN DATE '1931-03-26';

-- Today in Vietnam, the users' day, whatever the server's time zone.
CREATE FUNCTION vietnam_today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

-- A restructuring decision. unit_id is the unit the decision is about (the
-- renamed, moved, re-levelled or dissolved unit; the successor of a merge;
-- the source of a split): its officers read the decision's audit entries.
CREATE TABLE unit_changes (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('RENAME', 'MOVE', 'MERGE', 'SPLIT', 'DISSOLVE', 'CHANGE_LEVEL')),
    unit_id         bigint NOT NULL REFERENCES units (id),
    effective_on    date NOT NULL CHECK (effective_on >= union_founding_date()),
    decision_number text NOT NULL CHECK (btrim(decision_number) <> '' AND length(decision_number) <= 100),
    note            text CHECK (length(note) <= 2000),
    created_by      bigint REFERENCES accounts (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_changes_unit ON unit_changes (unit_id, effective_on, id);
CREATE INDEX unit_changes_effective ON unit_changes (effective_on, id);

-- Which units a unit came from: a merge links each merged unit to the unit
-- they became, a split the source to each part, a dissolution the unit to
-- the one that took its members. unit_id (the successor) decides who reads
-- the audit entries, as audit_row('unit') expects.
CREATE TABLE unit_lineage (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    change_id      bigint NOT NULL REFERENCES unit_changes (id),
    predecessor_id bigint NOT NULL REFERENCES units (id),
    successor_id   bigint NOT NULL REFERENCES units (id),
    unit_id        bigint GENERATED ALWAYS AS (successor_id) STORED,
    CHECK (predecessor_id <> successor_id),
    UNIQUE (change_id, predecessor_id, successor_id)
);
CREATE INDEX unit_lineage_predecessor ON unit_lineage (predecessor_id, change_id);
CREATE INDEX unit_lineage_successor ON unit_lineage (successor_id, change_id);

-- One row per stretch of time a unit stood somewhere under one name and
-- level. path is the chain of ids of that time. The exclusion constraint
-- keeps a unit's versions from overlapping; at most one is open.
CREATE TABLE unit_versions (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units (id),
    valid_from date NOT NULL CHECK (valid_from >= union_founding_date()),
    valid_to   date,
    parent_id  bigint REFERENCES units (id),
    level      text NOT NULL CHECK (level IN ('CENTRAL', 'PROVINCE', 'BLOC', 'DISTRICT', 'GRASSROOTS', 'BRANCH')),
    name       text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    short_name text CHECK (length(short_name) <= 100),
    path       ltree NOT NULL,
    -- The decision that opened this version; NULL for the backfill and for
    -- undated edits made through the plain unit update.
    change_id  bigint REFERENCES unit_changes (id),
    during     daterange NOT NULL GENERATED ALWAYS AS (daterange(valid_from, valid_to, '[]')) STORED,
    CHECK (valid_to IS NULL OR valid_to >= valid_from),
    CHECK ((parent_id IS NULL) = (nlevel(path) = 1)),
    CHECK (subpath(path, -1)::text = unit_id::text),
    CONSTRAINT unit_versions_no_overlap EXCLUDE USING gist (unit_id WITH =, during WITH &&)
);
CREATE UNIQUE INDEX unit_versions_open ON unit_versions (unit_id) WHERE valid_to IS NULL;
-- "Everything under X on D": path <@ X AND during @> D, one GiST scan.
CREATE INDEX unit_versions_path_during ON unit_versions USING gist (path, during);
CREATE INDEX unit_versions_parent ON unit_versions (parent_id, valid_from) WHERE parent_id IS NOT NULL;
CREATE INDEX unit_versions_change ON unit_versions (change_id) WHERE change_id IS NOT NULL;

-- Every unit gets one version from the founding date: records entered
-- today describe years long past (the demo's activities are from 2022), and
-- nothing says when these units really began. A unit archived already ends
-- the day before it was archived.
INSERT INTO unit_versions (unit_id, valid_from, valid_to, parent_id, level, name, short_name, path)
SELECT id, union_founding_date(),
       CASE WHEN archived_at IS NOT NULL
            THEN greatest(union_founding_date(), (archived_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1) END,
       parent_id, level, name, short_name, path
FROM units ORDER BY id;

-- unit_stable_since is the first day from which the unit has stood where it
-- stands now without a break (its open version and the versions just
-- before it with the same path), or NULL when it has no open version. A
-- unit created under it, or moved under it, can start no earlier: before
-- that day it was somewhere else, and the child's path would lie.
CREATE FUNCTION unit_stable_since(unit bigint) RETURNS date
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v     record;
    since date;
    here  ltree;
BEGIN
    FOR v IN SELECT valid_from, valid_to, path FROM unit_versions WHERE unit_id = unit ORDER BY valid_from DESC LOOP
        IF since IS NULL THEN
            IF v.valid_to IS NOT NULL THEN
                RETURN NULL;
            END IF;
            here := v.path;
            since := v.valid_from;
        ELSIF v.path = here AND v.valid_to = since - 1 THEN
            since := v.valid_from;
        ELSE
            EXIT;
        END IF;
    END LOOP;
    RETURN since;
END $$;

-- The database keeps unit_versions in step with units. A change is
-- effective on the date a restructuring operation names in the
-- transaction-local setting sodoan.effective_on (with the decision in
-- sodoan.unit_change); a plain edit without one takes effect today. A new
-- unit starts on the effective date, or, created plainly, as early as its
-- parent has stood where it stands.
CREATE FUNCTION unit_versions_start() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    eff date := nullif(current_setting('sodoan.effective_on', true), '')::date;
BEGIN
    IF eff IS NULL THEN
        eff := CASE WHEN NEW.parent_id IS NULL THEN union_founding_date()
                    ELSE coalesce(unit_stable_since(NEW.parent_id), vietnam_today()) END;
    END IF;
    INSERT INTO unit_versions (unit_id, valid_from, parent_id, level, name, short_name, path, change_id)
    VALUES (NEW.id, eff, NEW.parent_id, NEW.level, NEW.name, NEW.short_name, NEW.path,
            nullif(current_setting('sodoan.unit_change', true), '')::bigint);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_versions_start AFTER INSERT ON units
    FOR EACH ROW EXECUTE FUNCTION unit_versions_start();

-- A change of parent, path (an ancestor moved), name, short name or level
-- closes the open version on the day before the effective date and opens
-- a new one; a second change effective the same day amends the version it
-- opened. Archiving ends the unit: its open version closes (or, opened that
-- very day, is removed, since it never held). Restoring opens a new one.
-- Nothing may be changed before the open version's start: that would
-- rewrite history the versions after it were built on.
CREATE FUNCTION unit_versions_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    eff    date := coalesce(nullif(current_setting('sodoan.effective_on', true), '')::date, vietnam_today());
    change bigint := nullif(current_setting('sodoan.unit_change', true), '')::bigint;
    open   unit_versions%ROWTYPE;
BEGIN
    SELECT * INTO open FROM unit_versions WHERE unit_id = NEW.id AND valid_to IS NULL FOR UPDATE;
    IF NOT FOUND THEN
        -- Ended already: a restored unit starts again; an ended one that is
        -- edited (or carried along by its old parent's move) keeps its past.
        IF NEW.archived_at IS NULL THEN
            INSERT INTO unit_versions (unit_id, valid_from, parent_id, level, name, short_name, path, change_id)
            VALUES (NEW.id, eff, NEW.parent_id, NEW.level, NEW.name, NEW.short_name, NEW.path, change);
        END IF;
        RETURN NULL;
    END IF;
    IF open.valid_from > eff THEN
        RAISE EXCEPTION 'unit % has a version from %, after the effective date %', NEW.id, open.valid_from, eff
            USING ERRCODE = 'check_violation', CONSTRAINT = 'unit_versions_in_order';
    END IF;
    IF NEW.archived_at IS NOT NULL AND OLD.archived_at IS NULL THEN
        IF open.valid_from = eff THEN
            DELETE FROM unit_versions WHERE id = open.id;
        ELSE
            UPDATE unit_versions SET valid_to = eff - 1 WHERE id = open.id;
        END IF;
        RETURN NULL;
    END IF;
    IF (open.parent_id, open.level, open.name, open.short_name, open.path)
       IS NOT DISTINCT FROM (NEW.parent_id, NEW.level, NEW.name, NEW.short_name, NEW.path) THEN
        RETURN NULL;
    END IF;
    IF open.valid_from = eff THEN
        UPDATE unit_versions SET parent_id = NEW.parent_id, level = NEW.level, name = NEW.name,
               short_name = NEW.short_name, path = NEW.path, change_id = coalesce(change, change_id)
         WHERE id = open.id;
    ELSE
        UPDATE unit_versions SET valid_to = eff - 1 WHERE id = open.id;
        INSERT INTO unit_versions (unit_id, valid_from, parent_id, level, name, short_name, path, change_id)
        VALUES (NEW.id, eff, NEW.parent_id, NEW.level, NEW.name, NEW.short_name, NEW.path, change);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_versions_follow AFTER UPDATE ON units
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.path <> NEW.path
        OR OLD.name <> NEW.name OR OLD.short_name IS DISTINCT FROM NEW.short_name OR OLD.level <> NEW.level
        OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
    EXECUTE FUNCTION unit_versions_follow();

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON unit_changes FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON unit_lineage FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
-- Versions the triggers above derive from a change to units are not logged
-- again: the units entry shows what changed and the unit_changes entry the
-- decision and its date, and a province's move would otherwise log every
-- row below it twice. Any other write to unit_versions (a correction of
-- history by hand, linking a new unit to its decision) is logged.
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON unit_versions FOR EACH ROW
    WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION audit_row('unit');
