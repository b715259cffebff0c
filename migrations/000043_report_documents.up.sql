-- The year-end report as a document (issue 18): beside the figures, what
-- the secretary writes (the situation, results by work area, the
-- assessment, next period's directions) and the document's own details
-- (its number, place and date, recipients). One document per unit and
-- period; each text keeps every version saved (report_text_versions), so
-- an edit can be undone and a submitted report keeps the words it had.
CREATE TABLE report_documents (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    year        integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    period      text NOT NULL CHECK (period IN ('YEAR', 'FIRST_HALF', 'Q1', 'Q2', 'Q3', 'Q4')),
    number      text CHECK (length(number) <= 100),
    place       text CHECK (length(place) <= 200),
    dated_on    date,
    recipients  text[] NOT NULL DEFAULT '{}' CHECK (cardinality(recipients) <= 30),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (unit_id, year, period)
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON report_documents FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

CREATE TABLE report_texts (
    document_id bigint NOT NULL REFERENCES report_documents (id) ON DELETE CASCADE,
    unit_id     bigint NOT NULL REFERENCES units (id),
    section     text NOT NULL CHECK (section IN ('SITUATION', 'WORK_AREA', 'STRENGTHS', 'LIMITATIONS', 'CAUSES', 'LESSONS',
                                                 'DIRECTIONS', 'SOLUTIONS')),
    -- The work area of a WORK_AREA text; '' for the others.
    work_area   text NOT NULL DEFAULT '',
    body        text NOT NULL CHECK (length(body) <= 50000),
    version     integer NOT NULL DEFAULT 1,
    account_id  bigint REFERENCES accounts (id),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, section, work_area),
    CHECK ((section = 'WORK_AREA') = (work_area <> ''))
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON report_texts FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

CREATE TABLE report_text_versions (
    document_id bigint NOT NULL REFERENCES report_documents (id) ON DELETE CASCADE,
    section     text NOT NULL,
    work_area   text NOT NULL,
    version     integer NOT NULL,
    body        text NOT NULL,
    account_id  bigint REFERENCES accounts (id),
    saved_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (document_id, section, work_area, version)
);
