-- News posts (tin bài) with photos, and the portal's visitor counter.

CREATE TABLE photos (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Content-addressed: the file is stored under its SHA-256.
    sha256       text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
    width        int NOT NULL CHECK (width > 0),
    height       int NOT NULL CHECK (height > 0),
    bytes        bigint NOT NULL CHECK (bytes > 0),
    account_id   bigint REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE posts (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id           bigint NOT NULL REFERENCES units (id),
    activity_id       bigint REFERENCES activities (id) ON DELETE SET NULL,
    account_id        bigint REFERENCES accounts (id) ON DELETE SET NULL,
    title             text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 300),
    slug              text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 200),
    summary           text CHECK (length(summary) <= 1000),
    body_markdown     text NOT NULL DEFAULT '' CHECK (length(body_markdown) <= 100000),
    -- Rendered and sanitised when written, so readers never run the renderer.
    body_html         text NOT NULL DEFAULT '',
    author_name       text CHECK (length(author_name) <= 200),
    author_department text CHECK (length(author_department) <= 300),
    tags              text[] NOT NULL DEFAULT '{}',
    status            text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT', 'PUBLISHED', 'ARCHIVED')),
    published_at      timestamptz,
    cover_photo_id    bigint REFERENCES photos (id),
    version           int NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    search_title      text GENERATED ALWAYS AS (search_normalize(title)) STORED,
    search_text       text GENERATED ALWAYS AS (search_normalize(coalesce(summary, '') || ' ' || body_markdown)) STORED,
    CHECK (status = 'DRAFT' OR published_at IS NOT NULL)
);
CREATE INDEX posts_published ON posts (published_at DESC, id DESC) WHERE status = 'PUBLISHED';
CREATE INDEX posts_unit ON posts (unit_id, status);
CREATE INDEX posts_tags ON posts USING gin (tags);
CREATE INDEX posts_search_title ON posts USING gin (search_title gin_trgm_ops);
CREATE INDEX posts_search_text ON posts USING gin (search_text gin_trgm_ops);
CREATE INDEX activities_search_trgm2 ON activities USING gin (search_normalize(title) gin_trgm_ops);

CREATE TABLE post_photos (
    post_id   bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    position  int NOT NULL CHECK (position >= 0),
    photo_id  bigint NOT NULL REFERENCES photos (id),
    caption   text CHECK (length(caption) <= 1000),
    PRIMARY KEY (post_id, position)
);

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON posts FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

-- Visits are counted in shards: each visit adds to one of several rows
-- picked at random, so a burst of visits does not queue on one row.
CREATE TABLE site_visits (
    day    date NOT NULL,
    shard  smallint NOT NULL,
    visits bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (day, shard)
);
CREATE TABLE post_views (
    post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    shard   smallint NOT NULL,
    views   bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (post_id, shard)
);
-- Who is online: a visitor is a hash of the address and browser with a
-- salt that changes every day and is then forgotten, so no address is kept
-- and visitors cannot be followed from one day to the next.
CREATE TABLE visit_salts (
    day  date PRIMARY KEY,
    salt bytea NOT NULL
);
CREATE TABLE online_visitors (
    visitor bytea PRIMARY KEY,
    seen_at timestamptz NOT NULL
);
CREATE INDEX online_visitors_seen ON online_visitors (seen_at);
