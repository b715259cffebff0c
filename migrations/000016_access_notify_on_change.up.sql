-- access_changed fired on every plain edit of a unit or a member: UPDATE
-- OF fires when the column is in the SET list, and the stores' updates set
-- every column, changed or not. So fixing a unit's address emptied every
-- server's principal cache. Row triggers with WHEN announce only what
-- changes an answer; the same notice many times in one transaction (a
-- subtree's move) is still sent once.
DROP TRIGGER access_changed ON units;
CREATE TRIGGER access_changed AFTER UPDATE ON units FOR EACH ROW
    WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id OR OLD.path <> NEW.path OR OLD.level <> NEW.level
          OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
    EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed_delete AFTER DELETE ON units
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();

DROP TRIGGER access_changed ON members;
CREATE TRIGGER access_changed AFTER UPDATE ON members FOR EACH ROW
    WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id)
    EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed_delete AFTER DELETE ON members
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();

DROP TRIGGER access_changed ON accounts;
CREATE TRIGGER access_changed AFTER UPDATE ON accounts FOR EACH ROW
    WHEN (OLD.active IS DISTINCT FROM NEW.active OR OLD.member_id IS DISTINCT FROM NEW.member_id
          OR OLD.username IS DISTINCT FROM NEW.username OR OLD.display_name IS DISTINCT FROM NEW.display_name)
    EXECUTE FUNCTION access_changed();
CREATE TRIGGER access_changed_delete AFTER DELETE ON accounts
    FOR EACH STATEMENT EXECUTE FUNCTION access_changed();
