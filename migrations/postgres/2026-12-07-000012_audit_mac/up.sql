-- Each audit row carries a keyed MAC (HMAC-SHA256, `domain::audit`), computed in the
-- write's own transaction with a key the database does not hold: `<nonce>.<tag>`. The
-- sealer chains only rows whose MAC verifies, so a row put into the table behind the
-- service's back is never chained, and verify reports it. Unique: a genuine row copied
-- whole, MAC and all, is refused (its nonce makes every MAC one of a kind).
-- Rows already in the table get their MAC when this migration is applied
-- (`audit::key_rows_written_before_keys`, run by `db::migrate`, which holds the key).
ALTER TABLE audit_log ADD COLUMN mac TEXT;
CREATE UNIQUE INDEX audit_log_mac ON audit_log (mac);
