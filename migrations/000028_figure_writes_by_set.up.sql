-- Figure changes written as sets, and each rollup found once (issue 16:
-- writes within 1.5x of without the kept figures). unit_year_figures_add
-- and unit_figures_add wrote one key at a time, and every key's UPDATE
-- fired the rollups' statement trigger on unit_year_figures, which found
-- the key's rollup again, took its lock again and wrote it: recording 50
-- participations fired it a dozen times and found the same rollup unit
-- some thirty times (a query each), most of the write's added cost
-- (auto_explain of the bench write). Now a call finds each unit-year's
-- rollup once, takes the locks, and writes its changes to the year rows
-- and their rollups in one statement each; the trigger stays for every
-- other writer of year rows (refreshes, rebuilds, a repair in psql) and
-- steps aside while the adding functions, which write the rollups
-- themselves, write year rows (sodoan.rollups_written).
--
-- Their statements over arrays are planned once (plan_cache_mode
-- force_generic_plan, set for each call): a custom plan, which PostgreSQL
-- keeps choosing when the arrays' rows are known, took longer to make
-- than to run (1 ms for one year row's statement, 2 ms for the weights
-- of 50 participants, against 0.1 and 0.06 planned once). The generic
-- plans are index lookups from the changes, as the custom ones were.
-- The same holds for the two functions that write a participation's
-- figures, which call these.
--
-- One statement per table both adds to kept rows and inserts and deletes:
-- its parts read one snapshot, so the rows a change removes, the rows it
-- updates and the keys it inserts are told apart by the rows as they were.

-- The lock of a unit-year is its rollup's (migration 19), given here by
-- the rollup unit once it is known.
CREATE FUNCTION figures_lock_of(rollup bigint, year int) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN hashtextextended('sodoan.figures:' || rollup || ':' || year, 0);

CREATE OR REPLACE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN figures_lock_of(coalesce(figures_rollup_unit(unit, year), unit), year);

-- Each distinct unit-year's lock is found once (the arrays repeat them).
CREATE OR REPLACE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT unit_figures_lock_key(u, y) AS k
        FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS x (u, y)) x) x
    ORDER BY k;
END $$;

CREATE OR REPLACE FUNCTION unit_rollup_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sodoan.rollups_written', true) = 'on' THEN
        RETURN NULL;
    END IF;
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

-- unit_rollup_add adds changes to year rows to their rollups: each
-- unit-year's rollup found once, its lock taken, and the rollup rows
-- written in one statement.
CREATE OR REPLACE FUNCTION unit_rollup_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    ku bigint[]; ky int[]; kr bigint[];
BEGIN
    SELECT array_agg(u), array_agg(y), array_agg(r) INTO ku, ky, kr
    FROM (SELECT u, y, figures_rollup_unit(u, y) AS r FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS x (u, y)) x) x
    WHERE r IS NOT NULL;
    IF ku IS NULL THEN
        RETURN;
    END IF;
    PERFORM figures_rollups_write(ku, ky, kr, units, years, figures, areas, kinds, ns, amounts);
END $$;

-- figures_rollups_write adds the changes (units, years, ...) to the
-- rollups of their unit-years, given as (ku, ky) -> kr; unit-years not
-- given have no rollup. The locks are taken here in their order (held
-- already when the caller took them: taking one again costs nothing).
CREATE FUNCTION figures_rollups_write(ku bigint[], ky int[], kr bigint[],
    units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    -- plpgsql, not sql: its statements' plans are kept from call to call.
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT figures_lock_of(r, y) AS k FROM unnest(kr, ky) AS x (r, y)) x ORDER BY k;
    WITH d AS (
        SELECT k.r AS u, x.y, x.f, x.a, x.k, sum(x.n)::bigint AS n, sum(x.amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt)
        JOIN unnest(ku, ky, kr) AS k (u, y, r) ON k.u = x.u AND k.y = x.y
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.n) <> 0 OR sum(x.amt) <> 0),
    gone AS (
        DELETE FROM unit_rollup_figures t USING d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n = 0),
    kept AS (
        UPDATE unit_rollup_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n <> 0)
    INSERT INTO unit_rollup_figures
    SELECT d.u, d.y, d.f, d.a, d.k, d.n, d.amt FROM d
    WHERE d.n <> 0 AND NOT EXISTS (SELECT FROM unit_rollup_figures t
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k));
END $$;

