-- A submitted report prints as it was handed in (issue 18): the lists its
-- exports show beside the figures (committee, activities, people, awards,
-- dues, next period's targets) are kept with it. Earlier submissions have
-- none; their exports list the records as they are now. The lists are
-- JSON compressed with gzip, read only by an export: a province's lists,
-- its 78,000 participants among them, are 19 MB of JSON at 100,000 members
-- and 930 KB compressed. Being compressed already, they are stored out
-- of line without TOAST compressing them again.
ALTER TABLE report_submissions ADD COLUMN details bytea;
ALTER TABLE report_submissions ALTER COLUMN details SET STORAGE EXTERNAL;

-- A download link names the days of the report it exports (a half-year or
-- a quarter, nil for the whole year) or the submission it prints.
ALTER TABLE download_links ADD COLUMN from_on date,
    ADD COLUMN as_of date,
    ADD COLUMN submission_id bigint REFERENCES report_submissions (id) ON DELETE CASCADE;

-- The audit log of a submission records who handed it in, answered it and
-- how, not a second copy of its figures and lists: those are the
-- submission itself, which is never changed.
CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    old_row jsonb;
    new_row jsonb;
    r       jsonb;
    unit    bigint;
    member  bigint;
    hidden  text[] := '{password_hash,search,sort_name,failed_logins,last_failed_at}';
BEGIN
    IF TG_TABLE_NAME = 'report_submissions' THEN
        hidden := hidden || '{figures,details}'::text[];
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_row := to_jsonb(OLD) - hidden;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_row := to_jsonb(NEW) - hidden;
    END IF;
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL; -- nothing the log shows changed (only a hidden column did)
    END IF;
    r := coalesce(new_row, old_row);
    member := CASE WHEN TG_TABLE_NAME = 'members' THEN (r->>'id')::bigint ELSE (r->>'member_id')::bigint END;
    unit := CASE TG_ARGV[0]
        WHEN 'self'     THEN (r->>'id')::bigint
        WHEN 'unit'     THEN (r->>'unit_id')::bigint
        WHEN 'activity' THEN (SELECT unit_id FROM activities WHERE id = (r->>'activity_id')::bigint)
        WHEN 'pledge'   THEN (SELECT unit_id FROM pledges WHERE id = (r->>'pledge_id')::bigint)
        WHEN 'member'   THEN (SELECT unit_id FROM members WHERE id = (r->>'member_id')::bigint)
        WHEN 'recipient' THEN coalesce((r->>'unit_id')::bigint,
                              (SELECT unit_id FROM members WHERE id = (r->>'member_id')::bigint))
        WHEN 'account'  THEN coalesce((r->>'unit_id')::bigint,
                              (SELECT unit_id FROM accounts WHERE id = (r->>'account_id')::bigint))
    END;
    INSERT INTO audit_log (account_id, request_id, action, entity, record_id, unit_id, member_id, before, after)
    VALUES (nullif(current_setting('sodoan.account_id', true), '')::bigint,
            nullif(current_setting('sodoan.request_id', true), ''),
            TG_OP, TG_TABLE_NAME, (r->>'id')::bigint, unit,
            CASE WHEN TG_TABLE_NAME IN ('accounts', 'account_roles') THEN NULL ELSE member END,
            old_row, new_row);
    RETURN NULL;
END $$;
