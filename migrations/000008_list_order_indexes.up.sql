-- Member lists over a large subtree (a bloc, a province) walk the members
-- in the list's order and keep those in the subtree, stopping at the page;
-- these indexes give them that order. Small subtrees use the per-unit
-- indexes instead (members_unit_sort).
CREATE INDEX members_sort ON members (sort_name, id);
CREATE INDEX members_joined ON members (joined_on DESC, id DESC);
