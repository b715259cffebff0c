-- Ratings, signatures and commendations kept per unit and year (issue 16),
-- as year rows of unit_year_figures, so that they are rolled up with the
-- rest (migration 19) and a report reads a few rows per unit, not one per
-- member:
--
--   RATINGS   kind = level: the year's ratings where the member was rated.
--   RATED     the members at the year's end (in the unit then) who have a
--             rating for the year; those without one are MEMBERS - RATED.
--   SIGNED    kind = pledge id: the pledge's signatures by members at the
--             year's end, in the unit then. A pledge's signed members are
--             the SIGNED rows of its kind in its unit and below.
--   RECEIVED  area = issuer level, kind = 'FORM/INDIVIDUAL' or
--             'FORM/COLLECTIVE': the year's commendations of a member,
--             where the member was at the year's end (or, for one who was
--             not a member then, in the unit of their latest stay), and of
--             a unit, in the unit.
--   GIVEN     kind as RECEIVED: the year's commendations the unit issued.
--
-- marks_from_records is the one definition. The triggers of the four
-- tables, and the members' stays when they change, recompute the (unit,
-- year) keys a statement touches from it and write the difference.

CREATE FUNCTION marks_figures() RETURNS text[]
    LANGUAGE sql IMMUTABLE RETURN ARRAY['RATINGS', 'RATED', 'SIGNED', 'RECEIVED', 'GIVEN'];

-- member_year_unit is the unit of the member on the year's last day, or,
-- when or_latest and the member was not in one then, of their latest stay.
CREATE FUNCTION member_year_unit(member bigint, year int, or_latest boolean) RETURNS bigint
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(
        (SELECT s.unit_id FROM member_stays s WHERE s.member_id = member AND s.entered_on <= make_date(year, 12, 31)
            AND (s.left_on IS NULL OR s.left_on > make_date(year, 12, 31))),
        CASE WHEN or_latest THEN (SELECT s.unit_id FROM member_stays s WHERE s.member_id = member ORDER BY s.entered_on DESC LIMIT 1) END)
$$;

CREATE FUNCTION marks_from_records(unit_ids bigint[], first_year int, last_year int)
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

-- unit_marks_refresh recomputes the marks of the (unit, year) keys given
-- as two arrays of the same length and writes the difference from the
-- kept rows (so that a rollup changes only by what changed).
CREATE FUNCTION unit_marks_refresh(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    ku bigint[]; ky int[];
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[];
BEGIN
    SELECT array_agg(u), array_agg(y) INTO ku, ky
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS x (u, y) WHERE u IS NOT NULL AND y IS NOT NULL) k;
    IF ku IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_figures_lock(ku, ky);
    -- A new statement, after the locks: what was committed meanwhile.
    SELECT array_agg(d.unit_id), array_agg(d.year), array_agg(d.figure), array_agg(d.area), array_agg(d.kind), array_agg(d.n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT x.unit_id, x.year, x.figure, x.area, x.kind, sum(x.n)::bigint AS n
        FROM (SELECT w.unit_id, w.year, w.figure, w.area, w.kind, w.n
                FROM (SELECT y, array_agg(u) AS ids FROM unnest(ku, ky) AS k (u, y) GROUP BY y) g,
                    LATERAL marks_from_records(g.ids, g.y, g.y) w
                WHERE (w.unit_id, w.year) IN (SELECT * FROM unnest(ku, ky))
            UNION ALL
            SELECT f.unit_id, f.year, f.figure, f.area, f.kind, -f.n FROM unit_year_figures f
            WHERE (f.unit_id, f.year) IN (SELECT * FROM unnest(ku, ky)) AND f.figure = ANY (marks_figures())) x
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.n) <> 0) d;
    IF du IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_year_figures_add(du, dy, df, da, dk, dn, array_fill(0::numeric, ARRAY[cardinality(du)]));
END $$;

