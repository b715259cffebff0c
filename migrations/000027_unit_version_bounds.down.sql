DROP INDEX unit_versions_valid_to;
DROP INDEX unit_versions_valid_from;
