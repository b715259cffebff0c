-- Every server remembers for a moment whom a session token signs in, with
-- its roles (the principal cache). A change that alters that answer is
-- announced on the channel access_changed, so that every server drops what
-- it remembers as soon as the change commits, not when its cache expires:
-- a unit moved, dissolved or restored (a role on an archived unit has
-- lapsed) or re-levelled (the size hint of access.Scope.Narrow), a role granted or revoked, an account switched off or relinked,
-- a session ended, a member moved to another branch (the roster it sees).
-- NOTIFY is sent at commit, and the same notice twice in one transaction
-- is sent once, so a statement-level trigger costs one notice a change.
-- The payload names the table, for the servers' logs.
CREATE FUNCTION access_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('access_changed', TG_TABLE_NAME);
    RETURN NULL;
END $$;

CREATE TRIGGER access_changed AFTER UPDATE OF parent_id, path, archived_at, level OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed AFTER INSERT OR UPDATE OR DELETE ON account_roles
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed AFTER UPDATE OF active, member_id, username, display_name OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed AFTER UPDATE OF revoked_at, expires_at OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed AFTER UPDATE OF unit_id OR DELETE ON members
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
