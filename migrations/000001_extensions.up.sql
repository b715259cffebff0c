-- Extensions the schema relies on. All three are "trusted" since PostgreSQL 13,
-- so the database owner can create them without being a superuser.
CREATE EXTENSION IF NOT EXISTS ltree;    -- organisation tree paths
CREATE EXTENSION IF NOT EXISTS unaccent; -- Vietnamese search without diacritics
CREATE EXTENSION IF NOT EXISTS pg_trgm;  -- substring search served by an index

-- unaccent() is only STABLE (its dictionary could change), so it cannot be
-- used in an index expression. This wrapper pins the dictionary and is marked
-- IMMUTABLE so search columns and indexes can use it. Lower-casing happens
-- after removing accents: "Đoàn" -> "Doan" -> "doan".
CREATE FUNCTION search_normalize(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(unaccent('unaccent'::regdictionary, $1));
