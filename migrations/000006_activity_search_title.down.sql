DROP INDEX IF EXISTS activities_search_title_trgm;
ALTER TABLE activities DROP COLUMN IF EXISTS search_title;
CREATE INDEX activities_search_trgm2 ON activities USING gin (search_normalize(title) gin_trgm_ops);
