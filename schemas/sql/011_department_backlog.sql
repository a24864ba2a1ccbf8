-- 011: open cases by lead department (the backlog on /metrics, the dashboard and top), from
-- a small index: only open cases are in it, whatever the size of the history.
CREATE INDEX cases_open_department_idx ON cases (lead_department)
    WHERE state IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'manual_dispatch');
