-- Distinct participants kept per unit and year (issue 16). A member who
-- attended activities of several units of a subtree is one participant of
-- it, so per-unit counts of participants do not add up; a report counted
-- the distinct members of its subtree's unit_participants rows, 1.3
-- million rows a year at the generated province. Instead each member's
-- year (per work area, and all areas together, area '') is written as
-- weights on units that do add up over any subtree, by the tree of the
-- year's end:
--
--   PARTICIPANTS: +1 on each unit the member attended activities of, and
--   -1 on the common ancestor of each two of them next to each other in
--   the tree's order. A subtree's sum is 1 if it holds any of the units,
--   else 0 (the units inside a subtree are next to each other in the
--   order, and their common ancestors with units outside lie above it).
--
--   PARTICIPANTS_AT_END: +1 on the deepest common ancestor of the member's
--   unit at the year's end and a unit they attended: a subtree holds it if
--   and only if it holds the member at the year's end and a unit they
--   attended, which is what a report's share of members who took part
--   counts.
--
-- Weights can be negative, so these year rows, and rollups, may be.
-- participant_weights is the one definition; the trigger on
-- unit_participants adds the difference a statement makes to its members'
-- weights, the members' stays do the same when they change, and a
-- restructuring recomputes the years it changes the tree of.

-- A member's participant rows are read by member (the weights, the stays).
CREATE INDEX unit_participants_member ON unit_participants (member_id, year);

ALTER TABLE unit_year_figures DROP CONSTRAINT unit_year_figures_n_check, ADD CONSTRAINT unit_year_figures_n_check CHECK (n <> 0);
ALTER TABLE unit_rollup_figures DROP CONSTRAINT unit_rollup_figures_n_check, ADD CONSTRAINT unit_rollup_figures_n_check CHECK (n <> 0);

-- Year rows and rollups are added to whatever their sign: a row whose
-- count comes to zero goes.
CREATE OR REPLACE FUNCTION unit_year_figures_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    PERFORM unit_figures_lock(units, years);
    FOR d IN
        SELECT u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt)
        GROUP BY u, y, f, a, k HAVING sum(n) <> 0 OR sum(amt) <> 0
        ORDER BY u, y, f, a, k
    LOOP
        UPDATE unit_year_figures SET n = n + d.n, amount = amount + d.amt
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n <> 0;
        IF NOT FOUND THEN
            DELETE FROM unit_year_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n <> 0 THEN
                INSERT INTO unit_year_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION unit_rollup_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN
        SELECT key AS u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt),
            LATERAL figures_rollup_unit(x.u, x.y) AS key
        WHERE key IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0
        ORDER BY 1, 2, 3, 4, 5
    LOOP
        PERFORM pg_advisory_xact_lock(unit_figures_lock_key(d.u, d.y));
        UPDATE unit_rollup_figures SET n = n + d.n, amount = amount + d.amt
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n <> 0;
        IF NOT FOUND THEN
            DELETE FROM unit_rollup_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n <> 0 THEN
                INSERT INTO unit_rollup_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;

-- The deepest common ancestor of two units' paths, one of them when it is
-- the other's ancestor (ltree's lca is of proper ancestors only); empty
-- when they share no root.
CREATE FUNCTION path_meet(a ltree, b ltree) RETURNS ltree
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN a @> b THEN a WHEN b @> a THEN b ELSE lca(a, b) END;

