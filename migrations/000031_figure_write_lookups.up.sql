-- Two costs of recording attendances found by timing the statements of
-- the bench write (37 participations at 1,000,000 members, 3.4 ms of
-- figures on a 3.1 ms insert):
-- - figures_write asked figures_rollups for the unit-years with a
--   subquery among the arguments, which keeps a SQL function from being
--   inlined: it ran as a function call planned anew each write (0.33 ms,
--   against 0.1 inlined).
-- - participant_marks_change looked up the path of a unit at the year's
--   end once per row, in three places (the changed rows, the member-
--   years' other rows, the members' units), where a list's rows share a
--   few units: each path is now looked up once (1.47 ms to 1.2).

CREATE OR REPLACE FUNCTION figures_write(mu bigint[], mm date[], mf text[], ma text[], mk text[], mn bigint[], mamt numeric[],
    yu bigint[], yy int[], yf text[], ya text[], yk text[], yn bigint[], yamt numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    ku bigint[]; ky int[]; kr bigint[];
    -- The year rows' changes, summed by key.
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[]; damt numeric[];
    -- The month rows' years.
    my int[];
BEGIN
    -- Each unit-year's rollup (NULL: the unit was gone at the year's end).
    -- The months' years first: a subquery among figures_rollups' arguments
    -- kept it from being inlined, and it was planned anew at every write.
    my := ARRAY(SELECT extract(year FROM m)::int FROM unnest(mm) AS x (m));
    SELECT array_agg(unit_id), array_agg(year), array_agg(rollup) INTO ku, ky, kr
    FROM figures_rollups(array_cat(yu, mu), array_cat(yy, my));
    IF ku IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT figures_lock_of(coalesce(r, u), y) AS k FROM unnest(ku, ky, kr) AS x (u, y, r)) x ORDER BY k;
    -- The rollups are written here: their trigger on year rows steps
    -- aside. Set for the call (a SET clause would need a superuser for a
    -- parameter of our own); an error undoes it with the (sub)transaction.
    PERFORM set_config('sodoan.rollups_written', 'on', true);
    IF mu IS NOT NULL THEN
        WITH md AS (
            SELECT u, m, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
            FROM unnest(mu, mm, mf, ma, mk, mn, mamt) AS x (u, m, f, a, k, n, amt)
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0),
        month_gone AS (
            DELETE FROM unit_figures t USING md d
            WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k) AND t.n + d.n <= 0),
        month_kept AS (
            UPDATE unit_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM md d
            WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k) AND t.n + d.n > 0)
        INSERT INTO unit_figures
        SELECT d.u, d.m, d.f, d.a, d.k, d.n, d.amt FROM md d
        WHERE d.n > 0 AND NOT EXISTS (SELECT FROM unit_figures t
            WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k));
    END IF;
    WITH yd AS (
        SELECT u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt FROM (
            SELECT * FROM unnest(yu, yy, yf, ya, yk, yn, yamt) AS x (u, y, f, a, k, n, amt)
            UNION ALL
            SELECT u, extract(year FROM m)::int, f, a, k, n, amt FROM unnest(mu, mm, mf, ma, mk, mn, mamt) AS x (u, m, f, a, k, n, amt)
            UNION ALL
            SELECT u, extract(year FROM m)::int, 'MONTHLY', f, to_char(m, 'MM'), n, 0
            FROM unnest(mu, mm, mf, mn) AS x (u, m, f, n) WHERE f IN ('ACTIVITIES', 'ATTENDANCES')) x
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0),
    year_gone AS (
        DELETE FROM unit_year_figures t USING yd d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n = 0),
    year_kept AS (
        UPDATE unit_year_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM yd d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n <> 0),
    year_new AS (
        INSERT INTO unit_year_figures
        SELECT d.u, d.y, d.f, d.a, d.k, d.n, d.amt FROM yd d
        WHERE d.n <> 0 AND NOT EXISTS (SELECT FROM unit_year_figures t
            WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k)))
    SELECT array_agg(u), array_agg(y), array_agg(f), array_agg(a), array_agg(k), array_agg(n), array_agg(amt)
    INTO du, dy, df, da, dk, dn, damt FROM yd;
    PERFORM set_config('sodoan.rollups_written', 'off', true);
    SELECT array_agg(u), array_agg(y), array_agg(r) INTO ku, ky, kr FROM unnest(ku, ky, kr) AS x (u, y, r) WHERE r IS NOT NULL;
    IF ku IS NOT NULL AND du IS NOT NULL THEN
        PERFORM figures_rollups_write(ku, ky, kr, du, dy, df, da, dk, dn, damt);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION participant_marks_change(sign int, cm bigint[], cy int[], ca text[], cu bigint[],
    OUT du bigint[], OUT dy int[], OUT df text[], OUT da text[], OUT dk text[], OUT dn bigint[])
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    tm bigint[]; ty int[];
    nm bigint[]; ny int[]; na text[]; nu bigint[];
    om bigint[]; oy int[]; oa text[]; ou bigint[];
