-- Report figures kept as records are written (issue 16). A report used to
-- aggregate the raw records of its subtree, so its cost grew with the
-- records, not with the units: a province's full report took half a minute
-- at 100,000 members. unit_figures holds, per unit and month, what the
-- report sums: held activities by work area and kind, attended
-- participations and their volunteer hours by work area, contributions by
-- work area and kind with their value, and news posts published.
-- unit_year_figures is the same summed over each year, which is what a
-- yearly report reads: one row per unit and figure, whatever the records.
--
-- Both are derived data. figures_from_records is their one definition:
-- the triggers on activities recompute with it the (unit, month) keys a
-- statement touched, `server figures verify` compares the tables with it,
-- and `server figures rebuild` refills them from it. The triggers on
-- participations, contributions and posts, whose rows count where they
-- stand, add their rows' change to their key instead, which costs index
-- lookups rather than a re-read of the month; the randomized test holds
-- both to figures_from_records. Triggers rather than store code: every
-- write path (stores, restructuring, gendata, a hand-made repair in psql)
-- keeps them, and in the writing transaction, so a write that fails
-- leaves them as they were.

CREATE TABLE unit_figures (
    unit_id bigint NOT NULL,
    month   date NOT NULL CHECK (extract(day FROM month) = 1),
    figure  text NOT NULL CHECK (figure IN ('ACTIVITIES', 'ATTENDANCES', 'CONTRIBUTIONS', 'POSTS')),
    area    text NOT NULL DEFAULT '', -- work area of the activity
    kind    text NOT NULL DEFAULT '', -- kind of the activity or the contribution
    n       bigint NOT NULL CHECK (n > 0),
    amount  numeric NOT NULL DEFAULT 0, -- volunteer hours, or value in đồng
    PRIMARY KEY (unit_id, month, figure, area, kind)
);

CREATE TABLE unit_year_figures (
    unit_id bigint NOT NULL,
    year    integer NOT NULL,
    figure  text NOT NULL,
    area    text NOT NULL DEFAULT '',
    kind    text NOT NULL DEFAULT '',
    n       bigint NOT NULL CHECK (n > 0),
    amount  numeric NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, year, figure, area, kind)
);

-- unit_participants: per unit, year and work area, each member who
-- attended its held activities, and how many times. Distinct participants
-- do not add up over units (one member can attend in two branches), so no
-- per-unit count serves a subtree; its distinct participants are the
-- distinct members of its units' rows, a count bounded by the subtree's
-- participating members rather than by their participations (about ten
-- times fewer rows a year).
CREATE TABLE unit_participants (
    unit_id   bigint NOT NULL,
    year      integer NOT NULL,
    area      text NOT NULL,
    member_id bigint NOT NULL,
    n         bigint NOT NULL CHECK (n > 0),
    PRIMARY KEY (unit_id, year, area, member_id)
);

-- The participants of the units in unit_ids in the years first_year to
-- last_year, from the records, by the report's rules (attended, in a held
-- activity, in the year it starts).
CREATE FUNCTION participants_from_records(unit_ids bigint[], first_year int, last_year int)
    RETURNS TABLE (unit_id bigint, year integer, area text, member_id bigint, n bigint)
    LANGUAGE sql STABLE AS $$
    SELECT a.unit_id, extract(year FROM a.starts_on)::int, a.work_area, p.member_id, count(*)
    FROM activities a JOIN participations p ON p.activity_id = a.id AND p.attended
    WHERE a.unit_id = ANY (unit_ids) AND a.status = 'DONE'
        AND a.starts_on BETWEEN make_date(first_year, 1, 1) AND make_date(last_year, 12, 31)
    GROUP BY 1, 2, 3, 4
$$;

-- activity_totals: each activity's attendances and volunteer hours, and
-- its contributions and their value, whatever its status (a report asks
-- for held ones): what ranks an area's notable activities, read per
-- activity rather than summed again from its rows. An activity with
-- neither has no row.
CREATE TABLE activity_totals (
    activity_id   bigint PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    attendances   bigint NOT NULL DEFAULT 0,
    hours         numeric NOT NULL DEFAULT 0,
    contributions bigint NOT NULL DEFAULT 0,
    value         numeric NOT NULL DEFAULT 0
);

