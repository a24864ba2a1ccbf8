-- 002 job queue: one hot table of jobs, counters for throughput, and optional history.
--
-- States:
--   scheduled  run_at is in the future (a clock, a retry backoff, a snooze)
--   available  due; workers claim these, ordered by (priority, run_at, id)
--   running    claimed; lease_until says until when the worker holds it
--   dead       failed max_attempts times (or permanently); kept until retried or discarded
--   cancelled  cancelled by an operator; kept for the record, pruned after a while
-- Completed jobs are deleted from this table at once (and copied to job_history only when
-- a worker is configured to keep history).

CREATE TYPE job_state AS ENUM ('scheduled', 'available', 'running', 'dead', 'cancelled');

CREATE TABLE jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    queue         text NOT NULL DEFAULT 'default' CHECK (queue <> '' AND length(queue) <= 64),
    kind          text NOT NULL CHECK (kind <> '' AND length(kind) <= 128),
    state         job_state NOT NULL DEFAULT 'available',
    priority      smallint NOT NULL DEFAULT 0,
    run_at        timestamptz NOT NULL DEFAULT now(),
    attempt       integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts  integer NOT NULL DEFAULT 20 CHECK (max_attempts >= 1),
    payload       jsonb NOT NULL DEFAULT '{}',
    unique_key    text,
    locked_by     text,
    lease_until   timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    attempted_at  timestamptz,
    finished_at   timestamptz,
    CHECK ((state = 'running') = (lease_until IS NOT NULL))
) WITH (
    -- Rows are short-lived: leave room for HOT updates, and vacuum early and without delay.
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 2000,
    autovacuum_vacuum_insert_scale_factor = 0,
    autovacuum_vacuum_insert_threshold = 10000,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_analyze_scale_factor = 0.05
);

-- The claim: WHERE state = 'available' AND queue = $1 ORDER BY priority, run_at, id.
CREATE INDEX jobs_claim_idx ON jobs (queue, priority, run_at, id) WHERE state = 'available';
-- Staging scheduled jobs when they fall due.
CREATE INDEX jobs_scheduled_idx ON jobs (run_at) WHERE state = 'scheduled';
-- Rescuing jobs whose worker stopped renewing its lease.
CREATE INDEX jobs_lease_idx ON jobs (lease_until) WHERE state = 'running';
-- Listing and pruning dead and cancelled jobs.
CREATE INDEX jobs_finished_idx ON jobs (state, finished_at) WHERE state IN ('dead', 'cancelled');
-- One live job per unique key: enforced by the index, not by a check-then-insert.
CREATE UNIQUE INDEX jobs_unique_key_idx ON jobs (unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running');

-- Per-minute counts of outcomes, one row per worker process and queue (no shared hot row).
CREATE TABLE job_throughput (
    minute     timestamptz NOT NULL,
    queue      text NOT NULL,
    worker     text NOT NULL,
    completed  bigint NOT NULL DEFAULT 0,
    failed     bigint NOT NULL DEFAULT 0,
    dead       bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (minute, queue, worker)
);

-- Completed jobs, when a worker keeps history (off by default); pruned in bounded batches.
CREATE TABLE job_history (
    id            bigint PRIMARY KEY,
    queue         text NOT NULL,
    kind          text NOT NULL,
    attempt       integer NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    finished_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_history_finished_idx ON job_history (finished_at);
