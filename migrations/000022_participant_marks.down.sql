DROP TRIGGER unit_participants_restructured ON unit_versions;
DROP TRIGGER unit_participants_restructure_insert ON unit_versions;
DROP TRIGGER unit_participants_restructure_update ON unit_versions;
DROP TRIGGER unit_participants_restructure_delete ON unit_versions;
DROP TRIGGER unit_participants_marks_insert ON unit_participants;
DROP TRIGGER unit_participants_marks_delete ON unit_participants;
DELETE FROM unit_rollup_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END');
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
DELETE FROM unit_year_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END');
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;

-- The functions as migrations 17 to 21 left them.
CREATE OR REPLACE FUNCTION member_stays_refresh(member_ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    su bigint[]; se date[]; sl date[]; sk text[]; ss int[];
BEGIN
    IF member_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM FROM members WHERE id = ANY (member_ids) ORDER BY id FOR NO KEY UPDATE;
    SELECT array_agg(unit_id), array_agg(entered_on), array_agg(left_on), array_agg(gender || '/' || position), array_agg(-1)
    INTO su, se, sl, sk, ss
    FROM member_stays WHERE member_id = ANY (member_ids);
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
END $$;
CREATE OR REPLACE FUNCTION unit_figures_activities() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
    months date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new activity has no participants yet.
        PERFORM unit_figures_refresh(array_agg(unit_id), array_agg(activity_month(starts_on)))
        FROM new_rows WHERE status = 'DONE';
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(unit_id), array_agg(activity_month(starts_on)) INTO units, months
        FROM old_rows WHERE status = 'DONE';
    ELSE
        SELECT array_agg(k.unit_id), array_agg(k.month) INTO units, months
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.unit_id, activity_month(o.starts_on), o.status), (n.unit_id, activity_month(n.starts_on), n.status)) k (unit_id, month, status)
        WHERE k.status = 'DONE' AND (o.unit_id, o.starts_on, o.status, o.work_area, o.kind)
            IS DISTINCT FROM (n.unit_id, n.starts_on, n.status, n.work_area, n.kind);
    END IF;
    PERFORM unit_figures_refresh(units, months);
    PERFORM unit_participants_refresh(units, months);
    RETURN NULL;
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
    DELETE FROM unit_participants p USING unnest(year_units, key_years) AS k (u, y) WHERE p.unit_id = k.u AND p.year = k.y;
    INSERT INTO unit_participants
    SELECT r.* FROM (SELECT y, array_agg(u) AS ids FROM unnest(year_units, key_years) AS x (u, y) GROUP BY y) g,
        LATERAL participants_from_records(g.ids, g.y, g.y) r;
END $$;
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
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n > 0;
        IF NOT FOUND THEN -- no row, or its count falls to zero
            DELETE FROM unit_year_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n > 0 THEN
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
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n > 0;
        IF NOT FOUND THEN -- no row, or its count falls to zero
            DELETE FROM unit_rollup_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n > 0 THEN
                INSERT INTO unit_rollup_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;
DROP FUNCTION unit_participants_restructured();
DROP FUNCTION unit_participants_restructure();
DROP FUNCTION participant_marks_rebuild(int, int);
DROP FUNCTION unit_participants_marks();
DROP FUNCTION members_lock_update(bigint[]);
DROP FUNCTION participant_marks_of(int, int);
DROP FUNCTION participant_weights(bigint[], int[], text[], bigint[]);
DROP FUNCTION path_meet(ltree, ltree);
DROP INDEX unit_participants_member;
ALTER TABLE unit_rollup_figures DROP CONSTRAINT unit_rollup_figures_n_check, ADD CONSTRAINT unit_rollup_figures_n_check CHECK (n > 0);
ALTER TABLE unit_year_figures DROP CONSTRAINT unit_year_figures_n_check, ADD CONSTRAINT unit_year_figures_n_check CHECK (n > 0);
