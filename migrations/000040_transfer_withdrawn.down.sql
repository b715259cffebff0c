UPDATE member_transfers SET status = 'RETURNED' WHERE status = 'WITHDRAWN';
ALTER TABLE member_transfers DROP CONSTRAINT member_transfers_status_check;
ALTER TABLE member_transfers ADD CONSTRAINT member_transfers_status_check
    CHECK (status IN ('PENDING', 'ACCEPTED', 'RETURNED'));
