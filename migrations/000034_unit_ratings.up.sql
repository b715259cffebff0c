-- The level above rates each branch and grassroots union once a year
-- (xếp loại tổ chức Đoàn, issue 17). The scale has changed over the years:
-- which levels a year takes is decided in one place, internal/award
-- (unitScales); the table holds any level of any scale.
CREATE TABLE unit_ratings (
    unit_id          bigint NOT NULL REFERENCES units (id),
    year             integer NOT NULL CHECK (year BETWEEN 1931 AND 2200),
    level            text NOT NULL CHECK (level IN ('EXCELLENT', 'GOOD', 'COMPLETED', 'NOT_COMPLETED',
                                                    'STRONG', 'FAIR', 'AVERAGE', 'WEAK')),
    decision_number  text CHECK (length(decision_number) <= 100),
    comment          text CHECK (length(comment) <= 2000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit_id, year)
);
CREATE INDEX unit_ratings_year ON unit_ratings (year, unit_id);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON unit_ratings FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
