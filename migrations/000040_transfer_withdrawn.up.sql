-- The sending unit may withdraw a transfer still waiting for its answer
-- (issued by mistake, or the member stays after all): WITHDRAWN, with the
-- day and the reason in answered_on and answer_note (issue 17).
ALTER TABLE member_transfers DROP CONSTRAINT member_transfers_status_check;
ALTER TABLE member_transfers ADD CONSTRAINT member_transfers_status_check
    CHECK (status IN ('PENDING', 'ACCEPTED', 'RETURNED', 'WITHDRAWN'));
