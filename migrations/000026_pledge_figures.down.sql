DROP TRIGGER unit_marks_insert ON pledges;
DROP TRIGGER unit_marks_update ON pledges;
DROP TRIGGER unit_marks_delete_pledges ON pledges;
DROP FUNCTION unit_marks_pledges();
DELETE FROM unit_rollup_figures WHERE figure = 'ELIGIBLE';
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
DELETE FROM unit_year_figures WHERE figure = 'ELIGIBLE';
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;

-- As migrations 20, 21 and 24 left them.
CREATE OR REPLACE FUNCTION marks_figures() RETURNS text[]
    LANGUAGE sql IMMUTABLE RETURN ARRAY['RATINGS', 'RATED', 'SIGNED', 'RECEIVED', 'GIVEN'];

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
END $$;

CREATE OR REPLACE FUNCTION participant_marks_rebuild(first_year int, last_year int) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
    DELETE FROM unit_year_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS') AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_year_figures SELECT * FROM participant_marks_of(first_year, last_year);
    INSERT INTO unit_year_figures SELECT * FROM movements_of(first_year, last_year);
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;
    DELETE FROM unit_rollup_figures WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS') AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), first_year, last_year)
    WHERE figure IN ('PARTICIPANTS', 'PARTICIPANTS_AT_END', 'MOVEMENTS');
END $$;

-- SIGNED as migration 21 counted it.
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
DELETE FROM unit_year_figures WHERE figure = 'SIGNED';
INSERT INTO unit_year_figures SELECT * FROM marks_from_records(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure = 'SIGNED';
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
DELETE FROM unit_rollup_figures WHERE figure = 'SIGNED';
INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure = 'SIGNED';
DROP FUNCTION pledge_marks_of(int, int);
