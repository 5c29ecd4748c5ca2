DROP TABLE change_events;
DROP TABLE audit_log;
DROP TABLE refresh_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE staff;
DROP TABLE org_units;
