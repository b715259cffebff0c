-- Members introduced to the Party for admission (giới thiệu đoàn viên ưu
-- tú cho Đảng xem xét kết nạp) and, later, admitted to it (issue 17). A
-- referral is of the unit the member was in when introduced; the year-end
-- report counts referrals and admissions by that unit. Party membership
-- can reveal political affiliation: the whole row is the member's personal
-- data (graph's personalKeys).
CREATE TABLE party_referrals (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id                 bigint NOT NULL REFERENCES members (id),
    unit_id                   bigint NOT NULL REFERENCES units (id),
    introduced_on             date NOT NULL,
    decision_number           text CHECK (length(decision_number) <= 100),
    admitted_on               date,
    admission_decision_number text CHECK (length(admission_decision_number) <= 100),
    note                      text CHECK (length(note) <= 2000),
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK (admitted_on IS NULL OR admitted_on >= introduced_on),
    CHECK (admission_decision_number IS NULL OR admitted_on IS NOT NULL),
    UNIQUE (member_id, introduced_on)
);
CREATE INDEX party_referrals_unit_introduced ON party_referrals (unit_id, introduced_on);
CREATE INDEX party_referrals_unit_admitted ON party_referrals (unit_id, admitted_on) WHERE admitted_on IS NOT NULL;
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON party_referrals FOR EACH ROW EXECUTE FUNCTION audit_row('unit');
