-- Members at each year's end kept per unit (issue 16). A report counted
-- the members of its subtree on 31 December from the stays of every one
-- of them: a million rows for a province, most of a second, before any
-- figure was summed. The count is now a year figure like the others:
-- unit_year_figures rows of figure MEMBERS, kind 'GENDER/POSITION' (the
-- member's today, as the reports have always counted them), n the members
-- in the unit on the year's last day. Being year rows, they are rolled up
-- with the rest (migration 19).
--
-- A member who stays counts in every year's end until they leave, so the
-- rows run up to a horizon year (figures_horizon), not forever: the year
-- after the current one when written. The server moves the horizon on
-- (figures_extend_horizon) when it starts and each day, so the new year's
-- rows exist from its first day; a report of a year beyond the horizon
-- counts from the stays as before.
--
-- members_from_stays is the one definition: member_stays_refresh (the
-- events' trigger) adds the difference its new stays make, `server figures
-- verify` compares and `rebuild` refills.

CREATE TABLE figures_horizon (
    one  boolean PRIMARY KEY DEFAULT true CHECK (one),
    year integer NOT NULL
);
INSERT INTO figures_horizon (year) VALUES (extract(year FROM current_date)::int + 1);

CREATE FUNCTION figures_horizon_year() RETURNS int
    LANGUAGE sql STABLE RETURN (SELECT year FROM figures_horizon);

-- The members at the end of each year from first_year to last_year (and
-- not beyond the horizon), by unit, gender and position.
CREATE FUNCTION members_from_stays(unit_ids bigint[], first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    SELECT s.unit_id, y, 'MEMBERS', '', s.gender || '/' || s.position, count(*), 0
    FROM member_stays s,
        generate_series(greatest(extract(year FROM s.entered_on)::int, first_year),
            least(coalesce(extract(year FROM s.left_on)::int - 1, last_year), last_year, figures_horizon_year())) AS y
    WHERE s.unit_id = ANY (unit_ids)
    GROUP BY 1, 2, 3, 4, 5
$$;

-- unit_year_figures_add adds changes, given as arrays of the same length,
-- to year rows (figures with no month rows), one row at a time; every
-- (unit, year) touched is locked first, in the locks' order.
CREATE FUNCTION unit_year_figures_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
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
        WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k) AND n + d.n > 0;
        IF NOT FOUND THEN -- no row, or its count falls to zero
            DELETE FROM unit_year_figures WHERE (unit_id, year, figure, area, kind) = (d.u, d.y, d.f, d.a, d.k);
            IF NOT FOUND AND d.n > 0 THEN
                INSERT INTO unit_year_figures VALUES (d.u, d.y, d.f, d.a, d.k, d.n, d.amt);
            END IF;
        END IF;
    END LOOP;
END $$;

-- unit_members_add adds to the members' year rows the stays given as
-- arrays of the same length, each counted sign times (-1 takes a stay
-- away), in every year whose end it spans, up to the horizon.
CREATE FUNCTION unit_members_add(units bigint[], entered date[], lefts date[], kinds text[], signs int[])
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

-- The year rows of month figures are remade from their months; the
-- members' rows are not theirs to remake.
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

-- A member's stays are recomputed as before, and the year rows get the
-- difference: the old stays taken away, the new ones added (most of them
-- the same, which cancel out before any row is written).
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

-- A member's new gender or position moves their stays to another kind.
CREATE OR REPLACE FUNCTION member_stays_member() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE member_stays SET gender = NEW.gender, position = NEW.position WHERE member_id = NEW.id;
    PERFORM unit_members_add(array_agg(unit_id) || array_agg(unit_id), array_agg(entered_on) || array_agg(entered_on),
        array_agg(left_on) || array_agg(left_on),
        array_agg(OLD.gender || '/' || OLD.position) || array_agg(NEW.gender || '/' || NEW.position),
        array_agg(-1) || array_agg(1))
    FROM member_stays WHERE member_id = NEW.id;
    RETURN NULL;
END $$;

-- unit_members_fill writes the members' rows of the years first_year to
-- last_year, which have none, and their rollups: every unit at once, so
-- not through the rollups' trigger, which locks each rollup it adds to
-- (more locks than a transaction may hold). Figure writers wait meanwhile.
CREATE FUNCTION unit_members_fill(first_year int, last_year int) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
    INSERT INTO unit_year_figures SELECT * FROM members_from_stays(ARRAY(SELECT id FROM units), first_year, last_year);
    ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
    INSERT INTO unit_rollup_figures
    SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), first_year, last_year) WHERE figure = 'MEMBERS';
END $$;

-- figures_extend_horizon moves the horizon on to to_year, adding the
-- members' rows of the years it passes. Writers of stays wait meanwhile
-- (the table lock), so none adds to the new years by the old horizon.
CREATE FUNCTION figures_extend_horizon(to_year int) RETURNS boolean
    LANGUAGE plpgsql AS $$
DECLARE
    old_year int;
BEGIN
    IF to_year <= figures_horizon_year() THEN
        RETURN false;
    END IF;
    LOCK TABLE member_stays IN SHARE MODE;
    SELECT year INTO old_year FROM figures_horizon FOR UPDATE;
    IF to_year <= old_year THEN -- another server moved it while this one waited
        RETURN false;
    END IF;
    UPDATE figures_horizon SET year = to_year;
    PERFORM unit_members_fill(old_year + 1, to_year);
    RETURN true;
END $$;

-- An existing database gets its rows once, here.
SELECT unit_members_fill(1, figures_horizon_year());
ANALYZE unit_year_figures, unit_rollup_figures;
