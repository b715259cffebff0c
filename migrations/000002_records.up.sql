-- The union's records: organisation tree, members and their history, work
-- areas' campaigns, activities with participants, contributions and guests,
-- commendations, pledges and yearly member ratings.
--
-- Enumerations are text with CHECK constraints rather than PostgreSQL enum
-- types: adding a value later is then a plain constraint change in a
-- migration that can be reverted.

-- Organisation tree (đơn vị). path is the chain of ids from the root
-- ("1.4.17"), so "this unit and everything below" is path <@ $1, served by
-- the GiST index.
CREATE TABLE units (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id   bigint REFERENCES units (id),
    level       text NOT NULL CHECK (level IN ('CENTRAL', 'PROVINCE', 'BLOC', 'DISTRICT', 'GRASSROOTS', 'BRANCH')),
    name        text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    short_name  text CHECK (length(short_name) <= 100),
    address     text CHECK (length(address) <= 500),
    path        ltree NOT NULL UNIQUE, -- set by units_set_path
    archived_at timestamptz,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      text GENERATED ALWAYS AS (search_normalize(name || ' ' || coalesce(short_name, ''))) STORED,
    CHECK ((parent_id IS NULL) = (nlevel(path) = 1)),
    CHECK (subpath(path, -1)::text = id::text)
);
CREATE INDEX units_path_gist ON units USING gist (path);
CREATE INDEX units_parent ON units (parent_id, name, id);
CREATE INDEX units_search_trgm ON units USING gin (search gin_trgm_ops);

-- The database keeps path right: a new unit's path is its parent's plus its
-- own id (identity values are assigned before BEFORE triggers run), and
-- moving a unit rewrites its whole subtree in the same statement. A unit
-- cannot move under itself, and its level must sit below its parent's (a
-- branch cannot hold a province).
CREATE FUNCTION unit_level_rank(level text) RETURNS int
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE level
        WHEN 'CENTRAL' THEN 1 WHEN 'PROVINCE' THEN 2 WHEN 'BLOC' THEN 3
        WHEN 'DISTRICT' THEN 3 WHEN 'GRASSROOTS' THEN 4 WHEN 'BRANCH' THEN 5 END;

CREATE FUNCTION units_set_path() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    parent units%ROWTYPE;
BEGIN
    IF NEW.parent_id IS NULL THEN
        NEW.path := NEW.id::text::ltree;
    ELSE
        SELECT * INTO parent FROM units WHERE id = NEW.parent_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'parent unit % does not exist', NEW.parent_id
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'units_parent_id_fkey';
        END IF;
        IF TG_OP = 'UPDATE' AND parent.path <@ OLD.path THEN
            RAISE EXCEPTION 'a unit cannot move under itself or its own descendants'
                USING ERRCODE = 'check_violation', CONSTRAINT = 'units_no_cycle';
        END IF;
        IF unit_level_rank(parent.level) >= unit_level_rank(NEW.level) THEN
            RAISE EXCEPTION 'unit level % cannot sit under level %', NEW.level, parent.level
                USING ERRCODE = 'check_violation', CONSTRAINT = 'units_parent_level';
        END IF;
        NEW.path := parent.path || NEW.id::text;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.level <> OLD.level AND EXISTS (
        SELECT 1 FROM units c WHERE c.parent_id = NEW.id AND unit_level_rank(c.level) <= unit_level_rank(NEW.level)) THEN
        RAISE EXCEPTION 'unit level % would sit above one of its children', NEW.level
            USING ERRCODE = 'check_violation', CONSTRAINT = 'units_child_level';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER units_set_path BEFORE INSERT OR UPDATE OF parent_id, level ON units
    FOR EACH ROW EXECUTE FUNCTION units_set_path();

CREATE FUNCTION units_move_subtree() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE units SET path = NEW.path || subpath(path, nlevel(OLD.path))
     WHERE path <@ OLD.path AND id <> NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER units_move_subtree AFTER UPDATE OF parent_id ON units
    FOR EACH ROW WHEN (OLD.path IS DISTINCT FROM NEW.path)
    EXECUTE FUNCTION units_move_subtree();

