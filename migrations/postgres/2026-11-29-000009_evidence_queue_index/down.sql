CREATE INDEX evidence_plan_year ON evidence (plan_id, year);
DROP INDEX evidence_queue;
