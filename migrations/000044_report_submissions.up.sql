-- A unit hands its report for a period in to the level above (issue 18):
-- the submission keeps the report as it was then (its figures, texts and
-- details, as JSON), so later changes to the records leave it as handed
-- in. The parent's officers accept it or return it with a comment; after a
-- return the unit may submit again (a new row). At most one submission of
-- a unit's period is waiting or accepted at a time, and while one is, the
-- report's texts stay as submitted.
CREATE TABLE report_submissions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    to_unit_id  bigint NOT NULL REFERENCES units (id),
    year        integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    period      text NOT NULL CHECK (period IN ('YEAR', 'FIRST_HALF', 'Q1', 'Q2', 'Q3', 'Q4')),
    status      text NOT NULL DEFAULT 'SUBMITTED' CHECK (status IN ('SUBMITTED', 'ACCEPTED', 'RETURNED')),
    submitted_at timestamptz NOT NULL DEFAULT now(),
    account_id  bigint REFERENCES accounts (id),
    answered_at timestamptz,
    answer_note text CHECK (length(answer_note) <= 2000),
    figures     jsonb NOT NULL,
    document    jsonb NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'SUBMITTED') = (answered_at IS NULL))
);
CREATE UNIQUE INDEX report_submissions_one_active ON report_submissions (unit_id, year, period) WHERE status <> 'RETURNED';
CREATE INDEX report_submissions_to ON report_submissions (to_unit_id, year, period);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON report_submissions FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
