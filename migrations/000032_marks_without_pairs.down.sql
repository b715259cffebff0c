-- participant_marks_change as migration 31 made it.

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
