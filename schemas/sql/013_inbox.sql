-- 013 inbox: a department's inbox read in deadline order from an index, so it costs the same
-- with 50 open cases or 5,000 and with any history. The lead cases come from
-- cases_open_lead_due_idx in the order the inbox shows them (the deadline that matters now:
-- response until accepted, then resolution), the assisting tasks from their own small index.
-- The first index also serves the backlog by department (011's, which it replaces).
DROP INDEX cases_open_department_idx;
CREATE INDEX cases_open_lead_due_idx ON cases
    (lead_department, (CASE WHEN accepted_at IS NULL THEN response_due ELSE resolution_due END), id)
    WHERE state IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'manual_dispatch');
CREATE INDEX case_tasks_open_assist_idx ON case_tasks (department_code, case_id)
    WHERE state IN ('pending', 'accepted') AND role = 'assist';
