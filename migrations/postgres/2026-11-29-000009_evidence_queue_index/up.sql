-- A review queue or a unit's list filters by plan, year, status and subject and reads
-- newest first: this index answers the page from its first entries and counts from the
-- index alone. Its first two columns serve what (plan_id, year) served.
CREATE INDEX evidence_queue ON evidence (plan_id, year, status, subject, created_at, id);
DROP INDEX evidence_plan_year;