-- participant_weights is what the attendances given as arrays of the same
-- length (member, year, work area, unit attended; rows of unit_participants)
-- write: both figures, for each work area and for all of them (area '').
-- The members' units at the years' ends are read from their stays.
CREATE FUNCTION participant_weights(member_ids bigint[], years int[], areas text[], units bigint[])
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    WITH attended AS (
        SELECT x.m, x.y, x.a, v.path FROM unnest(member_ids, years, areas, units) AS x (m, y, a, u)
        JOIN unit_versions v ON v.unit_id = x.u AND v.during @> make_date(x.y, 12, 31)),
    s AS (SELECT m, y, a, path FROM attended UNION SELECT m, y, '', path FROM attended),
    ordered AS (SELECT m, y, a, path, lead(path) OVER (PARTITION BY m, y, a ORDER BY path) AS next FROM s),
    weights AS (
        SELECT y, a, path AS at, 1 AS n FROM ordered
        UNION ALL
        SELECT y, a, path_meet(path, next), -1 FROM ordered WHERE next IS NOT NULL AND nlevel(path_meet(path, next)) > 0),
    ends AS (
        SELECT DISTINCT ON (s.m, s.y, s.a) s.y, s.a, path_meet(s.path, ev.path) AS at
        FROM s JOIN member_stays st ON st.member_id = s.m AND st.entered_on <= make_date(s.y, 12, 31)
                AND (st.left_on IS NULL OR st.left_on > make_date(s.y, 12, 31))
            JOIN unit_versions ev ON ev.unit_id = st.unit_id AND ev.during @> make_date(s.y, 12, 31)
        WHERE nlevel(path_meet(s.path, ev.path)) > 0
        ORDER BY s.m, s.y, s.a, nlevel(path_meet(s.path, ev.path)) DESC)
    SELECT subpath(at, -1)::text::bigint, y, 'PARTICIPANTS', a, '', sum(n)::bigint, 0 FROM weights
    GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0
    UNION ALL
    SELECT subpath(at, -1)::text::bigint, y, 'PARTICIPANTS_AT_END', a, '', count(*), 0 FROM ends GROUP BY 1, 2, 3, 4, 5
$$;

