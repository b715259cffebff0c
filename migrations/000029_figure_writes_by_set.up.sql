-- Figure changes written as sets, and each rollup found once (issue 16:
-- writes within 1.5x of without the kept figures). unit_year_figures_add
-- and unit_figures_add wrote one key at a time, and every key's UPDATE
-- fired the rollups' statement trigger on unit_year_figures, which found
-- the key's rollup again, took its lock again and wrote it: recording 50
-- participations fired it a dozen times and found the same rollup unit
-- some thirty times (a query each), most of the write's added cost
-- (auto_explain of the bench write). Now a call finds each unit-year's
-- rollup once, takes the locks, and writes its changes to the year rows
-- and their rollups in one statement each; the trigger stays for every
-- other writer of year rows (refreshes, rebuilds, a repair in psql) and
-- steps aside while the adding functions, which write the rollups
-- themselves, write year rows (sodoan.rollups_written).
--
-- Their statements over arrays are planned once (plan_cache_mode
-- force_generic_plan, set for each call): a custom plan, which PostgreSQL
-- keeps choosing when the arrays' rows are known, took longer to make
-- than to run (1 ms for one year row's statement, 2 ms for the weights
-- of 50 participants, against 0.1 and 0.06 planned once). The generic
-- plans are index lookups from the changes, as the custom ones were.
-- The same holds for the two functions that write a participation's
-- figures, which call these.
--
-- One statement per table both adds to kept rows and inserts and deletes:
-- its parts read one snapshot, so the rows a change removes, the rows it
-- updates and the keys it inserts are told apart by the rows as they were.

-- The lock of a unit-year is its rollup's (migration 19), given here by
-- the rollup unit once it is known.
CREATE FUNCTION figures_lock_of(rollup bigint, year int) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    -- Text casts, not text || bigint (stable): an immutable body is inlined.
    RETURN hashtextextended('sodoan.figures:' || rollup::text || ':' || year::text, 0);

-- figures_rollups gives each distinct unit-year of the arrays with its
-- rollup (migration 19's rule: a branch's parent, any other unit itself,
-- on the year's last day; NULL when the unit did not exist then). Set
-- writers join it (a SQL function of one query: it is inlined, where a
-- call a key was a query a key); figures_rollup_unit asks it for one.
CREATE FUNCTION figures_rollups(units bigint[], years int[]) RETURNS TABLE (unit_id bigint, year int, rollup bigint)
    LANGUAGE sql STABLE AS $$
    SELECT x.u, x.y, CASE WHEN v.level = 'BRANCH' THEN v.parent_id ELSE v.unit_id END
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS x (u, y)) x
    LEFT JOIN unit_versions v ON v.unit_id = x.u AND v.during @> make_date(x.y, 12, 31)
$$;

CREATE OR REPLACE FUNCTION figures_rollup_unit(unit bigint, year int) RETURNS bigint
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT rollup FROM figures_rollups(ARRAY[unit], ARRAY[year]));
END $$;

CREATE OR REPLACE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    RETURN figures_lock_of(coalesce(figures_rollup_unit(unit, year), unit), year);

-- Each distinct unit-year's lock is found once (the arrays repeat them).
CREATE OR REPLACE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT figures_lock_of(coalesce(rollup, unit_id), year) AS k FROM figures_rollups(units, years)) x
    ORDER BY k;
END $$;

CREATE OR REPLACE FUNCTION unit_rollup_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('sodoan.rollups_written', true) = 'on' THEN
        RETURN NULL;
    END IF;
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

-- unit_rollup_add adds changes that another writer made to year rows to
-- their rollups: each unit-year's rollup found once, its lock taken, and
-- the rollup rows written in one statement.
CREATE OR REPLACE FUNCTION unit_rollup_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    ku bigint[]; ky int[]; kr bigint[];
BEGIN
    SELECT array_agg(unit_id), array_agg(year), array_agg(rollup) INTO ku, ky, kr
    FROM figures_rollups(units, years) WHERE rollup IS NOT NULL;
    IF ku IS NULL THEN
        RETURN;
    END IF;
    PERFORM figures_rollups_write(ku, ky, kr, units, years, figures, areas, kinds, ns, amounts);
