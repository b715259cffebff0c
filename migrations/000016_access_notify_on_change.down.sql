DROP TRIGGER access_changed_delete ON accounts;
DROP TRIGGER access_changed ON accounts;
CREATE TRIGGER access_changed AFTER UPDATE OF active, member_id, username, display_name OR DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();

DROP TRIGGER access_changed_delete ON members;
DROP TRIGGER access_changed ON members;
CREATE TRIGGER access_changed AFTER UPDATE OF unit_id OR DELETE ON members
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();

DROP TRIGGER access_changed_delete ON units;
DROP TRIGGER access_changed ON units;
CREATE TRIGGER access_changed AFTER UPDATE OF parent_id, path, archived_at, level OR DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
