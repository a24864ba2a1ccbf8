-- 009 operations: what /metrics, `civicq top` and the dashboard read besides the queue and
-- the rollups.

-- Worker processes, each refreshing its own row every few seconds (JobWorker's presence
-- loop) and deleting it when it stops cleanly. A row not refreshed for 30 s is a worker that
-- died; rows an hour stale are pruned by any worker.
CREATE TABLE workers (
    id           text PRIMARY KEY,
    host         text NOT NULL,
    pid          integer NOT NULL,
    queues       text[] NOT NULL,
    concurrency  integer NOT NULL,
    running      integer NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT now(),
    seen_at      timestamptz NOT NULL DEFAULT now()
);

-- Open cases past a deadline, by lead department (overdue by department on /metrics, top
-- and the dashboard): a small index, whatever the size of the history.
CREATE INDEX cases_overdue_idx ON cases (lead_department)
    WHERE (response_overdue OR resolution_overdue)
      AND state IN ('received', 'dispatched', 'accepted', 'returned', 'reopened', 'manual_dispatch');

-- Keys for the read-only dashboard (`civicq keys create --source office --scope dashboard:read`).
ALTER TABLE api_keys DROP CONSTRAINT api_keys_scopes_check;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_scopes_check
    CHECK (scopes <@ ARRAY['cases:write', 'cases:read', 'callbacks:write', 'open311:write', 'dashboard:read']);
