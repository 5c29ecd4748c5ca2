DROP INDEX audit_log_mac;
ALTER TABLE audit_log DROP COLUMN mac;
