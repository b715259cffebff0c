DROP TABLE IF EXISTS download_links;
DROP TRIGGER IF EXISTS audit ON plan_targets;
DROP TABLE IF EXISTS plan_targets;
