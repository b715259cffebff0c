DROP TRIGGER member_stays_member ON members;
DROP TRIGGER member_stays_insert ON member_events;
DROP TRIGGER member_stays_update ON member_events;
DROP TRIGGER member_stays_delete ON member_events;
DROP FUNCTION member_stays_member();
DROP FUNCTION member_stays_events();
DROP FUNCTION member_stays_refresh(bigint[]);
DROP VIEW member_stays_from_events;
DROP TABLE member_stays;
