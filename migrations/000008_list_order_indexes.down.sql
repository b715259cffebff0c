DROP INDEX IF EXISTS members_joined;
DROP INDEX IF EXISTS members_sort;
