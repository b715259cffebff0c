DELETE FROM member_imports WHERE status <> 'DONE';
ALTER TABLE member_imports DROP COLUMN status, DROP COLUMN stage, DROP COLUMN rows_total, DROP COLUMN failure,
    DROP COLUMN updated_at;
