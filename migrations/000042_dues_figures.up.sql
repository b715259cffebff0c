-- Union dues kept as year figures (issue 17): a province's report summed
-- every collection of its 22,000 units (75 ms of its 300 at 1,000,000
-- members); as the other marks, each unit's year now has DUES rows, kind
-- COLLECTED (đồng) and MEMBER_MONTHS, which the rollups sum, recomputed
-- from the collections of the unit-years a write touches.
CREATE OR REPLACE FUNCTION marks_figures() RETURNS text[]
    LANGUAGE sql IMMUTABLE RETURN ARRAY['RATINGS', 'RATED', 'SIGNED', 'RECEIVED', 'GIVEN', 'ELIGIBLE', 'DUES'];

CREATE OR REPLACE FUNCTION marks_from_records(unit_ids bigint[], first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    WITH at_end AS (SELECT s.member_id, s.unit_id, s.entered_on, s.left_on FROM member_stays s WHERE s.unit_id = ANY (unit_ids)),
    commended AS (
        SELECT c.unit_id, c.year, c.issuer_level, c.form || '/COLLECTIVE' AS kind FROM commendations c
        WHERE c.unit_id = ANY (unit_ids) AND c.year BETWEEN first_year AND last_year
        UNION ALL
        SELECT a.unit_id, c.year, c.issuer_level, c.form || '/INDIVIDUAL' FROM commendations c,
            LATERAL (SELECT member_year_unit(c.member_id, c.year, true) AS unit_id) a
        WHERE c.member_id IN (SELECT member_id FROM at_end) AND c.year BETWEEN first_year AND last_year
            AND a.unit_id = ANY (unit_ids))
    SELECT r.unit_id, r.year, 'RATINGS', '', r.level, count(*), 0 FROM member_ratings r
    WHERE r.unit_id = ANY (unit_ids) AND r.year BETWEEN first_year AND last_year GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT s.unit_id, r.year, 'RATED', '', '', count(*), 0
    FROM at_end s JOIN member_ratings r ON r.member_id = s.member_id AND r.year BETWEEN first_year AND last_year
        AND s.entered_on <= make_date(r.year, 12, 31) AND (s.left_on IS NULL OR s.left_on > make_date(r.year, 12, 31))
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT s.unit_id, p.year, 'SIGNED', '', p.id::text, count(*), 0
    FROM at_end s JOIN pledge_signatures g ON g.member_id = s.member_id
        JOIN pledges p ON p.id = g.pledge_id AND p.year BETWEEN first_year AND last_year
            AND s.entered_on <= make_date(p.year, 12, 31) AND (s.left_on IS NULL OR s.left_on > make_date(p.year, 12, 31))
        JOIN unit_versions vs ON vs.unit_id = s.unit_id AND vs.during @> make_date(p.year, 12, 31)
        JOIN unit_versions vp ON vp.unit_id = p.unit_id AND vp.during @> make_date(p.year, 12, 31) AND vs.path <@ vp.path
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT p.unit_id, p.year, 'ELIGIBLE', '', p.id::text, sum(f.n)::bigint, 0
    FROM pledges p JOIN unit_versions v ON v.unit_id = p.unit_id AND v.during @> make_date(p.year, 12, 31) AND v.level = 'BRANCH'
        JOIN unit_year_figures f ON f.unit_id = p.unit_id AND f.year = p.year AND f.figure = 'MEMBERS'
    WHERE p.unit_id = ANY (unit_ids) AND p.year BETWEEN first_year AND last_year
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT unit_id, year, 'RECEIVED', issuer_level, kind, count(*), 0 FROM commended GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT c.issuer_unit_id, c.year, 'GIVEN', '', c.form || CASE WHEN c.member_id IS NULL THEN '/COLLECTIVE' ELSE '/INDIVIDUAL' END,
        count(*), 0
    FROM commendations c WHERE c.issuer_unit_id = ANY (unit_ids) AND c.year BETWEEN first_year AND last_year
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT c.unit_id, extract(year FROM c.collected_on)::int, 'DUES', '', k.kind, sum(k.n)::bigint, 0
    FROM dues_collections c, LATERAL (VALUES ('COLLECTED', c.total), ('MEMBER_MONTHS', c.member_months::bigint)) AS k (kind, n)
    WHERE c.unit_id = ANY (unit_ids) AND c.collected_on BETWEEN make_date(first_year, 1, 1) AND make_date(last_year, 12, 31)
    GROUP BY 1, 2, 3, 4, 5
$$;

-- unit_marks_refresh recomputed the marks of the unit-years a write
-- touched in one statement whose units came from a subquery: planned for
-- any units, it read every member's stays (2.2 s for one commendation at
-- 100,000 members). Now a year's units are a value when its statement is
-- planned (a custom plan), so marks_from_records reads their rows alone.
CREATE OR REPLACE FUNCTION unit_marks_refresh(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    ku bigint[]; ky int[];
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
    g record;
BEGIN
    SELECT array_agg(u), array_agg(y) INTO ku, ky
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS x (u, y) WHERE u IS NOT NULL AND y IS NOT NULL) k;
    IF ku IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_figures_lock(ku, ky);
    -- New statements, after the locks: what was committed meanwhile.
    FOR g IN SELECT k.y, array_agg(k.u) AS ids FROM unnest(ku, ky) AS k (u, y) GROUP BY k.y ORDER BY k.y LOOP
        SELECT array_agg(d.unit_id), array_agg(d.year), array_agg(d.figure), array_agg(d.area), array_agg(d.kind), array_agg(d.n)
        INTO du, dy, df, da, dk, dn
        FROM (SELECT x.unit_id, x.year, x.figure, x.area, x.kind, sum(x.n)::bigint AS n
            FROM (SELECT w.unit_id, w.year, w.figure, w.area, w.kind, w.n
                    FROM marks_from_records(g.ids, g.y, g.y) w WHERE w.unit_id = ANY (g.ids)
                UNION ALL
                SELECT f.unit_id, f.year, f.figure, f.area, f.kind, -f.n FROM unit_year_figures f
                WHERE f.unit_id = ANY (g.ids) AND f.year = g.y AND f.figure = ANY (marks_figures())) x
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.n) <> 0) d;
        IF du IS NOT NULL THEN
            PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
        END IF;
    END LOOP;
END $$;

CREATE FUNCTION unit_marks_dues() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    y int[]; u bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(extract(year FROM collected_on)::int), array_agg(unit_id) INTO y, u FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(extract(year FROM collected_on)::int), array_agg(unit_id) INTO y, u FROM old_rows;
    ELSE
        SELECT array_agg(extract(year FROM collected_on)::int), array_agg(unit_id) INTO y, u FROM (
            SELECT collected_on, unit_id FROM new_rows UNION ALL SELECT collected_on, unit_id FROM old_rows) r;
    END IF;
    PERFORM unit_marks_touch(array_fill(NULL::bigint, ARRAY[cardinality(u)]), y, u, false);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_marks_insert AFTER INSERT ON dues_collections REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_dues();
CREATE TRIGGER unit_marks_update AFTER UPDATE ON dues_collections REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_dues();
CREATE TRIGGER unit_marks_delete AFTER DELETE ON dues_collections REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_dues();

-- The collections recorded before.
SELECT unit_marks_refresh(array_agg(unit_id), array_agg(year))
FROM (SELECT DISTINCT unit_id, extract(year FROM collected_on)::int AS year FROM dues_collections) k;
