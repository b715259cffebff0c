-- Each activity's totals carry its work area and start (issue 16): a
-- large scope's notable activities walked the country's ranking of every
-- area and year until three of each area lay in the scope and the
-- period, joining each activity on the way (a bloc of a 1M-member
-- province: 70 ms, most of its report). Ranked within an area, with the
-- start beside each entry, the walk reads a few hundred entries and joins
-- only those in the period.
ALTER TABLE activity_totals ADD COLUMN work_area text, ADD COLUMN starts_on date;
UPDATE activity_totals t SET work_area = a.work_area, starts_on = a.starts_on FROM activities a WHERE a.id = t.activity_id;
ALTER TABLE activity_totals ALTER COLUMN work_area SET NOT NULL, ALTER COLUMN starts_on SET NOT NULL;

DROP INDEX activity_totals_rank;
CREATE INDEX activity_totals_rank ON activity_totals (work_area, value DESC, attendances DESC) INCLUDE (starts_on);

-- A writer that gives only the totals (migration 22's function, should
-- 29 be undone; a repair in psql) gets the activity's area and start
-- filled in.
CREATE FUNCTION activity_totals_place() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    SELECT work_area, starts_on INTO NEW.work_area, NEW.starts_on FROM activities WHERE id = NEW.activity_id;
    RETURN NEW;
END $$;
CREATE TRIGGER activity_totals_place BEFORE INSERT ON activity_totals
    FOR EACH ROW WHEN (NEW.work_area IS NULL OR NEW.starts_on IS NULL) EXECUTE FUNCTION activity_totals_place();

-- An activity moved to another area or day moves its totals' place.
CREATE FUNCTION activity_totals_follow() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE activity_totals SET work_area = NEW.work_area, starts_on = NEW.starts_on WHERE activity_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER activity_totals_follow AFTER UPDATE OF work_area, starts_on ON activities
    FOR EACH ROW WHEN (OLD.work_area IS DISTINCT FROM NEW.work_area OR OLD.starts_on IS DISTINCT FROM NEW.starts_on)
    EXECUTE FUNCTION activity_totals_follow();

-- The totals from the records, with their place (verify compares it).
DROP FUNCTION activity_totals_from_records(bigint[], date, date);
CREATE FUNCTION activity_totals_from_records(unit_ids bigint[], from_day date, to_day date)
    RETURNS TABLE (activity_id bigint, attendances bigint, hours numeric, contributions bigint, value numeric,
        work_area text, starts_on date)
    LANGUAGE sql STABLE AS $$
    SELECT a.id, coalesce(p.n, 0), coalesce(p.hours, 0), coalesce(c.n, 0), coalesce(c.value, 0), a.work_area, a.starts_on
    FROM activities a
    LEFT JOIN (SELECT p.activity_id, count(*) AS n, sum(p.volunteer_hours) AS hours FROM participations p
        JOIN activities pa ON pa.id = p.activity_id
        WHERE p.attended AND pa.unit_id = ANY (unit_ids) AND pa.starts_on BETWEEN from_day AND to_day GROUP BY 1) p ON p.activity_id = a.id
    LEFT JOIN (SELECT c.activity_id, count(*) AS n, sum(c.value_dong) AS value FROM contributions c
        JOIN activities ca ON ca.id = c.activity_id
        WHERE ca.unit_id = ANY (unit_ids) AND ca.starts_on BETWEEN from_day AND to_day GROUP BY 1) c ON c.activity_id = a.id
    WHERE a.unit_id = ANY (unit_ids) AND a.starts_on BETWEEN from_day AND to_day AND (p.n > 0 OR c.n > 0)
$$;