END $$;

-- figures_rollups_write adds the changes (units, years, ...) to the
-- rollups of their unit-years, given as (ku, ky) -> kr; unit-years not
-- given have no rollup. It is the one writer of rollup rows (besides a
-- restructuring's recompute). The locks are taken here in their order
-- (held already when the caller took them: taking one again costs
-- nothing).
CREATE FUNCTION figures_rollups_write(ku bigint[], ky int[], kr bigint[],
    units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
BEGIN
    -- plpgsql, not sql: its statements' plans are kept from call to call.
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT figures_lock_of(r, y) AS k FROM unnest(kr, ky) AS x (r, y)) x ORDER BY k;
    WITH d AS (
        SELECT k.r AS u, x.y, x.f, x.a, x.k, sum(x.n)::bigint AS n, sum(x.amt) AS amt
        FROM unnest(units, years, figures, areas, kinds, ns, amounts) AS x (u, y, f, a, k, n, amt)
        JOIN unnest(ku, ky, kr) AS k (u, y, r) ON k.u = x.u AND k.y = x.y
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(x.n) <> 0 OR sum(x.amt) <> 0),
    gone AS (
        DELETE FROM unit_rollup_figures t USING d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n = 0),
    kept AS (
        UPDATE unit_rollup_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n <> 0)
    INSERT INTO unit_rollup_figures
    SELECT d.u, d.y, d.f, d.a, d.k, d.n, d.amt FROM d
    WHERE d.n <> 0 AND NOT EXISTS (SELECT FROM unit_rollup_figures t
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k));
END $$;

-- figures_write adds changes to month rows (mu, mm, ...) and to year rows
-- (yu, yy, ...), either set NULL: month changes also reach their year
-- rows (and the monthly series of activities and attendances), and every
-- year change its rollup. Each unit-year touched is locked first, in the
-- locks' order; then the month rows are written, and the year rows and
-- their rollups in one statement. A
-- year or rollup row whose count comes to zero goes, and so does a month
-- row whose count comes to zero or below.
CREATE FUNCTION figures_write(mu bigint[], mm date[], mf text[], ma text[], mk text[], mn bigint[], mamt numeric[],
    yu bigint[], yy int[], yf text[], ya text[], yk text[], yn bigint[], yamt numeric[])
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    ku bigint[]; ky int[]; kr bigint[];
    -- The year rows' changes, summed by key.
    du bigint[]; dy int[]; df text[]; da text[]; dk text[]; dn bigint[]; damt numeric[];