-- The members a statement's rows are about are locked first (FOR SHARE,
-- which waits for a change of their stays, member_stays_refresh), so the
-- unit a mark goes to is read as the stays stand once committed.
CREATE FUNCTION members_lock_share(member_ids bigint[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM FROM members WHERE id = ANY (member_ids) ORDER BY id FOR SHARE;
END $$;

-- unit_marks_touch recomputes the keys that rows about members (given
-- as arrays of the same length: member, year, and a unit the row names
-- itself) touch: each named unit's year, and each member's unit of the
-- year (member_year_unit with or_latest).
CREATE FUNCTION unit_marks_touch(member_ids bigint[], years int[], unit_ids bigint[], or_latest boolean) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF years IS NULL THEN
        RETURN;
    END IF;
    PERFORM members_lock_share(ARRAY(SELECT DISTINCT m FROM unnest(member_ids) AS x (m) WHERE m IS NOT NULL));
    PERFORM unit_marks_refresh(array_agg(k.u), array_agg(k.y)) FROM (
        SELECT x.u, x.y FROM unnest(unit_ids, years) AS x (u, y)
        UNION
        SELECT member_year_unit(x.m, x.y, or_latest), x.y FROM unnest(member_ids, years) AS x (m, y) WHERE x.m IS NOT NULL) k;
END $$;

CREATE FUNCTION unit_marks_ratings() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    m bigint[]; y int[]; u bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(member_id), array_agg(year), array_agg(unit_id) INTO m, y, u FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(member_id), array_agg(year), array_agg(unit_id) INTO m, y, u FROM old_rows;
    ELSE
        SELECT array_agg(member_id), array_agg(year), array_agg(unit_id) INTO m, y, u FROM (
            SELECT member_id, year, unit_id FROM new_rows UNION ALL SELECT member_id, year, unit_id FROM old_rows) r;
    END IF;
    PERFORM unit_marks_touch(m, y, u, false);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_marks_insert AFTER INSERT ON member_ratings REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_ratings();
CREATE TRIGGER unit_marks_update AFTER UPDATE ON member_ratings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_ratings();
CREATE TRIGGER unit_marks_delete AFTER DELETE ON member_ratings REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_ratings();

-- A signature's year is its pledge's.
CREATE FUNCTION unit_marks_signatures() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    m bigint[]; y int[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(r.member_id), array_agg(p.year) INTO m, y FROM new_rows r JOIN pledges p ON p.id = r.pledge_id;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(r.member_id), array_agg(p.year) INTO m, y FROM old_rows r JOIN pledges p ON p.id = r.pledge_id;
    ELSE
        SELECT array_agg(r.member_id), array_agg(p.year) INTO m, y FROM (
            SELECT member_id, pledge_id FROM new_rows UNION ALL SELECT member_id, pledge_id FROM old_rows) r
        JOIN pledges p ON p.id = r.pledge_id;
    END IF;
    IF m IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM unit_marks_touch(m, y, array_fill(NULL::bigint, ARRAY[cardinality(m)]), false);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_marks_insert AFTER INSERT ON pledge_signatures REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_signatures();
CREATE TRIGGER unit_marks_update AFTER UPDATE ON pledge_signatures REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_signatures();
CREATE TRIGGER unit_marks_delete AFTER DELETE ON pledge_signatures REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_signatures();

-- A pledge deleted takes its signatures first, while its year can still be
-- read (the cascade would delete them after the pledge); a pledge moved to
-- another year moves its signatures' marks.
CREATE FUNCTION unit_marks_pledge_deleted() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM pledge_signatures WHERE pledge_id = OLD.id;
    RETURN OLD;
END $$;
CREATE TRIGGER unit_marks_delete BEFORE DELETE ON pledges FOR EACH ROW EXECUTE FUNCTION unit_marks_pledge_deleted();
CREATE FUNCTION unit_marks_pledge_year() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM unit_marks_touch(array_agg(g.member_id) || array_agg(g.member_id), array_agg(OLD.year) || array_agg(NEW.year),
        array_fill(NULL::bigint, ARRAY[2 * count(*)::int]), false)
    FROM pledge_signatures g WHERE g.pledge_id = NEW.id HAVING count(*) > 0;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_marks_year AFTER UPDATE OF year ON pledges
    FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year) EXECUTE FUNCTION unit_marks_pledge_year();

-- A commendation touches its member's unit (or the unit it is given to)
-- and its issuer.
CREATE FUNCTION unit_marks_commendations() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    m bigint[]; y int[]; u bigint[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(r.m), array_agg(r.year), array_agg(r.u) INTO m, y, u
        FROM new_rows c, LATERAL (VALUES (c.member_id, c.unit_id, c.year), (NULL, c.issuer_unit_id, c.year)) r (m, u, year);
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(r.m), array_agg(r.year), array_agg(r.u) INTO m, y, u
        FROM old_rows c, LATERAL (VALUES (c.member_id, c.unit_id, c.year), (NULL, c.issuer_unit_id, c.year)) r (m, u, year);
    ELSE
        SELECT array_agg(r.m), array_agg(r.year), array_agg(r.u) INTO m, y, u
        FROM (SELECT member_id, unit_id, issuer_unit_id, year FROM new_rows
            UNION ALL SELECT member_id, unit_id, issuer_unit_id, year FROM old_rows) c,
            LATERAL (VALUES (c.member_id, c.unit_id, c.year), (NULL, c.issuer_unit_id, c.year)) r (m, u, year);
    END IF;
    PERFORM unit_marks_touch(m, y, u, true);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_marks_insert AFTER INSERT ON commendations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_commendations();
CREATE TRIGGER unit_marks_update AFTER UPDATE ON commendations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_commendations();
CREATE TRIGGER unit_marks_delete AFTER DELETE ON commendations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_marks_commendations();

-- A member's new stays move their marks: every unit of their stays before
-- and after is recomputed, for every year they have a rating, a signature
-- or a commendation of.
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
    PERFORM unit_marks_refresh(array_agg(k.u), array_agg(k.y)) FROM (
        SELECT DISTINCT s.u, r.y FROM unnest(su) AS s (u),
            (SELECT year FROM member_ratings WHERE member_id = ANY (member_ids)
                UNION SELECT p.year FROM pledge_signatures g JOIN pledges p ON p.id = g.pledge_id WHERE g.member_id = ANY (member_ids)
                UNION SELECT year FROM commendations WHERE member_id = ANY (member_ids)) r (y)) k;
END $$;

-- The month figures' year rows are remade from their months; the year rows
-- of other figures are not theirs to remake.
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

-- An existing database gets its marks once, here (not through the
-- rollups' trigger, as unit_members_fill).
ALTER TABLE unit_year_figures DISABLE TRIGGER unit_rollup_insert;
INSERT INTO unit_year_figures SELECT * FROM marks_from_records(ARRAY(SELECT id FROM units), 1, 9999);
ALTER TABLE unit_year_figures ENABLE TRIGGER unit_rollup_insert;
INSERT INTO unit_rollup_figures
SELECT * FROM rollups_from_figures(ARRAY(SELECT id FROM units), 1, 9999) WHERE figure = ANY (marks_figures());
ANALYZE unit_year_figures, unit_rollup_figures;
