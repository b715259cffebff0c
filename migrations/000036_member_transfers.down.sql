ALTER TABLE member_events DROP COLUMN transfer_id;
DROP TABLE member_transfers;
