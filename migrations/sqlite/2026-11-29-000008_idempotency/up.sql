-- The first answer to each POST sent with an Idempotency-Key, so a retried request gets
-- that answer instead of doing the work twice. Keys belong to the caller who sent them.
CREATE TABLE idempotency_keys (
    owner          TEXT NOT NULL,
    key            TEXT NOT NULL,
    request_hash   TEXT NOT NULL,
    -- NULL while the first request is still running.
    status         INTEGER,
    content_type   TEXT,
    etag           TEXT,
    location       TEXT,
    body           BLOB,
    created_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (owner, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
