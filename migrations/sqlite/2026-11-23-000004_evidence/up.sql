-- Registrations, evidence with files and review history, learning records, blocs.

-- How often a criterion's evidence is expected (monthly, quarterly, yearly), and, for a
-- collective percentage computed from staff, the individual criterion it counts.
-- (No REFERENCES: SQLite cannot drop a column that is part of a foreign key; the
-- application checks it.)
ALTER TABLE criteria ADD COLUMN frequency TEXT;
ALTER TABLE criteria ADD COLUMN source_criterion_id TEXT;

-- The last day units and staff register for a plan's year, and an officer's reopening.
CREATE TABLE registration_deadlines (
    plan_id        TEXT NOT NULL REFERENCES plans (id),
    year           INTEGER NOT NULL,
    closes_on      DATE NOT NULL,
    reopened_until DATE,
    reopen_reason  TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, year)
);

-- The subject is an org unit (collective) or a staff member (individual); org_unit_id is
-- the subject's unit either way (a staff member's current unit), which decides who sees it.
CREATE TABLE registrations (
    id            TEXT PRIMARY KEY NOT NULL,
    plan_id       TEXT NOT NULL REFERENCES plans (id),
    year          INTEGER NOT NULL,
    subject       TEXT NOT NULL,
    org_unit_id   TEXT NOT NULL REFERENCES org_units (id),
    staff_id      TEXT REFERENCES staff (id),
    titles        TEXT NOT NULL,
    note          TEXT,
    status        TEXT NOT NULL,
    registered_by TEXT REFERENCES users (id),
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX registrations_unit ON registrations (plan_id, year, org_unit_id) WHERE staff_id IS NULL;
CREATE UNIQUE INDEX registrations_staff ON registrations (plan_id, year, staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX registrations_org_unit_id ON registrations (org_unit_id);
CREATE INDEX registrations_updated_at ON registrations (updated_at);

CREATE TABLE evidence (
    id             TEXT PRIMARY KEY NOT NULL,
    criterion_id   TEXT NOT NULL REFERENCES criteria (id),
    plan_id        TEXT NOT NULL REFERENCES plans (id),
    year           INTEGER NOT NULL,
    subject        TEXT NOT NULL,
    org_unit_id    TEXT NOT NULL REFERENCES org_units (id),
    staff_id       TEXT REFERENCES staff (id),
    value          DOUBLE PRECISION,
    -- The day the value describes, which staleness is measured from.
    as_of          DATE NOT NULL,
    description    TEXT,
    -- One URL per line.
    links          TEXT NOT NULL,
    search_text    TEXT NOT NULL,
    self_score     DOUBLE PRECISION,
    reviewed_score DOUBLE PRECISION,
    status         TEXT NOT NULL,
    source         TEXT NOT NULL,
    created_by     TEXT REFERENCES users (id),
    submitted_at   TIMESTAMP,
    reviewed_by    TEXT REFERENCES users (id),
    reviewed_at    TIMESTAMP,
    review_note    TEXT,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE INDEX evidence_plan_year ON evidence (plan_id, year);
CREATE INDEX evidence_criterion_id ON evidence (criterion_id);
CREATE INDEX evidence_org_unit_id ON evidence (org_unit_id);
CREATE INDEX evidence_staff_id ON evidence (staff_id);
CREATE INDEX evidence_updated_at ON evidence (updated_at);

-- Every status change of a piece of evidence, with who made it and why.
CREATE TABLE evidence_history (
    id          TEXT PRIMARY KEY NOT NULL,
    evidence_id TEXT NOT NULL REFERENCES evidence (id),
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT REFERENCES users (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX evidence_history_evidence_id ON evidence_history (evidence_id);

-- File contents, stored once under the data directory by their SHA-256.
CREATE TABLE stored_files (
    sha256       TEXT PRIMARY KEY NOT NULL,
    size         BIGINT NOT NULL,
    content_type TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE evidence_files (
    id           TEXT PRIMARY KEY NOT NULL,
    evidence_id  TEXT NOT NULL REFERENCES evidence (id),
    sha256       TEXT NOT NULL REFERENCES stored_files (sha256),
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    added_by     TEXT REFERENCES users (id),
    added_at     TIMESTAMP NOT NULL
);
CREATE INDEX evidence_files_evidence_id ON evidence_files (evidence_id);
CREATE INDEX evidence_files_sha256 ON evidence_files (sha256);

-- Completed courses (Bình dân học vụ số), each recorded once as approved evidence.
CREATE TABLE learning_records (
    id              TEXT PRIMARY KEY NOT NULL,
    staff_id        TEXT NOT NULL REFERENCES staff (id),
    criterion_id    TEXT NOT NULL REFERENCES criteria (id),
    course_code     TEXT NOT NULL,
    course_title    TEXT,
    completed_on    DATE NOT NULL,
    certificate_id  TEXT,
    certificate_url TEXT,
    evidence_id     TEXT NOT NULL REFERENCES evidence (id),
    imported_by     TEXT REFERENCES users (id),
    created_at      TIMESTAMP NOT NULL,
    UNIQUE (criterion_id, staff_id, course_code, completed_on)
);
CREATE INDEX learning_records_staff_id ON learning_records (staff_id);

-- Khối / cụm thi đua: units that emulate together, kept by the officers of owner_id.
CREATE TABLE blocs (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    search_text TEXT NOT NULL,
    name_sort   TEXT NOT NULL,
    description TEXT,
    owner_id    TEXT NOT NULL REFERENCES org_units (id),
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX blocs_owner_id ON blocs (owner_id);
CREATE INDEX blocs_updated_at ON blocs (updated_at);

CREATE TABLE bloc_members (
    bloc_id     TEXT NOT NULL REFERENCES blocs (id),
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    PRIMARY KEY (bloc_id, org_unit_id)
);
CREATE INDEX bloc_members_org_unit_id ON bloc_members (org_unit_id);