-- The totals of the activities of the units in unit_ids starting from
-- from_day to to_day, from their rows.
CREATE FUNCTION activity_totals_from_records(unit_ids bigint[], from_day date, to_day date)
    RETURNS TABLE (activity_id bigint, attendances bigint, hours numeric, contributions bigint, value numeric)
    LANGUAGE sql STABLE AS $$
    SELECT a.id, coalesce(p.n, 0), coalesce(p.hours, 0), coalesce(c.n, 0), coalesce(c.value, 0)
    FROM activities a
    LEFT JOIN (SELECT p.activity_id, count(*) AS n, sum(p.volunteer_hours) AS hours FROM participations p
        JOIN activities pa ON pa.id = p.activity_id
        WHERE p.attended AND pa.unit_id = ANY (unit_ids) AND pa.starts_on BETWEEN from_day AND to_day GROUP BY 1) p ON p.activity_id = a.id
    LEFT JOIN (SELECT c.activity_id, count(*) AS n, sum(c.value_dong) AS value FROM contributions c
        JOIN activities ca ON ca.id = c.activity_id
        WHERE ca.unit_id = ANY (unit_ids) AND ca.starts_on BETWEEN from_day AND to_day GROUP BY 1) c ON c.activity_id = a.id
    WHERE a.unit_id = ANY (unit_ids) AND a.starts_on BETWEEN from_day AND to_day AND (p.n > 0 OR c.n > 0)
$$;

-- The month an activity's figures fall in.
CREATE FUNCTION activity_month(starts_on date) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN date_trunc('month', starts_on::timestamp)::date;

