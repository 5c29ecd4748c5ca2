-- A review queue or a unit's list filters by plan, year and status and reads newest first:
-- this index answers the page from its first entries and counts without a sort. Its
-- first two columns serve what (plan_id, year) served.
CREATE INDEX evidence_queue ON evidence (plan_id, year, status, created_at, id);
DROP INDEX evidence_plan_year;