BEGIN
    -- Each unit-year's rollup (NULL: the unit was gone at the year's end).
    SELECT array_agg(unit_id), array_agg(year), array_agg(rollup) INTO ku, ky, kr
    FROM figures_rollups(array_cat(yu, mu), array_cat(yy, ARRAY(SELECT extract(year FROM m)::int FROM unnest(mm) AS x (m))));
    IF ku IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(k)
    FROM (SELECT DISTINCT figures_lock_of(coalesce(r, u), y) AS k FROM unnest(ku, ky, kr) AS x (u, y, r)) x ORDER BY k;
    -- The rollups are written here: their trigger on year rows steps
    -- aside. Set for the call (a SET clause would need a superuser for a
    -- parameter of our own); an error undoes it with the (sub)transaction.
    PERFORM set_config('sodoan.rollups_written', 'on', true);
    IF mu IS NOT NULL THEN
        WITH md AS (
            SELECT u, m, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt
            FROM unnest(mu, mm, mf, ma, mk, mn, mamt) AS x (u, m, f, a, k, n, amt)
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0),
        month_gone AS (
            DELETE FROM unit_figures t USING md d
            WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k) AND t.n + d.n <= 0),
        month_kept AS (
            UPDATE unit_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM md d
            WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k) AND t.n + d.n > 0)
        INSERT INTO unit_figures
        SELECT d.u, d.m, d.f, d.a, d.k, d.n, d.amt FROM md d
        WHERE d.n > 0 AND NOT EXISTS (SELECT FROM unit_figures t
            WHERE (t.unit_id, t.month, t.figure, t.area, t.kind) = (d.u, d.m, d.f, d.a, d.k));
    END IF;
    WITH yd AS (
        SELECT u, y, f, a, k, sum(n)::bigint AS n, sum(amt) AS amt FROM (
            SELECT * FROM unnest(yu, yy, yf, ya, yk, yn, yamt) AS x (u, y, f, a, k, n, amt)
            UNION ALL
            SELECT u, extract(year FROM m)::int, f, a, k, n, amt FROM unnest(mu, mm, mf, ma, mk, mn, mamt) AS x (u, m, f, a, k, n, amt)
            UNION ALL
            SELECT u, extract(year FROM m)::int, 'MONTHLY', f, to_char(m, 'MM'), n, 0
            FROM unnest(mu, mm, mf, mn) AS x (u, m, f, n) WHERE f IN ('ACTIVITIES', 'ATTENDANCES')) x
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 OR sum(amt) <> 0),
    year_gone AS (
        DELETE FROM unit_year_figures t USING yd d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n = 0),
    year_kept AS (
        UPDATE unit_year_figures t SET n = t.n + d.n, amount = t.amount + d.amt FROM yd d
        WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k) AND t.n + d.n <> 0),
    year_new AS (
        INSERT INTO unit_year_figures
        SELECT d.u, d.y, d.f, d.a, d.k, d.n, d.amt FROM yd d
        WHERE d.n <> 0 AND NOT EXISTS (SELECT FROM unit_year_figures t
            WHERE (t.unit_id, t.year, t.figure, t.area, t.kind) = (d.u, d.y, d.f, d.a, d.k)))
    SELECT array_agg(u), array_agg(y), array_agg(f), array_agg(a), array_agg(k), array_agg(n), array_agg(amt)
    INTO du, dy, df, da, dk, dn, damt FROM yd;
    PERFORM set_config('sodoan.rollups_written', 'off', true);
    SELECT array_agg(u), array_agg(y), array_agg(r) INTO ku, ky, kr FROM unnest(ku, ky, kr) AS x (u, y, r) WHERE r IS NOT NULL;
    IF ku IS NOT NULL AND du IS NOT NULL THEN
        PERFORM figures_rollups_write(ku, ky, kr, du, dy, df, da, dk, dn, damt);
    END IF;
END $$;

