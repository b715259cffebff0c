DROP TRIGGER dues_default_rates ON units;
DROP FUNCTION dues_default_rates();
DROP TABLE dues_remittances;
DROP TABLE dues_payments;
DROP TABLE dues_collections;
DROP TABLE dues_shares;
DROP TABLE dues_rates;
ALTER TABLE members DROP COLUMN dues_category;
