-- The yearly report of a plan over the whole province, as plain SQL: the same figures
-- domain::reports::yearly computes (the scoring board's evidence folded per subject and
-- criterion, registrations, evidence by unit and status, learning by unit, headcounts,
-- nominations and awards by type). :PLAN, :YEAR and :ROOT are replaced by bench/run.sh.
SELECT criterion_id, org_unit_id, staff_id, count(*), max(value), max(as_of),
       sum(CASE WHEN status = 'approved' THEN 1 ELSE 0 END)
  FROM evidence WHERE plan_id = ':PLAN' AND year = :YEAR AND status <> 'withdrawn'
 GROUP BY criterion_id, org_unit_id, staff_id;
SELECT r.subject, r.status, count(*) FROM registrations r JOIN org_units u ON u.id = r.org_unit_id
 WHERE r.plan_id = ':PLAN' AND r.year = :YEAR AND u.path LIKE ':ROOT%' GROUP BY r.subject, r.status;
SELECT e.org_unit_id, e.status, count(*) FROM evidence e JOIN org_units u ON u.id = e.org_unit_id
 WHERE e.plan_id = ':PLAN' AND e.year = :YEAR AND u.path LIKE ':ROOT%' GROUP BY e.org_unit_id, e.status;
SELECT s.org_unit_id, count(DISTINCT l.staff_id), count(*) FROM learning_records l
  JOIN staff s ON s.id = l.staff_id JOIN org_units u ON u.id = s.org_unit_id
 WHERE l.completed_on BETWEEN ':YEAR-01-01' AND ':YEAR-12-31' AND u.path LIKE ':ROOT%'
   AND l.criterion_id IN (SELECT id FROM criteria WHERE plan_id = ':PLAN') GROUP BY s.org_unit_id;
SELECT s.org_unit_id, count(*) FROM staff s JOIN org_units u ON u.id = s.org_unit_id
 WHERE s.active AND u.path LIKE ':ROOT%' GROUP BY s.org_unit_id;
SELECT n.award_type_id, n.status, count(*) FROM nominations n JOIN org_units u ON u.id = n.nominee_unit_id
 WHERE n.year = :YEAR AND u.path LIKE ':ROOT%' GROUP BY n.award_type_id, n.status;
SELECT a.award_type_id, count(*), sum(a.cash_amount) FROM awards a
  JOIN award_decisions d ON d.id = a.decision_id JOIN org_units u ON u.id = a.subject_unit_id
 WHERE a.year = :YEAR AND a.status = 'active' AND d.status = 'active' AND u.path LIKE ':ROOT%'
 GROUP BY a.award_type_id;
