-- Foundation: org units, staff, users and their sessions, the audit log and the change feed.
-- Ids are UUIDv7 text; timestamps are naive UTC; every searchable name has a folded copy
-- (`*_search`) and a Vietnamese collation key (`*_sort`).

CREATE TABLE org_units (
    id          TEXT PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    name_search TEXT NOT NULL,
    name_sort   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    parent_id   TEXT REFERENCES org_units (id),
    -- Materialised path "/root-id/…/own-id/": a subtree is a prefix match.
    path        TEXT NOT NULL UNIQUE,
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX org_units_parent_id ON org_units (parent_id);
CREATE INDEX org_units_name_sort ON org_units (name_sort);
CREATE INDEX org_units_updated_at ON org_units (updated_at);

CREATE TABLE staff (
    id               TEXT PRIMARY KEY NOT NULL,
    staff_code       TEXT UNIQUE,
    full_name        TEXT NOT NULL,
    name_search      TEXT NOT NULL,
    name_sort        TEXT NOT NULL,
    org_unit_id      TEXT NOT NULL REFERENCES org_units (id),
    position         TEXT,
    category         TEXT NOT NULL,
    email            TEXT UNIQUE,
    gender           TEXT,
    personal_id      TEXT UNIQUE,
    active           BOOLEAN NOT NULL DEFAULT 1,
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX staff_org_unit_id ON staff (org_unit_id);
CREATE INDEX staff_name_sort ON staff (name_sort);
CREATE INDEX staff_updated_at ON staff (updated_at);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY NOT NULL,
    username            TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    -- Comma-separated role names, e.g. "officer,council".
    roles               TEXT NOT NULL,
    org_unit_id         TEXT REFERENCES org_units (id),
    staff_id            TEXT REFERENCES staff (id),
    active              BOOLEAN NOT NULL DEFAULT 1,
    version             BIGINT NOT NULL DEFAULT 1,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL
);
CREATE INDEX users_org_unit_id ON users (org_unit_id);
CREATE INDEX users_updated_at ON users (updated_at);

-- One row per login; access tokens name their session, so logout and password changes end them.
CREATE TABLE sessions (
    id             TEXT PRIMARY KEY NOT NULL,
    user_id        TEXT NOT NULL REFERENCES users (id),
    created_at     TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX sessions_user_id ON sessions (user_id);

-- Rotating refresh tokens, stored as SHA-256; a used one presented again revokes its session.
CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX refresh_tokens_session_id ON refresh_tokens (session_id);

CREATE TABLE audit_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at            TIMESTAMP NOT NULL,
    actor_id      TEXT,
    request_id    TEXT,
    action        TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    before        TEXT,
    after         TEXT
);
CREATE INDEX audit_log_resource ON audit_log (resource_type, resource_id);

CREATE TABLE change_events (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    at            TIMESTAMP NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id   TEXT NOT NULL,
    action        TEXT NOT NULL,
    version       BIGINT NOT NULL
);