-- unit_year_figures_add adds changes, given as arrays of the same length,
-- to year rows and their rollups.
CREATE OR REPLACE FUNCTION unit_year_figures_add(units bigint[], years int[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figures_write(NULL, NULL, NULL, NULL, NULL, NULL, NULL, units, years, figures, areas, kinds, ns, amounts);
END $$;

-- unit_figures_add adds changes to month rows, their year rows (the
-- monthly series among them) and rollups.
CREATE OR REPLACE FUNCTION unit_figures_add(units bigint[], months date[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
    RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM figures_write(units, months, figures, areas, kinds, ns, amounts, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
END $$;

-- The rows of activities (attendances, contributions). An attendance's
-- participant rows are marked here and their marks written with the
-- activity's figures in one call (the marks' trigger steps aside for
-- these statements); the activities' totals take two statements, not
-- three per activity; the members are locked only when there are members;
-- the participant rows' unit-years are locked in the locks' order, as
-- every other writer takes them.
CREATE OR REPLACE FUNCTION unit_figures_add_activity_rows(figure text, activity_ids bigint[], kinds text[], ns bigint[], amounts numeric[],
    member_ids bigint[] DEFAULT NULL)
    RETURNS void LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    -- The activities' month rows' changes.
    mu bigint[]; mm date[]; mf text[]; ma text[]; mk text[]; mn bigint[]; mamt numeric[];
    -- The participant rows' changes, by (unit, year, area, member).
    pu bigint[]; py int[]; pa text[]; pm bigint[]; pn bigint[];
    -- Participant rows added or removed.
    cm bigint[]; cy int[]; ca text[]; cu bigint[];
    -- Their marks' changes, to year rows.
    yu bigint[]; yy int[]; yf text[]; ya text[]; yk text[]; yn bigint[];
BEGIN
    IF activity_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM FROM activities WHERE id = ANY (activity_ids) ORDER BY id FOR SHARE;
    -- Then the attendances' members, before any figure's lock (the order
    -- every writer takes them in: activities, members, figures).
    IF member_ids IS NOT NULL THEN
        PERFORM members_lock_update(member_ids);
    END IF;
    -- A new statement, so a new snapshot: it reads what was committed
    -- while the lock was waited for.
    SELECT array_agg(a.unit_id), array_agg(activity_month(a.starts_on)), array_agg(figure), array_agg(a.work_area),
        array_agg(r.kind), array_agg(r.n), array_agg(r.amount)
    INTO mu, mm, mf, ma, mk, mn, mamt
    FROM unnest(activity_ids, kinds, ns, amounts) AS r (activity_id, kind, n, amount)
    JOIN activities a ON a.id = r.activity_id
    WHERE a.status = 'DONE';
    -- The activities' own totals, held or not (not of one deleted with its
    -- rows), in their area and on their day (migration 28). Two writers
    -- of one activity both hold its share lock: the upsert takes each
    -- row's turn, in the activities' order.
    INSERT INTO activity_totals AS t (activity_id, attendances, hours, contributions, value, work_area, starts_on)
    SELECT d.a, CASE WHEN figure = 'ATTENDANCES' THEN d.n ELSE 0 END, CASE WHEN figure = 'ATTENDANCES' THEN d.amt ELSE 0 END,
        CASE WHEN figure = 'ATTENDANCES' THEN 0 ELSE d.n END, CASE WHEN figure = 'ATTENDANCES' THEN 0 ELSE d.amt END,
        a.work_area, a.starts_on
    FROM (SELECT r.activity_id AS a, sum(r.n)::bigint AS n, sum(r.amount) AS amt
        FROM unnest(activity_ids, ns, amounts) AS r (activity_id, n, amount)
        GROUP BY 1 HAVING sum(r.n) <> 0 OR sum(r.amount) <> 0) d
    JOIN activities a ON a.id = d.a
    ORDER BY d.a
    ON CONFLICT (activity_id) DO UPDATE
    SET attendances = t.attendances + excluded.attendances, hours = t.hours + excluded.hours,
        contributions = t.contributions + excluded.contributions, value = t.value + excluded.value;
    -- Only a removal can bring an activity's counts to zero.
    IF EXISTS (SELECT FROM unnest(ns) AS r (n) WHERE r.n < 0) THEN
        DELETE FROM activity_totals WHERE activity_id = ANY (activity_ids) AND attendances = 0 AND contributions = 0;
    END IF;
    IF member_ids IS NOT NULL THEN
        SELECT array_agg(u ORDER BY u, y, ar, m), array_agg(y ORDER BY u, y, ar, m), array_agg(ar ORDER BY u, y, ar, m),
            array_agg(m ORDER BY u, y, ar, m), array_agg(n ORDER BY u, y, ar, m)
        INTO pu, py, pa, pm, pn
        FROM (SELECT a.unit_id AS u, extract(year FROM a.starts_on)::int AS y, a.work_area AS ar, r.member_id AS m, sum(r.n)::bigint AS n
            FROM unnest(activity_ids, member_ids, ns) AS r (activity_id, member_id, n)
            JOIN activities a ON a.id = r.activity_id
            WHERE a.status = 'DONE'
            GROUP BY 1, 2, 3, 4 HAVING sum(r.n) <> 0) g;
    END IF;
    IF pu IS NOT NULL THEN
        -- Attendances also change their members' participant rows, under
        -- the same locks: new rows and additions in one upsert (recording a
        -- list of members is the common write), then removals; each
        -- statement's rows marked after it, as its trigger would.
        PERFORM unit_figures_lock(pu, py);
        PERFORM set_config('sodoan.marks_written', 'on', true);
        -- A row the upsert returns with the count it was given is new (a
        -- kept row's count was at least one).
        WITH up AS (
            INSERT INTO unit_participants AS p
            SELECT * FROM unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n) WHERE c.n > 0
            ON CONFLICT (unit_id, year, area, member_id) DO UPDATE SET n = p.n + excluded.n
            RETURNING p.unit_id, p.year, p.area, p.member_id, p.n)
        SELECT array_agg(up.member_id), array_agg(up.year), array_agg(up.area), array_agg(up.unit_id) INTO cm, cy, ca, cu
        FROM up JOIN unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
            ON (c.u, c.y, c.ar, c.m) = (up.unit_id, up.year, up.area, up.member_id)
        WHERE up.n = c.n;
        SELECT du, dy, df, da, dk, dn INTO yu, yy, yf, ya, yk, yn FROM participant_marks_change(1, cm, cy, ca, cu);
        IF EXISTS (SELECT FROM unnest(pn) AS c (n) WHERE c.n < 0) THEN
            WITH gone AS (
                DELETE FROM unit_participants p USING unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
                WHERE c.n < 0 AND (p.unit_id, p.year, p.area, p.member_id) = (c.u, c.y, c.ar, c.m) AND p.n + c.n <= 0
                RETURNING p.unit_id, p.year, p.area, p.member_id)
            SELECT array_agg(member_id), array_agg(year), array_agg(area), array_agg(unit_id) INTO cm, cy, ca, cu FROM gone;
            SELECT yu || du, yy || dy, yf || df, ya || da, yk || dk, yn || dn INTO yu, yy, yf, ya, yk, yn
            FROM participant_marks_change(-1, cm, cy, ca, cu);
            UPDATE unit_participants p SET n = p.n + c.n FROM unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
            WHERE c.n < 0 AND (p.unit_id, p.year, p.area, p.member_id) = (c.u, c.y, c.ar, c.m);
        END IF;
        PERFORM set_config('sodoan.marks_written', 'off', true);
    END IF;
    PERFORM figures_write(mu, mm, mf, ma, mk, mn, mamt,
        yu, yy, yf, ya, yk, yn, array_fill(0::numeric, ARRAY[coalesce(cardinality(yu), 0)]));
END $$;

-- A unit's versions by unit (the rollup of a unit-year, the units of the
-- weights), which the GiST exclusion index answered at several times the
-- cost of a btree.
CREATE INDEX unit_versions_unit ON unit_versions (unit_id, valid_from);

-- participant_marks_change gives the difference that participant rows
-- added (sign 1, already in unit_participants) or removed (sign -1, gone
-- from it) make to their members' weights; the caller holds the members'
-- locks. Weighing a member-year's rows before and after (as migration 22
-- did for every member) was most of recording attendances.
-- But a group's weights (participant_weights) are +1 at each of its paths
-- in path order and -1 at each meeting of neighbours, so a path coming
-- into a group changes them only beside it: +1 at the path, -1 at its
-- meetings with the paths before and after it, +1 at their own meeting
-- (which is no longer between neighbours); a path leaving, the opposite.
-- A group's mark at the year's end is its deepest meeting with the
-- member's unit then, which a change moves only when its own meeting is
-- deeper. In nearly every statement each member-year changes by one row;
-- those are marked from the change and the member-year's other rows, and
-- only member-years that change by more are weighed in full. The
-- randomized test holds both to participant_marks_of.
CREATE FUNCTION participant_marks_change(sign int, cm bigint[], cy int[], ca text[], cu bigint[],
    OUT du bigint[], OUT dy int[], OUT df text[], OUT da text[], OUT dk text[], OUT dn bigint[])
    LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
DECLARE
    tm bigint[]; ty int[];
    nm bigint[]; ny int[]; na text[]; nu bigint[];
    om bigint[]; oy int[]; oa text[]; ou bigint[];
BEGIN
    IF cm IS NULL THEN
        RETURN;
    END IF;
    -- The member-years that change by more than one row: weighed in full.
    SELECT array_agg(m), array_agg(y) INTO tm, ty
    FROM (SELECT m, y FROM unnest(cm, cy) AS c (m, y) GROUP BY m, y HAVING count(*) > 1) w;
    IF tm IS NOT NULL THEN
        SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO nm, ny, na, nu
        FROM unit_participants p JOIN unnest(tm, ty) AS t (m, y) ON p.member_id = t.m AND p.year = t.y;
        -- The rows before: without the added ones, or with the removed.
        IF sign = 1 THEN
            SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
            FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
            WHERE NOT EXISTS (SELECT FROM unnest(cm, cy, ca, cu) AS r (m, y, a, u) WHERE (r.m, r.y, r.a, r.u) = (p.member_id, p.year, p.area, p.unit_id));
        ELSE
            SELECT array_agg(p.member_id), array_agg(p.year), array_agg(p.area), array_agg(p.unit_id) INTO om, oy, oa, ou
            FROM (SELECT * FROM unnest(nm, ny, na, nu) AS p (member_id, year, area, unit_id)
                UNION SELECT r.m, r.y, r.a, r.u FROM unnest(cm, cy, ca, cu) AS r (m, y, a, u) JOIN unnest(tm, ty) AS t (m, y)
                    ON r.m = t.m AND r.y = t.y) p;
        END IF;
    END IF;
    SELECT array_agg(unit_id), array_agg(year), array_agg(figure), array_agg(area), array_agg(kind), array_agg(n)
    INTO du, dy, df, da, dk, dn
    FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
            -- Each one-row change (a path q; a unit gone at the year's
            -- end weighs nothing, before or after) ...
            WITH c AS (SELECT c.m, c.y, c.a, c.u, v.path AS q
                FROM unnest(cm, cy, ca, cu) AS c (m, y, a, u)
                JOIN unit_versions v ON v.unit_id = c.u AND v.during @> make_date(c.y, 12, 31)
                WHERE NOT EXISTS (SELECT FROM unnest(tm, ty) AS t (m, y) WHERE (t.m, t.y) = (c.m, c.y))),
            -- ... the member-year's other rows ...
            o AS (SELECT c.m, c.y, p.area AS a, v.path
                FROM c JOIN unit_participants p ON p.member_id = c.m AND p.year = c.y
                JOIN unit_versions v ON v.unit_id = p.unit_id AND v.during @> make_date(c.y, 12, 31)
                WHERE (p.area, p.unit_id) <> (c.a, c.u)),
            -- ... the groups it changes, each with the member-year's
            -- other paths in it: its area's, and all areas' unless
            -- another area has the unit already ...
            s AS (SELECT o.m, o.y, o.a, o.path, false AS changed FROM o JOIN c ON (c.m, c.y, c.a) = (o.m, o.y, o.a)
                UNION ALL
                SELECT DISTINCT m, y, '', path, false FROM o
                UNION ALL
                SELECT m, y, a, q, true FROM c
                UNION ALL
                SELECT m, y, '', q, true FROM c WHERE NOT EXISTS (SELECT FROM o WHERE (o.m, o.y, o.path) = (c.m, c.y, c.q))),
            -- ... its neighbours there in path order ...
            nb AS (SELECT y, a, path AS q, changed, lag(path) OVER w AS prev, lead(path) OVER w AS next
                FROM s WINDOW w AS (PARTITION BY m, y, a ORDER BY path)),
            -- ... and how deep the group's other paths and the change
            -- meet the member's unit at the year's end (a meeting with
            -- it is its ancestor: its first levels).
            e AS (SELECT DISTINCT ON (c.m, c.y) c.m, c.y, ev.path AS e
                FROM c JOIN member_stays st ON st.member_id = c.m AND st.entered_on <= make_date(c.y, 12, 31)
                        AND (st.left_on IS NULL OR st.left_on > make_date(c.y, 12, 31))
                    JOIN unit_versions ev ON ev.unit_id = st.unit_id AND ev.during @> make_date(c.y, 12, 31)
                ORDER BY c.m, c.y, st.entered_on DESC),
            ends AS (SELECT s.y, s.a, e.e,
                    coalesce(max(nlevel(path_meet(s.path, e.e))) FILTER (WHERE NOT s.changed), 0) AS other,
                    max(nlevel(path_meet(s.path, e.e))) FILTER (WHERE s.changed) AS change
                FROM s JOIN e ON (e.m, e.y) = (s.m, s.y)
                GROUP BY s.m, s.y, s.a, e.e HAVING bool_or(s.changed)),
            w AS (SELECT y, a, 'PARTICIPANTS' AS figure, q AS at, sign AS n FROM nb WHERE changed
                UNION ALL
                SELECT y, a, 'PARTICIPANTS', path_meet(prev, q), -sign FROM nb WHERE changed AND prev IS NOT NULL
                UNION ALL
                SELECT y, a, 'PARTICIPANTS', path_meet(q, next), -sign FROM nb WHERE changed AND next IS NOT NULL
                UNION ALL
                SELECT y, a, 'PARTICIPANTS', path_meet(prev, next), sign FROM nb WHERE changed AND prev IS NOT NULL AND next IS NOT NULL
                UNION ALL
                SELECT y, a, 'PARTICIPANTS_AT_END', subpath(e, 0, change), sign FROM ends WHERE change > other
                UNION ALL
                SELECT y, a, 'PARTICIPANTS_AT_END', subpath(e, 0, other), -sign FROM ends WHERE change > other AND other > 0)
            SELECT subpath(at, -1)::text::bigint AS unit_id, y AS year, figure, a AS area, '' AS kind, n FROM w
            WHERE nlevel(at) > 0) x
        GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    IF tm IS NOT NULL THEN
        SELECT du || array_agg(unit_id), dy || array_agg(year), df || array_agg(figure), da || array_agg(area),
            dk || array_agg(kind), dn || array_agg(n)
        INTO du, dy, df, da, dk, dn
        FROM (SELECT unit_id, year, figure, area, kind, sum(n)::bigint AS n FROM (
                SELECT unit_id, year, figure, area, kind, n FROM participant_weights(nm, ny, na, nu)
                UNION ALL
                SELECT unit_id, year, figure, area, kind, -n FROM participant_weights(om, oy, oa, ou)) w
            GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0) d;
    END IF;
