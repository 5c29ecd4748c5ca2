-- The change feed's public order and the audit trail's hash chain. Both are assigned at
-- the end of each write transaction under one lock on `ledger_head`, so the feed's
-- positions follow commit order and each audit row chains onto the one committed before.
ALTER TABLE change_events ADD COLUMN position BIGINT;
UPDATE change_events SET position = seq;
CREATE UNIQUE INDEX change_events_position ON change_events (position);
CREATE INDEX change_events_unpositioned ON change_events (seq) WHERE position IS NULL;

ALTER TABLE audit_log ADD COLUMN chain_seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_log_chain_seq ON audit_log (chain_seq);
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE hash IS NULL;
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

CREATE TABLE ledger_head (
    id            INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    feed_position BIGINT NOT NULL,
    audit_seq     BIGINT NOT NULL,
    audit_hash    TEXT NOT NULL
);
INSERT INTO ledger_head (id, feed_position, audit_seq, audit_hash)
SELECT 1, COALESCE(MAX(seq), 0), 0, '' FROM change_events;

-- Service clients: machines that read with the OAuth 2.0 client-credentials grant.
CREATE TABLE api_clients (
    id                TEXT PRIMARY KEY NOT NULL,
    name              TEXT NOT NULL,
    client_id         TEXT NOT NULL UNIQUE,
    secret_hash       TEXT NOT NULL,
    scopes            TEXT NOT NULL,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    secret_rotated_at TIMESTAMP NOT NULL,
    last_used_at      TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE webhook_subscriptions (
    id                   TEXT PRIMARY KEY NOT NULL,
    name                 TEXT NOT NULL,
    url                  TEXT NOT NULL,
    secret               TEXT NOT NULL,
    event_types          TEXT NOT NULL,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason      TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    -- The last feed position already turned into deliveries for this subscription.
    cursor               BIGINT NOT NULL,
    created_by           TEXT REFERENCES users (id),
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE webhook_deliveries (
    id               TEXT PRIMARY KEY NOT NULL,
    subscription_id  TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    -- Stable across retries and replays of the same event: receivers de-duplicate on it.
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    position         BIGINT,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    locked_until     TIMESTAMP,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at);
