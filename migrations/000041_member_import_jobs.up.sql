-- A large member list is imported in the background (issue 17): its log
-- row is written first, RUNNING, so any server can answer how it goes; the
-- import's own transaction fills it in when it commits (DONE), or it ends
-- FAILED: the list has problems (in summary, nothing written), or the
-- import stopped (the server shut down, an error). A RUNNING row that has
-- not moved for long is one whose server died mid-way: its transaction
-- rolled back, and readers report it FAILED.
ALTER TABLE member_imports
    ADD COLUMN status     text NOT NULL DEFAULT 'DONE' CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
    ADD COLUMN stage      text CHECK (stage IN ('CHECKING', 'WRITING')),
    ADD COLUMN rows_total integer,
    ADD COLUMN failure    text CHECK (failure IN ('PROBLEMS', 'INTERRUPTED')),
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
    ADD CHECK ((status = 'FAILED') = (failure IS NOT NULL));
