-- A pledge's figures kept so that any scope reads them from its rollups
-- (issue 16). A province's report lists its 21,000 branches' pledges, and
-- read each branch's own rows for them (a second). Now:
--
--   SIGNED    counts only the signatures of members who were, at the
--             year's end, in the pledge's unit or below (by the tree of
--             then): a pledge's signed members are its SIGNED rows over any
--             scope that holds its unit.
--   ELIGIBLE  kind = pledge id, on a branch's pledge: the branch's members
--             at the year's end (a pledge of a unit above a branch sums the
--             rollups below it, as before).
--
-- Both depend on the tree, so a restructuring rewrites them with the
-- participants at commit; a change in a branch's members is added to its
-- pledges' ELIGIBLE rows.

CREATE OR REPLACE FUNCTION marks_figures() RETURNS text[]
    LANGUAGE sql IMMUTABLE RETURN ARRAY['RATINGS', 'RATED', 'SIGNED', 'RECEIVED', 'GIVEN', 'ELIGIBLE'];

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
$$;

CREATE OR REPLACE FUNCTION unit_members_add(units bigint[], entered date[], lefts date[], kinds text[], signs int[])
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    du bigint[]; dy int[]; dk text[]; dn bigint[];
    eu bigint[]; ey int[]; ek text[]; en bigint[];
BEGIN
    SELECT array_agg(u), array_agg(y), array_agg(k), array_agg(n) INTO du, dy, dk, dn
    FROM (SELECT s.u, y, s.k, sum(s.sign)::bigint AS n
        FROM unnest(units, entered, lefts, kinds, signs) AS s (u, e, l, k, sign),
            generate_series(extract(year FROM s.e)::int,
                least(coalesce(extract(year FROM s.l)::int - 1, figures_horizon_year()), figures_horizon_year())) AS y
        GROUP BY 1, 2, 3 HAVING sum(s.sign) <> 0) d;
    IF du IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_year_figures_add(du, dy, array_fill('MEMBERS'::text, ARRAY[cardinality(du)]),
        array_fill(''::text, ARRAY[cardinality(du)]), dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
    -- A branch's pledges of those years count its members: their ELIGIBLE
    -- rows take the same change.
    SELECT array_agg(p.unit_id), array_agg(p.year), array_agg(p.id::text), array_agg(x.n) INTO eu, ey, ek, en
    FROM (SELECT u, y, sum(n)::bigint AS n FROM unnest(du, dy, dn) AS x (u, y, n) GROUP BY 1, 2 HAVING sum(n) <> 0) x
        JOIN pledges p ON p.unit_id = x.u AND p.year = x.y
        JOIN unit_versions v ON v.unit_id = p.unit_id AND v.during @> make_date(p.year, 12, 31) AND v.level = 'BRANCH';
    IF eu IS NOT NULL THEN
        PERFORM unit_year_figures_add(eu, ey, array_fill('ELIGIBLE'::text, ARRAY[cardinality(eu)]),
            array_fill(''::text, ARRAY[cardinality(eu)]), ek, en, array_fill(0::numeric, ARRAY[cardinality(eu)]));
    END IF;
END $$;

-- A pledge written touches its unit's year, before and after.
CREATE FUNCTION unit_marks_pledges() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM unit_marks_refresh(array_agg(unit_id), array_agg(year)) FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM unit_marks_refresh(array_agg(unit_id), array_agg(year)) FROM old_rows;
    ELSE
        PERFORM unit_marks_refresh(array_agg(unit_id), array_agg(year)) FROM (
            SELECT unit_id, year FROM new_rows UNION SELECT unit_id, year FROM old_rows) r;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_marks_insert AFTER INSERT ON pledges REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_pledges();
CREATE TRIGGER unit_marks_update AFTER UPDATE ON pledges REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_pledges();
CREATE TRIGGER unit_marks_delete_pledges AFTER DELETE ON pledges REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_pledges();

-- pledge_marks_of is the SIGNED and ELIGIBLE rows of marks_from_records for
-- every unit, of the years first_year to last_year: the same statements
-- without the array of units, so that they are planned for the whole
-- tables (given an array of every unit, marks_from_records ran past twenty
-- minutes at 1M members; this takes under half a minute). For a
-- restructuring's rewrite and this migration's fill; a test holds the two
-- equal.
CREATE FUNCTION pledge_marks_of(first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    SELECT s.unit_id, p.year, 'SIGNED', '', p.id::text, count(*), 0
    FROM member_stays s JOIN pledge_signatures g ON g.member_id = s.member_id
        JOIN pledges p ON p.id = g.pledge_id AND p.year BETWEEN first_year AND last_year
            AND s.entered_on <= make_date(p.year, 12, 31) AND (s.left_on IS NULL OR s.left_on > make_date(p.year, 12, 31))
        JOIN unit_versions vs ON vs.unit_id = s.unit_id AND vs.during @> make_date(p.year, 12, 31)
        JOIN unit_versions vp ON vp.unit_id = p.unit_id AND vp.during @> make_date(p.year, 12, 31) AND vs.path <@ vp.path
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT p.unit_id, p.year, 'ELIGIBLE', '', p.id::text, sum(f.n)::bigint, 0
    FROM pledges p JOIN unit_versions v ON v.unit_id = p.unit_id AND v.during @> make_date(p.year, 12, 31) AND v.level = 'BRANCH'
        JOIN unit_year_figures f ON f.unit_id = p.unit_id AND f.year = p.year AND f.figure = 'MEMBERS'
    WHERE p.year BETWEEN first_year AND last_year
    GROUP BY 1, 2, 3, 4, 5
$$;

CREATE OR REPLACE FUNCTION participant_marks_rebuild(first_year int, last_year int) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
    DELETE FROM unit_year_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS', 'SIGNED', 'ELIGIBLE') AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_year_figures SELECT * FROM participant_marks_of(first_year, last_year);
    INSERT INTO unit_year_figures SELECT * FROM movements_of(first_year, last_year);
    INSERT INTO unit_year_figures SELECT * FROM pledge_marks_of(first_year, last_year);
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;
    DELETE FROM unit_rollup_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS', 'SIGNED', 'ELIGIBLE') AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), first_year, last_year)
    WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS', 'SIGNED', 'ELIGIBLE');
END $$;

-- An existing database gets them once, here (not through the rollups'
-- trigger, as unit_members_fill).
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
DELETE FROM unit_year_figures WHERE figure = 'SIGNED';
INSERT INTO unit_year_figures SELECT * FROM pledge_marks_of(1, 9999);
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
DELETE FROM unit_rollup_figures WHERE figure = 'SIGNED';
INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure IN ('SIGNED', 'ELIGIBLE');
ANALYZE unit_year_figures, unit_rollup_figures;
