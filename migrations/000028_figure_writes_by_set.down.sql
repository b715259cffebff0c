-- Back to migration 27's definitions (of migrations 19, 22 and 23).
DROP INDEX unit_versions_unit;
ALTER FUNCTION unit_figures_add_activity_rows(text, bigint[], text[], bigint[], numeric[], bigint[]) RESET plan_cache_mode;
CREATE OR REPLACE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN hashtextextended('sodoan.figures:' || coalesce(figures_rollup_unit(unit, year), unit) || ':' || year, 0);
DROP FUNCTION figures_lock_of(bigint, int);

CREATE OR REPLACE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT unit_figures_lock_key(u, y) AS k FROM unnest(units, years) AS x (u, y)) x ORDER BY k;
END $$;

CREATE OR REPLACE FUNCTION unit_rollup_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
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

CREATE OR REPLACE FUNCTION unit_rollup_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    FOR d IN
        SELECT key AS u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt),
            LATERAL figures_rollup_unit(x.u, x.y) AS key
        WHERE key IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0
        ORDER BY 1, 2, 3, 4, 5
    LOOP
        PERFORM pg_advisory_xact_lock(unit_figures_lock_key(d.u, d.y));
        UPDATE unit_rollup_figures SET n = n + d.n, amount = amount + d.amt
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n <> 0;
        IF NOT FOUND THEN
            DELETE FROM unit_rollup_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n <> 0 THEN
                INSERT INTO unit_rollup_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;

DROP FUNCTION figures_rollups_write(bigint[], int[], bigint[], bigint[], int[], text[], text[], text[], bigint[], numeric[]);

CREATE OR REPLACE FUNCTION unit_year_figures_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
BEGIN
    PERFORM unit_figures_lock(units, years);
    FOR d IN
        SELECT u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt)
        GROUP BY u, y, f, a, k HAVING sum(n) <> 0 OR sum(amt) <> 0
        ORDER BY u, y, f, a, k
    LOOP
        UPDATE unit_year_figures SET n = n + d.n, amount = amount + d.amt
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n <> 0;
        IF NOT FOUND THEN
            DELETE FROM unit_year_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n <> 0 THEN
                INSERT INTO unit_year_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;

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

CREATE OR REPLACE FUNCTION unit_participants_marks() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    tm bigint[]; ty int[];
    nm bigint[]; ny int[]; na text[]; nu bigint[];
    om bigint[]; oy int[]; oa text[]; ou bigint[];
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(member_id), array_agg(year) INTO tm, ty FROM (SELECT DISTINCT member_id, year FROM new_rows) t;
    ELSE
        SELECT array_agg(member_id), array_agg(year) INTO tm, ty FROM (SELECT DISTINCT member_id, year FROM old_rows) t;
    END IF;
    IF tm IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM members_lock_update(tm);
    SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO nm, ny, na, nu
    FROM unit_participants p JOIN unnest(tm, ty) AS t (m, y) ON p.member_id = t.m AND p.year = t.y;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
        FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
        WHERE NOT EXISTS (SELECT 1 FROM new_rows r WHERE (r.member_id, r.year, r.area, r.unit_id) = (p.member_id, p.year, p.area, p.unit_id));
    ELSE
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
        FROM (SELECT * FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
            UNION SELECT member_id, year, area, unit_id FROM old_rows) p;
    END IF;
    SELECT array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind), array_agg(n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
            SELECT unit_id, year, figure, area, kind, n FROM participant_weights(nm, ny, na, nu)
            UNION ALL
            SELECT unit_id, year, figure, area, kind, -n FROM participant_weights(om, oy, oa, ou)) w
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    IF du IS NOT NULL THEN
        PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
    END IF;
    RETURN NULL;
END $$;