-- participant_marks_of is participant_weights of every attendance kept
-- for the years first_year to last_year (verify, rebuild, restructuring).
CREATE FUNCTION participant_marks_of(first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    SELECT w.* FROM (SELECT array_agg(member_id) AS m, array_agg(year) AS y, array_agg(area) AS a, array_agg(unit_id) AS u
        FROM unit_participants WHERE year BETWEEN first_year AND last_year) p,
        LATERAL participant_weights(p.m, p.y, p.a, p.u) w
$$;

-- members_lock_update locks members for a change of what is kept of them
-- (their stays, their participant rows), in id order.
CREATE FUNCTION members_lock_update(member_ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM members WHERE id = ANY (member_ids) ORDER BY id FOR NO KEY UPDATE;
END $$;

-- unit_participants_marks adds the difference a statement made to its
-- members' weights: their rows now, against their rows before it (now,
-- less the statement's new rows, with its old ones). Only inserts and
-- deletes change which units a member attended; an update changes counts.
CREATE FUNCTION unit_participants_marks() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tm bigint[]; ty int[];
    nm bigint[]; ny int[]; na text[]; nu bigint[];
    om bigint[]; oy int[]; oa text[]; ou bigint[];
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(member_id), array_agg(year) INTO tm, ty FROM (SELECT DISTINCT member_id, year FROM new_rows) t;
    ELSE
        SELECT array_agg(member_id), array_agg(year) INTO tm, ty FROM (SELECT DISTINCT member_id, year FROM old_rows) t;
    END IF;
    IF tm IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM members_lock_update(tm);
    SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO nm, ny, na, nu
    FROM unit_participants p JOIN unnest(tm, ty) AS t (m, y) ON p.member_id = t.m AND p.year = t.y;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
        FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
        WHERE NOT EXISTS (SELECT 1 FROM new_rows r WHERE (r.member_id, r.year, r.area, r.unit_id) = (p.member_id, p.year, p.area, p.unit_id));
    ELSE
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
        FROM (SELECT * FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
            UNION SELECT member_id, year, area, unit_id FROM old_rows) p;
    END IF;
    SELECT array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind), array_agg(n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
            SELECT unit_id, year, figure, area, kind, n FROM participant_weights(nm, ny, na, nu)
            UNION ALL
            SELECT unit_id, year, figure, area, kind, -n FROM participant_weights(om, oy, oa, ou)) w
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    IF du IS NOT NULL THEN
        PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_participants_marks_insert AFTER INSERT ON unit_participants REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_participants_marks();
CREATE TRIGGER unit_participants_marks_delete AFTER DELETE ON unit_participants REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_participants_marks();

-- A unit-year's participants are recomputed by difference, so that the
-- members whose rows stay as they were are not touched.
CREATE OR REPLACE FUNCTION unit_participants_refresh(units bigint[], months date[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    year_units bigint[];
    key_years int[];
BEGIN
    SELECT array_agg(u ORDER BY u, y), array_agg(y ORDER BY u, y) INTO year_units, key_years
    FROM (SELECT DISTINCT u, extract(year FROM m)::int AS y FROM unnest(units, months) AS x (u, m)
        WHERE u IS NOT NULL AND m IS NOT NULL) k;
    IF year_units IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_figures_lock(year_units, key_years);
    CREATE TEMP TABLE IF NOT EXISTS participants_wanted (LIKE unit_participants) ON COMMIT DELETE ROWS;
    TRUNCATE participants_wanted;
    INSERT INTO participants_wanted
    SELECT r.* FROM (SELECT y, array_agg(u) AS ids FROM unnest(year_units, key_years) AS x (u, y) GROUP BY y) g,
        LATERAL participants_from_records(g.ids, g.y, g.y) r;
    DELETE FROM unit_participants p USING unnest(year_units, key_years) AS k (u, y)
    WHERE p.unit_id = k.u AND p.year = k.y
        AND NOT EXISTS (SELECT 1 FROM participants_wanted w WHERE (w.unit_id, w.year, w.area, w.member_id) = (p.unit_id, p.year, p.area, p.member_id));
    UPDATE unit_participants p SET n = w.n FROM participants_wanted w
    WHERE (w.unit_id, w.year, w.area, w.member_id) = (p.unit_id, p.year, p.area, p.member_id) AND p.n <> w.n;
    INSERT INTO unit_participants SELECT * FROM participants_wanted ON CONFLICT DO NOTHING;
END $$;

CREATE OR REPLACE FUNCTION unit_figures_add_activity_rows(figure text, activity_ids bigint[], kinds text[], ns bigint[], amounts numeric[],
    member_ids bigint[] DEFAULT NULL)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
    -- The participant rows' changes, by (unit, year, area, member).
    pu bigint[]; py int[]; pa text[]; pm bigint[]; pn bigint[];
BEGIN
    IF activity_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM FROM activities WHERE id = ANY (activity_ids) ORDER BY id FOR SHARE;
    -- Then the attendances' members, before any figure's lock (the order
    -- every writer takes them in: activities, members, figures).
    PERFORM members_lock_update(member_ids);
    -- A new statement, so a new snapshot: it reads what was committed
    -- while the lock was waited for.
    PERFORM unit_figures_add(array_agg(a.unit_id), array_agg(activity_month(a.starts_on)), array_agg(figure), array_agg(a.work_area),
        array_agg(r.kind), array_agg(r.n), array_agg(r.amount))
    FROM unnest(activity_ids, kinds, ns, amounts) AS r (activity_id, kind, n, amount)
    JOIN activities a ON a.id = r.activity_id
    WHERE a.status = 'DONE';
    -- The activities' own totals, held or not. Two writers of one activity
    -- both hold its share lock: the upsert takes the row's turn.
    FOR d IN
        SELECT r.activity_id AS a, sum(r.n)::bigint AS n, sum(r.amount) AS amt
        FROM unnest(activity_ids, ns, amounts) AS r (activity_id, n, amount)
        GROUP BY 1 HAVING sum(r.n) <> 0 OR sum(r.amount) <> 0 ORDER BY 1
    LOOP
        IF figure = 'ATTENDANCES' THEN
            INSERT INTO activity_totals (activity_id, attendances, hours)
            SELECT d.a, d.n, d.amt WHERE EXISTS (SELECT FROM activities WHERE id = d.a) -- not one deleted with its rows
            ON CONFLICT (activity_id) DO UPDATE
            SET attendances = activity_totals.attendances + excluded.attendances, hours = activity_totals.hours + excluded.hours;
        ELSE
            INSERT INTO activity_totals (activity_id, contributions, value)
            SELECT d.a, d.n, d.amt WHERE EXISTS (SELECT FROM activities WHERE id = d.a)
            ON CONFLICT (activity_id) DO UPDATE
            SET contributions = activity_totals.contributions + excluded.contributions, value = activity_totals.value + excluded.value;
        END IF;
        DELETE FROM activity_totals WHERE activity_id = d.a AND attendances = 0 AND contributions = 0;
    END LOOP;
    IF member_ids IS NULL THEN
        RETURN;
    END IF;
    -- Attendances also change their members' participant rows, under the
    -- same locks: new rows and additions in one upsert (recording a list
    -- of members is the common write), then removals.
    SELECT array_agg(u ORDER BY u, y, ar, m), array_agg(y ORDER BY u, y, ar, m), array_agg(ar ORDER BY u, y, ar, m),
        array_agg(m ORDER BY u, y, ar, m), array_agg(n ORDER BY u, y, ar, m)
    INTO pu, py, pa, pm, pn
    FROM (SELECT a.unit_id AS u, extract(year FROM a.starts_on)::int AS y, a.work_area AS ar, r.member_id AS m, sum(r.n)::bigint AS n
        FROM unnest(activity_ids, member_ids, ns) AS r (activity_id, member_id, n)
        JOIN activities a ON a.id = r.activity_id
        WHERE a.status = 'DONE'
        GROUP BY 1, 2, 3, 4 HAVING sum(r.n) <> 0) g;
    IF pu IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(unit_figures_lock_key(u, y))
    FROM (SELECT DISTINCT u, y FROM unnest(pu, py) AS k (u, y) ORDER BY u, y) k;
    INSERT INTO unit_participants
    SELECT * FROM unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n) WHERE c.n > 0
    ON CONFLICT (unit_id, year, area, member_id) DO UPDATE SET n = unit_participants.n + excluded.n;
    IF EXISTS (SELECT FROM unnest(pn) AS c (n) WHERE c.n < 0) THEN
        DELETE FROM unit_participants p USING unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
        WHERE c.n < 0 AND (p.unit_id, p.year, p.area, p.member_id) = (c.u, c.y, c.ar, c.m) AND p.n + c.n <= 0;
        UPDATE unit_participants p SET n = p.n + c.n FROM unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
        WHERE c.n < 0 AND (p.unit_id, p.year, p.area, p.member_id) = (c.u, c.y, c.ar, c.m);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION unit_figures_activities() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
    months date[];
    ids bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new activity has no participants yet.
        PERFORM unit_figures_refresh(array_agg(unit_id), array_agg(activity_month(starts_on)))
        FROM new_rows WHERE status = 'DONE';
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(unit_id), array_agg(activity_month(starts_on)), array_agg(id) INTO units, months, ids
        FROM old_rows WHERE status = 'DONE';
    ELSE
        SELECT array_agg(k.unit_id), array_agg(k.month), array_agg(n.id) INTO units, months, ids
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.unit_id, activity_month(o.starts_on), o.status), (n.unit_id, activity_month(n.starts_on), n.status)) k (unit_id, month, status)
        WHERE k.status = 'DONE' AND (o.unit_id, o.starts_on, o.status, o.work_area, o.kind)
            IS DISTINCT FROM (n.unit_id, n.starts_on, n.status, n.work_area, n.kind);
    END IF;
    -- The members whose participant rows the refresh may change are locked
    -- before the figures' locks: those of the keys' years, and those who
    -- attended the changed activities.
    PERFORM members_lock_update(ARRAY(
        SELECT p.member_id FROM unit_participants p, unnest(units, months) AS k (u, m)
        WHERE p.unit_id = k.u AND p.year = extract(year FROM k.m)
        UNION
        SELECT p.member_id FROM participations p WHERE p.activity_id = ANY (ids)));
    PERFORM unit_figures_refresh(units, months);
    PERFORM unit_participants_refresh(units, months);
    RETURN NULL;
