DROP TRIGGER access_changed ON members;
DROP TRIGGER access_changed ON sessions;
DROP TRIGGER access_changed ON accounts;
DROP TRIGGER access_changed ON account_roles;
DROP TRIGGER access_changed ON units;
DROP FUNCTION access_changed();