-- unit_year_figures_add adds changes, given as arrays of the same length,
-- to year rows and their rollups; every unit-year touched is locked
-- first, in the locks' order. A row whose count comes to zero goes.
CREATE OR REPLACE FUNCTION unit_year_figures_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    ku bigint[]; ky int[]; kr bigint[];
BEGIN
    IF units IS NULL THEN
        RETURN;
    END IF;
    -- Set for the call (a SET clause would need a superuser for a
    -- parameter of our own); an error undoes it with the (sub)transaction.
    PERFORM set_config('sodoan.rollups_written', 'on', true);
    -- Each unit-year's rollup (NULL: the unit was gone at the year's end).
    SELECT array_agg(u), array_agg(y), array_agg(r) INTO ku, ky, kr
    FROM (SELECT u, y, figures_rollup_unit(u, y) AS r FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS x (u, y)) x) x;
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT figures_lock_of(coalesce(r, u), y) AS k FROM unnest(ku, ky, kr) AS x (u, y, r)) x ORDER BY k;
    WITH d AS (
        SELECT u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt)
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0),
    gone AS (
        DELETE FROM unit_year_figures t USING d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n = 0),
    kept AS (
        UPDATE unit_year_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n <> 0)
    INSERT INTO unit_year_figures
    SELECT d.u, d.y, d.f, d.a, d.k, d.n, d.amt FROM d
    WHERE d.n <> 0 AND NOT EXISTS (SELECT FROM unit_year_figures t
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k));
    SELECT array_agg(u), array_agg(y), array_agg(r) INTO ku, ky, kr FROM unnest(ku, ky, kr) AS x (u, y, r) WHERE r IS NOT NULL;
    PERFORM set_config('sodoan.rollups_written', 'off', true);
    IF ku IS NOT NULL THEN
        PERFORM figures_rollups_write(ku, ky, kr, units, years, figures, areas, kinds, ns, amounts);
    END IF;
END $$;

-- unit_figures_add adds changes to month rows, and through
-- unit_year_figures_add (which takes the locks) to their year rows, the
-- monthly series among them, and rollups.
CREATE OR REPLACE FUNCTION unit_figures_add(units bigint[], months date[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    IF units IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_year_figures_add(array_agg(u), array_agg(y), array_agg(f), array_agg(a), array_agg(k), array_agg(n), array_agg(amt))
    FROM (SELECT u, extract(year FROM m)::int AS y, f, a, k, n, amt
            FROM unnest(units, months, figures, areas, kinds, ns, amounts) AS x (u, m, f, a, k, n, amt)
        UNION ALL
        SELECT u, extract(year FROM m)::int, 'MONTHLY', f, to_char(m, 'MM'), n, 0
            FROM unnest(units, months, figures, ns) AS x (u, m, f, n) WHERE f IN ('ACTIVITIES', 'ATTENDANCES')) x;
    WITH d AS (
        SELECT u, m, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, months, figures, areas, kinds, ns, amounts) AS x (u, m, f, a, k, n, amt)
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0),
    gone AS (
        DELETE FROM unit_figures t USING d
        WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k) AND t.n + d.n <= 0),
    kept AS (
        UPDATE unit_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM d
        WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k) AND t.n + d.n > 0)
    INSERT INTO unit_figures
    SELECT d.u, d.m, d.f, d.a, d.k, d.n, d.amt FROM d
    WHERE d.n > 0 AND NOT EXISTS (SELECT FROM unit_figures t
        WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k));
END $$;

ALTER FUNCTION unit_figures_add_activity_rows(text, bigint[], text[], bigint[], numeric[], bigint[]) SET plan_cache_mode = force_generic_plan;

-- A unit's versions by unit (the rollup of a unit-year, the units of the
-- weights), which the GiST exclusion index answered at several times the
-- cost of a btree.
CREATE INDEX unit_versions_unit ON unit_versions (unit_id, valid_from);

