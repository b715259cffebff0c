DROP TABLE IF EXISTS address_visitors;
DROP TABLE IF EXISTS site_visitors;
