-- Ageing out (trưởng thành) before the age limit (30) needs a ground the
-- Union's rules allow (issue 17); the event keeps which one was given.
ALTER TABLE member_events
    ADD COLUMN early_reason text CHECK (early_reason IN ('PARTY_MEMBER', 'COMMITTEE_DECISION')),
    ADD CONSTRAINT member_events_early_reason_is_ageing_out CHECK (early_reason IS NULL OR kind = 'AGED_OUT');
