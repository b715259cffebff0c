-- Member lists imported from spreadsheets (issue 17). An officer uploads a
-- file (member_list_uploads, kept a day: where every server reads it), then
-- imports it into a branch, as a dry run or for real; a real import is one
-- transaction, logged in member_imports with what it did (the members it
-- wrote are audited row by row by their own tables' triggers).
CREATE TABLE member_list_uploads (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id),
    file_name   text CHECK (length(file_name) <= 300),
    data        bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_list_uploads_created ON member_list_uploads (created_at);

CREATE TABLE member_imports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    account_id  bigint REFERENCES accounts (id),
    upload_id   bigint REFERENCES member_list_uploads (id) ON DELETE SET NULL,
    created     integer NOT NULL,
    updated     integer NOT NULL,
    unchanged   integer NOT NULL,
    summary     jsonb NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_imports_unit ON member_imports (unit_id, created_at);
