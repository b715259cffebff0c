-- Year figures rolled up to the unit above each branch (issue 16). A
-- yearly report summed unit_year_figures over every unit of its subtree:
-- at a province of 22,000 units that is 220,000 rows a year, 270 ms per
-- reading, where the report's budget is 300 ms for everything. Branches
-- are nine units in ten, so unit_rollup_figures keeps, per unit that is not
-- a branch and year, its own year rows plus those of the branches directly
-- below it at the year's end: a subtree's year is then the rollup rows of
-- its units that are not branches, a sixteenth of the rows. Higher levels
-- are not rolled up: every write of the country would then update the
-- same province and central rows, and writers would queue behind one
-- another; a rollup row here is written only by the few branches of one
-- unit, whose writers already take turns (see unit_figures_lock_key).
--
-- Which unit a branch's year rolls up to is its parent on 31 December of
-- that year, the tree a whole year's report covers. A report of another
-- day (a period cut short, a unit merged during the year) reads the units'
-- own rows as before.
--
-- rollups_from_figures is the one definition: the trigger on
-- unit_year_figures adds each change to its rollup, the trigger on
-- unit_versions recomputes the rollups a restructuring touched, `server
-- figures verify` compares with it and `rebuild` refills from it.

CREATE TABLE unit_rollup_figures (
    unit_id bigint NOT NULL,
    year    integer NOT NULL,
    figure  text NOT NULL,
    area    text NOT NULL DEFAULT '',
    kind    text NOT NULL DEFAULT '',
    n       bigint NOT NULL CHECK (n > 0),
    amount  numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, year, figure, area, kind)
);

-- figures_rollup_unit is the unit whose rollup holds unit's figures of
-- year: the unit itself, or a branch's parent, on the year's last day;
-- NULL when the unit did not exist that day (no whole year's report
-- covers it).
CREATE FUNCTION figures_rollup_unit(unit bigint, year int) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    key bigint;
BEGIN
    SELECT CASE WHEN v.level = 'BRANCH' THEN v.parent_id ELSE v.unit_id END INTO key
    FROM unit_versions v WHERE v.unit_id = unit AND v.during @> make_date(year, 12, 31);
    RETURN key;
END $$;

-- The writers of one rollup take turns: the lock of a branch's figures is
-- its rollup's. (Locked by unit, two writers of two branches of one unit
-- could each hold their branch and wait for the other's rollup.)
CREATE OR REPLACE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN hashtextextended('sodoan.figures:' || coalesce(figures_rollup_unit(unit, year), unit) || ':' || year, 0);

-- Several units' years are locked in the order of their locks, which is
-- no longer the units' order.
CREATE OR REPLACE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT unit_figures_lock_key(u, y) AS k FROM unnest(units, years) AS x (u, y)) x ORDER BY k;
END $$;

