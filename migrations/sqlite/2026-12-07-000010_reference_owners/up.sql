-- Who owns each kind of reference data (issue 17): a movement or legal document entered by
-- an officer belongs to that officer's unit (NULL: national, the admins'); a unit may keep
-- holidays of its own; a service client may be limited to a unit subtree.
PRAGMA foreign_keys = OFF;
BEGIN;

ALTER TABLE movements ADD COLUMN owner_unit_id TEXT REFERENCES org_units (id);
CREATE INDEX movements_owner_unit_id ON movements (owner_unit_id);

-- A document is unique per owner: a province may record a decree the admins have not
-- made national, without learning that another province recorded it.
CREATE TABLE legal_documents_new (
    id            TEXT PRIMARY KEY NOT NULL,
    number        TEXT NOT NULL,
    doc_type      TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    issued_on     DATE NOT NULL,
    title         TEXT NOT NULL,
    search_text   TEXT NOT NULL,
    url           TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    owner_unit_id TEXT REFERENCES org_units (id)
);
INSERT INTO legal_documents_new
    (id, number, doc_type, issuer, issued_on, title, search_text, url, version, created_at, updated_at)
    SELECT id, number, doc_type, issuer, issued_on, title, search_text, url, version, created_at, updated_at
    FROM legal_documents;
DROP TABLE legal_documents;
ALTER TABLE legal_documents_new RENAME TO legal_documents;
CREATE INDEX legal_documents_updated_at ON legal_documents (updated_at);
CREATE INDEX legal_documents_owner_unit_id ON legal_documents (owner_unit_id);
CREATE UNIQUE INDEX legal_documents_unique_per_owner
    ON legal_documents (COALESCE(owner_unit_id, ''), number, issuer, issued_on);

-- A unit's own days off (a province's local holiday); national ones stay in `holidays`.
CREATE TABLE unit_holidays (
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    day         DATE NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (org_unit_id, day)
);
CREATE INDEX unit_holidays_day ON unit_holidays (day);

ALTER TABLE api_clients ADD COLUMN org_unit_id TEXT REFERENCES org_units (id);

COMMIT;
PRAGMA foreign_keys = ON;
