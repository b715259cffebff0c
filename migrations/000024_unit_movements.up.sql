-- Members' movements kept per unit and year (issue 16): figure MOVEMENTS,
-- kind ADMITTED, AGED_OUT or REMOVED in the event's unit, IN in a
-- transfer's destination, OUT in its origin, and INTERNAL on the meeting
-- point of the two (by the tree of the year's end, when both stood then).
-- A subtree's transfers in are its IN less its INTERNAL (a transfer between
-- two of its units moved nobody in or out), its transfers out are its OUT
-- less its INTERNAL. A transfer a restructuring decision made (members of a
-- merged unit going to its successor on the decision's day) is none.
--
-- movement_marks is the one definition; the trigger on member_events adds
-- what a statement's new events make and takes away what its old ones
-- made; a restructuring rewrites the years it changed, with the
-- participants' weights, at commit.

CREATE FUNCTION movement_marks(kinds text[], days date[], units bigint[], froms bigint[], tos bigint[])
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    WITH e AS (
        SELECT x.k, x.d, extract(year FROM x.d)::int AS y, x.u, x.f, x.t
        FROM unnest(kinds, days, units, froms, tos) AS x (k, d, u, f, t)
        WHERE x.k <> 'TRANSFERRED' OR NOT EXISTS (SELECT 1 FROM unit_lineage l JOIN unit_changes c ON c.id = l.change_id
            WHERE l.predecessor_id = x.f AND l.successor_id = x.t AND c.effective_on = x.d)),
    marks AS (
        SELECT u AS at, y, k FROM e WHERE k IN ('ADMITTED', 'AGED_OUT', 'REMOVED') AND u IS NOT NULL
        UNION ALL SELECT t, y, 'IN' FROM e WHERE k = 'TRANSFERRED' AND t IS NOT NULL
        UNION ALL SELECT f, y, 'OUT' FROM e WHERE k = 'TRANSFERRED' AND f IS NOT NULL
        UNION ALL
        SELECT subpath(path_meet(vf.path, vt.path), -1)::text::bigint, e.y, 'INTERNAL'
        FROM e JOIN unit_versions vf ON vf.unit_id = e.f AND vf.during @> make_date(e.y, 12, 31)
            JOIN unit_versions vt ON vt.unit_id = e.t AND vt.during @> make_date(e.y, 12, 31)
        WHERE e.k = 'TRANSFERRED' AND nlevel(path_meet(vf.path, vt.path)) > 0)
    SELECT at, y, 'MOVEMENTS', '', k, count(*), 0 FROM marks GROUP BY 1, 2, 3, 4, 5
$$;

-- movements_of is movement_marks of every event of the years first_year to
-- last_year (verify, rebuild, restructuring).
CREATE FUNCTION movements_of(first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    SELECT w.* FROM (SELECT array_agg(kind) AS k, array_agg(occurred_on) AS d, array_agg(unit_id) AS u,
            array_agg(from_unit_id) AS f, array_agg(to_unit_id) AS t
        FROM member_events WHERE occurred_on BETWEEN make_date(first_year, 1, 1) AND make_date(last_year, 12, 31)) e,
        LATERAL movement_marks(e.k, e.d, e.u, e.f, e.t) w
$$;

CREATE FUNCTION unit_movements_events() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(m.unit_id), array_agg(m.year), array_agg(m.figure), array_agg(m.area), array_agg(m.kind), array_agg(m.n)
        INTO du, dy, df, da, dk, dn
        FROM (SELECT array_agg(kind) AS k, array_agg(occurred_on) AS d, array_agg(unit_id) AS u, array_agg(from_unit_id) AS f,
            array_agg(to_unit_id) AS t FROM new_rows) e, LATERAL movement_marks(e.k, e.d, e.u, e.f, e.t) m;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(m.unit_id), array_agg(m.year), array_agg(m.figure), array_agg(m.area), array_agg(m.kind), array_agg(-m.n)
        INTO du, dy, df, da, dk, dn
        FROM (SELECT array_agg(kind) AS k, array_agg(occurred_on) AS d, array_agg(unit_id) AS u, array_agg(from_unit_id) AS f,
            array_agg(to_unit_id) AS t FROM old_rows) e, LATERAL movement_marks(e.k, e.d, e.u, e.f, e.t) m;
    ELSE
        SELECT array_agg(m.unit_id), array_agg(m.year), array_agg(m.figure), array_agg(m.area), array_agg(m.kind), array_agg(m.n)
        INTO du, dy, df, da, dk, dn
        FROM (SELECT m.unit_id, m.year, m.figure, m.area, m.kind, sum(m.n)::bigint AS n FROM (
                SELECT w.* FROM (SELECT array_agg(kind) AS k, array_agg(occurred_on) AS d, array_agg(unit_id) AS u,
                    array_agg(from_unit_id) AS f, array_agg(to_unit_id) AS t FROM new_rows) e, LATERAL movement_marks(e.k, e.d, e.u, e.f, e.t) w
                UNION ALL
                SELECT w.unit_id, w.year, w.figure, w.area, w.kind, -w.n, w.amount
                FROM (SELECT array_agg(kind) AS k, array_agg(occurred_on) AS d, array_agg(unit_id) AS u,
                    array_agg(from_unit_id) AS f, array_agg(to_unit_id) AS t FROM old_rows) e, LATERAL movement_marks(e.k, e.d, e.u, e.f, e.t) w) m
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(m.n) <> 0) m;
    END IF;
    IF du IS NOT NULL THEN
        PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_movements_insert AFTER INSERT ON member_events REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_movements_events();
CREATE TRIGGER unit_movements_update AFTER UPDATE ON member_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_movements_events();
CREATE TRIGGER unit_movements_delete AFTER DELETE ON member_events REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_movements_events();

-- What a restructuring rewrites at commit (migration 22), the movements
-- now with the participants' weights: both are placed by the tree, and a
-- restructuring's own transfers are told apart by its decisions.
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

-- An existing database gets its movements once, here.
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
INSERT INTO unit_year_figures SELECT * FROM movements_of(1, 9999);
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
INSERT INTO unit_rollup_figures SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure = 'MOVEMENTS';
ANALYZE unit_year_figures, unit_rollup_figures;
