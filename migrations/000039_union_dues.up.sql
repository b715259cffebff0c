-- Union dues (đoàn phí, issue 17). Members pay monthly to their branch at
-- the rate of their category; each level keeps its share of what it
-- collects or receives and remits the rest to the level above, which
-- confirms receipt. Rates and shares are rules of a period, so both are
-- stored with the day they take effect, not written into the code.

-- What a member pays by: salaried or not, or living abroad. It is the
-- member's category now; each payment keeps the amount it was.
ALTER TABLE members ADD COLUMN dues_category text NOT NULL DEFAULT 'UNSALARIED'
    CHECK (dues_category IN ('UNSALARIED', 'SALARIED', 'ABROAD'));

-- A monthly rate a unit sets for its members and everything below it,
-- from a day on, until the same unit sets the category again. A member
-- pays the highest rate in force along their unit's path: the levels
-- above set the least that may be asked, a unit may ask more.
CREATE TABLE dues_rates (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id         bigint NOT NULL REFERENCES units (id),
    category        text NOT NULL CHECK (category IN ('UNSALARIED', 'SALARIED', 'ABROAD')),
    monthly_amount  bigint NOT NULL CHECK (monthly_amount BETWEEN 1 AND 10000000),
    valid_from      date NOT NULL CHECK (extract(day FROM valid_from) = 1),
    decision_number text CHECK (length(decision_number) <= 100),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (unit_id, category, valid_from)
);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON dues_rates FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

-- The share of dues a level keeps, from a day on (2/3 since 2011). The
-- top of the tree keeps all it receives.
CREATE TABLE dues_shares (
    valid_from      date PRIMARY KEY,
    kept_numerator  integer NOT NULL,
    kept_of         integer NOT NULL,
    decision_number text CHECK (length(decision_number) <= 100),
    CHECK (kept_numerator BETWEEN 0 AND kept_of AND kept_of BETWEEN 1 AND 100)
);
-- Rules of the whole Union, changed by a migration when the Union changes
-- them; their history is the migrations'.
INSERT INTO dues_shares (valid_from, kept_numerator, kept_of) VALUES ('2011-01-01', 2, 3);

-- A collection (thu đoàn phí): what a unit's treasurer collected from its
-- members on a day, for one or more months each. upward is the part owed
-- to the level above under the share of that day; total, upward and
-- member_months are sums of the payments, kept here so a year's ledger and
-- report read collections, not every member-month of a province.
CREATE TABLE dues_collections (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id       bigint NOT NULL REFERENCES units (id),
    collected_on  date NOT NULL,
    total         bigint NOT NULL CHECK (total > 0),
    upward        bigint NOT NULL CHECK (upward BETWEEN 0 AND total),
    member_months integer NOT NULL CHECK (member_months > 0),
    note          text CHECK (length(note) <= 2000),
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dues_collections_unit ON dues_collections (unit_id, collected_on);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON dues_collections FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

-- One member's dues for one month, in a collection. A month is paid once.
-- unit_id is the collection's: who holds the money.
CREATE TABLE dues_payments (
    collection_id bigint NOT NULL REFERENCES dues_collections (id) ON DELETE CASCADE,
    unit_id       bigint NOT NULL REFERENCES units (id),
    member_id     bigint NOT NULL REFERENCES members (id),
    month         date NOT NULL CHECK (extract(day FROM month) = 1),
    amount        bigint NOT NULL CHECK (amount BETWEEN 1 AND 10000000),
    PRIMARY KEY (member_id, month)
);
CREATE INDEX dues_payments_collection ON dues_payments (collection_id);
CREATE INDEX dues_payments_unit_month ON dues_payments (unit_id, month);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON dues_payments FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

-- A remittance (nộp đoàn phí cấp trên): money a unit (unit_id) sends to
-- the level above (to_unit_id), which confirms it arrived or returns it.
-- On confirmation onward is the part the receiver owes its own level
-- above, under the share of that day (0 at the top).
CREATE TABLE dues_remittances (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id     bigint NOT NULL REFERENCES units (id),
    to_unit_id  bigint NOT NULL REFERENCES units (id),
    amount      bigint NOT NULL CHECK (amount BETWEEN 1 AND 1000000000000),
    sent_on     date NOT NULL,
    number      text CHECK (length(number) <= 100),
    note        text CHECK (length(note) <= 2000),
    status      text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'CONFIRMED', 'RETURNED')),
    answered_on date,
    answer_note text CHECK (length(answer_note) <= 2000),
    onward      bigint CHECK (onward BETWEEN 0 AND amount),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (unit_id <> to_unit_id),
    CHECK ((status = 'PENDING') = (answered_on IS NULL)),
    CHECK ((status = 'CONFIRMED') = (onward IS NOT NULL)),
    CHECK (answered_on IS NULL OR answered_on >= sent_on)
);
CREATE INDEX dues_remittances_from ON dues_remittances (unit_id, sent_on);
CREATE INDEX dues_remittances_to ON dues_remittances (to_unit_id, sent_on);
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON dues_remittances FOR EACH ROW EXECUTE FUNCTION audit_row('unit');

-- The Union's rates since 1 January 2011, set at the top of the tree
-- (every tree has one root; a fresh database gets them when its root is
-- made, below).
CREATE FUNCTION dues_default_rates() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.parent_id IS NULL THEN
        INSERT INTO dues_rates (unit_id, category, monthly_amount, valid_from)
        VALUES (NEW.id, 'UNSALARIED', 2000, '2011-01-01'), (NEW.id, 'SALARIED', 5000, '2011-01-01'),
               (NEW.id, 'ABROAD', 5000, '2011-01-01')
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER dues_default_rates AFTER INSERT ON units FOR EACH ROW EXECUTE FUNCTION dues_default_rates();
-- Also when a bulk load skips the ordinary triggers: a tree without rates
-- could not collect dues.
ALTER TABLE units ENABLE ALWAYS TRIGGER dues_default_rates;
INSERT INTO dues_rates (unit_id, category, monthly_amount, valid_from)
SELECT u.id, c.category, c.amount, '2011-01-01'
FROM units u CROSS JOIN (VALUES ('UNSALARIED', 2000), ('SALARIED', 5000), ('ABROAD', 5000)) AS c (category, amount)
WHERE u.parent_id IS NULL;
