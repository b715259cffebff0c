-- Search ranks title matches first; computing the normalised title per
-- matching row cost most of a search's time, so it is stored.
ALTER TABLE activities ADD COLUMN search_title text GENERATED ALWAYS AS (search_normalize(title)) STORED;
DROP INDEX IF EXISTS activities_search_trgm2;
CREATE INDEX activities_search_title_trgm ON activities USING gin (search_title gin_trgm_ops);
