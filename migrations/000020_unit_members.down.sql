DELETE FROM unit_rollup_figures WHERE figure = 'MEMBERS';
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
DELETE FROM unit_year_figures WHERE figure = 'MEMBERS';
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;

-- The functions of migrations 17 and 18 as they were.
CREATE OR REPLACE FUNCTION unit_year_figures_sum(units bigint[], years int[]) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM unit_year_figures f USING unnest(units, years) AS k (u, y) WHERE f.unit_id = k.u AND f.year = k.y;
    INSERT INTO unit_year_figures
    SELECT f.unit_id, k.y, f.figure, f.area, f.kind, sum(f.n), sum(f.amount)
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS k (u, y)) k
    JOIN unit_figures f ON f.unit_id = k.u AND f.month BETWEEN make_date(k.y, 1, 1) AND make_date(k.y, 12, 31)
    GROUP BY 1, 2, 3, 4, 5;
$$;
CREATE OR REPLACE FUNCTION member_stays_refresh(member_ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF member_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM FROM members WHERE id = ANY (member_ids) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM member_stays WHERE member_id = ANY (member_ids);
    INSERT INTO member_stays SELECT * FROM member_stays_from_events WHERE member_id = ANY (member_ids);
END $$;
CREATE OR REPLACE FUNCTION member_stays_member() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_stays SET gender = NEW.gender, position = NEW.position WHERE member_id = NEW.id;
    RETURN NULL;
END $$;

DROP FUNCTION figures_extend_horizon(int);
DROP FUNCTION unit_members_fill(int, int);
DROP FUNCTION unit_members_add(bigint[], date[], date[], text[], int[]);
DROP FUNCTION unit_year_figures_add(bigint[], int[], text[], text[], text[], bigint[], numeric[]);
DROP FUNCTION members_from_stays(bigint[], int, int);
DROP FUNCTION figures_horizon_year();
DROP TABLE figures_horizon;
