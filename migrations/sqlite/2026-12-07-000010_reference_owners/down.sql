PRAGMA foreign_keys = OFF;
BEGIN;
ALTER TABLE api_clients DROP COLUMN org_unit_id;
DROP TABLE unit_holidays;
DROP INDEX legal_documents_unique_per_owner;
DROP INDEX legal_documents_owner_unit_id;
CREATE TABLE legal_documents_old (
    id           TEXT PRIMARY KEY NOT NULL,
    number       TEXT NOT NULL,
    doc_type     TEXT NOT NULL,
    issuer       TEXT NOT NULL,
    issued_on    DATE NOT NULL,
    title        TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    url          TEXT,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    UNIQUE (number, issuer, issued_on)
);
INSERT INTO legal_documents_old
    SELECT id, number, doc_type, issuer, issued_on, title, search_text, url, version, created_at, updated_at
    FROM legal_documents;
DROP TABLE legal_documents;
ALTER TABLE legal_documents_old RENAME TO legal_documents;
CREATE INDEX legal_documents_updated_at ON legal_documents (updated_at);
DROP INDEX movements_owner_unit_id;
ALTER TABLE movements DROP COLUMN owner_unit_id;
COMMIT;
PRAGMA foreign_keys = ON;