-- unit_participants_marks adds the difference a statement made to its
-- members' weights. Weighing a member-year's rows before and after (as
-- migration 22 did for every member) was most of recording attendances.
-- But in nearly every statement each member's change is one unit coming
-- into (or going from) an area's group that had no other unit, and, for
-- all areas, either a unit the member-year already had or its first one:
-- such a change moves one PARTICIPANTS mark at the unit and one
-- PARTICIPANTS_AT_END mark at its meeting with the member's unit at the
-- year's end, which is what participant_weights gives a group of one
-- path. Only the other member-years are weighed in full. The randomized
-- test holds both to participant_marks_of.
CREATE OR REPLACE FUNCTION unit_participants_marks() RETURNS trigger
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    sign int := CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
    cm bigint[]; cy int[]; ca text[]; cu bigint[];
    tm bigint[]; ty int[];
    nm bigint[]; ny int[]; na text[]; nu bigint[];
    om bigint[]; oy int[]; oa text[]; ou bigint[];
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(member_id), array_agg(year), array_agg(area), array_agg(unit_id) INTO cm, cy, ca, cu FROM new_rows;
    ELSE
        SELECT array_agg(member_id), array_agg(year), array_agg(area), array_agg(unit_id) INTO cm, cy, ca, cu FROM old_rows;
    END IF;
    IF cm IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM members_lock_update(ARRAY(SELECT DISTINCT m FROM unnest(cm) AS c (m)));
    -- The statement's rows (c), the member-years' other rows (o), and the
    -- member-years whose change is not of one unit alone (whole).
    SELECT array_agg(m ORDER BY m, y), array_agg(y ORDER BY m, y) INTO tm, ty FROM (
        WITH c AS (SELECT * FROM unnest(cm, cy, ca, cu) AS c (m, y, a, u)),
        o AS (SELECT p.member_id AS m, p.year AS y, p.area AS a, p.unit_id AS u
            FROM (SELECT DISTINCT m, y FROM c) k JOIN unit_participants p ON p.member_id = k.m AND p.year = k.y
            WHERE NOT EXISTS (SELECT FROM c WHERE (c.m, c.y, c.a, c.u) = (p.member_id, p.year, p.area, p.unit_id)))
        SELECT m, y FROM c GROUP BY m, y, a HAVING count(*) > 1
        UNION
        SELECT c.m, c.y FROM c JOIN o ON (o.m, o.y, o.a) = (c.m, c.y, c.a)
        UNION
        SELECT c.m, c.y FROM c
        WHERE NOT EXISTS (SELECT FROM o WHERE (o.m, o.y, o.u) = (c.m, c.y, c.u))
            AND (EXISTS (SELECT FROM o WHERE (o.m, o.y) = (c.m, c.y))
                OR EXISTS (SELECT FROM c c2 WHERE (c2.m, c2.y) = (c.m, c.y) AND c2.u <> c.u))) w;
    IF tm IS NOT NULL THEN
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO nm, ny, na, nu
        FROM unit_participants p JOIN unnest(tm, ty) AS t (m, y) ON p.member_id = t.m AND p.year = t.y;
        IF TG_OP = 'INSERT' THEN
            SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
            FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
            WHERE NOT EXISTS (SELECT 1 FROM new_rows r WHERE (r.member_id, r.year, r.area, r.unit_id) = (p.member_id, p.year, p.area, p.unit_id));
        ELSE
            SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
            FROM (SELECT * FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
                UNION SELECT r.member_id, r.year, r.area, r.unit_id FROM old_rows r JOIN unnest(tm, ty) AS t (m, y)
                    ON r.member_id = t.m AND r.year = t.y) p;
        END IF;
    END IF;
    SELECT array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind), array_agg(n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
            SELECT unit_id, year, figure, area, kind, n FROM participant_weights(nm, ny, na, nu)
            UNION ALL
            SELECT unit_id, year, figure, area, kind, -n FROM participant_weights(om, oy, oa, ou)
            UNION ALL
            -- A lone unit's change: its group, in its area and, where the
            -- member-year had no other row, in all areas.
            SELECT * FROM (
                WITH c AS (SELECT * FROM unnest(cm, cy, ca, cu) AS c (m, y, a, u)
                    WHERE NOT EXISTS (SELECT FROM unnest(tm, ty) AS t (m, y) WHERE (t.m, t.y) = (c.m, c.y))),
                g AS (SELECT m, y, a, u FROM c
                    UNION
                    SELECT m, y, '', u FROM c WHERE NOT EXISTS (SELECT FROM unit_participants p
                        WHERE p.member_id = c.m AND p.year = c.y
                            AND NOT EXISTS (SELECT FROM c c2 WHERE (c2.m, c2.y, c2.a, c2.u) = (p.member_id, p.year, p.area, p.unit_id)))),
                at AS (SELECT g.m, g.y, g.a, g.u, v.path FROM g JOIN unit_versions v ON v.unit_id = g.u AND v.during @> make_date(g.y, 12, 31)),
                ends AS (
                    SELECT DISTINCT ON (at.m, at.y, at.a) at.y, at.a, path_meet(at.path, ev.path) AS meet
                    FROM at JOIN member_stays st ON st.member_id = at.m AND st.entered_on <= make_date(at.y, 12, 31)
                            AND (st.left_on IS NULL OR st.left_on > make_date(at.y, 12, 31))
                        JOIN unit_versions ev ON ev.unit_id = st.unit_id AND ev.during @> make_date(at.y, 12, 31)
                    WHERE nlevel(path_meet(at.path, ev.path)) > 0
                    ORDER BY at.m, at.y, at.a, nlevel(path_meet(at.path, ev.path)) DESC)
                SELECT u AS unit_id, y AS year, 'PARTICIPANTS' AS figure, a AS area, '' AS kind, sign * count(*) AS n FROM at GROUP BY 1, 2, 3, 4, 5
                UNION ALL
                SELECT subpath(meet, -1)::text::bigint, y, 'PARTICIPANTS_AT_END', a, '', sign * count(*) FROM ends GROUP BY 1, 2, 3, 4, 5) lone) w
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    IF du IS NOT NULL THEN
        PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
    END IF;
    RETURN NULL;
END $$;
