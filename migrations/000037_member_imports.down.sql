DROP TABLE member_imports;
DROP TABLE member_list_uploads;
