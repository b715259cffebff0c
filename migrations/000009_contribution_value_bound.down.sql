ALTER TABLE contributions DROP CONSTRAINT IF EXISTS contributions_value_bound;
