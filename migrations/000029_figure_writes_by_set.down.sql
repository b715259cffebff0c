-- Back to migration 27's definitions (of migrations 19, 22 and 23).
DROP INDEX unit_versions_unit;
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

CREATE OR REPLACE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN hashtextextended('sodoan.figures:' || coalesce(figures_rollup_unit(unit, year), unit) || ':' || year, 0);
DROP FUNCTION figures_lock_of(bigint, int);

CREATE OR REPLACE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT unit_figures_lock_key(u, y) AS k FROM unnest(units, years) AS x (u, y)) x ORDER BY k;
END $$;

CREATE OR REPLACE FUNCTION unit_rollup_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM unit_rollup_add(array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind),
            array_agg(n), array_agg(amount)) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM unit_rollup_add(array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind),
            array_agg(-n), array_agg(-amount)) FROM old_rows;
    ELSE
        PERFORM unit_rollup_add(array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind),
            array_agg(n), array_agg(amount))
        FROM (SELECT unit_id, year, figure, area, kind, n, amount FROM new_rows
            UNION ALL SELECT unit_id, year, figure, area, kind, -n, -amount FROM old_rows) r;
    END IF;
    RETURN NULL;
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

DROP FUNCTION figures_rollups_write(bigint[], int[], bigint[], bigint[], int[], text[], text[], text[], bigint[], numeric[]);

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

CREATE OR REPLACE FUNCTION unit_figures_add(units bigint[], months date[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    -- One key at a time with plain values: a statement on one key has a
    -- cached plan of an index lookup, where a statement over arrays is
    -- planned again on every call (most of a write's cost, measured).
    FOR d IN
        SELECT u, m, extract(year FROM m)::int AS y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, months, figures, areas, kinds, ns, amounts) AS x (u, m, f, a, k, n, amt)
        GROUP BY u, m, f, a, k HAVING sum(n) <> 0 OR sum(amt) <> 0
        ORDER BY u, m, f, a, k
    LOOP
        PERFORM pg_advisory_xact_lock(unit_figures_lock_key(d.u, d.y));
        UPDATE unit_figures SET n = n + d.n, amount = amount + d.amt
        WHERE (unit_id, month, figure, area, kind) = (d.u, d.m, d.f, d.a, d.k) AND n + d.n > 0;
        IF NOT FOUND THEN -- no row, or its count falls to zero
            DELETE FROM unit_figures WHERE (unit_id, month, figure, area, kind) = (d.u, d.m, d.f, d.a, d.k);
            IF NOT FOUND AND d.n > 0 THEN
                INSERT INTO unit_figures VALUES (d.u, d.m, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
        UPDATE unit_year_figures SET n = n + d.n, amount = amount + d.amt
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n > 0;
        IF NOT FOUND THEN -- no row, or its count falls to zero
            DELETE FROM unit_year_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n > 0 THEN
                INSERT INTO unit_year_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
        IF d.f IN ('ACTIVITIES', 'ATTENDANCES') THEN
            d.k := to_char(d.m, 'MM');
            UPDATE unit_year_figures SET n = n + d.n
            WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, 'MONTHLY', d.f, d.k) AND n + d.n > 0;
            IF NOT FOUND THEN
                DELETE FROM unit_year_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, 'MONTHLY', d.f, d.k);
                IF NOT FOUND AND d.n > 0 THEN
                    INSERT INTO unit_year_figures VALUES (d.u, d.y, 'MONTHLY', d.f, d.k, d.n, 0);
                END IF;
            END IF;
        END IF;
    END LOOP;
END $$;

DROP FUNCTION figures_write(bigint[], date[], text[], text[], text[], bigint[], numeric[],
    bigint[], int[], text[], text[], text[], bigint[], numeric[]);

CREATE OR REPLACE FUNCTION unit_participants_marks() RETURNS trigger
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

DROP FUNCTION participant_marks_change(int, bigint[], int[], text[], bigint[]);

CREATE OR REPLACE FUNCTION figures_rollup_unit(unit bigint, year int) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    key bigint;
BEGIN
    SELECT CASE WHEN v.level = 'BRANCH' THEN v.parent_id ELSE v.unit_id END INTO key
    FROM unit_versions v WHERE v.unit_id = unit AND v.during @> make_date(year, 12, 31);
    RETURN key;
END $$;
DROP FUNCTION figures_rollups(bigint[], int[]);