-- The rollups of the units keys for the years first_year to last_year,
-- summed from the year rows.
CREATE FUNCTION rollups_from_figures(keys bigint[], first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    SELECT v.key, f.year, f.figure, f.area, f.kind, sum(f.n)::bigint, sum(f.amount)
    FROM (SELECT v.unit_id, v.unit_id AS key, v.during FROM unit_versions v WHERE v.unit_id = ANY (keys) AND v.level <> 'BRANCH'
        UNION ALL
        SELECT v.unit_id, v.parent_id, v.during FROM unit_versions v WHERE v.parent_id = ANY (keys) AND v.level = 'BRANCH') v
    JOIN unit_year_figures f ON f.unit_id = v.unit_id AND f.year BETWEEN first_year AND last_year
        AND v.during @> make_date(f.year, 12, 31)
    GROUP BY 1, 2, 3, 4, 5
$$;

-- unit_rollup_add adds changes to year rows, given as arrays of the same
-- length, to their rollups, one rollup row at a time (cached plans of an
-- index lookup, as unit_figures_add).
CREATE FUNCTION unit_rollup_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
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
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n > 0;
        IF NOT FOUND THEN -- no row, or its count falls to zero
            DELETE FROM unit_rollup_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n > 0 THEN
                INSERT INTO unit_rollup_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;

CREATE FUNCTION unit_rollup_follow() RETURNS trigger
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
CREATE TRIGGER unit_rollup_insert AFTER INSERT ON unit_year_figures REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_rollup_follow();
CREATE TRIGGER unit_rollup_update AFTER UPDATE ON unit_year_figures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_rollup_follow();
CREATE TRIGGER unit_rollup_delete AFTER DELETE ON unit_year_figures REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_rollup_follow();

-- unit_rollup_refresh recomputes the rollups of keys for the years
-- first_year to last_year.
CREATE FUNCTION unit_rollup_refresh(keys bigint[], first_year int, last_year int) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM unit_rollup_figures WHERE unit_id = ANY (keys) AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(keys, first_year, last_year);
$$;

-- A restructuring (a unit moved, merged, dissolved, renamed, changed in
-- level) changes which rollup holds a unit's years: the rollups of the
-- units whose versions changed and of their parents before and after are
-- recomputed for the years the changed versions span. The figure writers
-- wait meanwhile (the table lock), so none adds to a rollup by the tree
-- of before the change once the change has committed: a writer's trigger
-- finds its rollup after it has the lock, in a statement that sees the
-- change. A new unit's first version changes no rollup.
-- unit_rollup_span is what a version of a unit touches: the rollups of the
-- unit and of its parent, over the years it spans.
CREATE FUNCTION unit_rollup_span(unit bigint, parent bigint, valid_from date, valid_to date)
    RETURNS TABLE (key bigint, first_year int, last_year int)
    LANGUAGE sql IMMUTABLE AS $$
    SELECT k, extract(year FROM valid_from)::int, coalesce(extract(year FROM valid_to)::int, 9999)
    FROM (VALUES (unit), (parent)) x (k) WHERE k IS NOT NULL
$$;

CREATE FUNCTION unit_rollup_restructure() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    keys bigint[];
    first_year int;
    last_year int;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT k), min(y1), max(y2) INTO keys, first_year, last_year
        FROM (SELECT n.unit_id, n.parent_id, n.valid_from, n.valid_to FROM new_rows n
            WHERE EXISTS (SELECT 1 FROM unit_versions v WHERE v.unit_id = n.unit_id AND v.id <> n.id)) c,
            LATERAL unit_rollup_span(c.unit_id, c.parent_id, c.valid_from, c.valid_to) AS s (k, y1, y2);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT k), min(y1), max(y2) INTO keys, first_year, last_year
        FROM old_rows c, LATERAL unit_rollup_span(c.unit_id, c.parent_id, c.valid_from, c.valid_to) AS s (k, y1, y2);
    ELSE
        SELECT array_agg(DISTINCT k), min(y1), max(y2) INTO keys, first_year, last_year
        FROM (SELECT unit_id, parent_id, valid_from, valid_to FROM new_rows
            UNION ALL SELECT unit_id, parent_id, valid_from, valid_to FROM old_rows) c,
            LATERAL unit_rollup_span(c.unit_id, c.parent_id, c.valid_from, c.valid_to) AS s (k, y1, y2);
    END IF;
    IF keys IS NULL THEN
        RETURN NULL;
    END IF;
    LOCK TABLE unit_year_figures IN SHARE ROW EXCLUSIVE MODE;
    PERFORM unit_rollup_refresh(keys, first_year, last_year);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_rollup_insert AFTER INSERT ON unit_versions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_rollup_restructure();
CREATE TRIGGER unit_rollup_update AFTER UPDATE ON unit_versions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_rollup_restructure();
CREATE TRIGGER unit_rollup_delete AFTER DELETE ON unit_versions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_rollup_restructure();

-- An existing database gets its rollups once, here.
INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), 1, 9999);
ANALYZE unit_rollup_figures;
