ALTER TABLE member_events DROP COLUMN early_reason;
