-- The versions of units that began or ended in a year, found by date
-- (issue 16): a report's previous year reads its rollups only if no unit of
-- its scope changed place that year, and the test scanned every unit's
-- versions in the country (4 ms of a branch's 20 ms report at 1M members,
-- 12 ms at a province); restructurings are few, so this reads a handful.
CREATE INDEX unit_versions_valid_from ON unit_versions (valid_from);
CREATE INDEX unit_versions_valid_to ON unit_versions (valid_to) WHERE valid_to IS NOT NULL;