END $$;

-- unit_participants_marks adds the difference a statement on participant
-- rows made to its members' weights. A writer that marks its own changes
-- (unit_figures_add_activity_rows, which writes them with the rest of an
-- attendance's figures) sets sodoan.marks_written for its statements.
CREATE OR REPLACE FUNCTION unit_participants_marks() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    cm bigint[]; cy int[]; ca text[]; cu bigint[];
    d record;
BEGIN
    IF current_setting('sodoan.marks_written', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(member_id), array_agg(year), array_agg(area), array_agg(unit_id) INTO cm, cy, ca, cu FROM new_rows;
    ELSE
        SELECT array_agg(member_id), array_agg(year), array_agg(area), array_agg(unit_id) INTO cm, cy, ca, cu FROM old_rows;
    END IF;
    IF cm IS NULL THEN
        RETURN NULL;
    END IF;
    PERFORM members_lock_update(ARRAY(SELECT DISTINCT m FROM unnest(cm) AS c (m)));
    SELECT * INTO d FROM participant_marks_change(CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END, cm, cy, ca, cu);
    IF d.du IS NOT NULL THEN
        PERFORM unit_year_figures_add(d.du, d.dy, d.df, d.da, d.dk, d.dn, array_fill(0::numeric, ARRAY[cardinality(d.du)]));
    END IF;
    RETURN NULL;
END $$;
