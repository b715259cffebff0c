-- The activity series by month kept in the year rows (issue 16): figure
-- MONTHLY, area = ACTIVITIES or ATTENDANCES, kind = the month ('01' to
-- '12'), n = the month's count. A whole year's monthly series then reads
-- rollups, a few dozen rows per unit that is not a branch, where it read
-- every unit's month rows. They are sums of the month rows, remade with
-- the other year rows (unit_year_figures_sum) and added to with them
-- (unit_figures_add).

CREATE OR REPLACE FUNCTION unit_year_figures_sum(units bigint[], years int[]) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM unit_year_figures f USING unnest(units, years) AS k (u, y)
    WHERE f.unit_id = k.u AND f.year = k.y AND f.figure IN ('ACTIVITIES', 'ATTENDANCES', 'CONTRIBUTIONS', 'POSTS', 'MONTHLY');
    INSERT INTO unit_year_figures
    SELECT f.unit_id, k.y, f.figure, f.area, f.kind, sum(f.n), sum(f.amount)
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS k (u, y)) k
    JOIN unit_figures f ON f.unit_id = k.u AND f.month BETWEEN make_date(k.y, 1, 1) AND make_date(k.y, 12, 31)
    GROUP BY 1, 2, 3, 4, 5
    UNION ALL
    SELECT f.unit_id, k.y, 'MONTHLY', f.figure, to_char(f.month, 'MM'), sum(f.n), 0
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS k (u, y)) k
    JOIN unit_figures f ON f.unit_id = k.u AND f.month BETWEEN make_date(k.y, 1, 1) AND make_date(k.y, 12, 31)
    WHERE f.figure IN ('ACTIVITIES', 'ATTENDANCES')
    GROUP BY 1, 2, 3, 4, 5;
$$;

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

-- An existing database gets its series once, here (not through the
-- rollups' trigger, as unit_members_fill).
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
INSERT INTO unit_year_figures
SELECT unit_id, extract(year FROM month)::int, 'MONTHLY', figure, to_char(month, 'MM'), sum(n), 0 FROM unit_figures
WHERE figure IN ('ACTIVITIES', 'ATTENDANCES') GROUP BY 1, 2, 3, 4, 5;
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
INSERT INTO unit_rollup_figures
SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure = 'MONTHLY';
ANALYZE unit_year_figures, unit_rollup_figures;
