-- Movements, legal documents, plans with their parts, and criteria (with amendments).

CREATE TABLE legal_documents (
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
CREATE INDEX legal_documents_updated_at ON legal_documents (updated_at);

CREATE TABLE movements (
    id              TEXT PRIMARY KEY NOT NULL,
    name            TEXT NOT NULL,
    short_name      TEXT,
    description     TEXT,
    search_text     TEXT NOT NULL,
    name_sort       TEXT NOT NULL,
    level           TEXT NOT NULL,
    kind            TEXT NOT NULL,
    launched_by_id  TEXT REFERENCES org_units (id),
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL,
    status          TEXT NOT NULL,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX movements_updated_at ON movements (updated_at);

CREATE TABLE plans (
    id                     TEXT PRIMARY KEY NOT NULL,
    number                 TEXT,
    issued_on              DATE,
    issuer_id              TEXT NOT NULL REFERENCES org_units (id),
    title                  TEXT NOT NULL,
    search_text            TEXT NOT NULL,
    signer_name            TEXT,
    signer_title           TEXT,
    status                 TEXT NOT NULL,
    -- The yearly report deadline, as a rule: day and month (e.g. 15 November).
    report_month           INTEGER,
    report_day             INTEGER,
    report_to              TEXT,
    report_note            TEXT,
    version                BIGINT NOT NULL DEFAULT 1,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX plans_issuer_id ON plans (issuer_id);
CREATE INDEX plans_updated_at ON plans (updated_at);

CREATE TABLE plan_movements (
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    movement_id TEXT NOT NULL REFERENCES movements (id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (plan_id, movement_id)
);
CREATE INDEX plan_movements_movement_id ON plan_movements (movement_id);

CREATE TABLE plan_legal_bases (
    plan_id           TEXT NOT NULL REFERENCES plans (id),
    legal_document_id TEXT NOT NULL REFERENCES legal_documents (id),
    position          INTEGER NOT NULL,
    PRIMARY KEY (plan_id, legal_document_id)
);

-- Ordered text items of a plan: purposes, requirements, contents, solutions, recipients.
CREATE TABLE plan_items (
    plan_id  TEXT NOT NULL REFERENCES plans (id),
    section  TEXT NOT NULL,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,
    PRIMARY KEY (plan_id, section, position)
);

CREATE TABLE plan_phases (
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    review      TEXT,
    review_year INTEGER,
    PRIMARY KEY (plan_id, position)
);

CREATE TABLE plan_award_forms (
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    position    INTEGER NOT NULL,
    occasion    TEXT NOT NULL,
    title       TEXT NOT NULL,
    subject     TEXT NOT NULL,
    description TEXT,
    PRIMARY KEY (plan_id, position)
);

CREATE TABLE plan_responsibilities (
    plan_id     TEXT NOT NULL REFERENCES plans (id),
    position    INTEGER NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    role        TEXT NOT NULL,
    task        TEXT NOT NULL,
    PRIMARY KEY (plan_id, position)
);

CREATE TABLE criteria (
    id                TEXT PRIMARY KEY NOT NULL,
    plan_id           TEXT NOT NULL REFERENCES plans (id),
    subject           TEXT NOT NULL,
    code              TEXT NOT NULL,
    position          INTEGER NOT NULL,
    title             TEXT NOT NULL,
    search_text       TEXT NOT NULL,
    description       TEXT,
    measure           TEXT NOT NULL,
    target            DOUBLE PRECISION,
    unit              TEXT,
    max_points        DOUBLE PRECISION NOT NULL,
    evidence_expected TEXT,
    -- 1-based number of the plan's content item this criterion measures.
    content_no        INTEGER,
    -- Amendments: the version this one replaced, and the one that replaced it.
    supersedes_id     TEXT REFERENCES criteria (id),
    superseded_by_id  TEXT REFERENCES criteria (id),
    amendment_reason  TEXT,
    current           BOOLEAN NOT NULL DEFAULT 1,
    version           BIGINT NOT NULL DEFAULT 1,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
CREATE INDEX criteria_plan_id ON criteria (plan_id);
CREATE INDEX criteria_updated_at ON criteria (updated_at);
