DROP TABLE IF EXISTS positions;
DROP TABLE IF EXISTS committee_terms;
