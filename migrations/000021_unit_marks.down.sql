DROP TRIGGER unit_marks_insert ON member_ratings;
DROP TRIGGER unit_marks_update ON member_ratings;
DROP TRIGGER unit_marks_delete ON member_ratings;
DROP TRIGGER unit_marks_insert ON pledge_signatures;
DROP TRIGGER unit_marks_update ON pledge_signatures;
DROP TRIGGER unit_marks_delete ON pledge_signatures;
DROP TRIGGER unit_marks_delete ON pledges;
DROP TRIGGER unit_marks_year ON pledges;
DROP TRIGGER unit_marks_insert ON commendations;
DROP TRIGGER unit_marks_update ON commendations;
DROP TRIGGER unit_marks_delete ON commendations;

DELETE FROM unit_rollup_figures WHERE figure = ANY (marks_figures());
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
DELETE FROM unit_year_figures WHERE figure = ANY (marks_figures());
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;

-- The functions of migration 20 as they were.
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
END $$;
CREATE OR REPLACE FUNCTION unit_year_figures_sum(units bigint[], years int[]) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM unit_year_figures f USING unnest(units, years) AS k (u, y)
    WHERE f.unit_id = k.u AND f.year = k.y AND f.figure <> 'MEMBERS';
    INSERT INTO unit_year_figures
    SELECT f.unit_id, k.y, f.figure, f.area, f.kind, sum(f.n), sum(f.amount)
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS k (u, y)) k
    JOIN unit_figures f ON f.unit_id = k.u AND f.month BETWEEN make_date(k.y, 1, 1) AND make_date(k.y, 12, 31)
    GROUP BY 1, 2, 3, 4, 5;
$$;

DROP FUNCTION unit_marks_commendations();
DROP FUNCTION unit_marks_pledge_year();
DROP FUNCTION unit_marks_pledge_deleted();
DROP FUNCTION unit_marks_signatures();
DROP FUNCTION unit_marks_ratings();
DROP FUNCTION unit_marks_touch(bigint[], int[], bigint[], boolean);
DROP FUNCTION members_lock_share(bigint[]);
DROP FUNCTION unit_marks_refresh(bigint[], int[]);
DROP FUNCTION marks_from_records(bigint[], int, int);
DROP FUNCTION member_year_unit(bigint, int, boolean);
DROP FUNCTION marks_figures();
