-- Plans: next year's targets (chỉ tiêu) of a unit, each bound to a figure
-- the yearly report computes, so progress is measured, not typed in.
CREATE TABLE plan_targets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    year        int NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    metric      text NOT NULL CHECK (metric IN ('ACTIVITIES', 'PARTICIPATIONS', 'PARTICIPATION_SHARE',
                    'VOLUNTEER_HOURS', 'CONTRIBUTION_VALUE', 'YOUTH_PROJECTS', 'ADMISSIONS',
                    'MEMBERS_AT_YEAR_END', 'EXCELLENT_SHARE', 'PLEDGE_SHARE')),
    -- Only metrics of activities may be narrowed to one work area.
    work_area   text CHECK (work_area IN ('POLITICAL_EDUCATION', 'YOUTH_VOLUNTEERING', 'CREATIVE_YOUTH',
                    'DEFENDING_FATHERLAND', 'ORGANISATION_BUILDING')),
    target      numeric NOT NULL CHECK (target >= 0),
    note        text CHECK (length(note) <= 1000),
    position    int NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (work_area IS NULL OR metric IN ('ACTIVITIES', 'PARTICIPATIONS', 'PARTICIPATION_SHARE',
                    'VOLUNTEER_HOURS', 'CONTRIBUTION_VALUE', 'YOUTH_PROJECTS')),
    CHECK (metric NOT LIKE '%_SHARE' OR target <= 1),
    UNIQUE NULLS NOT DISTINCT (unit_id, year, metric, work_area)
);
CREATE INDEX plan_targets_unit_year ON plan_targets (unit_id, year, position);

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON plan_targets FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

-- Short-lived links to download an export, so a browser can fetch a report
-- with a plain GET. Only a hash of the token is kept.
CREATE TABLE download_links (
    token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
    account_id  bigint NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    unit_id     bigint NOT NULL REFERENCES units (id),
    year        int NOT NULL,
    format      text NOT NULL CHECK (format IN ('XLSX', 'HTML')),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX download_links_expiry ON download_links (expires_at);
