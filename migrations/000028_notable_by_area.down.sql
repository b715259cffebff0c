DROP FUNCTION activity_totals_from_records(bigint[], date, date);
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
DROP TRIGGER activity_totals_follow ON activities;
DROP FUNCTION activity_totals_follow();
DROP TRIGGER activity_totals_place ON activity_totals;
DROP FUNCTION activity_totals_place();
DROP INDEX activity_totals_rank;
ALTER TABLE activity_totals DROP COLUMN work_area, DROP COLUMN starts_on;
CREATE INDEX activity_totals_rank ON activity_totals (value DESC, attendances DESC);
