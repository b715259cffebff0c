DELETE FROM unit_rollup_figures WHERE figure = 'MONTHLY';
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_delete;
DELETE FROM unit_year_figures WHERE figure = 'MONTHLY';
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_delete;

-- The functions as migrations 17 and 21 left them.
CREATE OR REPLACE FUNCTION unit_year_figures_sum(units bigint[], years int[]) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM unit_year_figures f USING unnest(units, years) AS k (u, y)
    WHERE f.unit_id = k.u AND f.year = k.y AND f.figure IN ('ACTIVITIES', 'ATTENDANCES', 'CONTRIBUTIONS', 'POSTS');
    INSERT INTO unit_year_figures
    SELECT f.unit_id, k.y, f.figure, f.area, f.kind, sum(f.n), sum(f.amount)
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS k (u, y)) k
    JOIN unit_figures f ON f.unit_id = k.u AND f.month BETWEEN make_date(k.y, 1, 1) AND make_date(k.y, 12, 31)
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
    END LOOP;
END $$;
