-- 019 job queue: the one way into `jobs` (and the workers' presence table). Every enqueue, from Swift (JobStore.enqueue) or from
-- another migration's SQL, goes through jobs_enqueue: the job-state rule (scheduled when
-- run_at is ahead, else available), the unique-key rule (one live job per key, the same
-- predicate as jobs_unique_key_idx) and the wake-up are written here once.

-- Worker processes, each refreshing its own row every few seconds (JobWorker's presence
-- loop) and deleting it when it stops cleanly; rows an hour stale are pruned by any worker.
-- civicq's migration 009 made this table before the queue owned its storage; a schema with
-- the queue alone gets it here, with the same columns.
CREATE TABLE IF NOT EXISTS workers (
    id           text PRIMARY KEY,
    host         text NOT NULL,
    pid          integer NOT NULL,
    queues       text[] NOT NULL,
    concurrency  integer NOT NULL,
    running      integer NOT NULL DEFAULT 0,
    started_at   timestamptz NOT NULL DEFAULT now(),
    seen_at      timestamptz NOT NULL DEFAULT now()
);

-- The NOTIFY channel workers listen on: `<schema>.jobs`, cut to PostgreSQL's 63 bytes. Fixed
-- when the migration runs, so it does not depend on the caller's search_path. JobStore.channel
-- is the Swift side; a test checks that the two agree.
DO $$
BEGIN
    EXECUTE format('CREATE FUNCTION job_channel() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L',
                   format('SELECT %L::text', left(current_schema() || '.jobs', 63)));
END $$;

-- One job to enqueue; NULL fields take the table's defaults (queue 'default', payload {},
-- priority 0, run_at now, 20 attempts, no unique key).
CREATE TYPE job_request AS (
    queue        text,
    kind         text,
    payload      jsonb,
    priority     smallint,
    run_at       timestamptz,
    max_attempts integer,
    unique_key   text
);

-- Enqueues a batch in one statement and returns one row per request, in order: the job's id,
-- and whether it is new (false: the live job with the same unique key, which it returns
-- instead). A unique key may occur once per batch. With p_wake, the queues that received a
-- job due now are notified (once each, at commit).
CREATE FUNCTION jobs_enqueue(p_jobs job_request[], p_wake boolean DEFAULT true)
RETURNS TABLE (id bigint, inserted boolean) LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    woken text[];
BEGIN
    RETURN QUERY
    WITH ins AS (
        INSERT INTO jobs AS j (queue, kind, payload, priority, run_at, max_attempts, unique_key, state)
        SELECT coalesce(r.queue, 'default'), r.kind, coalesce(r.payload, '{}'), coalesce(r.priority, 0),
               coalesce(r.run_at, now()), coalesce(r.max_attempts, 20), r.unique_key,
               (CASE WHEN coalesce(r.run_at, now()) > now() THEN 'scheduled' ELSE 'available' END)::job_state
        FROM unnest(p_jobs) WITH ORDINALITY AS r(queue, kind, payload, priority, run_at, max_attempts, unique_key, n)
        ORDER BY r.n
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND state IN ('scheduled', 'available', 'running')
        DO UPDATE SET unique_key = excluded.unique_key
        RETURNING j.id, (j.xmax = 0) AS inserted
    )
    SELECT ins.id, ins.inserted FROM ins;
    IF p_wake THEN
        SELECT array_agg(DISTINCT coalesce(r.queue, 'default')) INTO woken
        FROM unnest(p_jobs) AS r WHERE coalesce(r.run_at, now()) <= now();
        PERFORM pg_notify(job_channel(), q) FROM unnest(woken) AS q;
    END IF;
END $$;

-- One job: jobs_enqueue of a batch of one. Returns its id (or the live one with its key).
CREATE FUNCTION job_enqueue(
    p_kind text, p_payload jsonb DEFAULT '{}', p_queue text DEFAULT 'default', p_run_at timestamptz DEFAULT NULL,
    p_unique_key text DEFAULT NULL, p_max_attempts integer DEFAULT 20, p_priority smallint DEFAULT 0
) RETURNS bigint LANGUAGE sql SET search_path FROM CURRENT AS $$
    SELECT e.id FROM jobs_enqueue(ARRAY[ROW(p_queue, p_kind, p_payload, p_priority, p_run_at, p_max_attempts, p_unique_key)::job_request]) AS e
$$;

-- Both search this schema (then pg_temp) whatever the caller's search_path: JobStore calls them
-- by qualified name from connections that search elsewhere. Neither is SECURITY DEFINER: they run with the caller's rights, so whoever may INSERT into
-- jobs may call them, and nobody else gets anything from them.