END $$;

-- A member's new stays move their PARTICIPANTS_AT_END weights: the
-- weights of their attendances by the stays before, taken away, and by
-- the stays after, added.
CREATE OR REPLACE FUNCTION member_stays_refresh(member_ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    su bigint[]; se date[]; sl date[]; sk text[]; ss int[];
    pm bigint[]; py int[]; pa text[]; pu bigint[];
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
BEGIN
    IF member_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM members_lock_update(member_ids);
    SELECT array_agg(unit_id), array_agg(entered_on), array_agg(left_on), array_agg(gender || '/' || position), array_agg(-1)
    INTO su, se, sl, sk, ss
    FROM member_stays WHERE member_id = ANY (member_ids);
    SELECT array_agg(member_id), array_agg(year), array_agg(area), array_agg(unit_id) INTO pm, py, pa, pu
    FROM unit_participants WHERE member_id = ANY (member_ids);
    CREATE TEMP TABLE IF NOT EXISTS stays_weights_before (LIKE unit_year_figures) ON COMMIT DELETE ROWS;
    TRUNCATE stays_weights_before;
    IF pm IS NOT NULL THEN
        INSERT INTO stays_weights_before SELECT * FROM participant_weights(pm, py, pa, pu) WHERE figure = 'PARTICIPANTS_AT_END';
    END IF;
    DELETE FROM member_stays WHERE member_id = ANY (member_ids);
    INSERT INTO member_stays SELECT * FROM member_stays_from_events WHERE member_id = ANY (member_ids);
    SELECT su || array_agg(unit_id), se || array_agg(entered_on), sl || array_agg(left_on),
        sk || array_agg(gender || '/' || position), ss || array_agg(1)
    INTO su, se, sl, sk, ss
    FROM member_stays WHERE member_id = ANY (member_ids);
    PERFORM unit_members_add(su, se, sl, sk, ss);
    PERFORM unit_marks_refresh(array_agg(k.u), array_agg(k.y)) FROM (
        SELECT DISTINCT s.u, r.y FROM unnest(su) AS s (u),
            (SELECT year FROM member_ratings WHERE member_id = ANY (member_ids)
                UNION SELECT p.year FROM pledge_signatures g JOIN pledges p ON p.id = g.pledge_id WHERE g.member_id = ANY (member_ids)
                UNION SELECT year FROM commendations WHERE member_id = ANY (member_ids)) r (y)) k;
    IF pm IS NULL THEN
        RETURN;
    END IF;
    SELECT array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind), array_agg(n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
            SELECT unit_id, year, figure, area, kind, n FROM participant_weights(pm, py, pa, pu) WHERE figure = 'PARTICIPANTS_AT_END'
            UNION ALL
            SELECT unit_id, year, figure, area, kind, -n FROM stays_weights_before) w
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    IF du IS NOT NULL THEN
        PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
    END IF;
