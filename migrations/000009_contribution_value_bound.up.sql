-- One contribution is worth at most 1,000 billion đồng (internal/money
-- explains the bound). The constraint is added NOT VALID so that rows
-- recorded before it existed cannot stop the migration, and validated at
-- once when none exceeds it; otherwise a warning names the count, and the
-- rows stay readable: every sum over contributions saturates rather than
-- fails.
ALTER TABLE contributions ADD CONSTRAINT contributions_value_bound
    CHECK (value_dong <= 1000000000000) NOT VALID;

DO $$
DECLARE
    over bigint;
BEGIN
    SELECT count(*) INTO over FROM contributions WHERE value_dong > 1000000000000;
    IF over = 0 THEN
        ALTER TABLE contributions VALIDATE CONSTRAINT contributions_value_bound;
    ELSE
        RAISE WARNING '% contributions are worth more than 1,000 billion dong; correct them, then run: ALTER TABLE contributions VALIDATE CONSTRAINT contributions_value_bound', over;
    END IF;
END $$;