-- Members (đoàn viên). unit_id is the unit the member is active in now (or
-- last was, once transferred out of the system, aged out or removed).
CREATE TABLE members (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id      bigint NOT NULL REFERENCES units (id),
    full_name    text NOT NULL CHECK (btrim(full_name) <> '' AND length(full_name) <= 200),
    gender       text NOT NULL CHECK (gender IN ('MALE', 'FEMALE')),
    birth_date   date NOT NULL CHECK (birth_date >= '1900-01-01'),
    joined_on    date NOT NULL,
    card_number  text UNIQUE CHECK (card_number ~ '^[0-9A-Za-z./-]{1,30}$'),
    position     text NOT NULL DEFAULT 'MEMBER'
                 CHECK (position IN ('SECRETARY', 'DEPUTY_SECRETARY', 'COMMITTEE_MEMBER', 'MEMBER')),
    phone        text CHECK (phone ~ '^\+?[0-9 .-]{6,20}$'),
    email        text CHECK (email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' AND length(email) <= 254),
    address      text CHECK (length(address) <= 500),
    status       text NOT NULL DEFAULT 'ACTIVE'
                 CHECK (status IN ('ACTIVE', 'TRANSFERRED_OUT', 'AGED_OUT', 'REMOVED')),
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- Vietnamese lists sort by given name (the last word), then the whole name.
    sort_name    text GENERATED ALWAYS AS (
                     search_normalize(regexp_replace(btrim(full_name), '^.*\s', '')) || ' ' || search_normalize(full_name)) STORED,
    search       text GENERATED ALWAYS AS (search_normalize(full_name)) STORED,
    CHECK (joined_on > birth_date)
);
CREATE INDEX members_unit_sort ON members (unit_id, sort_name, id);
CREATE INDEX members_unit_status ON members (unit_id, status);
CREATE INDEX members_search_trgm ON members USING gin (search gin_trgm_ops);

-- A member's lifecycle (admission, transfers, ageing out, removal), kept
-- forever: reports count these per year. A transfer is one row with where
-- the member came from and went to, either a unit in the tree or a body
-- outside it by name.
CREATE TABLE member_events (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id       bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('ADMITTED', 'TRANSFERRED', 'AGED_OUT', 'REMOVED')),
    occurred_on     date NOT NULL,
    decision_number text CHECK (length(decision_number) <= 100),
    unit_id         bigint REFERENCES units (id),
    from_unit_id    bigint REFERENCES units (id),
    from_external   text CHECK (length(from_external) <= 300),
    to_unit_id      bigint REFERENCES units (id),
    to_external     text CHECK (length(to_external) <= 300),
    note            text CHECK (length(note) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'TRANSFERRED' OR unit_id IS NOT NULL),
    CHECK (kind <> 'TRANSFERRED' OR (
        (from_unit_id IS NOT NULL OR from_external IS NOT NULL) AND
        (to_unit_id IS NOT NULL OR to_external IS NOT NULL) AND
        from_unit_id IS DISTINCT FROM to_unit_id))
);
CREATE INDEX member_events_member ON member_events (member_id, occurred_on, id);
CREATE INDEX member_events_unit ON member_events (unit_id, occurred_on) WHERE unit_id IS NOT NULL;
CREATE INDEX member_events_from ON member_events (from_unit_id, occurred_on) WHERE from_unit_id IS NOT NULL;
CREATE INDEX member_events_to ON member_events (to_unit_id, occurred_on) WHERE to_unit_id IS NOT NULL;

-- Named campaigns (Kỳ nghỉ hồng, Tháng Thanh niên, Mùa hè xanh, ...) run by
-- a unit in a year.
CREATE TABLE campaigns (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    name        text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 300),
    year        integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    work_area   text NOT NULL CHECK (work_area IN ('POLITICAL_EDUCATION', 'YOUTH_VOLUNTEERING', 'CREATIVE_YOUTH', 'DEFENDING_FATHERLAND', 'ORGANISATION_BUILDING')),
    description text CHECK (length(description) <= 5000),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    search      text GENERATED ALWAYS AS (search_normalize(name)) STORED,
    UNIQUE (unit_id, year, name)
);
CREATE INDEX campaigns_year ON campaigns (year, id);

-- Activities (hoạt động) organised by a unit.
CREATE TABLE activities (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id           bigint NOT NULL REFERENCES units (id),
    title             text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 500),
    kind              text NOT NULL CHECK (kind IN ('VOLUNTEER_WORK', 'DONATION', 'POLITICAL_STUDY', 'READING_CULTURE', 'COMMEMORATION', 'MEETING', 'CONTEST', 'TRAINING', 'SPORT_CULTURE', 'OTHER')),
    work_area         text NOT NULL CHECK (work_area IN ('POLITICAL_EDUCATION', 'YOUTH_VOLUNTEERING', 'CREATIVE_YOUTH', 'DEFENDING_FATHERLAND', 'ORGANISATION_BUILDING')),
    campaign_id       bigint REFERENCES campaigns (id),
    starts_on         date NOT NULL,
    ends_on           date NOT NULL,
    place             text CHECK (length(place) <= 500),
    commune           text CHECK (length(commune) <= 200),
    district          text CHECK (length(district) <= 200),
    province          text CHECK (length(province) <= 200),
    description       text CHECK (length(description) <= 20000),
    status            text NOT NULL DEFAULT 'PLANNED' CHECK (status IN ('PLANNED', 'DONE', 'CANCELLED')),
    beneficiaries     text CHECK (length(beneficiaries) <= 500),
    beneficiary_count integer CHECK (beneficiary_count >= 0),
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    search            text GENERATED ALWAYS AS (
                          search_normalize(title || ' ' || coalesce(place, '') || ' ' || coalesce(description, ''))) STORED,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX activities_unit_starts ON activities (unit_id, starts_on DESC, id DESC);