END $$;

-- participant_marks_rebuild rewrites both figures of the years first_year
-- to last_year from every attendance kept, and their rollups (not through
-- the rollups' trigger, which would lock every rollup of the country).
CREATE FUNCTION participant_marks_rebuild(first_year int, last_year int) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
    DELETE FROM unit_year_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END') AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_year_figures SELECT * FROM participant_marks_of(first_year, last_year);
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;
    DELETE FROM unit_rollup_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END') AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), first_year, last_year)
    WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END');
END $$;

-- A restructuring changes the tree the weights are placed by: the years
-- whose last day it changed are rewritten whole (the weights of a member
-- can lie anywhere above their units), once, when the transaction
-- commits: a restructuring writes versions unit by unit, in many
-- statements, which each say from which year the tree changed
-- (sodoan.participants_from), and the rewrite waits for the last. Rare,
-- and costly at a country's scale (the issue's note gives the figure).
CREATE FUNCTION unit_participants_restructure() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    first_year int;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT min(extract(year FROM n.valid_from))::int INTO first_year FROM new_rows n
        WHERE EXISTS (SELECT 1 FROM unit_versions v WHERE v.unit_id = n.unit_id AND v.id <> n.id);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT min(extract(year FROM valid_from))::int INTO first_year FROM old_rows;
    ELSE
        -- From the first day whose version changed.
        SELECT min(extract(year FROM least(
            CASE WHEN o.valid_from <> n.valid_from THEN least(o.valid_from, n.valid_from) END,
            CASE WHEN o.valid_to IS DISTINCT FROM n.valid_to THEN least(coalesce(o.valid_to, n.valid_to), coalesce(n.valid_to, o.valid_to)) + 1 END,
            CASE WHEN (o.parent_id, o.level, o.path) IS DISTINCT FROM (n.parent_id, n.level, n.path) THEN n.valid_from END)))::int
        INTO first_year
        FROM old_rows o JOIN new_rows n ON n.id = o.id;
    END IF;
    IF first_year IS NOT NULL THEN
        PERFORM set_config('sodoan.participants_from',
            least(first_year, nullif(current_setting('sodoan.participants_from', true), '')::int)::text, true);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_participants_restructure_insert AFTER INSERT ON unit_versions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_participants_restructure();
CREATE TRIGGER unit_participants_restructure_update AFTER UPDATE ON unit_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_participants_restructure();
CREATE TRIGGER unit_participants_restructure_delete AFTER DELETE ON unit_versions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_participants_restructure();

CREATE FUNCTION unit_participants_restructured() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    first_year int := nullif(current_setting('sodoan.participants_from', true), '')::int;
BEGIN
    IF first_year IS NULL OR first_year > extract(year FROM current_date) + 1 THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('sodoan.participants_from', '', true);
    LOCK TABLE unit_year_figures IN SHARE ROW EXCLUSIVE MODE;
    PERFORM participant_marks_rebuild(first_year, extract(year FROM current_date)::int + 1);
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER unit_participants_restructured AFTER INSERT OR UPDATE OR DELETE ON unit_versions
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION unit_participants_restructured();

-- An existing database gets its weights once, here.
SELECT participant_marks_rebuild(1, 9999);
ANALYZE unit_year_figures, unit_rollup_figures;