BEGIN
    IF cm IS NULL THEN
        RETURN;
    END IF;
    -- The member-years that change by more than one row: weighed in full.
    SELECT array_agg(m), array_agg(y) INTO tm, ty
    FROM (SELECT m, y FROM unnest(cm, cy) AS c (m, y) GROUP BY m, y HAVING count(*) > 1) w;
    IF tm IS NOT NULL THEN
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO nm, ny, na, nu
        FROM unit_participants p JOIN unnest(tm, ty) AS t (m, y) ON p.member_id = t.m AND p.year = t.y;
        -- The rows before: without the added ones, or with the removed.
        IF sign = 1 THEN
            SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
            FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
            WHERE NOT EXISTS (SELECT FROM unnest(cm, cy, ca, cu) AS r (m, y, a, u) WHERE (r.m, r.y, r.a, r.u) = (p.member_id, p.year, p.area, p.unit_id));
        ELSE
            SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
            FROM (SELECT * FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
                UNION SELECT r.m, r.y, r.a, r.u FROM unnest(cm, cy, ca, cu) AS r (m, y, a, u) JOIN unnest(tm, ty) AS t (m, y)
                    ON r.m = t.m AND r.y = t.y) p;
        END IF;
    END IF;
    SELECT array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind), array_agg(n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
            -- Each one-row change ...
            WITH c0 AS (SELECT c.m, c.y, c.a, c.u
                FROM unnest(cm, cy, ca, cu) AS c (m, y, a, u)
                WHERE NOT EXISTS (SELECT FROM unnest(tm, ty) AS t (m, y) WHERE (t.m, t.y) = (c.m, c.y))),
            -- ... the member-year's other rows ...
            o0 AS (SELECT c.m, c.y, p.area AS a, p.unit_id AS u
                FROM c0 c JOIN unit_participants p ON p.member_id = c.m AND p.year = c.y
                WHERE (p.area, p.unit_id) <> (c.a, c.u)),
            -- ... the member's stays at the year's end ...
            st AS (SELECT c.m, c.y, st.unit_id AS u, st.entered_on
                FROM c0 c JOIN member_stays st ON st.member_id = c.m AND st.entered_on <= make_date(c.y, 12, 31)
                    AND (st.left_on IS NULL OR st.left_on > make_date(c.y, 12, 31))),
            -- ... and the paths of all their units then, each looked up
            -- once (the rows of a list share a few units: a lookup a row
            -- was a fifth of the statement). A unit gone at the year's
            -- end has no path and weighs nothing, before or after.
            up AS (SELECT x.u, x.y, v.path
                FROM (SELECT u, y FROM c0 UNION SELECT u, y FROM o0 UNION SELECT u, y FROM st) x
                JOIN unit_versions v ON v.unit_id = x.u AND v.during @> make_date(x.y, 12, 31)),
            c AS (SELECT c0.m, c0.y, c0.a, c0.u, up.path AS q FROM c0 JOIN up ON (up.u, up.y) = (c0.u, c0.y)),
            -- (A member-year whose change has no path keeps its other
            -- rows here: only the groups with a change are weighed.)
            o AS (SELECT o0.m, o0.y, o0.a, up.path FROM o0 JOIN up ON (up.u, up.y) = (o0.u, o0.y)),
            -- ... the groups it changes, each with the member-year's
            -- other paths in it: its area's, and all areas' unless
            -- another area has the unit already ...
            s AS (SELECT o.m, o.y, o.a, o.path, false AS changed FROM o JOIN c ON (c.m, c.y, c.a) = (o.m, o.y, o.a)
                UNION ALL
                SELECT DISTINCT m, y, '', path, false FROM o
                UNION ALL
                SELECT m, y, a, q, true FROM c
                UNION ALL
                SELECT m, y, '', q, true FROM c WHERE NOT EXISTS (SELECT FROM o WHERE (o.m, o.y, o.path) = (c.m, c.y, c.q))),
            -- ... its neighbours there in path order ...
            nb AS (SELECT y, a, path AS q, changed, lag(path) OVER w AS prev, lead(path) OVER w AS next
                FROM s WINDOW w AS (PARTITION BY m, y, a ORDER BY path)),
            -- ... and how deep the group's other paths and the change
            -- meet the member's unit at the year's end (a meeting with
            -- it is its ancestor: its first levels).
            e AS (SELECT DISTINCT ON (st.m, st.y) st.m, st.y, up.path AS e
                FROM st JOIN up ON (up.u, up.y) = (st.u, st.y)
                ORDER BY st.m, st.y, st.entered_on DESC),
            ends AS (SELECT s.y, s.a, e.e,
                    coalesce(max(nlevel(path_meet(s.path, e.e))) FILTER (WHERE NOT s.changed), 0) AS other,
                    max(nlevel(path_meet(s.path, e.e))) FILTER (WHERE s.changed) AS change
                FROM s JOIN e ON (e.m, e.y) = (s.m, s.y)
                GROUP BY s.m, s.y, s.a, e.e HAVING bool_or(s.changed)),
            w AS (SELECT y, a, 'PARTICIPANTS' AS figure, q AS at, sign AS n FROM nb WHERE changed
                UNION ALL
                SELECT y, a, 'PARTICIPANTS', path_meet(prev, q), -sign FROM nb WHERE changed AND prev IS NOT NULL
                UNION ALL
                SELECT y, a, 'PARTICIPANTS', path_meet(q, next), -sign FROM nb WHERE changed AND next IS NOT NULL
                UNION ALL
                SELECT y, a, 'PARTICIPANTS', path_meet(prev, next), sign FROM nb WHERE changed AND prev IS NOT NULL AND next IS NOT NULL
                UNION ALL
                SELECT y, a, 'PARTICIPANTS_AT_END', subpath(e, 0, change), sign FROM ends WHERE change > other
                UNION ALL
                SELECT y, a, 'PARTICIPANTS_AT_END', subpath(e, 0, other), -sign FROM ends WHERE change > other AND other > 0)
            SELECT subpath(at, -1)::text::bigint AS unit_id, y AS year, figure, a AS area, '' AS kind, n FROM w
            WHERE nlevel(at) > 0) x
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    IF tm IS NOT NULL THEN
        SELECT du || array_agg(unit_id), dy || array_agg(year), df || array_agg(figure), da || array_agg(area),
            dk || array_agg(kind), dn || array_agg(n)
        INTO du, dy, df, da, dk, dn
        FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
                SELECT unit_id, year, figure, area, kind, n FROM participant_weights(nm, ny, na, nu)
                UNION ALL
                SELECT unit_id, year, figure, area, kind, -n FROM participant_weights(om, oy, oa, ou)) w
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    END IF;
END $$;
