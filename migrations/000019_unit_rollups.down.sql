DROP TRIGGER unit_rollup_insert ON unit_versions;
DROP TRIGGER unit_rollup_update ON unit_versions;
DROP TRIGGER unit_rollup_delete ON unit_versions;
DROP TRIGGER unit_rollup_insert ON unit_year_figures;
DROP TRIGGER unit_rollup_update ON unit_year_figures;
DROP TRIGGER unit_rollup_delete ON unit_year_figures;
DROP FUNCTION unit_rollup_restructure();
DROP FUNCTION unit_rollup_span(bigint, bigint, date, date);
DROP FUNCTION unit_rollup_refresh(bigint[], int, int);
DROP FUNCTION unit_rollup_follow();
DROP FUNCTION unit_rollup_add(bigint[], int[], text[], text[], text[], bigint[], numeric[]);
DROP FUNCTION rollups_from_figures(bigint[], int, int);
-- The figures' lock goes back to one per unit and year.
CREATE OR REPLACE FUNCTION unit_figures_lock_key(unit bigint, year int) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN hashtextextended('sodoan.figures:' || unit || ':' || year, 0);
CREATE OR REPLACE FUNCTION unit_figures_lock(units bigint[], years int[]) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(unit_figures_lock_key(u, y))
    FROM unnest(units, years) WITH ORDINALITY AS k (u, y, i) ORDER BY i;
END $$;
DROP FUNCTION figures_rollup_unit(bigint, int);
DROP TABLE unit_rollup_figures;
