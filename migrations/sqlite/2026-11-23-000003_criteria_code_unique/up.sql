-- One current criterion per code and plan, even when two requests race (PostgreSQL reads committed).
CREATE UNIQUE INDEX criteria_current_code ON criteria (plan_id, code) WHERE current;