CREATE INDEX activities_starts ON activities (starts_on DESC, id DESC);
CREATE INDEX activities_campaign ON activities (campaign_id) WHERE campaign_id IS NOT NULL;
CREATE INDEX activities_search_trgm ON activities USING gin (search gin_trgm_ops);

-- Guests of honour (đại biểu) at an activity, in the order they are announced.
CREATE TABLE activity_guests (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    ordinal     integer NOT NULL CHECK (ordinal >= 0),
    name        text NOT NULL CHECK (btrim(name) <> '' AND length(name) <= 200),
    title       text CHECK (length(title) <= 500),
    UNIQUE (activity_id, ordinal)
);

-- Who took part in an activity; at most once per member.
CREATE TABLE participations (
    activity_id     bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    member_id       bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role            text NOT NULL DEFAULT 'PARTICIPANT' CHECK (role IN ('ORGANISER', 'PARTICIPANT')),
    attended        boolean NOT NULL DEFAULT true,
    volunteer_hours numeric(6, 2) NOT NULL DEFAULT 0 CHECK (volunteer_hours >= 0 AND volunteer_hours <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (activity_id, member_id)
);
CREATE INDEX participations_member ON participations (member_id, activity_id);

-- What was given through an activity: cash, goods in kind, or a youth
-- project (công trình thanh niên), each with its value in đồng.
CREATE TABLE contributions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    activity_id bigint NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('CASH', 'IN_KIND', 'YOUTH_PROJECT')),
    description text NOT NULL CHECK (btrim(description) <> '' AND length(description) <= 500),
    value_dong  bigint NOT NULL CHECK (value_dong >= 0),
    quantity    numeric(12, 2) CHECK (quantity >= 0),
    quantity_unit text CHECK (length(quantity_unit) <= 50),
    recipient   text CHECK (length(recipient) <= 500),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contributions_activity ON contributions (activity_id, id);

-- Commendations (khen thưởng). The issuer is a unit in the tree or a body
-- outside it named in full, with its level either way; the recipient is a
-- member or a unit (collective), never both.
CREATE TABLE commendations (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    form             text NOT NULL CHECK (form IN ('GIAY_KHEN', 'BANG_KHEN', 'GIAY_CHUNG_NHAN', 'HUY_HIEU', 'CO_THI_DUA', 'OTHER')),
    title            text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 500),
    issuer_unit_id   bigint REFERENCES units (id),
    issuer_name      text CHECK (length(issuer_name) <= 300),
    issuer_level     text NOT NULL CHECK (issuer_level IN ('CENTRAL', 'PROVINCE', 'BLOC', 'DISTRICT', 'GRASSROOTS', 'BRANCH')),
    decision_number  text CHECK (length(decision_number) <= 100),
    decision_date    date,
    year             integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    reason           text CHECK (length(reason) <= 2000),
    member_id        bigint REFERENCES members (id),
    unit_id          bigint REFERENCES units (id),
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((member_id IS NULL) <> (unit_id IS NULL)),
    CHECK (issuer_unit_id IS NOT NULL OR btrim(issuer_name) <> '')
);
CREATE INDEX commendations_member ON commendations (member_id, year) WHERE member_id IS NOT NULL;
CREATE INDEX commendations_unit ON commendations (unit_id, year) WHERE unit_id IS NOT NULL;
CREATE INDEX commendations_issuer ON commendations (issuer_unit_id, year) WHERE issuer_unit_id IS NOT NULL;
CREATE INDEX commendations_year ON commendations (year DESC, id DESC);

-- Pledges (cam kết) a unit asks its members to sign in a year, and who signed.
CREATE TABLE pledges (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    year        integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    title       text NOT NULL CHECK (btrim(title) <> '' AND length(title) <= 500),
    description text CHECK (length(description) <= 5000),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (unit_id, year, title)
);

CREATE TABLE pledge_signatures (
    pledge_id bigint NOT NULL REFERENCES pledges (id) ON DELETE CASCADE,
    member_id bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    signed_on date NOT NULL,
    PRIMARY KEY (pledge_id, member_id)
);
CREATE INDEX pledge_signatures_member ON pledge_signatures (member_id);

-- Yearly member rating (xếp loại đoàn viên), one per member and year; the
-- unit is the one the member belonged to when rated, for reports.
CREATE TABLE member_ratings (
    member_id  bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    year       integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    unit_id    bigint NOT NULL REFERENCES units (id),
    level      text NOT NULL CHECK (level IN ('EXCELLENT', 'GOOD', 'COMPLETED', 'NOT_COMPLETED')),
    comment    text CHECK (length(comment) <= 2000),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, year)
);
CREATE INDEX member_ratings_unit_year ON member_ratings (unit_id, year);
