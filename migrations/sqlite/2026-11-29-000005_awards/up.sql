-- Awards: the catalogue and its rule sets, the calendar, initiatives, discipline,
-- nominations up the hierarchy, councils with secret ballots, public disclosure,
-- decisions and the awards they grant.

-- Danh hiệu thi đua and hình thức khen thưởng. Their rules live in rule_sets.
CREATE TABLE award_types (
    id                 TEXT PRIMARY KEY NOT NULL,
    code               TEXT NOT NULL UNIQUE,
    name               TEXT NOT NULL,
    name_search        TEXT NOT NULL,
    kind               TEXT NOT NULL,
    subject            TEXT NOT NULL,
    level              TEXT NOT NULL,
    authority          TEXT NOT NULL,
    -- JSON array of occasions (annual, interim, final, thematic, ad_hoc).
    occasions          TEXT NOT NULL,
    -- Multiple of the base salary, in hundredths (4.5 → 450), so money stays exact.
    cash_multiplier    INTEGER NOT NULL,
    -- Collectives receive twice the amount (Huân chương, Bằng khen, Giấy khen).
    collective_doubles BOOLEAN NOT NULL,
    -- Higher ranks are higher awards (for "only the highest is paid" and sorting).
    rank               INTEGER NOT NULL,
    active             BOOLEAN NOT NULL DEFAULT 1,
    version            BIGINT NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- A versioned set of rules per award type (JSON keyed by award type code), valid for a
-- period, from a legal source. org_unit_id NULL: national; otherwise a province's override.
CREATE TABLE rule_sets (
    id           TEXT PRIMARY KEY NOT NULL,
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    legal_source TEXT NOT NULL,
    valid_from   DATE NOT NULL,
    valid_to     DATE,
    org_unit_id  TEXT REFERENCES org_units (id),
    rules        TEXT NOT NULL,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

-- Public holidays; weekends are not listed. Working-day deadlines are counted over both.
CREATE TABLE holidays (
    day        DATE PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Lương cơ sở, in VND, from the day it applies.
CREATE TABLE base_salaries (
    valid_from   DATE PRIMARY KEY NOT NULL,
    amount       BIGINT NOT NULL,
    legal_source TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- Sáng kiến and who wrote them.
CREATE TABLE initiatives (
    id              TEXT PRIMARY KEY NOT NULL,
    title           TEXT NOT NULL,
    title_search    TEXT NOT NULL,
    org_unit_id     TEXT NOT NULL REFERENCES org_units (id),
    scope           TEXT NOT NULL,
    recognised_by   TEXT NOT NULL,
    document_number TEXT NOT NULL,
    recognised_on   DATE NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT 1,
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX initiatives_org_unit_id ON initiatives (org_unit_id);

CREATE TABLE initiative_authors (
    initiative_id TEXT NOT NULL REFERENCES initiatives (id),
    staff_id      TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (initiative_id, staff_id)
);
CREATE INDEX initiative_authors_staff_id ON initiative_authors (staff_id);

-- Kỷ luật: no award while it runs; achievements count only from its end.
CREATE TABLE disciplines (
    id          TEXT PRIMARY KEY NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    level       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    starts_on   DATE NOT NULL,
    ends_on     DATE,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX disciplines_staff_id ON disciplines (staff_id);

-- Đề nghị khen thưởng. The nominee is a staff member or an org unit; nominee_unit_id is
-- the nominee's unit (the unit itself for a collective). current_unit_id is the level
-- that must act next while the nomination goes up; granting_unit_id the level that grants.
CREATE TABLE nominations (
    id               TEXT PRIMARY KEY NOT NULL,
    award_type_id    TEXT NOT NULL REFERENCES award_types (id),
    staff_id         TEXT REFERENCES staff (id),
    nominee_unit_id  TEXT NOT NULL REFERENCES org_units (id),
    plan_id          TEXT REFERENCES plans (id),
    movement_id      TEXT REFERENCES movements (id),
    year             INTEGER NOT NULL,
    occasion         TEXT NOT NULL,
    period_from      DATE NOT NULL,
    period_to        DATE NOT NULL,
    summary          TEXT NOT NULL,
    search_text      TEXT NOT NULL,
    proposer_unit_id TEXT NOT NULL REFERENCES org_units (id),
    current_unit_id  TEXT REFERENCES org_units (id),
    granting_unit_id TEXT NOT NULL REFERENCES org_units (id),
    status           TEXT NOT NULL,
    created_by       TEXT REFERENCES users (id),
    version          BIGINT NOT NULL DEFAULT 1,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX nominations_nominee_unit_id ON nominations (nominee_unit_id);
CREATE INDEX nominations_proposer_unit_id ON nominations (proposer_unit_id);
CREATE INDEX nominations_staff_id ON nominations (staff_id);
CREATE INDEX nominations_updated_at ON nominations (updated_at);

-- Every step of a nomination: who did what at which level, and why.
CREATE TABLE nomination_steps (
    id            TEXT PRIMARY KEY NOT NULL,
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    unit_id       TEXT REFERENCES org_units (id),
    action        TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT,
    actor_id      TEXT REFERENCES users (id),
    at            TIMESTAMP NOT NULL
);
CREATE INDEX nomination_steps_nomination_id ON nomination_steps (nomination_id);

-- The dossier (hồ sơ), in the same file store as evidence.
CREATE TABLE nomination_files (
    id            TEXT PRIMARY KEY NOT NULL,
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    sha256        TEXT NOT NULL REFERENCES stored_files (sha256),
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size          BIGINT NOT NULL,
    added_by      TEXT REFERENCES users (id),
    added_at      TIMESTAMP NOT NULL
);
CREATE INDEX nomination_files_nomination_id ON nomination_files (nomination_id);

-- Hội đồng Thi đua – Khen thưởng of a unit, and its members (accounts).
CREATE TABLE councils (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    org_unit_id TEXT NOT NULL REFERENCES org_units (id),
    active      BOOLEAN NOT NULL DEFAULT 1,
    version     BIGINT NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE council_members (
    council_id TEXT NOT NULL REFERENCES councils (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    position   TEXT NOT NULL,
    PRIMARY KEY (council_id, user_id)
);

-- A meeting. members_total is the membership counted when it opened: thresholds are over
-- all members, not those present.
CREATE TABLE council_sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    council_id    TEXT NOT NULL REFERENCES councils (id),
    title         TEXT NOT NULL,
    meets_on      DATE NOT NULL,
    quorum        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    members_total INTEGER,
    opened_at     TIMESTAMP,
    closed_at     TIMESTAMP,
    version       BIGINT NOT NULL DEFAULT 1,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX council_sessions_council_id ON council_sessions (council_id);

CREATE TABLE session_attendance (
    session_id TEXT NOT NULL REFERENCES council_sessions (id),
    user_id    TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, user_id)
);

-- The nominations put to a session, with the secret tally: counts only, never who chose
-- what. outcome is set when the session closes.
CREATE TABLE session_nominations (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    agree         INTEGER NOT NULL DEFAULT 0,
    disagree      INTEGER NOT NULL DEFAULT 0,
    abstain       INTEGER NOT NULL DEFAULT 0,
    outcome       TEXT,
    PRIMARY KEY (session_id, nomination_id)
);

-- That a member voted on a nomination (one vote each), without the choice.
CREATE TABLE ballot_receipts (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (session_id, nomination_id, user_id)
);

CREATE TABLE recusals (
    session_id    TEXT NOT NULL REFERENCES council_sessions (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    user_id       TEXT NOT NULL REFERENCES users (id),
    reason        TEXT NOT NULL,
    at            TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, nomination_id, user_id)
);

-- Công khai: candidates published for a period of working days, and the public's feedback.
CREATE TABLE disclosures (
    id           TEXT PRIMARY KEY NOT NULL,
    title        TEXT NOT NULL,
    org_unit_id  TEXT NOT NULL REFERENCES org_units (id),
    starts_on    DATE NOT NULL,
    ends_on      DATE NOT NULL,
    working_days INTEGER NOT NULL,
    created_by   TEXT REFERENCES users (id),
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL
);

CREATE TABLE disclosure_nominations (
    disclosure_id TEXT NOT NULL REFERENCES disclosures (id),
    nomination_id TEXT NOT NULL REFERENCES nominations (id),
    PRIMARY KEY (disclosure_id, nomination_id)
);
CREATE INDEX disclosure_nominations_nomination_id ON disclosure_nominations (nomination_id);

CREATE TABLE disclosure_feedback (
    id            TEXT PRIMARY KEY NOT NULL,
    disclosure_id TEXT NOT NULL REFERENCES disclosures (id),
    nomination_id TEXT REFERENCES nominations (id),
    author_name   TEXT,
    contact       TEXT,
    content       TEXT NOT NULL,
    received_at   TIMESTAMP NOT NULL
);
CREATE INDEX disclosure_feedback_disclosure_id ON disclosure_feedback (disclosure_id);

-- Quyết định khen thưởng. The achievement period is what later intervals count from.
CREATE TABLE award_decisions (
    id             TEXT PRIMARY KEY NOT NULL,
    number         TEXT NOT NULL,
    decided_on     DATE NOT NULL,
    signer         TEXT NOT NULL,
    authority      TEXT NOT NULL,
    org_unit_id    TEXT NOT NULL REFERENCES org_units (id),
    award_year     INTEGER NOT NULL,
    period_from    DATE NOT NULL,
    period_to      DATE NOT NULL,
    occasion       TEXT NOT NULL,
    status         TEXT NOT NULL,
    revoked_reason TEXT,
    revoked_at     TIMESTAMP,
    version        BIGINT NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX award_decisions_number ON award_decisions (org_unit_id, number);

-- What a decision grants to one subject. subject_unit_id decides who sees it.
CREATE TABLE awards (
    id              TEXT PRIMARY KEY NOT NULL,
    decision_id     TEXT NOT NULL REFERENCES award_decisions (id),
    nomination_id   TEXT REFERENCES nominations (id),
    award_type_id   TEXT NOT NULL REFERENCES award_types (id),
    staff_id        TEXT REFERENCES staff (id),
    subject_unit_id TEXT NOT NULL REFERENCES org_units (id),
    recipient_name  TEXT NOT NULL,
    name_search     TEXT NOT NULL,
    year            INTEGER NOT NULL,
    period_from     DATE NOT NULL,
    period_to       DATE NOT NULL,
    occasion        TEXT NOT NULL,
    cash_amount     BIGINT NOT NULL,
    status          TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX awards_decision_id ON awards (decision_id);
CREATE INDEX awards_staff_id ON awards (staff_id);
CREATE INDEX awards_subject_unit_id ON awards (subject_unit_id);