-- The month, in Vietnam, a published post counts in.
CREATE FUNCTION post_month(published_at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN date_trunc('month', published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;

-- The figures of the units in unit_ids from the
-- records dated from_day to to_day, by month. The rules are the report's:
-- an activity counts in the month it starts if it was held (DONE), with
-- its attended participations and its contributions; a post counts in the
-- month (Vietnam time) it was published, unless it is a draft.
CREATE FUNCTION figures_from_records(unit_ids bigint[], from_day date, to_day date)
    RETURNS TABLE (unit_id bigint, month date, figure text, area text, kind text, n bigint, amount numeric)
    LANGUAGE sql STABLE AS $$
    SELECT a.unit_id, activity_month(a.starts_on), 'ACTIVITIES', a.work_area, a.kind, count(*), 0::numeric
    FROM activities a
    WHERE a.unit_id = ANY (unit_ids) AND a.status = 'DONE' AND a.starts_on BETWEEN from_day AND to_day
    GROUP BY 1, 2, 4, 5
    UNION ALL
    SELECT a.unit_id, activity_month(a.starts_on), 'ATTENDANCES', a.work_area, '', count(*), sum(p.volunteer_hours)
    FROM activities a JOIN participations p ON p.activity_id = a.id AND p.attended
    WHERE a.unit_id = ANY (unit_ids) AND a.status = 'DONE' AND a.starts_on BETWEEN from_day AND to_day
    GROUP BY 1, 2, 4
    UNION ALL
    SELECT a.unit_id, activity_month(a.starts_on), 'CONTRIBUTIONS', a.work_area, c.kind, count(*), sum(c.value_dong)
    FROM activities a JOIN contributions c ON c.activity_id = a.id
    WHERE a.unit_id = ANY (unit_ids) AND a.status = 'DONE' AND a.starts_on BETWEEN from_day AND to_day
    GROUP BY 1, 2, 4, 5
    UNION ALL
    SELECT p.unit_id, post_month(p.published_at), 'POSTS', '', '', count(*), 0
    FROM posts p
    WHERE p.unit_id = ANY (unit_ids) AND p.status <> 'DRAFT'
        AND (p.published_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN from_day AND to_day
    GROUP BY 1, 2
$$;

-- unit_year_figures_sum makes the year rows of the (unit, year) pairs
-- given as two arrays of the same length from their month rows.
CREATE FUNCTION unit_year_figures_sum(units bigint[], years int[]) RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM unit_year_figures f USING unnest(units, years) AS k (u, y) WHERE f.unit_id = k.u AND f.year = k.y;
    INSERT INTO unit_year_figures
    SELECT f.unit_id, k.y, f.figure, f.area, f.kind, sum(f.n), sum(f.amount)
    FROM (SELECT DISTINCT u, y FROM unnest(units, years) AS k (u, y)) k
    JOIN unit_figures f ON f.unit_id = k.u AND f.month BETWEEN make_date(k.y, 1, 1) AND make_date(k.y, 12, 31)
    GROUP BY 1, 2, 3, 4, 5;
$$;

-- unit_figures_lock locks the (unit, year) pairs given as two arrays of
-- the same length, in their order, for the rest of the transaction: every
-- change to a unit's figures of a year takes its turn.
CREATE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN hashtextextended('sodoan.figures:' || unit || ':' || year, 0);
CREATE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(unit_figures_lock_key(u, y))
    FROM unnest(units, years) WITH ORDINALITY AS k (u, y, i) ORDER BY i;
END $$;

-- unit_figures_refresh recomputes the figures of the (unit, month) keys
-- given as two arrays of the same length, and the year rows of their years.
-- A (unit, year) is locked for the rest of the transaction first, so two
-- writers of one unit's year take turns: the second recomputes after the
-- first has committed, and each statement here reads what is committed by
-- then (READ COMMITTED, the stores' isolation), so neither loses the
-- other's records. (Under REPEATABLE READ the second writer's snapshot is
-- older than the first's commit: it fails with a serialization or unique
-- error rather than writing stale figures.)
CREATE FUNCTION unit_figures_refresh(units bigint[], months date[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    key_units bigint[];
    key_months date[];
    year_units bigint[];
    key_years int[];
BEGIN
    SELECT array_agg(u ORDER BY u, m), array_agg(m ORDER BY u, m) INTO key_units, key_months
    FROM (SELECT DISTINCT u, m FROM unnest(units, months) AS x (u, m) WHERE u IS NOT NULL AND m IS NOT NULL) k;
    IF key_units IS NULL THEN
        RETURN;
    END IF;
    SELECT array_agg(u ORDER BY u, y), array_agg(y ORDER BY u, y) INTO year_units, key_years
    FROM (SELECT DISTINCT u, extract(year FROM m)::int AS y FROM unnest(key_units, key_months) AS x (u, m)) k;
    PERFORM unit_figures_lock(year_units, key_years);
    DELETE FROM unit_figures f USING unnest(key_units, key_months) AS k (u, m) WHERE f.unit_id = k.u AND f.month = k.m;
    INSERT INTO unit_figures
    SELECT r.* FROM (SELECT m, array_agg(u) AS ids FROM unnest(key_units, key_months) AS x (u, m) GROUP BY m) g,
        LATERAL figures_from_records(g.ids, g.m, (g.m + interval '1 month - 1 day')::date) r;
    PERFORM unit_year_figures_sum(year_units, key_years);
END $$;

-- unit_participants_refresh recomputes the participants of the (unit,
-- year) pairs of the (unit, month) keys given as two arrays, under the
-- same locks as the figures.
CREATE FUNCTION unit_participants_refresh(units bigint[], months date[]) RETURNS void
    LANGUAGE plpgsql AS $$
DECLARE
    year_units bigint[];
    key_years int[];
BEGIN
    SELECT array_agg(u ORDER BY u, y), array_agg(y ORDER BY u, y) INTO year_units, key_years
    FROM (SELECT DISTINCT u, extract(year FROM m)::int AS y FROM unnest(units, months) AS x (u, m)
        WHERE u IS NOT NULL AND m IS NOT NULL) k;
    IF year_units IS NULL THEN
        RETURN;
    END IF;
    PERFORM unit_figures_lock(year_units, key_years);
    DELETE FROM unit_participants p USING unnest(year_units, key_years) AS k (u, y) WHERE p.unit_id = k.u AND p.year = k.y;
    INSERT INTO unit_participants
    SELECT r.* FROM (SELECT y, array_agg(u) AS ids FROM unnest(year_units, key_years) AS x (u, y) GROUP BY y) g,
        LATERAL participants_from_records(g.ids, g.y, g.y) r;
END $$;

-- unit_figures_rebuild recomputes every figure of the units in units for
-- the years first_year to last_year from the records (server figures
-- rebuild, and this migration's first fill); it returns the month rows
-- written.
CREATE FUNCTION unit_figures_rebuild(units bigint[], first_year int, last_year int) RETURNS bigint
    LANGUAGE plpgsql AS $$
DECLARE
    written bigint;
BEGIN
    DELETE FROM unit_figures
    WHERE unit_id = ANY (units) AND month BETWEEN make_date(first_year, 1, 1) AND make_date(last_year, 12, 31);
    INSERT INTO unit_figures SELECT * FROM figures_from_records(units, make_date(first_year, 1, 1), make_date(last_year, 12, 31));
    GET DIAGNOSTICS written = ROW_COUNT;
    DELETE FROM activity_totals t USING activities a WHERE a.id = t.activity_id AND a.unit_id = ANY (units)
        AND a.starts_on BETWEEN make_date(first_year, 1, 1) AND make_date(last_year, 12, 31);
    INSERT INTO activity_totals SELECT * FROM activity_totals_from_records(units, make_date(first_year, 1, 1), make_date(last_year, 12, 31));
    DELETE FROM unit_participants WHERE unit_id = ANY (units) AND year BETWEEN first_year AND last_year;
    INSERT INTO unit_participants SELECT * FROM participants_from_records(units, first_year, last_year);
    -- The years that had figures or have them now.
    PERFORM unit_year_figures_sum(array_agg(u), array_agg(y)) FROM (
        SELECT unit_id, year FROM unit_year_figures WHERE unit_id = ANY (units) AND year BETWEEN first_year AND last_year
        UNION
        SELECT DISTINCT unit_id, extract(year FROM month)::int FROM unit_figures
        WHERE unit_id = ANY (units) AND month BETWEEN make_date(first_year, 1, 1) AND make_date(last_year, 12, 31)) k (u, y);
    RETURN written;
END $$;

-- activities: the keys of held activities before and after, where what
-- the figures read changed.
CREATE FUNCTION unit_figures_activities() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    units bigint[];
    months date[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- A new activity has no participants yet.
        PERFORM unit_figures_refresh(array_agg(unit_id), array_agg(activity_month(starts_on)))
        FROM new_rows WHERE status = 'DONE';
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(unit_id), array_agg(activity_month(starts_on)) INTO units, months
        FROM old_rows WHERE status = 'DONE';
    ELSE
        SELECT array_agg(k.unit_id), array_agg(k.month) INTO units, months
        FROM old_rows o JOIN new_rows n ON n.id = o.id,
            LATERAL (VALUES (o.unit_id, activity_month(o.starts_on), o.status), (n.unit_id, activity_month(n.starts_on), n.status)) k (unit_id, month, status)
        WHERE k.status = 'DONE' AND (o.unit_id, o.starts_on, o.status, o.work_area, o.kind)
            IS DISTINCT FROM (n.unit_id, n.starts_on, n.status, n.work_area, n.kind);
    END IF;
    PERFORM unit_figures_refresh(units, months);
    PERFORM unit_participants_refresh(units, months);
    RETURN NULL;
END $$;
CREATE TRIGGER unit_figures_insert AFTER INSERT ON activities REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_activities();
CREATE TRIGGER unit_figures_update AFTER UPDATE ON activities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_activities();
CREATE TRIGGER unit_figures_delete AFTER DELETE ON activities REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_activities();

-- unit_figures_add adds the changes given as arrays of the same length
-- (unit, month, figure, area, kind, and the change to n and amount) to the
-- month rows and to their year rows: a key without a row gets one, a row
-- whose count falls to zero goes. Adding is what a participation or a
-- contribution costs: a few index lookups, where recomputing its key
-- would re-read the month's records.
CREATE FUNCTION unit_figures_add(units bigint[], months date[], figures text[], areas text[], kinds text[], ns bigint[], amounts numeric[])
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

-- unit_figures_add_activity_rows adds figure's changes made by rows of
-- activities (a participation, a contribution), given as arrays of the
-- same length: the row's activity, kind, and change to n and amount, and
-- for attendances the member (unit_participants). Rows whose activity is
-- not held add nothing to the figures, nor do rows deleted with their
-- activity: the activity's own trigger recomputes its key. Every row
-- changes its activity's totals.
--
-- The activities are locked, held or not, for the rest of the transaction
-- (FOR SHARE). Without it, a participation added while another transaction
-- marks its activity held would be missed by both: the first reads the
-- activity as not held, the second does not see the uncommitted
-- participation. With it the two take turns, and the one that waited reads
-- the activity as the other committed it.
CREATE FUNCTION unit_figures_add_activity_rows(figure text, activity_ids bigint[], kinds text[], ns bigint[], amounts numeric[],
    member_ids bigint[] DEFAULT NULL)
    RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    d record;
    -- The participant rows' changes, by (unit, year, area, member).
    pu bigint[]; py int[]; pa text[]; pm bigint[]; pn bigint[];
BEGIN
    IF activity_ids IS NULL THEN
        RETURN;
    END IF;
    PERFORM FROM activities WHERE id = ANY (activity_ids) ORDER BY id FOR SHARE;
    -- A new statement, so a new snapshot: it reads what was committed
    -- while the lock was waited for.
    PERFORM unit_figures_add(array_agg(a.unit_id), array_agg(activity_month(a.starts_on)), array_agg(figure), array_agg(a.work_area),
        array_agg(r.kind), array_agg(r.n), array_agg(r.amount))
    FROM unnest(activity_ids, kinds, ns, amounts) AS r (activity_id, kind, n, amount)
    JOIN activities a ON a.id = r.activity_id
    WHERE a.status = 'DONE';
    -- The activities' own totals, held or not. Two writers of one activity
    -- both hold its share lock: the upsert takes the row's turn.
    FOR d IN
        SELECT r.activity_id AS a, sum(r.n)::bigint AS n, sum(r.amount) AS amt
        FROM unnest(activity_ids, ns, amounts) AS r (activity_id, n, amount)
        GROUP BY 1 HAVING sum(r.n) <> 0 OR sum(r.amount) <> 0 ORDER BY 1
    LOOP
        IF figure = 'ATTENDANCES' THEN
            INSERT INTO activity_totals (activity_id, attendances, hours)
            SELECT d.a, d.n, d.amt WHERE EXISTS (SELECT FROM activities WHERE id = d.a) -- not one deleted with its rows
            ON CONFLICT (activity_id) DO UPDATE
            SET attendances = activity_totals.attendances + excluded.attendances, hours = activity_totals.hours + excluded.hours;
        ELSE
            INSERT INTO activity_totals (activity_id, contributions, value)
            SELECT d.a, d.n, d.amt WHERE EXISTS (SELECT FROM activities WHERE id = d.a)
            ON CONFLICT (activity_id) DO UPDATE
            SET contributions = activity_totals.contributions + excluded.contributions, value = activity_totals.value + excluded.value;
        END IF;
        DELETE FROM activity_totals WHERE activity_id = d.a AND attendances = 0 AND contributions = 0;
    END LOOP;
    IF member_ids IS NULL THEN
        RETURN;
    END IF;
    -- Attendances also change their members' participant rows, under the
    -- same locks: new rows and additions in one upsert (recording a list
    -- of members is the common write), then removals.
    SELECT array_agg(u ORDER BY u, y, ar, m), array_agg(y ORDER BY u, y, ar, m), array_agg(ar ORDER BY u, y, ar, m),
        array_agg(m ORDER BY u, y, ar, m), array_agg(n ORDER BY u, y, ar, m)
    INTO pu, py, pa, pm, pn
    FROM (SELECT a.unit_id AS u, extract(year FROM a.starts_on)::int AS y, a.work_area AS ar, r.member_id AS m, sum(r.n)::bigint AS n
        FROM unnest(activity_ids, member_ids, ns) AS r (activity_id, member_id, n)
        JOIN activities a ON a.id = r.activity_id
        WHERE a.status = 'DONE'
        GROUP BY 1, 2, 3, 4 HAVING sum(r.n) <> 0) g;
    IF pu IS NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(unit_figures_lock_key(u, y))
    FROM (SELECT DISTINCT u, y FROM unnest(pu, py) AS k (u, y) ORDER BY u, y) k;
    INSERT INTO unit_participants
    SELECT * FROM unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n) WHERE c.n > 0
    ON CONFLICT (unit_id, year, area, member_id) DO UPDATE SET n = unit_participants.n + excluded.n;
    IF EXISTS (SELECT FROM unnest(pn) AS c (n) WHERE c.n < 0) THEN
        DELETE FROM unit_participants p USING unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
        WHERE c.n < 0 AND (p.unit_id, p.year, p.area, p.member_id) = (c.u, c.y, c.ar, c.m) AND p.n + c.n <= 0;
        UPDATE unit_participants p SET n = p.n + c.n FROM unnest(pu, py, pa, pm, pn) AS c (u, y, ar, m, n)
        WHERE c.n < 0 AND (p.unit_id, p.year, p.area, p.member_id) = (c.u, c.y, c.ar, c.m);
    END IF;
END $$;

-- participations: an attended row is one attendance and its volunteer
-- hours; a row deleted, or changed, takes its old values away.
CREATE FUNCTION unit_figures_participations() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM unit_figures_add_activity_rows('ATTENDANCES', array_agg(activity_id), array_agg(''::text), array_agg(1::bigint), array_agg(volunteer_hours),
            array_agg(member_id))
        FROM new_rows WHERE attended;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM unit_figures_add_activity_rows('ATTENDANCES', array_agg(activity_id), array_agg(''::text), array_agg(-1::bigint), array_agg(-volunteer_hours),
            array_agg(member_id))
        FROM old_rows WHERE attended;
    ELSE
        PERFORM unit_figures_add_activity_rows('ATTENDANCES', array_agg(r.activity_id), array_agg(''::text), array_agg(r.n), array_agg(r.hours),
            array_agg(r.member_id))
        FROM (SELECT activity_id, member_id, -1::bigint, -volunteer_hours FROM old_rows WHERE attended
            UNION ALL
            SELECT activity_id, member_id, 1::bigint, volunteer_hours FROM new_rows WHERE attended) r (activity_id, member_id, n, hours);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_figures_insert AFTER INSERT ON participations REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_participations();
CREATE TRIGGER unit_figures_update AFTER UPDATE ON participations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_participations();
CREATE TRIGGER unit_figures_delete AFTER DELETE ON participations REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_participations();

-- contributions: a row is one contribution of its kind and its value.
CREATE FUNCTION unit_figures_contributions() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM unit_figures_add_activity_rows('CONTRIBUTIONS', array_agg(activity_id), array_agg(kind), array_agg(1::bigint), array_agg(value_dong::numeric))
        FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM unit_figures_add_activity_rows('CONTRIBUTIONS', array_agg(activity_id), array_agg(kind), array_agg(-1::bigint), array_agg(-value_dong::numeric))
        FROM old_rows;
    ELSE
        PERFORM unit_figures_add_activity_rows('CONTRIBUTIONS', array_agg(r.activity_id), array_agg(r.kind), array_agg(r.n), array_agg(r.value))
        FROM (SELECT activity_id, kind, -1::bigint, -value_dong::numeric FROM old_rows
            UNION ALL
            SELECT activity_id, kind, 1::bigint, value_dong::numeric FROM new_rows) r (activity_id, kind, n, value);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_figures_insert AFTER INSERT ON contributions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_contributions();
CREATE TRIGGER unit_figures_update AFTER UPDATE ON contributions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_contributions();
CREATE TRIGGER unit_figures_delete AFTER DELETE ON contributions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_contributions();

-- posts: a published post is one count in its (unit, month).
CREATE FUNCTION unit_figures_posts() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    -- A post is one count in its (unit, month), read from nothing else: its
    -- change is added, like a contribution's, rather than its month's
    -- activities being summed again.
    IF TG_OP = 'INSERT' THEN
        PERFORM unit_figures_add(array_agg(unit_id), array_agg(post_month(published_at)), array_agg('POSTS'::text),
            array_agg(''::text), array_agg(''::text), array_agg(1::bigint), array_agg(0::numeric))
        FROM new_rows WHERE status <> 'DRAFT' AND published_at IS NOT NULL;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM unit_figures_add(array_agg(unit_id), array_agg(post_month(published_at)), array_agg('POSTS'::text),
            array_agg(''::text), array_agg(''::text), array_agg(-1::bigint), array_agg(0::numeric))
        FROM old_rows WHERE status <> 'DRAFT' AND published_at IS NOT NULL;
    ELSE
        PERFORM unit_figures_add(array_agg(r.unit_id), array_agg(post_month(r.published_at)), array_agg('POSTS'::text),
            array_agg(''::text), array_agg(''::text), array_agg(r.n), array_agg(0::numeric))
        FROM (SELECT unit_id, published_at, -1::bigint FROM old_rows WHERE status <> 'DRAFT' AND published_at IS NOT NULL
            UNION ALL
            SELECT unit_id, published_at, 1::bigint FROM new_rows WHERE status <> 'DRAFT' AND published_at IS NOT NULL) r (unit_id, published_at, n);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER unit_figures_insert AFTER INSERT ON posts REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_posts();
CREATE TRIGGER unit_figures_update AFTER UPDATE ON posts REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_posts();
CREATE TRIGGER unit_figures_delete AFTER DELETE ON posts REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION unit_figures_posts();

-- An existing database gets its figures once, here.
SELECT unit_figures_rebuild(ARRAY(SELECT id FROM units), 1, 9999);
ANALYZE unit_figures;
ANALYZE unit_year_figures;
